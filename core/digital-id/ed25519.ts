import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

/** Ed25519 (RFC 8032) as the token code needs it; two implementations pass the same vectors. */
export interface Ed25519 {
  readonly name: string;
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  publicKeyOf(seed: Uint8Array): Uint8Array;
}

ed.hashes.sha512 = sha512;

/** @noble/ed25519, strict RFC 8032 (zip215: false): the portable reference, pure JavaScript. */
export const nobleEd25519: Ed25519 = {
  name: 'noble',
  sign: (seed, message) => ed.sign(message, seed),
  verify: (publicKey, message, signature) => {
    try {
      return ed.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  publicKeyOf: (seed) => ed.getPublicKey(seed),
};

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * node:crypto (OpenSSL), an order of magnitude faster: the server's hot path. KeyObjects are
 * cached per key, since importing one costs more than a signature.
 */
export function nodeEd25519(): Ed25519 {
  const privateKeys = new Map<string, KeyObject>();
  const publicKeys = new Map<string, KeyObject>();
  const cached = (cache: Map<string, KeyObject>, raw: Uint8Array, make: () => KeyObject) => {
    const id = Buffer.from(raw).toString('hex');
    let key = cache.get(id);
    if (!key) {
      if (cache.size > 64) cache.clear();
      key = make();
      cache.set(id, key);
    }
    return key;
  };
  const privateKey = (seed: Uint8Array) =>
    cached(privateKeys, seed, () =>
      createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
    );
  return {
    name: 'node',
    sign: (seed, message) => new Uint8Array(nodeSign(null, message, privateKey(seed))),
    verify: (publicKey, message, signature) => {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      const key = cached(publicKeys, publicKey, () =>
        createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }),
      );
      try {
        return nodeVerify(null, message, key, signature);
      } catch {
        return false;
      }
    },
    publicKeyOf: (seed) => {
      const der = createPublicKey(privateKey(seed)).export({ format: 'der', type: 'spki' });
      return new Uint8Array(der.subarray(SPKI_PREFIX.length));
    },
  };
}
