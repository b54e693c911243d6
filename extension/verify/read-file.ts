/**
 * A dropped or picked PDF into the verify worker's memory: one buffer of the file's size, filled in
 * place by a BYOB reader — each read takes the buffer and hands it back — so no chunk is copied or left
 * behind for the GC. Reading 8 MB slices left the slices in memory until the next collection: the file's
 * size again at the verify page's peak on a 12 MB file (issue 4); it was also slower on a 100 MB file.
 */

/** Progress is reported about this often (one read returns a few hundred kB). */
const PROGRESS_STEP = 4 << 20;

export async function readFileBytes(file: Blob, onProgress: (done: number) => void): Promise<Uint8Array> {
  const size = file.size;
  let reader: ReadableStreamBYOBReader;
  try {
    reader = file.stream().getReader({ mode: 'byob' });
  } catch {
    // A browser whose Blob stream is not a byte stream: one read, still no chunks, progress at its end.
    const bytes = new Uint8Array(await file.arrayBuffer());
    onProgress(bytes.length);
    return bytes;
  }
  let buffer = new ArrayBuffer(size);
  let at = 0;
  let reported = 0;
  try {
    while (at < size) {
      const { value, done } = await reader.read(new Uint8Array(buffer, at, size - at));
      if (value) buffer = value.buffer as ArrayBuffer;
      if (done || !value) break;
      at += value.byteLength;
      if (at - reported >= PROGRESS_STEP || at === size) onProgress((reported = at));
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  if (at !== size) throw new Error(`${at} of ${size} bytes read: the file changed while it was read`);
  return new Uint8Array(buffer);
}
