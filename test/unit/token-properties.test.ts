import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeEd25519 } from '../../core/digital-id/ed25519';
import { verifierUrl } from '../../core/digital-id/issue-token';
import { SCENARIO_CODES, SCENARIOS, scenarioOfCode } from '../../core/digital-id/scenarios';
import {
  assembleToken,
  decodeText,
  encodeHeader,
  HEADER_BYTES,
  TOKEN_BYTES,
  toText,
} from '../../core/digital-id/token-format';
import { REASONS, verifyOffline } from '../../core/digital-id/verify-token';
import vectors from '../fixtures/token-v1.json';

const ed25519 = nodeEd25519();
const publicKeys = new Map(
  vectors.keys.map((k) => [k.kid, new Uint8Array(Buffer.from(k.publicKey, 'base64url'))]),
);
const deps = { ed25519, publicKey: (kid: number) => publicKeys.get(kid) ?? null, skewSeconds: 5 };
const valid = vectors.cases[0]!;
const NOW = valid.now;

const notConfirmed = (outcome: Awaited<ReturnType<typeof verifyOffline>>) =>
  outcome.result === 'not_confirmed' && (REASONS as readonly string[]).includes(outcome.reason);

describe('the token parser on arbitrary input', () => {
  it('turns any string into one of its own reasons, never an exception', async () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.webUrl().map((url) => `${url}/v/${'A'.repeat(126)}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{120,130}$/),
    );
    await fc.assert(
      fc.asyncProperty(anyText, fc.constantFrom(...SCENARIOS), async (text, scenario) => {
        expect(notConfirmed(await verifyOffline(text, scenario, NOW, deps))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes arbitrary bytes only into canonical, well-formed v1 tokens', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        const token = decodeText(text);
        if (token === null) return;
        expect(bytes.length).toBe(TOKEN_BYTES);
        expect(bytes[0]).toBe(1);
        expect(toText(assembleToken(token.header, token.signature))).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('never confirms 94 arbitrary bytes dressed as a v1 token of a published key', async () => {
    const forged = fc
      .tuple(
        fc.uint8Array({ minLength: TOKEN_BYTES, maxLength: TOKEN_BYTES }),
        fc.constantFrom(1, 2, 3, 4, 5, 6),
      )
      .map(([bytes, scenario]) => {
        const token = Uint8Array.from(bytes);
        token.set([1, scenario, 0, 0, 0, 1], 0);
        return Buffer.from(token).toString('base64url');
      });
    await fc.assert(
      fc.asyncProperty(forged, async (text) => {
        const outcome = await verifyOffline(text, null, NOW, deps);
        expect(outcome.result === 'not_confirmed' && outcome.reason).toBe('bad_signature');
      }),
      { numRuns: 500 },
    );
  });
});

/** A valid token with one field of its layout changed, and whether the parser must still read it. */
interface NearValid {
  field: string;
  text: string;
  decodes: boolean;
  now: number;
}

const validCases = vectors.cases.filter((c) => c.expect.result === 'confirmed');
const U32 = 0xffff_ffff;
const U16 = 0xffff;

/** Every way to break one field of a valid token: the fields of the header, the signature, the length, the spelling. */
function nearValid(base: (typeof validCases)[number]): fc.Arbitrary<NearValid> {
  const bytes = Buffer.from(base.text, 'base64url');
  const original = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mutated = (field: string, decodes: boolean, write: (view: DataView) => void): NearValid => {
    const copy = Buffer.from(bytes);
    write(new DataView(copy.buffer, copy.byteOffset, copy.byteLength));
    return { field, text: copy.toString('base64url'), decodes, now: base.now };
  };
  const other = (max: number, current: number, ...likely: number[]) =>
    fc.oneof(fc.constantFrom(...likely), fc.integer({ min: 0, max })).filter((v) => v !== current);
  const iat = original.getUint32(6);
  return fc.oneof(
    other(255, 1, 0, 2).map((v) => mutated('version', false, (d) => d.setUint8(0, v))),
    other(255, original.getUint8(1), ...Object.values(SCENARIO_CODES), 0, 7).map((v) =>
      mutated('scenario', scenarioOfCode(v) !== null, (d) => d.setUint8(1, v)),
    ),
    other(U32, original.getUint32(2), ...publicKeys.keys(), 9).map((v) =>
      mutated('kid', true, (d) => d.setUint32(2, v)),
    ),
    other(U32, iat, iat - 60, iat - 1, iat + 1, iat + 60).map((v) =>
      mutated('iat', true, (d) => d.setUint32(6, v)),
    ),
    other(U16, original.getUint16(10), 0, 3600, U16).map((v) =>
      mutated('ttl', true, (d) => d.setUint16(10, v)),
    ),
    fc
      .tuple(fc.integer({ min: 12, max: 27 }), fc.integer({ min: 1, max: 255 }))
      .map(([at, mask]) => mutated('sid', true, (d) => d.setUint8(at, d.getUint8(at) ^ mask))),
    other(U16, original.getUint16(28), original.getUint16(28) + 1, 0, U16).map((v) =>
      mutated('seq', true, (d) => d.setUint16(28, v)),
    ),
    fc
      .tuple(fc.integer({ min: HEADER_BYTES, max: TOKEN_BYTES - 1 }), fc.integer({ min: 1, max: 255 }))
      .map(([at, mask]) => mutated('signature', true, (d) => d.setUint8(at, d.getUint8(at) ^ mask))),
    fc.integer({ min: 1, max: TOKEN_BYTES }).map((cut) => ({
      field: 'length',
      text: bytes.subarray(0, TOKEN_BYTES - cut).toString('base64url'),
      decodes: false,
      now: base.now,
    })),
    fc.uint8Array({ minLength: 1, maxLength: 10 }).map((extra) => ({
      field: 'length',
      text: Buffer.concat([bytes, extra]).toString('base64url'),
      decodes: false,
      now: base.now,
    })),
    // 94 bytes leave 4 unused bits in the last character, zero in the one canonical spelling.
    fc.integer({ min: 1, max: 15 }).map((bits) => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(base.text.at(-1) as string) | bits;
      return {
        field: 'spelling',
        text: base.text.slice(0, -1) + alphabet[last],
        decodes: false,
        now: base.now,
      };
    }),
  );
}

describe('near-valid tokens: a valid token with one field of its layout changed', () => {
  it('are read as the layout says or refused as malformed, a good share decode, and none verifies', async () => {
    const runs = 3000;
    let decoded = 0;
    const fields = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...validCases).chain(nearValid),
        fc.boolean(),
        async (token, asUrl) => {
          const read = decodeText(token.text);
          expect(read !== null).toBe(token.decodes);
          const outcome = await verifyOffline(
            asUrl ? verifierUrl('https://id.example.ru', token.text) : token.text,
            null,
            token.now,
            deps,
          );
          if (outcome.result === 'confirmed')
            throw new Error(`a token with its ${token.field} changed verified`);
          fields.add(token.field);
          if (read === null) {
            expect(outcome.reason).toBe('malformed');
            return;
          }
          decoded++;
          // Every field is read from where the layout puts it: writing them back gives the same token.
          expect(Buffer.from(encodeHeader(read.fields))).toEqual(Buffer.from(read.header));
          expect(toText(assembleToken(read.header, read.signature))).toBe(token.text);
          expect(outcome.reason).toBe(publicKeys.has(read.fields.kid) ? 'bad_signature' : 'unknown_key');
        },
      ),
      { numRuns: runs },
    );
    expect(decoded / runs).toBeGreaterThanOrEqual(0.3);
    expect([...fields].sort()).toEqual(
      ['iat', 'kid', 'length', 'scenario', 'seq', 'sid', 'signature', 'spelling', 'ttl', 'version'].sort(),
    );
  });
});

describe('a valid token with any one byte changed', () => {
  it('is never confirmed, in either form, whatever the byte and its new value', async () => {
    const bytes = Buffer.from(valid.text, 'base64url');
    expect(bytes.length).toBe(TOKEN_BYTES);
    expect((await verifyOffline(valid.text, 'adult', NOW, deps)).result).toBe('confirmed');
    for (let index = 0; index < TOKEN_BYTES; index++) {
      for (let mask = 1; mask <= 0xff; mask++) {
        const tampered = Buffer.from(bytes);
        tampered[index] = (tampered[index] as number) ^ mask;
        const text = tampered.toString('base64url');
        const outcome = await verifyOffline(
          mask % 2 ? text : verifierUrl('https://id.example.ru', text),
          null,
          NOW,
          deps,
        );
        if (outcome.result === 'confirmed') throw new Error(`byte ${index} ^ ${mask} was confirmed`);
      }
    }
  });
});

describe('encoding a seq', () => {
  it('refuses one past 16 bits instead of wrapping it onto an earlier QR', () => {
    const fields = {
      scenario: 'adult' as const,
      kid: 1,
      iat: 1_800_000_000,
      ttl: 45,
      sid: new Uint8Array(16),
    };
    expect(new DataView(encodeHeader({ ...fields, seq: 0xffff }).buffer).getUint16(28)).toBe(0xffff);
    expect(() => encodeHeader({ ...fields, seq: 0x10000 })).toThrow(RangeError);
  });
});
