/**
 * Trust anchors (root certificates) for verifying signed PDFs, kept in storage.local and shared by the
 * options page and the verifier. Certificates are public: nothing sensitive is stored here.
 */
import { storage } from 'wxt/utils/storage';

export interface TrustAnchor {
  /** Subject of the certificate, for display. */
  name: string;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprint: string;
  /** The certificate, DER in base64. */
  der: string;
  source: 'user' | 'managed' | 'built-in' | 'server';
  /** For source 'server': the trusted signing server whose `/pki/root.pem` this is. */
  server?: string;
}

export const trustAnchors = storage.defineItem<TrustAnchor[]>('local:trustAnchors', { fallback: [] });

/** PEM (one or more blocks) or DER bytes → DER certificates. */
export function certificatesFrom(bytes: Uint8Array): Uint8Array[] {
  const text = new TextDecoder('latin1').decode(bytes);
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) return bytes[0] === 0x30 ? [bytes] : [];
  return blocks.map((m) => Uint8Array.from(atob(m[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0)));
}

/** Base64 of `bytes`, 24 KB at a time (a multiple of 3, so the pieces join): one character per call took seconds on a 7 MB PDF. */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 24 * 1024) parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + 24 * 1024))));
  return parts.join('');
}

export async function fingerprint(der: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der as BufferSource));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function addTrustAnchor(anchor: TrustAnchor): Promise<TrustAnchor[]> {
  const list = await trustAnchors.getValue();
  const next = list.some((a) => a.fingerprint === anchor.fingerprint) ? list : [...list, anchor];
  await trustAnchors.setValue(next);
  return next;
}

export async function removeTrustAnchor(fp: string): Promise<TrustAnchor[]> {
  const next = (await trustAnchors.getValue()).filter((a) => a.fingerprint !== fp || a.source !== 'user');
  await trustAnchors.setValue(next);
  return next;
}

/** Drops the roots fetched from `origin` (the server left the trust list). */
export async function removeServerAnchors(origin: string): Promise<TrustAnchor[]> {
  const next = (await trustAnchors.getValue()).filter((a) => !(a.source === 'server' && a.server === origin));
  await trustAnchors.setValue(next);
  return next;
}
