/**
 * The verify page: drop or pick signed PDFs (several at once), or receive them from the side panel
 * (`?handoff={id}`), or be pointed at a finished download (`?download={id}`). Each file is verified by
 * the validation core in a worker, on this machine, against the trust anchors from the options page;
 * nothing is fetched while verifying.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { browser } from 'wxt/browser';
import type { VerificationReport } from '../../shared/verify';
import { useI18n } from '../i18n/react';
import { CopySupportInfo } from '../support/CopySupportInfo';
import { SupportRecorder } from '../support/recorder';
import { trustAnchors, type TrustAnchor } from '../trust/anchors';
import { loadTrustList, trustedOrigins } from '../trust/servers';
import { takeForVerification } from './handoff';
import { verifyTranslator } from './messages';
import { progressDelay } from './progress';
import type { VerifyRequest, WorkerReply } from './protocol';
import { ReportPanel } from './ReportPanel';
import VerifyWorker from './verify-worker?worker';

interface Entry {
  id: number;
  name: string;
  file: Blob;
  started: number;
  phase: 'queued' | 'read' | 'verify' | 'done' | 'failed';
  done: number;
  total: number;
  report?: VerificationReport;
  revisionEnds?: number[];
  elapsedMs?: number;
  timings?: { readMs: number; verifyMs: number };
  error?: string;
}

const MB = 1024 * 1024;
const mb = (n: number) => (n / MB).toFixed(1);

function derOf(a: TrustAnchor): Uint8Array {
  return Uint8Array.from(atob(a.der), (c) => c.charCodeAt(0));
}

function isPdfFile(f: File): boolean {
  return f.type === 'application/pdf' || /\.pdf$/i.test(f.name) || f.type === '';
}

export function VerifyPage({ search }: { search: string }) {
  const { language } = useI18n();
  const t = useMemo(() => verifyTranslator(language), [language]);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [anchors, setAnchors] = useState<TrustAnchor[] | null>(null);
  const [handoff, setHandoff] = useState<'none' | 'taken' | 'gone'>('none');
  const [download, setDownload] = useState<{ id: number; name: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const worker = useRef<Worker | null>(null);
  const nextId = useRef(1);
  const anchorsRef = useRef<Promise<TrustAnchor[]> | null>(null);
  // For 「問い合わせ用情報をコピー」: size, page count, verdict and timing per file; never names or bytes.
  const recorder = useMemo(() => new SupportRecorder(), []);
  const started = useRef(new Map<number, { bytes: number; at: number }>());
  const [supportServer, setSupportServer] = useState<string | null>(null);
  useEffect(() => {
    void loadTrustList().then((list) => setSupportServer(trustedOrigins(list)[0] ?? null));
  }, []);

  const loadAnchors = useCallback(() => (anchorsRef.current ??= trustAnchors.getValue()), []);

  useEffect(() => {
    void loadAnchors().then(setAnchors);
    return trustAnchors.watch((a) => {
      anchorsRef.current = Promise.resolve(a ?? []);
      setAnchors(a ?? []);
    });
  }, [loadAnchors]);

  const getWorker = useCallback(() => {
    if (worker.current) return worker.current;
    const w = new VerifyWorker();
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      const m = e.data;
      // Recorded here, not in the state updater below (React may run an updater twice).
      const file = started.current.get(m.id);
      if (m.type !== 'progress' && file) {
        started.current.delete(m.id);
        const ms = performance.now() - file.at;
        if (m.type === 'failed') recorder.event('verify.failed', { bytes: file.bytes }, ms);
        else
          recorder.event(
            'verify.done',
            { bytes: file.bytes, pages: m.report.pageCount, verdict: m.report.verdict, signatures: m.report.signatures.length, revisions: m.report.revisions, readMs: Math.round(m.timings.readMs), verifyMs: Math.round(m.timings.verifyMs) },
            ms,
          );
      }
      setEntries((list) =>
        list.map((x) => {
          if (x.id !== m.id) return x;
          if (m.type === 'progress') return { ...x, phase: m.phase, done: m.done, total: m.total };
          if (m.type === 'failed') return { ...x, phase: 'failed', error: m.message };
          return { ...x, phase: 'done', report: m.report, revisionEnds: m.revisionEnds, elapsedMs: performance.now() - x.started, timings: m.timings };
        }),
      );
    };
    worker.current = w;
    return w;
  }, [recorder]);

  // The worker starts with the page, not with the first file: its start-up (a thread, a V8 heap, the
  // validation core's code) is then paid while the user picks a file, and not on top of the file's bytes
  // at the moment of the peak (issue 4; the bench prints the idle page with and without it).
  useEffect(() => {
    getWorker();
    return () => {
      worker.current?.terminate();
      worker.current = null;
    };
  }, [getWorker]);

  const verifyFiles = useCallback(
    async (files: { name: string; file: Blob }[]) => {
      if (files.length === 0) return;
      const anchorDer = (await loadAnchors()).map(derOf);
      const w = getWorker();
      const added: Entry[] = files.map((f) => ({ id: nextId.current++, name: f.name, file: f.file, started: performance.now(), phase: 'queued', done: 0, total: f.file.size }));
      setEntries((list) => [...added, ...list]);
      for (const e of added) {
        started.current.set(e.id, { bytes: e.file.size, at: e.started });
        recorder.event('verify.start', { bytes: e.file.size });
      }
      for (const e of added) {
        const req: VerifyRequest = { id: e.id, file: e.file, anchors: anchorDer };
        w.postMessage(req);
      }
    },
    [getWorker, loadAnchors, recorder],
  );

  useEffect(() => {
    const params = new URLSearchParams(search);
    const handoffId = params.get('handoff');
    if (handoffId) {
      void takeForVerification(handoffId).then((files) => {
        setHandoff(files.length ? 'taken' : 'gone');
        void verifyFiles(files);
      });
    }
    const downloadId = Number(params.get('download'));
    if (Number.isInteger(downloadId) && downloadId >= 0 && params.has('download')) {
      // Only the name: chrome.downloads never gives the bytes (WEBMAIL.md).
      void (browser.downloads?.search({ id: downloadId }) ?? Promise.resolve([]))
        .then((items) => {
          const item = items[0];
          if (item) setDownload({ id: downloadId, name: item.filename.split(/[\\/]/).pop() || item.filename });
        })
        .catch(() => undefined);
    }
    // Taking a handoff twice would find nothing: run once per page load.
  }, []);

  const onFiles = (list: FileList | null) => {
    const files = [...(list ?? [])].filter(isPdfFile).map((f) => ({ name: f.name, file: f as Blob }));
    void verifyFiles(files);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    onFiles(e.dataTransfer.files);
  };

  // A file dropped beside the zone must not replace the page with the PDF.
  useEffect(() => {
    const stop = (e: Event) => e.preventDefault();
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);

  return (
    <main className="panel verify-page">
      <h1>{t('title')}</h1>
      <p className="help">{t('intro')}</p>
      {handoff === 'taken' && <p className="notice">{t('handoff')}</p>}
      {handoff === 'gone' && <p className="error">{t('handoffGone')}</p>}
      {download && (
        <p className="notice" data-testid="download-prompt">
          {t('download', { name: download.name })}{' '}
          <button type="button" onClick={() => browser.downloads?.show(download.id)}>
            {t('showInFolder')}
          </button>
        </p>
      )}
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="verify-drop"
        role="region"
        aria-label={t('drop')}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('drop')}</p>
        <label className="file-button">
          {t('choose')}
          <input
            data-testid="verify-file"
            type="file"
            accept="application/pdf,.pdf"
            multiple
            onChange={(e) => {
              onFiles(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      <p className="help" data-testid="verify-anchors">
        {anchors && anchors.length > 0 ? t('anchors', { count: anchors.length }) : anchors ? t('anchorsNone') : ''}{' '}
        <button type="button" className="link" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('openOptions')}
        </button>
      </p>
      <CopySupportInfo recorder={recorder} server={supportServer} page="verify" />
      {entries.map((e) =>
        e.phase === 'done' && e.report ? (
          <ReportPanel
            key={e.id}
            name={e.name}
            report={e.report}
            revisionEnds={e.revisionEnds ?? []}
            elapsedMs={e.elapsedMs}
            timings={e.timings}
            lang={language}
            t={t}
            loadPrefix={(end) => e.file.slice(0, end).arrayBuffer()}
          />
        ) : (
          <Pending key={e.id} entry={e} t={t} />
        ),
      )}
    </main>
  );
}

function Pending({ entry: e, t }: { entry: Entry; t: ReturnType<typeof verifyTranslator> }) {
  // Shown only once the verification has taken a while, or at once for a large file (progress.ts).
  const [shown, setShown] = useState(() => progressDelay(e.total, e.started, performance.now()) === 0);
  useEffect(() => {
    if (shown) return;
    const timer = setTimeout(() => setShown(true), progressDelay(e.total, e.started, performance.now()));
    return () => clearTimeout(timer);
  }, [shown, e.total, e.started]);
  if (e.phase === 'failed')
    return (
      <section className="verify-result" data-testid="verify-result" data-verdict="error">
        <h2>{e.name}</h2>
        <p role="alert" className="error">
          {t('readFailed', { message: e.error ?? '' })}
        </p>
      </section>
    );
  if (!shown) return null;
  const reading = e.phase === 'read' || e.phase === 'queued';
  const text = e.phase === 'queued' ? t('queued') : reading ? t('reading', { done: mb(e.done), total: mb(e.total) }) : t('verifying', { done: mb(e.done) });
  return (
    <section className="verify-result pending" data-testid="verify-pending" aria-busy="true">
      <h2>{e.name}</h2>
      {/* Reading has a known end; verifying hashes each signed range in one WebCrypto call, so the
          bar is indeterminate there and the text says how much has been hashed. */}
      <div
        role="progressbar"
        aria-label={t('progress', { name: e.name })}
        aria-valuemin={reading ? 0 : undefined}
        aria-valuemax={reading ? 100 : undefined}
        aria-valuenow={reading ? Math.round((100 * e.done) / Math.max(1, e.total)) : undefined}
        aria-valuetext={text}
        className={`progress${reading ? '' : ' indeterminate'}`}
      >
        <div className="bar" style={{ width: reading ? `${(100 * e.done) / Math.max(1, e.total)}%` : undefined }} />
      </div>
      <p className="help" aria-live="polite">
        {text}
      </p>
    </section>
  );
}
