/** The TLV walker our X.509/CMS decoding stands on: definite and indefinite lengths, hostile input. */
import { describe, expect, it } from 'vitest';
import { childrenOf, readTlv } from '../../shared/verify/crypto/der.js';

const b = (...xs: number[]) => new Uint8Array(xs);

describe('readTlv / childrenOf', () => {
  it('reads definite lengths (short and long form) and finds the children', () => {
    const seq = b(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa, 0xff);
    const t = readTlv(seq, 0)!;
    expect(t).toMatchObject({ cls: 0, constructed: true, tag: 16, start: 0, contentStart: 2, contentEnd: 8, end: 8 });
    expect(childrenOf(seq, t)!.map((c) => [c.tag, c.start, c.end])).toEqual([
      [2, 2, 5],
      [4, 5, 8],
    ]);
    const long = new Uint8Array(4 + 300);
    long.set([0x04, 0x82, 0x01, 0x2c]);
    expect(readTlv(long, 0)).toMatchObject({ tag: 4, contentStart: 4, end: 304 });
  });

  it('reads BER indefinite lengths up to their end-of-contents, nested too', () => {
    const ber = b(0x30, 0x80, 0xa0, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x99);
    const t = readTlv(ber, 0)!;
    expect(t).toMatchObject({ contentStart: 2, contentEnd: 11, end: 13 });
    const kids = childrenOf(ber, t)!;
    expect(kids.map((c) => [c.cls, c.tag, c.end])).toEqual([
      [2, 0, 9],
      [0, 4, 11],
    ]);
  });

  it('refuses truncated, overlong and primitive-indefinite elements, and bounds nesting', () => {
    expect(readTlv(b(0x30, 0x05, 0x02, 0x01), 0)).toBeUndefined();
    expect(readTlv(b(0x04, 0x85, 1, 1, 1, 1, 1), 0)).toBeUndefined();
    expect(readTlv(b(0x04, 0x80, 0x00, 0x00), 0)).toBeUndefined();
    expect(readTlv(b(0x30, 0x80, 0x02, 0x01), 0)).toBeUndefined(); // no end-of-contents
    // 10,000 nested indefinite lengths: refused past the nesting bound, not walked
    const deep = new Uint8Array(40_000);
    for (let i = 0; i < 10_000; i++) deep.set([0x30, 0x80], i * 2);
    expect(readTlv(deep, 0)).toBeUndefined();
    // a child running past its parent's end
    const bad = b(0x30, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00);
    expect(childrenOf(bad, readTlv(bad, 0)!)).toBeUndefined();
  });
});
