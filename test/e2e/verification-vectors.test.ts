import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKey } from '../../app/secrets';
import { verifierUrl } from '../../core/digital-id/issue-token';
import { isScenario } from '../../core/digital-id/scenarios';
import { sealSeed } from '../../db/key-envelope';
import { accountRepository } from '../../db/repositories/account.repository';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import { signingKeys } from '../../db/schema';
import vectors from '../fixtures/token-v1.json';
import { TestClock } from '../support/clock';
import { runScript } from '../support/run-process';
import { startTestService, type TestService } from '../support/service';
import { verifyByApi } from '../support/verify-api';

const VECTOR_SID = '00112233445566778899aabbccddeeff';
const clock = new TestClock();
let t: TestService;
let key: string;

/** The vector keys as this service's own: kid 1 active, kid 7 retired (PRODUCT.md §2). */
async function publishVectorKeys() {
  const { db } = t.database;
  const sealing = deriveKey(t.service.backend!.masterKey, 'signing-key-encryption');
  await db.delete(signingKeys);
  for (const published of vectors.keys) {
    const seed = new Uint8Array(
      Buffer.from(vectors.privateKeysHex[String(published.kid) as '1' | '7'], 'hex'),
    );
    await db.insert(signingKeys).values({
      kid: published.kid,
      publicKey: published.publicKey,
      sealedSeed: sealSeed(sealing, published.kid, seed),
      status: published.status as 'active' | 'retired',
      retiredAt: published.status === 'retired' ? new Date(0) : null,
    });
  }
}

beforeAll(async () => {
  t = await startTestService({}, { clock });
  await publishVectorKeys();
  const first = Math.min(...vectors.cases.map((c) => c.now));
  // The vector session belongs to a demo person whose account is linked to that chat.
  await accountRepository(t.database.db).link('demo-01', 1);
  await digitalIdSessionRepository(t.database.db).openSuperseding({
    id: randomUUID(),
    sid: new Uint8Array(Buffer.from(VECTOR_SID, 'hex')),
    messengerUserId: 1,
    chatId: 1,
    accountId: 'demo-01',
    scenario: 'adult',
    locale: 'ru',
    refreshSeconds: 30,
    tokenTtlSeconds: 45,
    startedAt: new Date((first - 600) * 1000),
    endsAt: new Date((first + 3600) * 1000),
  });
  // The key a checkout operator would get: the last line of the command's output.
  const created = await runScript('app/cli/verifier-create.ts', ['Касса', 'векторов'], {
    DATABASE_URL: t.databaseUrl,
  });
  expect(created.code).toBe(0);
  key = created.stdout.trim().split('\n').at(-1) ?? '';
  expect(key).toMatch(/^vk_/);
});
afterAll(async () => {
  await t?.stop();
});

describe('every token-v1 vector through POST /api/v1/verify, with the vector session live', () => {
  it.each(vectors.cases)('$name', async (vector) => {
    if (!isScenario(vector.expectedScenario)) throw new Error(`unknown scenario ${vector.expectedScenario}`);
    clock.set(vector.now);
    const answer = await verifyByApi(t, key, { qr: vector.text, scenario: vector.expectedScenario });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ scenario: vector.expectedScenario, ...vector.expect });
  });

  it('spends each confirmed vector: its URL form, scanned again, answers replayed', async () => {
    const confirmed = vectors.cases.filter((c) => c.expect.result === 'confirmed');
    expect(confirmed.length).toBeGreaterThanOrEqual(8);
    for (const vector of confirmed) {
      clock.set(vector.now);
      const answer = await verifyByApi(t, key, {
        qr: verifierUrl('https://id.example.ru', vector.text),
        scenario: vector.expectedScenario,
      });
      expect(answer.body).toEqual({
        result: 'not_confirmed',
        scenario: vector.expectedScenario,
        reason: 'replayed',
      });
    }
  });
});
