import { describe, expect, it } from 'vitest';
import { type Ed25519, nobleEd25519, nodeEd25519 } from '../../core/digital-id/ed25519';
import { issueToken, verifierUrl } from '../../core/digital-id/issue-token';
import { isScenario } from '../../core/digital-id/scenarios';
import { decodeText } from '../../core/digital-id/token-format';
import { verifyOffline } from '../../core/digital-id/verify-token';
import vectors from '../fixtures/token-v1.json';

const publicKeys = new Map(
  vectors.keys.map((k) => [k.kid, new Uint8Array(Buffer.from(k.publicKey, 'base64url'))]),
);
const seeds = Object.entries(vectors.privateKeysHex).map(([kid, hex]) => ({
  kid: Number(kid),
  seed: new Uint8Array(Buffer.from(hex, 'hex')),
}));

describe.each([nobleEd25519, nodeEd25519()])('token v1 vectors with $name Ed25519', (ed: Ed25519) => {
  const deps = { ed25519: ed, publicKey: (kid: number) => publicKeys.get(kid) ?? null, skewSeconds: 5 };

  it.each(vectors.cases)('$name', async (vector) => {
    const expected = vector.expectedScenario;
    if (!isScenario(expected)) throw new Error(`vector names unknown scenario ${expected}`);
    // The URL form must answer the same; a vector that is itself a URL has only one form.
    const isUrl = vector.text.startsWith('https://');
    const inputs = isUrl ? [vector.text] : [vector.text, verifierUrl('https://id.example.ru', vector.text)];
    for (const input of inputs) {
      const outcome = await verifyOffline(input, expected, vector.now, deps);
      const answer =
        outcome.result === 'confirmed'
          ? { result: 'confirmed' }
          : { result: outcome.result, reason: outcome.reason };
      expect(answer).toEqual(vector.expect);
    }
  });

  it('derives the published public keys from the private keys', () => {
    for (const { kid, seed } of seeds) {
      expect(Buffer.from(ed.publicKeyOf(seed)).toString('base64url')).toBe(
        Buffer.from(publicKeys.get(kid) as Uint8Array).toString('base64url'),
      );
    }
  });

  it('signs the valid vectors byte for byte (Ed25519 is deterministic)', () => {
    for (const vector of vectors.cases.filter((c) => c.expect.result === 'confirmed')) {
      const fields = decodeText(vector.text)?.fields;
      if (!fields) throw new Error(`vector ${vector.name} does not decode`);
      const key = seeds.find((s) => s.kid === fields.kid);
      if (!key) throw new Error(`no private key ${fields.kid}`);
      expect(issueToken(ed, key, fields)).toBe(vector.text);
    }
  });
});

describe('token fields', () => {
  it('decode as the vectors list them', () => {
    const wellFormed = vectors.cases.filter((c) => c.fields && c.expect.reason !== 'malformed');
    expect(wellFormed.length).toBeGreaterThanOrEqual(8);
    for (const vector of wellFormed) {
      const fields = decodeText(vector.text)?.fields;
      if (!fields) throw new Error(`vector ${vector.name} does not decode`);
      expect({ ...fields, version: 1, sid: Buffer.from(fields.sid).toString('hex') }).toEqual(vector.fields);
      expect(Buffer.from(vector.text, 'base64url').toString('hex')).toBe(vector.hex);
    }
  });
});

describe('reading what a QR holds', () => {
  const deps = { ed25519: nobleEd25519, publicKey: () => null, skewSeconds: 5 };
  it('answers malformed, not an exception, for a URL whose token part is broken percent-encoding', async () => {
    const outcome = await verifyOffline('https://id.example.ru/v/%E0%A4%A', 'adult', 0, deps);
    expect(outcome).toEqual({ result: 'not_confirmed', reason: 'malformed' });
  });
  it('answers not_digital_id for a URL of another service and malformed for an empty string', async () => {
    expect(await verifyOffline('https://example.org/v/x/y', 'adult', 0, deps)).toEqual({
      result: 'not_confirmed',
      reason: 'not_digital_id',
    });
    expect(await verifyOffline('   ', 'adult', 0, deps)).toEqual({
      result: 'not_confirmed',
      reason: 'malformed',
    });
  });
});
