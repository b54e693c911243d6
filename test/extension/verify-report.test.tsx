import { readFileSync } from 'node:fs';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { verifyPdf, type VerificationReport } from '../../shared/verify';
import { corpusPath } from '../helpers/shared-dir';
import { ReportPanel } from '../../extension/verify/ReportPanel';
import { verifyTranslator } from '../../extension/verify/messages';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const corpus = (f: string) => new Uint8Array(readFileSync(corpusPath(f)));

async function render(report: VerificationReport, lang: 'ja' | 'en', name = 'contract.pdf') {
  const host = document.createElement('div');
  document.body.replaceChildren(host);
  const root = createRoot(host);
  await act(async () => {
    root.render(<ReportPanel name={name} report={report} revisionEnds={[]} lang={lang} t={verifyTranslator(lang)} loadPrefix={async () => new ArrayBuffer(0)} />);
  });
  return { host, root };
}

/** A report whose signer chains to a trusted root (what the page shows once the root is imported). */
function asTrusted(r: VerificationReport): VerificationReport {
  return { ...r, verdict: 'valid', signatures: r.signatures.map((s) => ({ ...s, trust: 'trusted', problems: s.problems.filter((p) => p.code !== 'trust-unknown') })) };
}

describe('the verify page report panel', () => {
  it('shows a valid signature as Adobe Reader does, in Japanese and in English', async () => {
    const report = asTrusted(await verifyPdf(corpus('dss/pades-bes.pdf')));
    expect(report.signatures[0].integrity).toBe('valid');
    const ja = (await render(report, 'ja')).host;
    const panel = ja.querySelector('[data-testid=verify-result]')!;
    expect(panel.getAttribute('data-verdict')).toBe('valid');
    expect(panel.querySelector('[data-testid=verify-verdict]')!.textContent).toBe('すべての署名は有効です。');
    const revisions = panel.querySelectorAll('[data-testid=verify-revision]');
    expect(revisions).toHaveLength(report.signatures.length);
    expect(revisions[0].querySelector('h3')!.textContent).toBe(`バージョン 2: good-user (Nowina Solutions) による署名`);
    expect(revisions[0].textContent).toContain('署名は有効です。');
    expect(revisions[0].textContent).toContain('この署名が適用されてから文書は変更されていません。');
    expect(revisions[0].textContent).toContain('署名者の身元は有効です');

    const en = (await render(report, 'en')).host;
    const first = en.querySelector('[data-testid=verify-revision]')!;
    expect(first.querySelector('h3')!.textContent).toBe("Version 2: signed by good-user (Nowina Solutions)");
    expect(first.textContent).toContain('The signature is valid.');
    expect(first.textContent).toContain('The document has not been modified since this signature was applied.');
    expect(first.textContent).toMatch(/LTV enabled|Not LTV enabled/);
    expect(en.querySelector('[data-testid=verify-verdict]')!.textContent).toBe('All signatures are valid.');
  });

  it('says when the signer cannot be identified (no trusted root)', async () => {
    const report = await verifyPdf(corpus('dss/pades-bes.pdf'));
    expect(report.verdict).toBe('unknown-trust');
    const host = (await render(report, 'en')).host;
    expect(host.querySelector('[data-testid=verify-result]')!.getAttribute('data-verdict')).toBe('unknown-trust');
    expect(host.textContent).toContain("The signer's identity is unknown (no trusted root).");
    expect(host.textContent).not.toContain("The signer's identity is valid");
  });

  it('shows an invalid signature with the reason from the core, in both languages', async () => {
    const report = await verifyPdf(corpus('pyhanko/coverage-anomalies_tail-uncovered.pdf'));
    expect(report.verdict).toBe('invalid');
    const messages = [...report.problems, ...report.signatures.flatMap((s) => s.problems)].filter((p) => p.severity === 'error');
    expect(messages.length).toBeGreaterThan(0);
    for (const lang of ['ja', 'en'] as const) {
      const host = (await render(report, lang)).host;
      expect(host.querySelector('[data-testid=verify-result]')!.getAttribute('data-verdict')).toBe('invalid');
      expect(host.querySelector('[data-testid=verify-verdict]')!.textContent).toBe(lang === 'ja' ? '無効な署名があります。' : 'At least one signature is invalid.');
      for (const p of messages) expect(host.textContent).toContain(p.message[lang]);
      expect(host.textContent).not.toContain(lang === 'ja' ? '署名は有効です。' : 'The signature is valid.');
    }
  });

  it('lists the changes made after a signature in the details, behind a labelled toggle', async () => {
    const report = await verifyPdf(corpus('dss/pades-signed-annot-added.pdf'));
    const changed = report.signatures.find((s) => s.modificationsAfter.changes.length > 0)!;
    expect(changed).toBeDefined();
    const host = (await render(report, 'ja')).host;
    const entry = [...host.querySelectorAll('[data-testid=verify-revision]')].find((e) => e.getAttribute('data-revision') === String(changed.revision))!;
    expect(entry.textContent).toContain('この署名の後に');
    const toggle = entry.querySelector<HTMLButtonElement>('[data-testid=revision-details]')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(entry.querySelector('[data-testid=changes-list]')).toBeNull();
    await act(async () => toggle.click());
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const items = entry.querySelectorAll('[data-testid=changes-list] li');
    expect(items.length).toBe(Math.min(50, changed.modificationsAfter.changes.length));
    expect(items[0].textContent).toContain(`v${changed.modificationsAfter.changes[0].revision} ${changed.modificationsAfter.changes[0].kind}`);
    expect(entry.querySelector('#' + CSS.escape(toggle.getAttribute('aria-controls')!))).not.toBeNull();
  });

  it('renders an unsigned or unreadable file without revisions', async () => {
    const host = (await render(await verifyPdf(new TextEncoder().encode('not a pdf')), 'ja')).host;
    expect(host.querySelector('[data-testid=verify-result]')!.getAttribute('data-verdict')).toBe('invalid');
    expect(host.textContent).toContain('PDF ファイルではありません。');
    expect(host.querySelectorAll('[data-testid=verify-revision]')).toHaveLength(0);
  });
});
