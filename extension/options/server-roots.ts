/**
 * The root of each trusted signing server, fetched once (through the background, which only fetches
 * trusted servers) and kept as a trust anchor with source 'server' and its fingerprint.
 */
import { browser } from 'wxt/browser';
import type { ServerRootRequest, ServerRootResult } from '../background/server-root';
import { addTrustAnchor, base64, certificatesFrom, fingerprint, trustAnchors } from '../trust/anchors';
import { certificateSubject } from './certificate-name';

export type AskBackground = (request: ServerRootRequest) => Promise<ServerRootResult>;

const askBackground: AskBackground = (request) => browser.runtime.sendMessage(request) as Promise<ServerRootResult>;

/** For each origin without a stored root: fetch and store it. Returns the origins that failed. */
export async function ensureServerRoots(origins: string[], ask: AskBackground = askBackground): Promise<string[]> {
  const have = new Set((await trustAnchors.getValue()).filter((a) => a.source === 'server').map((a) => a.server));
  const failed: string[] = [];
  for (const origin of origins) {
    if (have.has(origin)) continue;
    const got = await ask({ type: 'esign:server-root', origin }).catch((): ServerRootResult => ({ ok: false, error: 'unreachable' }));
    const ders = got.ok ? certificatesFrom(new TextEncoder().encode(got.pem)) : [];
    let stored = false;
    for (const der of ders) {
      try {
        await addTrustAnchor({ name: certificateSubject(der), der: base64(der), fingerprint: await fingerprint(der), source: 'server', server: origin });
        stored = true;
      } catch {
        // not a certificate: counted as a failure below
      }
    }
    if (!stored) failed.push(origin);
  }
  return failed;
}
