import { decodeCertificate } from '../../shared/verify/crypto/x509';

const NAMES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' };

/** "CN=…, O=…" of a DER certificate; throws when it is not one. */
export function certificateSubject(der: Uint8Array): string {
  const cert = decodeCertificate(der);
  return cert.subject.attributes
    .filter((a) => NAMES[a.type])
    .map((a) => `${NAMES[a.type]}=${a.value ?? ''}`)
    .join(', ');
}
