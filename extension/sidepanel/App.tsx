/**
 * The panel's controller: loads the link, calls the recipient API, holds the screen and records what
 * happens for the support bundle. ./PanelView.tsx draws the screens; ./host.tsx says where it runs.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PublicInfo } from '../../shared/api/recipient';
import { useI18n } from '../i18n/context';
import { CopySupportInfo } from '../support/CopySupportInfo';
import { recordingFetch } from '../support/recorder';
import { parseSigningLink, recipientApi, RecipientApiError, type RecipientApi } from './api';
import { screenEvent, screenForError, screenForInfo, type Screen } from './flow';
import { usePanelHost } from './host';
import { PanelView } from './PanelView';
import { warmPdfWorker } from './pdf';

/** The signing link this panel is for: `sidepanel.html?link={encoded signing URL}` (DESIGN.md §3). */
export function linkFromLocation(search: string): string | null {
  return new URLSearchParams(search).get('link');
}

/** SHA-256 hex of the link token: the support bundle names the link by it, never by the token. */
async function linkHash(token: string): Promise<string | null> {
  // crypto.subtle exists only in secure contexts (https, localhost, the extension).
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function errorCode(e: unknown): string {
  return e instanceof RecipientApiError ? e.code : 'error';
}

export function App({ link }: { link: string | null }) {
  const { language } = useI18n();
  const host = usePanelHost();
  const { recorder } = host;
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  // The support bundle goes only to a server the host trusts.
  const [server, setServer] = useState<string | null>(null);
  const signing = useMemo(() => (link ? parseSigningLink(link) : null), [link]);
  const languageRef = useRef(language);
  languageRef.current = language;
  const api: RecipientApi | null = useMemo(
    () => (signing ? recipientApi(signing, { language: () => languageRef.current, fetch: recordingFetch(recorder) }) : null),
    [signing, recorder],
  );

  const show = useCallback(
    (next: Screen) => {
      recorder.event('panel.screen', screenEvent(next));
      setScreen(next);
    },
    [recorder],
  );

  useEffect(() => {
    recorder.event('panel.open', { host: host.kind, link: signing ? 'signing' : link ? 'malformed' : 'none', language: languageRef.current });
    recorder.setContext({ adapter: host.adapter ?? 'none', detection: host.adapter ? { result: 'sign', reasons: host.detectionReasons ?? [] } : null });
    if (!signing) return;
    let cancelled = false;
    void linkHash(signing.token).then((hash) => !cancelled && hash && recorder.setContext({ linkHash: hash }));
    return () => {
      cancelled = true;
    };
  }, [recorder, host, signing, link]);

  const load = useCallback(async () => {
    if (!link || !signing || !api) return show({ name: 'no-link' });
    show({ name: 'loading' });
    if (!(await host.trusts(link))) return show({ name: 'untrusted', link });
    setServer(signing.origin);
    try {
      show(screenForInfo(await api.publicInfo()));
    } catch (e) {
      show(screenForError(e) ?? { name: 'unreachable' });
    }
  }, [link, signing, api, host, show]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (screen.name !== 'access-code') return;
    try {
      warmPdfWorker(host.pdfAssets);
    } catch {
      // Only a head start: the documents screen says so if pdf.js cannot run.
    }
  }, [screen.name, host]);

  useEffect(() => host.followRetarget?.(link), [host, link]);

  const fail = useCallback(
    (e: unknown, info: PublicInfo) => {
      const next = screenForError(e, info);
      if (next) show(next);
      return next !== null;
    },
    [show],
  );

  const submitCode = async (info: PublicInfo, code: string) => {
    if (!api) return;
    const started = performance.now();
    try {
      const session = await api.openSession(code);
      const documents = await api.documents(session);
      recorder.event('code.submit', { ok: true }, performance.now() - started);
      recorder.setContext({ envelopeId: documents.envelopeId, recipientId: documents.recipientId });
      show({ name: 'documents', info, session, documents });
    } catch (e) {
      recorder.event('code.submit', { ok: false, errorCode: errorCode(e) }, performance.now() - started);
      if (!fail(e, info)) show({ name: 'access-code', info, problem: { kind: 'error', message: String((e as Error).message ?? e) } });
    }
  };

  return (
    <main className="panel" aria-busy={screen.name === 'loading'}>
      <PanelView
        screen={screen}
        api={api}
        onSubmitCode={submitCode}
        onRetry={() => {
          recorder.event('panel.retry');
          void load();
        }}
        onCompleted={(from, result) => show({ name: 'done', info: from.info, result, session: from.session, documents: from.documents })}
        onRejected={(from) => show({ name: 'rejected', info: from.info })}
        onError={fail}
      />
      <footer className="panel-footer">
        <CopySupportInfo recorder={recorder} server={server} page="sidepanel" />
      </footer>
    </main>
  );
}
