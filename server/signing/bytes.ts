/** TypeScript 5.9 types Uint8Array over ArrayBufferLike; WebCrypto, pkijs and asn1js want ArrayBuffer. */
export function bufferSource(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return (u.buffer instanceof ArrayBuffer ? u : new Uint8Array(u)) as Uint8Array<ArrayBuffer>;
}
