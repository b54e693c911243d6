import { Certificate } from 'pkijs';

const NAMES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' };

/** "CN=…, O=…" of a DER certificate; throws when it is not one. */
export function certificateSubject(der: Uint8Array): string {
  const cert = Certificate.fromBER(der as Uint8Array<ArrayBuffer>);
  return cert.subject.typesAndValues
    .filter((tv) => NAMES[tv.type])
    .map((tv) => `${NAMES[tv.type]}=${String(tv.value.valueBlock.value)}`)
    .join(', ');
}
