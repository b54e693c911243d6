import { describe, expect, it } from 'vitest';
import {
  documentNamedIn,
  emptyDraft,
  envelopeForm,
  generateAccessCode,
  move,
  parseAmount,
  validateDraft,
  type DraftDocument,
  type DraftRecipient,
  type EnvelopeDraft,
} from '../../extension/console/clerk/envelope-draft';
import { emptySearch, searchQuery } from '../../extension/console/clerk/search-query';

const A4 = { viewBox: [0, 0, 595.3, 841.89] as [number, number, number, number], rotate: 0 };

function doc(key: string, name: string, pages = 2, check: DraftDocument['check'] = 'ok'): DraftDocument {
  const file = new File([new Uint8Array([37, 80, 68, 70])], name, { type: 'application/pdf' });
  return { key, file, name, size: file.size, pages: check === 'ok' ? Array.from({ length: pages }, () => A4) : null, check, problem: null };
}

const signer = (key: string, email: string, extra: Partial<DraftRecipient> = {}): DraftRecipient => ({ key, name: `署名者 ${key}`, email, role: 'signer', language: 'ja', accessCode: '2580', ...extra });

function good(): EnvelopeDraft {
  return {
    ...emptyDraft(),
    title: ' 業務委託契約書 ',
    message: 'ご確認ください',
    transactionDate: '2026-11-20',
    counterparty: '株式会社テスト',
    amount: '１，１００，０００円',
    managementNumber: 'K-2026-001',
    documents: [doc('d1', 'gyomu-itaku.pdf'), doc('d2', 'ukesho.pdf', 1)],
    recipients: [signer('r1', 'Vendor@Example.JP'), { key: 'r2', name: '経理', email: 'keiri@city.example.lg.jp', role: 'cc', language: 'en', accessCode: '9999' }, signer('r3', 'mayor@city.example.lg.jp')],
    fields: [{ key: 'f1', document: 'd2', recipient: 'r3', label: '署名日', type: 'date', required: true, page: 1, rect: { x: 400, y: 100, width: 120, height: 20 } }],
  };
}

const at = (d: EnvelopeDraft) => {
  const r = validateDraft(d);
  return r.ok ? [] : r.problems.map((p) => p.at);
};

describe('the new-envelope form check', () => {
  it('turns a good draft into the EnvelopeInput the server takes: indexes by order, trimmed, send right away', () => {
    const r = validateDraft(good());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input).toMatchObject({
      title: '業務委託契約書',
      transactionDate: '2026-11-20',
      counterparty: '株式会社テスト',
      amount: 1100000,
      managementNumber: 'K-2026-001',
      send: true,
      recipients: [
        { email: 'vendor@example.jp', role: 'signer', accessCode: '2580' },
        { email: 'keiri@city.example.lg.jp', role: 'cc', language: 'en' },
        { email: 'mayor@city.example.lg.jp', role: 'signer' },
      ],
      fields: [{ document: 1, recipient: 2, label: '署名日', type: 'date', page: 1, rect: { x: 400, y: 100, width: 120, height: 20 } }],
    });
    // A copy recipient opens no link: no access code goes to the server for them.
    expect(r.input.recipients[1]).not.toHaveProperty('accessCode');
  });

  it('follows the recipients when the clerk reorders them', () => {
    const d = good();
    d.recipients = move(d.recipients, 2, -1);
    const r = validateDraft(d);
    expect(r.ok && r.input.fields[0].recipient).toBe(1);
  });

  it('leaves empty bookkeeping keys null', () => {
    const r = validateDraft({ ...good(), transactionDate: '', counterparty: ' ', amount: '', managementNumber: '' });
    expect(r.ok && [r.input.transactionDate, r.input.counterparty, r.input.amount, r.input.managementNumber]).toEqual([null, null, null, null]);
  });

  it('puts each problem where it belongs', () => {
    const d = good();
    d.title = '  ';
    d.amount = '百万円';
    d.recipients[0] = { ...d.recipients[0], name: '', email: 'not-an-address', accessCode: '12' };
    d.fields[0] = { ...d.fields[0], label: '', recipient: 'r2' };
    expect(at(d).sort()).toEqual(['amount', 'field:f1:label', 'field:f1:recipient', 'recipient:r1:accessCode', 'recipient:r1:email', 'recipient:r1:name', 'title']);
  });

  it('asks for documents, recipients and a signer', () => {
    expect(at({ ...good(), documents: [], fields: [], recipients: [] })).toEqual(['documents', 'recipients']);
    const onlyCc = good();
    onlyCc.recipients = [onlyCc.recipients[1]];
    onlyCc.fields = [];
    expect(at(onlyCc)).toEqual(['recipients']);
  });

  it('waits for PDFs still being checked and refuses ones that failed', () => {
    const d = good();
    d.documents = [doc('d1', 'a.pdf', 1, 'checking'), { ...doc('d2', 'b.pdf', 1, 'bad'), problem: 'PDF ではありません' }];
    d.fields = [];
    expect(at(d)).toEqual(['document:d1', 'document:d2']);
  });

  it('flags the second of two recipients with the same address and role', () => {
    const d = good();
    d.recipients[2] = { ...d.recipients[2], email: ' vendor@example.jp ' };
    expect(at(d)).toEqual(['recipient:r3:email']);
  });

  it('flags a field whose page the document does not have', () => {
    const d = good();
    d.fields[0] = { ...d.fields[0], page: 2 };
    expect(validateDraft(d)).toEqual({ ok: false, problems: [{ at: 'field:f1:page', message: 'console.problem.fieldPage', vars: { pages: 1 } }] });
  });

  it('builds the multipart upload: the envelope JSON and the PDFs in order', async () => {
    const d = good();
    const r = validateDraft(d);
    if (!r.ok) throw new Error('expected a valid draft');
    const form = envelopeForm(r.input, d.documents);
    expect(JSON.parse(form.get('envelope') as string)).toEqual(r.input);
    expect(form.getAll('documents').map((f) => (f as File).name)).toEqual(['gyomu-itaku.pdf', 'ukesho.pdf']);
  });
});

