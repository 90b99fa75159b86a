import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldEvent } from '../../sandbox/world';
import { type Chat, chatWith } from '../support/chat';
import { seedLinkedPeople, syntheticAccounts } from '../support/people';
import { startRoleProcess, startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');
const ADMIN_ID = 515_151;
const PEOPLE = 200;
/** Low, so the broadcast takes long enough to be interrupted and to be seen progressing. */
const RATE = '40';

let t: TestService;
let boss: Chat;
/** Deliveries per broadcast text: chat → how many times it arrived. */
const deliveries = new Map<string, Map<number, number>>();
const receivedOf = (text: string) => {
  if (!deliveries.has(text)) deliveries.set(text, new Map());
  return deliveries.get(text) as Map<number, number>;
};
beforeAll(async () => {
  // Bot, API and sandbox here; the worker runs as its own process so it can be killed.
  t = await startTestService({
    ROLES: 'bot,api,sandbox',
    KEY_ENCRYPTION_KEY: KEY,
    ADMIN_IDS: String(ADMIN_ID),
    SANDBOX_RATE_PER_SECOND: RATE,
  });
  boss = chatWith(t.sandbox, (await t.sandbox.createPerson({ id: ADMIN_ID, name: 'Админ' })).id);
  const world = t.service.sandbox!.world;
  await seedLinkedPeople(t.database.db, syntheticAccounts(PEOPLE, 'bc', 'Рассылка', 3_000_000), (firstName) =>
    world.addPerson({ firstName, languageCode: 'ru' }),
  );
  t.service.sandbox!.world.events.on('event', (event: WorldEvent) => {
    if (event.type !== 'message' || event.entry.from !== 'bot' || !event.entry.text?.startsWith('Новость'))
      return;
    if (event.chatId === ADMIN_ID) return; // the admin's preview
    const received = receivedOf(event.entry.text);
    received.set(event.chatId, (received.get(event.chatId) ?? 0) + 1);
  });
});
afterAll(async () => {
  await t?.stop();
});

const startWorker = () =>
  startRoleProcess(t, { ROLES: 'worker', KEY_ENCRYPTION_KEY: KEY, OUTGOING_RATE_PER_SECOND: RATE });

/** /broadcast → text → audience → send, as an admin does it; returns the status message's id. */
async function broadcast(text: string): Promise<number> {
  await boss.ask('/broadcast', 'Пришлите текст рассылки');
  await boss.ask(text, 'Кому отправить?');
  const audience = await boss.withButton('adm:bc-aud:all');
  await boss.tap(audience.messageId, 'adm:bc-aud:all');
  const confirm = await boss.withButton('adm:bc-send');
  await boss.tap(confirm.messageId, 'adm:bc-send');
  return (await boss.waitForText('📣 Рассылка идёт')).messageId;
}

const status = async (messageId: number) =>
  (await boss.botMessages()).find((m) => m.messageId === messageId)?.text ?? '';

describe('a broadcast to 200 people under a low rate limit', () => {
  it('refuses a text too long to read, before anything is sent', async () => {
    await boss.ask('/broadcast', 'Пришлите текст рассылки');
    expect((await boss.ask('Новость '.repeat(450), 'Слишком длинный')).text).toContain('можно до 3500');
    expect((await boss.ask('/cancel', 'отменена')).text).toBe('Рассылка отменена, ничего не отправлено.');
  });

  it('sends broken markup as the plain text it is: the preview shows it exactly', async () => {
    const broken = '<b>Важно: *разметка_ не [закрыта](';
    await boss.ask('/broadcast', 'Пришлите текст рассылки');
    expect((await boss.say(broken)).text).toBe(broken);
    await boss.withButton('adm:bc-aud:all');
    expect((await boss.ask('/cancel', 'отменена')).text).toBe('Рассылка отменена, ничего не отправлено.');
  });

  it('reaches everyone exactly once across a worker crash, reporting progress in one message', async () => {
    let worker = startWorker();
    try {
      await worker.ready;
      const text = 'Новость: на Госуслугах появился доверенный контакт. /contact';
      const received = receivedOf(text);
      const statusId = await broadcast(text);
      await waitFor(() => received.size >= 40, 'the first deliveries', 30_000);
      worker.child.kill('SIGKILL');
      await worker.exited;
      worker = startWorker();
      await worker.ready;
      // Messages the killed worker had claimed wait out their lease (a minute) before anyone
      // else may send them: that is what keeps them from going out twice.
      await waitFor(
        async () => (await status(statusId)).includes('завершена'),
        'the end of the broadcast',
        150_000,
      );
      // Exactly once for everyone who got it; a message the killed worker had in hand may be
      // lost (counted as not delivered) but is never sent twice.
      expect([...received.values()].every((n) => n === 1)).toBe(true);
      const { sent, failed } = parseStatus(await status(statusId));
      expect(sent + failed).toBe(PEOPLE);
      // Those the killed worker had in hand are counted as not delivered, whether or not the
      // messenger got them before it died: it cannot be known, so they are not sent again.
      expect(failed).toBeLessThanOrEqual(16);
      expect(received.size).toBeGreaterThanOrEqual(sent);
      expect(received.size).toBeLessThanOrEqual(sent + failed);
      const entry = (await boss.botMessages()).find((m) => m.messageId === statusId);
      expect(entry?.edits).toBeGreaterThan(1);
      expect(entry?.inlineKeyboard ?? []).toEqual([]);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }, 200_000);

  it('stops when cancelled: the rest is never sent', async () => {
    const worker = startWorker();
    try {
      await worker.ready;
      const text = 'Новость: вторая рассылка';
      const received = receivedOf(text);
      const statusId = await broadcast(text);
      await waitFor(() => received.size >= 20, 'the first deliveries', 30_000);
      await boss.tap(statusId, await stopData(statusId));
      await waitFor(
        async () => (await status(statusId)).includes('остановлена'),
        'the stopped status',
        30_000,
      );
      // Messages already handed to the messenger may still land; none of the cancelled ones do.
      const { sent, cancelled } = parseStatus(await status(statusId));
      expect(cancelled).toBeGreaterThan(0);
      expect(sent + cancelled).toBe(PEOPLE);
      await waitFor(() => received.size === sent, 'the last sends in flight');
      expect([...received.values()].every((n) => n === 1)).toBe(true);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  }, 120_000);
});

async function stopData(statusId: number): Promise<string> {
  const entry = (await boss.botMessages()).find((m) => m.messageId === statusId);
  const button = entry?.inlineKeyboard
    ?.flat()
    .find((b) => 'callback_data' in b && b.callback_data?.startsWith('adm:bc-stop:'));
  return (button as { callback_data: string }).callback_data;
}

function parseStatus(text: string) {
  const number = (label: string) => Number(new RegExp(`${label}: (\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return { sent: number('Отправлено'), failed: number('не доставлено'), cancelled: number('отменено') };
}
