import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramMessenger } from '../../bot/platform/telegram-messenger';
import { messengerUserRepository } from '../../db/repositories/messenger-user.repository';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { createLogger } from '../../infra/logger';
import { outgoingProcessor } from '../../workers/outgoing/outgoing.processor';
import { whilePaused } from '../support/queues';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ OUTGOING_RATE_PER_SECOND: '50' });
});
afterAll(async () => {
  await t?.stop();
});

const texts = async (personId: number) =>
  (await t.sandbox.chat(personId)).messages.filter((m) => m.from === 'bot').map((m) => m.text);

/** The processor as a worker runs it, for running one job by hand (as a retry or a duplicate would). */
function processorByHand() {
  const { db } = t.database;
  const sandbox = t.service.sandbox!;
  return outgoingProcessor({
    outbox: outgoingMessageRepository(db),
    users: messengerUserRepository(db),
    messenger: telegramMessenger(new Api(sandbox.token, { apiRoot: sandbox.url })),
    logger: createLogger('silent'),
    metrics: t.service.metrics,
  });
}
// Run by hand, as a retry or a duplicate would be: no queue to pause, every chat's turn.
const byHand = {
  rateLimit: async () => {},
  turn: async () => ({ go: true }) as const,
  waitUntil: async () => {},
};

describe('the outgoing queue', () => {
  it('delivers a pushed message, with its buttons, to the person', async () => {
    const anna = await t.sandbox.createPerson({ name: 'Анна' });
    await t.outgoing.send(`test:${anna.id}:hello`, anna.id, {
      text: 'Вам пришло приглашение',
      buttons: [[{ text: 'Принять', callbackData: 'inv:accept:1' }]],
    });
    const message = await waitFor(
      async () => (await t.sandbox.chat(anna.id)).messages.find((m) => m.from === 'bot'),
      'the pushed message',
    );
    expect(message.text).toBe('Вам пришло приглашение');
    expect(message.inlineKeyboard?.[0]?.[0]).toMatchObject({
      text: 'Принять',
      callback_data: 'inv:accept:1',
    });
  });

  it('delivers every message exactly once when the messenger answers 429', async () => {
    const before = await t.service.metrics.outgoing.get();
    // Three chats paced at about one message a second each offer ~3 a second: a threshold of 2
    // makes the messenger refuse some, however the sends fall into seconds.
    await t.sandbox.setRate(2);
    try {
      const people = await Promise.all(
        [1, 2, 3].map((i) => t.sandbox.createPerson({ name: `Человек ${i}` })),
      );
      const expected = new Map<number, string[]>();
      for (const person of people) {
        const wanted = Array.from({ length: 4 }, (_, i) => `Сообщение ${i + 1}`);
        expected.set(person.id, wanted);
        for (const text of wanted) await t.outgoing.send(`burst:${person.id}:${text}`, person.id, { text });
      }
      for (const person of people) {
        await waitFor(
          async () => (await texts(person.id)).length >= 4,
          `4 messages for ${person.firstName}`,
          30_000,
        );
      }
      for (const person of people) {
        expect((await texts(person.id)).sort()).toEqual(expected.get(person.id));
      }
      const after = await t.service.metrics.outgoing.get();
      const limited = (m: typeof after) =>
        m.values.find((v) => v.labels.result === 'rate_limited')?.value ?? 0;
      // The sandbox really refused some sends: the 12 arrived through 429s, not around them.
      expect(limited(after) - limited(before)).toBeGreaterThan(0);
    } finally {
      await t.sandbox.setRate(0);
    }
  });

  it('sends once when the same job runs twice, one after the other or at the same time', async () => {
    const petr = await t.sandbox.createPerson({ name: 'Пётр' });
    const outbox = outgoingMessageRepository(t.database.db);
    const process = processorByHand();

    // The outgoing queue paused: the relay (every 30 s) may queue these rows, but the service's
    // worker does not send them before the processors run here.
    await whilePaused(t.service.backend!.outgoingQueue, async () => {
      const first = await outbox.add(`twice:${petr.id}:a`, petr.id, { text: 'Один раз' });
      expect(await process({ outboxId: first.id }, byHand)).toBe('sent');
      expect(await process({ outboxId: first.id }, byHand)).toBe('already-sent');

      const second = await outbox.add(`twice:${petr.id}:b`, petr.id, { text: 'Одновременно' });
      const results = await Promise.allSettled([
        process({ outboxId: second.id }, byHand),
        process({ outboxId: second.id }, byHand),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled' && r.value === 'sent')).toHaveLength(1);
    });
    expect(await texts(petr.id)).toEqual(['Один раз', 'Одновременно']);
  });

  it('enqueues a dedupe key once however often the producer is asked', async () => {
    const ivan = await t.sandbox.createPerson({ name: 'Иван' });
    const ids = await Promise.all(
      [1, 2, 3].map(() => t.outgoing.send(`same-key:${ivan.id}`, ivan.id, { text: 'Только одно' })),
    );
    expect(new Set(ids).size).toBe(1);
    await waitFor(async () => (await texts(ivan.id)).length > 0, 'the message');
    // Relaying the outbox again (as after a Redis outage) must not resend what was sent.
    await t.outgoing.relayUnsent();
    await t.sandbox.sendText(ivan.id, '/help');
    await waitFor(async () => (await texts(ivan.id)).length >= 2, 'the reply to /help');
    expect((await texts(ivan.id)).filter((m) => m === 'Только одно')).toHaveLength(1);
  });

  it('does not retry a person who blocked the bot, and marks them unreachable until they write', async () => {
    const oleg = await t.sandbox.createPerson({ name: 'Олег' });
    await t.sandbox.sendText(oleg.id, '/start');
    await waitFor(async () => (await texts(oleg.id)).length > 0, 'the greeting');
    await t.sandbox.block(oleg.id);
    const outbox = outgoingMessageRepository(t.database.db);
    const users = messengerUserRepository(t.database.db);
    const id = await t.outgoing.send(`blocked:${oleg.id}`, oleg.id, { text: 'Не дойдёт' });
    const row = await waitFor(async () => {
      const r = await outbox.find(id);
      return r?.status === 'failed' ? r : undefined;
    }, 'the outbox row to fail');
    expect(row.attempts).toBe(1);
    expect((await users.findById(oleg.id))?.unreachableSince).not.toBeNull();

    await t.sandbox.unblock(oleg.id);
    await t.sandbox.sendText(oleg.id, '/help');
    await waitFor(async () => (await users.findById(oleg.id))?.unreachableSince === null, 'reachable again');
  });

  it('fails a text too long for the messenger once, whole, and never retries it', async () => {
    const pavel = await t.sandbox.createPerson({ name: 'Павел' });
    const outbox = outgoingMessageRepository(t.database.db);
    const id = await t.outgoing.send(`long:${pavel.id}`, pavel.id, { text: 'я'.repeat(4097) });
    const row = await waitFor(async () => {
      const r = await outbox.find(id);
      return r?.status === 'failed' ? r : undefined;
    }, 'the outbox row to fail');
    expect([row.attempts, row.lastError]).toEqual([1, 'TOO_LONG']);
    expect(await texts(pavel.id)).toEqual([]);
  });
});
