/**
 * ECDSA verification (SEC 1 §4.1.4) over the Brainpool curves (RFC 5639), which WebCrypto lacks.
 * Verification only (no secrets), so constant time does not matter; Jacobian coordinates, BigInt.
 */
export interface Curve {
  size: number;
  p: bigint;
  a: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  n: bigint;
}

const h = (s: string) => BigInt(`0x${s}`);

function curve(size: number, p: string, a: string, b: string, g: string, n: string): Curve {
  return { size, p: h(p), a: h(a), b: h(b), gx: h(g.slice(0, size * 2)), gy: h(g.slice(size * 2)), n: h(n) };
}

const BRAINPOOL: Record<string, Curve> = {
  '1.3.36.3.3.2.8.1.1.7': curve(
    32,
    'A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377',
    '7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9',
    '26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6',
    '8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997',
    'A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7',
  ),
  '1.3.36.3.3.2.8.1.1.11': curve(
    48,
    '8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53',
    '7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826',
    '04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11',
    '1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315',
    '8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565',
  ),
  '1.3.36.3.3.2.8.1.1.13': curve(
    64,
    'AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3',
    '7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA',
    '3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723',
    '81AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098EFF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F8227DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892',
    'AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069',
  ),
};

export function brainpoolCurve(oid: string): Curve | undefined {
  return BRAINPOOL[oid];
}

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

type J = [bigint, bigint, bigint]; // Jacobian X, Y, Z (Z = 0: infinity)

function dbl(c: Curve, [x, y, z]: J): J {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const p = c.p;
  const yy = mod(y * y, p);
  const s = mod(4n * x * yy, p);
  const zz = mod(z * z, p);
  const m = mod(3n * x * x + c.a * zz * zz, p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * yy * yy, p);
  const z3 = mod(2n * y * z, p);
  return [x3, y3, z3];
}

function add(c: Curve, P: J, Q: J): J {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const p = c.p;
  const z1z1 = mod(P[2] * P[2], p);
  const z2z2 = mod(Q[2] * Q[2], p);
  const u1 = mod(P[0] * z2z2, p);
  const u2 = mod(Q[0] * z1z1, p);
  const s1 = mod(P[1] * Q[2] * z2z2, p);
  const s2 = mod(Q[1] * P[2] * z1z1, p);
  if (u1 === u2) return s1 === s2 ? dbl(c, P) : [0n, 1n, 0n];
  const hh = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const h2 = mod(hh * hh, p);
  const h3 = mod(h2 * hh, p);
  const x3 = mod(r * r - h3 - 2n * u1 * h2, p);
  const y3 = mod(r * (u1 * h2 - x3) - s1 * h3, p);
  const z3 = mod(hh * P[2] * Q[2], p);
  return [x3, y3, z3];
}

function mul(c: Curve, k: bigint, P: J): J {
  let R: J = [0n, 1n, 0n];
  for (let i = BigInt(k.toString(2).length - 1); i >= 0n; i--) {
    R = dbl(c, R);
    if ((k >> i) & 1n) R = add(c, R, P);
  }
  return R;
}

const toBig = (b: Uint8Array) => (b.length ? BigInt(`0x${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`) : 0n);

/** Verify (r, s) over `digest` with the uncompressed public point `pub` (04‖x‖y). */
export function verifyEcdsaBigint(c: Curve, pub: Uint8Array, digest: Uint8Array, rb: Uint8Array, sb: Uint8Array): boolean {
  if (pub.length !== 1 + 2 * c.size || pub[0] !== 4) return false;
  const qx = toBig(pub.subarray(1, 1 + c.size));
  const qy = toBig(pub.subarray(1 + c.size));
  if (mod(qy * qy - (qx * qx * qx + c.a * qx + c.b), c.p) !== 0n) return false;
  const r = toBig(rb);
  const s = toBig(sb);
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const nBits = c.n.toString(2).length;
  let e = toBig(digest);
  const dBits = digest.length * 8;
  if (dBits > nBits) e >>= BigInt(dBits - nBits);
  const w = inv(s, c.n);
  const u1 = mod(e * w, c.n);
  const u2 = mod(r * w, c.n);
  const X = add(c, mul(c, u1, [c.gx, c.gy, 1n]), mul(c, u2, [qx, qy, 1n]));
  if (X[2] === 0n) return false;
  const zi = inv(X[2], c.p);
  const x = mod(X[0] * zi * zi, c.p);
  return mod(x, c.n) === r;
}
