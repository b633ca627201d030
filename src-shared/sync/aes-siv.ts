/**
 * AES-SIV (RFC 5297) with one associated-data string, for a key used many times.
 *
 * `@noble/ciphers`' `aessiv` expands both AES keys and derives the CMAC subkeys on every call,
 * which is most of the cost for the short texts of a record's fields (about 25 µs a field). This
 * keeps the expanded keys, the subkeys and CMAC(K1, 0) for the life of the key and runs the same
 * algorithm with noble's own AES primitives (`unsafe.encryptBlock`, `unsafe.ctrCounter`, `dbl`);
 * tests/unit/shared/encryption.test.ts checks its output equals `aessiv(key, ad)` byte for byte.
 */
import { unsafe } from '@noble/ciphers/aes.js';

const BLOCK = 16;

class Cmac {
  private readonly xk: Uint32Array;
  private readonly k1: Uint8Array;
  private readonly k2: Uint8Array;

  constructor(key: Uint8Array) {
    this.xk = unsafe.expandKeyLE(key);
    const l = unsafe.encryptBlock(this.xk, new Uint8Array(BLOCK));
    this.k1 = unsafe.dbl(Uint8Array.from(l));
    this.k2 = unsafe.dbl(Uint8Array.from(this.k1));
  }

  /** AES-CMAC (RFC 4493) of `msg`. */
  mac(msg: Uint8Array): Uint8Array {
    const blocks = Math.max(1, Math.ceil(msg.length / BLOCK));
    const complete = msg.length > 0 && msg.length % BLOCK === 0;
    const x = new Uint8Array(BLOCK);
    for (let i = 0; i < blocks - 1; i++) {
      for (let j = 0; j < BLOCK; j++) x[j]! ^= msg[i * BLOCK + j]!;
      unsafe.encryptBlock(this.xk, x);
    }
    const last = new Uint8Array(BLOCK);
    const tail = msg.subarray((blocks - 1) * BLOCK);
    last.set(tail);
    if (!complete) last[tail.length] = 0x80;
    const sub = complete ? this.k1 : this.k2;
    for (let j = 0; j < BLOCK; j++) x[j]! ^= last[j]! ^ sub[j]!;
    return unsafe.encryptBlock(this.xk, x);
  }
}

export class AesSiv {
  private readonly cmac: Cmac;
  private readonly ctrKey: Uint32Array;
  /** CMAC(K1, <zero>): S2V's first step, the same for every message. */
  private readonly d0: Uint8Array;

  /** `key`: 32, 48 or 64 bytes; the first half for S2V, the second for CTR. */
  constructor(key: Uint8Array) {
    if (![32, 48, 64].includes(key.length)) throw new Error('AES-SIV needs a key of 32, 48 or 64 bytes.');
    this.cmac = new Cmac(key.subarray(0, key.length / 2));
    this.ctrKey = unsafe.expandKeyLE(key.subarray(key.length / 2));
    this.d0 = this.cmac.mac(new Uint8Array(BLOCK));
  }

  private s2v(ad: Uint8Array, plain: Uint8Array): Uint8Array {
    const d = unsafe.dbl(Uint8Array.from(this.d0));
    unsafe.xorBlock(d, this.cmac.mac(ad));
    let t: Uint8Array;
    if (plain.length >= BLOCK) {
      t = Uint8Array.from(plain);
      unsafe.xorend(t, d);
    } else {
      const padded = new Uint8Array(BLOCK);
      padded.set(plain);
      padded[plain.length] = 0x80;
      t = unsafe.xorBlock(unsafe.dbl(d), padded);
    }
    return this.cmac.mac(t);
  }

  private ctr(v: Uint8Array, data: Uint8Array): Uint8Array {
    const q = Uint8Array.from(v);
    q[8]! &= 0x7f;
    q[12]! &= 0x7f;
    return unsafe.ctrCounter(this.ctrKey, q, Uint8Array.from(data));
  }

  /** The synthetic IV followed by the ciphertext (RFC 5297 §2.6). */
  encrypt(ad: Uint8Array, plain: Uint8Array): Uint8Array {
    const v = this.s2v(ad, plain);
    const c = this.ctr(v, plain);
    const out = new Uint8Array(BLOCK + c.length);
    out.set(v);
    out.set(c, BLOCK);
    return out;
  }

  /** The plaintext, or an Error when the tag does not match (another key, record or field; or damaged). */
  decrypt(ad: Uint8Array, sealed: Uint8Array): Uint8Array {
    if (sealed.length < BLOCK) throw new Error('AES-SIV: too short');
    const v = sealed.subarray(0, BLOCK);
    const plain = this.ctr(v, sealed.subarray(BLOCK));
    const t = this.s2v(ad, plain);
    let diff = 0;
    for (let i = 0; i < BLOCK; i++) diff |= t[i]! ^ v[i]!;
    if (diff !== 0) throw new Error('AES-SIV: authentication failed');
    return plain;
  }
}
