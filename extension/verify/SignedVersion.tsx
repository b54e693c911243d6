/** "View signed version": the file's first `end` bytes — the revision a signature signed — in pdf.js. */
import { useEffect, useRef, useState } from 'react';
import { PdfView } from '../sidepanel/PdfView';

export function SignedVersion({ end, label, loadPrefix }: { end: number; label: string; loadPrefix(end: number): Promise<ArrayBuffer> }) {
  const [bytes, setBytes] = useState<ArrayBuffer | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);
  // The parent passes a new function on every render (progress of other files): load per `end` only.
  const load = useRef(loadPrefix);
  load.current = loadPrefix;
  useEffect(() => {
    let cancelled = false;
    load.current(end).then(
      (b) => !cancelled && setBytes(b),
      (e: unknown) => !cancelled && setError(String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [end]);
  return (
    <figure className="signed-version" data-testid="signed-version" data-end={end}>
      <figcaption className="help">{label}</figcaption>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {bytes && <PdfView bytes={bytes} page={page} onPageChange={setPage} highlight={null} />}
    </figure>
  );
}
