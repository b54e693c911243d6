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
export async function takeForVerification(id: string): Promise<{ name: string; bytes: Uint8Array }[]> {
  const got = (await browser.storage.session.get(key(id)))[key(id)] as HandoffFile[] | undefined;
  await browser.storage.session.remove(key(id));
  return (got ?? []).map((f) => ({ name: f.name, bytes: Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0)) }));
}

export function verifierUrl(handoffId?: string): string {
  return extensionUrl(handoffId ? `/verify.html?handoff=${encodeURIComponent(handoffId)}` : '/verify.html');
}

/** The verifier, pointed at a finished download (it asks the user for the file). */
export function verifierUrlForDownload(downloadId: number): string {
  return extensionUrl(`/verify.html?download=${downloadId}`);
}
