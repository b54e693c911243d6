/**
 * Handing a signed PDF from the side panel to the verifier page (`verify.html?handoff={id}`), which
 * verifies locally. The bytes go through storage.session: in memory only, gone when the browser
 * closes, and not readable by content scripts (WEBMAIL.md). The verifier takes them once.
 */
import { browser } from 'wxt/browser';
import { extensionUrl } from '../extension-url';
import { base64 } from '../trust/anchors';

export interface HandoffFile {
  name: string;
  /** PDF bytes, base64. */
  data: string;
}

const key = (id: string) => `verify-handoff:${id}`;

export async function stashForVerification(files: { name: string; bytes: ArrayBuffer }[]): Promise<string> {
  const id = crypto.randomUUID();
  const value: HandoffFile[] = files.map((f) => ({ name: f.name, data: base64(new Uint8Array(f.bytes)) }));
  await browser.storage.session.set({ [key(id)]: value });
  return id;
}

/** For the verifier: the files handed over under `id`, removed as they are taken. */
export async function takeForVerification(id: string): Promise<{ name: string; file: Blob }[]> {
  const got = (await browser.storage.session.get(key(id)))[key(id)] as HandoffFile[] | undefined;
  await browser.storage.session.remove(key(id));
  return (got ?? []).map((f) => ({ name: f.name, file: pdfBlobOfBase64(f.data) }));
}

/** Base64 characters decoded at a time (a multiple of 4): 3 MB of bytes. */
const SLICE_CHARS = 4 << 20;

/**
 * Handed-over bytes as the Blob the verify worker reads, decoded a slice at a time onto the Blob: the
 * page never holds the decoded file beside the Blob, only one slice (issue 4). (Decoding the whole
 * string with `Uint8Array.from(atob(…), …)` listed every byte as a number first, then kept the bytes
 * until the Blob was made of them.)
 */
export function pdfBlobOfBase64(data: string): Blob {
  let blob = new Blob([], { type: 'application/pdf' });
  for (let at = 0; at < data.length; at += SLICE_CHARS) {
    const chars = atob(data.slice(at, at + SLICE_CHARS));
    const slice = new Uint8Array(chars.length);
    for (let i = 0; i < chars.length; i++) slice[i] = chars.charCodeAt(i);
    // A Blob of a Blob refers to its data, it does not copy it.
    blob = new Blob([blob, slice], { type: 'application/pdf' });
  }
  return blob;
}

export function verifierUrl(handoffId?: string): string {
  return extensionUrl(handoffId ? `/verify.html?handoff=${encodeURIComponent(handoffId)}` : '/verify.html');
}

/** The verifier, pointed at a finished download (it asks the user for the file). */
export function verifierUrlForDownload(downloadId: number): string {
  return extensionUrl(`/verify.html?download=${downloadId}`);
}
