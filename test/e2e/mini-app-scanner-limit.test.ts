import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../support/clock';
import { appCall, launchDataOf } from '../support/mini-app';
import { startTestService, type TestService } from '../support/service';

const CAP = 3;
const STORM = 40;
const clock = new TestClock();
let t: TestService;
beforeAll(async () => {
  t = await startTestService(
    { USER_RATE_LIMIT_PER_10_SECONDS: String(CAP), DB_STATEMENT_METRICS: 'true' },
    { clock },
  );
});
afterAll(async () => {
  await t?.stop();
});

/** SQL statements the service has sent so far. */
const statements = async () => (await t.service.metrics.dbStatements.get()).values[0]?.value ?? 0;

describe("a script hammering the scanner's API with its own launch data", () => {
  it('is over its cap within a few calls, and its further calls cost the database nothing', async () => {
    // Anyone in the messenger: no linked account, no role, launch data of their own.
    const stranger = await t.sandbox.createPerson({ name: 'Скрипт' });
    const launchData = launchDataOf(t, clock, stranger.id);
    const scan = () =>
      appCall(t, launchData, 'POST', '/api/v1/app/verify', { qr: 'http://x/v/abc', scenario: 'adult' });
    const scenarios = () => appCall(t, launchData, 'GET', '/api/v1/app/verify/scenarios');

    const first = [await scan(), await scenarios(), await scan()];
    expect(first).toEqual(Array(CAP).fill({ status: 403, body: { reason: 'not_a_verifier' } }));

    const before = await statements();
    const storm = await Promise.all(
      Array.from({ length: STORM }, (_, i) => (i % 2 === 0 ? scan() : scenarios())),
    );
    expect(new Set(storm.map((a) => `${a.status} ${a.body.reason}`))).toEqual(
      new Set(['429 too_many_requests']),
    );
    // Refused before the block and role lookups: two statements a call would be 80.
    expect(await statements()).toBeLessThan(before + STORM / 4);
  });
});
