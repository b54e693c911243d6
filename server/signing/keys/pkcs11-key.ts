/**
 * PKCS#11 key provider (an HSM; SoftHSM2 in the tests). The token is found by its label and the key by
 * CKA_ID, because slot numbers move after a token is initialised (PADES.md, HSM). The private key never
 * leaves the token: signing is CKM_SHA256_RSA_PKCS on the device.
 */
import { createPublicKey } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { SigningKey } from './signing-key.js';

export interface Pkcs11Options {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  tokenLabel: string;
  pin: string;
  /** CKA_ID of the key pair, hex. */
  keyId: string;
  /** Create an RSA-2048 key pair with this CKA_ID on the token when none exists (first start). */
  generateIfMissing?: boolean;
}

const { PKCS11 } = pkcs11js;
type Handle = Buffer;

/** One loaded module per path: C_Initialize may be called only once per process and module. */
const modules = new Map<string, InstanceType<typeof PKCS11>>();

function loadModule(file: string) {
  let mod = modules.get(file);
  if (!mod) {
    mod = new PKCS11();
    mod.load(file);
    mod.C_Initialize();
    modules.set(file, mod);
  }
  return mod;
}

function findSlot(mod: InstanceType<typeof PKCS11>, label: string): Handle {
  for (const slot of mod.C_GetSlotList(true)) {
    if (mod.C_GetTokenInfo(slot).label.trim() === label) return slot;
  }
  throw new Error(`PKCS#11: no token labelled "${label}"`);
}

export class Pkcs11Key implements SigningKey {
  private constructor(
    private readonly mod: InstanceType<typeof PKCS11>,
    private readonly session: Handle,
    private readonly privateKey: Handle,
    readonly spki: Uint8Array,
  ) {}

  static open(opts: Pkcs11Options): Pkcs11Key {
    const mod = loadModule(opts.module);
    const slot = findSlot(mod, opts.tokenLabel);
    const session = mod.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      mod.C_Login(session, pkcs11js.CKU_USER, opts.pin);
    } catch (e) {
      if (!String(e).includes('CKR_USER_ALREADY_LOGGED_IN')) throw e;
    }
    const id = Buffer.from(opts.keyId, 'hex');
    let priv = findObject(mod, session, pkcs11js.CKO_PRIVATE_KEY, id);
    let pub = findObject(mod, session, pkcs11js.CKO_PUBLIC_KEY, id);
    if (!priv || !pub) {
      if (!opts.generateIfMissing) throw new Error(`PKCS#11: no key pair with CKA_ID ${opts.keyId} on "${opts.tokenLabel}"`);
      ({ privateKey: priv, publicKey: pub } = generateRsaKeyPair(mod, session, id));
    }
    const attrs = mod.C_GetAttributeValue(session, pub, [
      { type: pkcs11js.CKA_MODULUS },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT },
    ]);
    const n = attrs[0].value as Buffer;
    const e = attrs[1].value as Buffer;
    const spki = createPublicKey({
      key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
      format: 'jwk',
    }).export({ type: 'spki', format: 'der' });
    return new Pkcs11Key(mod, session, priv, new Uint8Array(spki));
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    this.mod.C_SignInit(this.session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, this.privateKey);
    const out = this.mod.C_Sign(this.session, Buffer.from(data), Buffer.alloc(512));
    return new Uint8Array(out);
  }
}

function findObject(mod: InstanceType<typeof PKCS11>, session: Handle, cls: number, id: Buffer): Handle | null {
  mod.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: cls },
    { type: pkcs11js.CKA_ID, value: id },
  ]);
  try {
    return mod.C_FindObjects(session);
  } finally {
    mod.C_FindObjectsFinal(session);
  }
}

function generateRsaKeyPair(mod: InstanceType<typeof PKCS11>, session: Handle, id: Buffer) {
  return mod.C_GenerateKeyPair(
    session,
    { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
    [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_VERIFY, value: true },
      { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
    ],
    [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    ],
  );
}