describe('amounts as clerks type them', () => {
  it('reads commas, yen signs, 円 and full-width digits', () => {
    expect(parseAmount('1,100,000')).toBe(1100000);
    expect(parseAmount('￥1,100,000')).toBe(1100000);
    expect(parseAmount('１１０００００円')).toBe(1100000);
    expect(parseAmount('0')).toBe(0);
  });
  it('refuses what is not a number of 0 or more', () => {
    for (const s of ['-5', '1e5', '百万', '12a', '']) expect(parseAmount(s)).toBeNull();
  });
});

describe('the server naming a refused file', () => {
  const docs = [doc('d1', 'keiyaku.pdf'), doc('d2', 'ukesho.pdf')];
  it('finds the file in the Japanese and the English message', () => {
    expect(documentNamedIn('「ukesho.pdf」を受け付けられません: 暗号化されています', docs)).toBe('d2');
    expect(documentNamedIn('"keiyaku.pdf" cannot be accepted: it is encrypted', docs)).toBe('d1');
  });
  it('does not guess when no file or two files of that name match', () => {
    expect(documentNamedIn('大きすぎます: 封筒全体で 100 MB を超えています', docs)).toBeNull();
    expect(documentNamedIn('「ukesho.pdf」を受け付けられません', [...docs, doc('d3', 'ukesho.pdf')])).toBeNull();
  });
});

describe('access codes and order', () => {
  it('generates four digits, evenly (values past the last full 10000 are drawn again)', () => {
    const values = [0xffffffff, 123456789, 7];
    const pick = (a: Uint32Array) => ((a[0] = values.shift()!), a);
    expect(generateAccessCode(pick)).toBe('6789');
    expect(generateAccessCode(pick)).toBe('0007');
    for (let i = 0; i < 50; i++) expect(generateAccessCode()).toMatch(/^\d{4}$/);
  });
  it('moves a recipient up and down, and not past either end', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    const list = ['a', 'b'];
    expect(move(list, 0, -1)).toBe(list);
    expect(move(list, 1, 1)).toBe(list);
  });
});

describe('the bookkeeping search', () => {
  it('sends only the keys filled in, amounts as numbers', () => {
    const r = searchQuery({ ...emptySearch(), counterparty: ' テスト ', amountMin: '1,000,000', amountMax: '１２０００００', status: 'sent' });
    expect(r).toEqual({ ok: true, query: new URLSearchParams({ counterparty: 'テスト', amountMin: '1000000', amountMax: '1200000', status: 'sent' }).toString() });
    expect(searchQuery(emptySearch())).toEqual({ ok: true, query: '' });
  });
  it('refuses reversed ranges and amounts that are not numbers, at the field', () => {
    expect(searchQuery({ ...emptySearch(), amountMin: '5', amountMax: '1' })).toMatchObject({ ok: false, at: 'amountMax' });
    expect(searchQuery({ ...emptySearch(), dateFrom: '2026-12-01', dateTo: '2026-11-01' })).toMatchObject({ ok: false, at: 'dateTo' });
    expect(searchQuery({ ...emptySearch(), amountMin: 'abc' })).toMatchObject({ ok: false, at: 'amountMin', message: 'console.problem.amount' });
  });
});
