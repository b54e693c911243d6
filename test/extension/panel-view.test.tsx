/**
 * The panel's pure renderer (PanelView, which the console's replay uses read-only) and the host seam
 * that lets the same screens run in the extension and as the server's web page.
 */
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it, vi } from 'vitest';
import type { CompleteResponse, DocumentsResponse, PublicInfo } from '../../shared/api/recipient';
import { adapterForOrigin, panelPath } from '../../extension/background/panel';
import { LanguageProvider } from '../../extension/i18n/context';
import type { RecipientApi } from '../../extension/sidepanel/api';
import type { Screen } from '../../extension/sidepanel/flow';
import { PanelHostProvider, type PanelHost } from '../../extension/sidepanel/host';
import { PanelView } from '../../extension/sidepanel/PanelView';
import { adapterFromLocation, retargetPath } from '../../extension/sidepanel/retarget';
import { SupportRecorder } from '../../extension/support/recorder';
import { linkOfPage, webHost } from '../../extension/web/host';
import { sample } from '../helpers/shared-dir';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const TOKEN = 'q3Vx9kTz0mB5nJ8rW2yL6pH1sD4fG7cX0vN3bM6kQ9e';
const info: PublicInfo = {
  state: 'ready',
  senderOrganization: '○○市',
  senderName: '契約課',
  title: '請書',
  expiresAt: null,
  recipientName: '山田 太郎',
  language: 'ja',
  documentCount: 2,
};
const field = (id: string, documentId: string, type: 'text' | 'date' | 'checkbox') => ({ id, documentId, label: id, type, required: true, page: 1, rect: { x: 1, y: 1, width: 10, height: 10 }, value: null });
const documents: DocumentsResponse = {
  envelopeId: 'e'.repeat(32),
  recipientId: 'r'.repeat(32),
  title: '請書',
  message: '{redacted}',
  documents: [
    { id: 'd1', name: 'ukesho.pdf', pageCount: 2, byteLength: 1, sha256: '', fields: [field('date', 'd1', 'date'), field('agree', 'd1', 'checkbox')] },
    { id: 'd2', name: 'gyomu-itaku.pdf', pageCount: 1, byteLength: 1, sha256: '', fields: [] },
  ],
} as DocumentsResponse;

/** What a replay passes: the PDF is a placeholder, anything else must not be asked for. */
function replayApi() {
  const asked: string[] = [];
  const refuse = (name: string) => async () => {
    asked.push(name);
    throw new Error(`a read-only view called ${name}`);
  };
  const pdf = vi.fn(async () => sample('ukesho.pdf').slice().buffer as ArrayBuffer);
  const api: RecipientApi = { publicInfo: refuse('publicInfo'), openSession: refuse('openSession'), documents: refuse('documents'), pdf, complete: refuse('complete'), reject: refuse('reject') };
  return { api, asked, pdf };
}

async function render(node: React.ReactNode) {
  const container = document.createElement('div');
  document.body.replaceChildren(container);
  const root = createRoot(container);
  await act(async () => root.render(<LanguageProvider language="ja">{node}</LanguageProvider>));
  // Let the PDF fetch settle.
  await act(async () => new Promise((r) => setTimeout(r, 20)));
  return { container, root };
}

const controls = (c: Element) => [...c.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLTextAreaElement>('button, input, textarea')];

describe('PanelView', () => {
  it('read-only, disables every input and button of the documents screen and asks the API only for the PDF', async () => {
    const { api, asked, pdf } = replayApi();
    const screen: Screen = { name: 'documents', info, session: '{redacted}', documents };
    const { container, root } = await render(<PanelView screen={screen} api={api} readOnly />);
    expect(container.querySelector('[data-testid=panel-view]')!.getAttribute('data-screen')).toBe('documents');
    expect(container.querySelectorAll('[data-testid=doc-tab]')).toHaveLength(2);
    expect(container.querySelectorAll('[data-testid=field-input]')).toHaveLength(2);
    const all = controls(container);
    expect(all.length).toBeGreaterThanOrEqual(7); // tabs, checklist, download, fields, complete, reject
    expect(all.filter((c) => !c.disabled).map((c) => c.outerHTML)).toEqual([]);
    // Clicking a disabled control does nothing.
    await act(async () => container.querySelector<HTMLButtonElement>('[data-testid=complete]')!.click());
    expect(container.querySelector('[data-testid=confirm-dialog]')).toBeNull();
    expect(pdf).toHaveBeenCalledWith('{redacted}', 'd1');
    expect(asked).toEqual([]);
    await act(async () => root.unmount());
  });

  it('is live without readOnly: the same screen’s controls are enabled', async () => {
    const { api } = replayApi();
    const { container, root } = await render(<PanelView screen={{ name: 'documents', info, session: 's', documents }} api={api} />);
    for (const id of ['complete', 'reject', 'download-pdf', 'doc-tab', 'field-input']) {
      expect(container.querySelector<HTMLButtonElement>(`[data-testid=${id}]`)!.disabled, id).toBe(false);
    }
    await act(async () => root.unmount());
  });

  it('read-only, shows the code screen with its error, the unreachable and the concluded screens with nothing to press', async () => {
    const { api, asked } = replayApi();
    const screens: Screen[] = [
      { name: 'access-code', info, problem: { kind: 'wrong-code', attemptsLeft: 3 } },
      { name: 'unreachable' },
      { name: 'state', state: 'locked', info },
      { name: 'done', info, session: '{redacted}', documents, result: { status: 'completed', next: null, concluded: true } as CompleteResponse },
    ];
    for (const screen of screens) {
      const { container, root } = await render(<PanelView screen={screen} api={api} readOnly />);
      expect(container.querySelector('[data-testid=panel-view]')!.getAttribute('data-screen')).toBe(screen.name);
      expect(controls(container).filter((c) => !c.disabled).map((c) => c.outerHTML)).toEqual([]);
      if (screen.name === 'access-code') expect(container.querySelector('[data-testid=access-code-error]')!.textContent).toContain('あと 3 回');
      if (screen.name === 'done') {
        expect(container.querySelector('[data-testid=download-signed]')).not.toBeNull();
        // No host, so no verifier to hand the PDFs to.
        expect(container.querySelector('[data-testid=open-verifier]')).toBeNull();
      }
      await act(async () => root.unmount());
    }
    expect(asked).toEqual([]);
  });
});

