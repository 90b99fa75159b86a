import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeEd25519 } from '../../core/digital-id/ed25519';
import { verifierUrl } from '../../core/digital-id/issue-token';
import { SCENARIOS } from '../../core/digital-id/scenarios';
import { assembleToken, decodeText, TOKEN_BYTES, toText } from '../../core/digital-id/token-format';
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
