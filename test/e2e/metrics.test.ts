import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDigitalId, qrOf } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { startTestService, type TestService } from '../support/service';
import { newVerifierKey, verifyByApi } from '../support/verify-api';
import { waitFor } from '../support/wait';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ QR_REFRESH_SECONDS: '1', TOKEN_TTL_SECONDS: '10', QR_SESSION_SECONDS: '600' });
});
afterAll(async () => {
  await t?.stop();
});

const scrape = async () => (await fetch(`${t.service.httpUrl}/metrics`)).text();
/** The value of one series in the Prometheus exposition, or undefined if it is absent. */
const series = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('/metrics', () => {
  it('shows what an operator alerts on, as it happens', async () => {
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const qr = await openDigitalId(ivan.chat, 'adult');
    const key = await newVerifierKey(t);
    expect((await verifyByApi(t, key, { qr: (await qrOf(t, qr)).url, scenario: 'adult' })).body.result).toBe(
      'confirmed',
    );
    // The messenger lets two messages a second through: messages pushed to six people at once
    // meet its 429s (one chat alone is paced at a message a second, and would not).
    const readers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) => t.sandbox.createPerson({ name: `Читатель ${i}` })),
    );
    await t.sandbox.setRate(2);
    try {
      for (const [i, reader] of readers.entries())
        await t.outgoing.send(`metrics:${i}`, reader.id, { text: `Новость ${i}` });
      await waitFor(
        async () =>
          (await Promise.all(readers.map((r) => t.sandbox.chat(r.id)))).every((c) =>
            c.messages.some((m) => m.text?.startsWith('Новость')),
          ),
        'the six messages',
        30_000,
      );
    } finally {
      await t.sandbox.setRate(0);
    }

    const text = await waitFor(async () => {
      const scraped = await scrape();
      return (series(scraped, 'digital_id_refresh_lateness_seconds_count') ?? 0) > 0 && scraped;
    }, 'a refresh to be measured');
    expect(series(text, 'bot_updates_total{type="message"}')).toBeGreaterThan(0);
    expect(series(text, 'bot_handler_errors_total')).toBe(0);
    expect(
      series(text, 'digital_id_verifications_total{channel="api",result="confirmed",reason="none"}'),
    ).toBe(1);
    expect(series(text, 'outgoing_messages_total{result="rate_limited"}')).toBeGreaterThan(0);
    expect(series(text, 'outgoing_messages_total{result="sent"}')).toBeGreaterThanOrEqual(6);
    // Depth per queue and state; nothing has failed.
    for (const queue of ['outgoing', 'recovery']) {
      expect(series(text, `queue_jobs{queue="${queue}",state="waiting"}`)).toEqual(expect.any(Number));
      expect(series(text, `queue_jobs{queue="${queue}",state="failed"}`)).toBe(0);
    }
  }, 120_000);
});