describe('the host seam', () => {
  const host = (extra: Partial<PanelHost> = {}): PanelHost => ({ kind: 'extension', trusts: async () => true, pdfAssets: 'http://localhost:3000/pdfjs/', recorder: new SupportRecorder(), ...extra });

  it('offers the local verifier only where the host has one, and records opening it', async () => {
    const concluded: Screen = { name: 'state', state: 'concluded', info: { ...info, state: 'concluded' } };
    const web = await render(
      <PanelHostProvider host={host({ kind: 'web' })}>
        <PanelView screen={concluded} api={null} />
      </PanelHostProvider>,
    );
    expect(web.container.querySelector('[data-testid=state-screen]')!.getAttribute('data-state')).toBe('concluded');
    expect(web.container.querySelector('[data-testid=open-verifier]')).toBeNull();
    await act(async () => web.root.unmount());

    const openVerifier = vi.fn(async () => undefined);
    const extension = host({ openVerifier });
    const ext = await render(
      <PanelHostProvider host={extension}>
        <PanelView screen={concluded} api={null} />
      </PanelHostProvider>,
    );
    await act(async () => ext.container.querySelector<HTMLButtonElement>('[data-testid=open-verifier]')!.click());
    expect(openVerifier).toHaveBeenCalledWith();
    expect(extension.recorder.events.map((e) => e.type)).toEqual(['verifier.open']);
    await act(async () => ext.root.unmount());
  });

  it('on the web, trusts only links of the page’s own server and loads pdf.js from where the page says', async () => {
    const root = document.createElement('div');
    root.dataset.pdfjs = '/web/pdfjs-6.5.438/';
    const web = webHost(root);
    expect(web.kind).toBe('web');
    expect(web.openVerifier).toBeUndefined();
    expect(web.pdfAssets).toBe(`${location.origin}/web/pdfjs-6.5.438/`);
    expect(await web.trusts(`${location.origin}/s/${TOKEN}`)).toBe(true);
    expect(await web.trusts(`https://esign.example.jp/s/${TOKEN}`)).toBe(false);
    expect(await web.trusts(`${location.origin}/s/short`)).toBe(false);
  });

  it('the page’s link is its URL without query or fragment', () => {
    history.replaceState(null, '', `/s/${TOKEN}?utm_source=mail#top`);
    expect(linkOfPage()).toBe(`${location.origin}/s/${TOKEN}`);
  });

  it('tells the panel which webmail opened it, and keeps that when the panel follows another banner', () => {
    expect(adapterForOrigin('https://mail.google.com')).toBe('gmail');
    expect(adapterForOrigin('https://outlook.office.com')).toBe('outlook');
    expect(adapterForOrigin('https://example.com')).toBeUndefined();
    const link = `https://esign.example.jp/s/${TOKEN}`;
    const path = panelPath(link, 7, 'outlook');
    const search = `?${path.split('?')[1]}`;
    expect(new URLSearchParams(search).get('link')).toBe(link);
    expect(adapterFromLocation(search)).toBe('outlook');
    expect(adapterFromLocation('?adapter=evil')).toBeUndefined();
    expect(panelPath(link, 7)).not.toContain('adapter');
    const other = `https://esign.example.jp/s/${'x'.repeat(43)}`;
    const next = retargetPath({ type: 'esign:panel-link', tabId: 7, link: other }, { id: 'ext' }, { extensionId: 'ext', tabId: 7, current: link, adapter: 'outlook' });
    expect(next).toBe(panelPath(other, 7, 'outlook'));
  });
});
