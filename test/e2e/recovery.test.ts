import { Job, Queue } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { moscowDate } from '../../core/identity/calendar';
import { demoRegistry } from '../../db/registry/demo-registry';
import { importRegistry } from '../../db/registry/import-registry';
import { QUEUES } from '../../workers/queues';
import { type Chat, latestCode } from '../support/chat';
import { TestClock } from '../support/clock';
import { linkedPerson } from '../support/linking';
import { E2E_PLATFORMS, servicePerPlatform } from '../support/platforms';
import { REDIS_URL } from '../support/redis';
import { startTestService, type TestService } from '../support/service';
import { askRecovery, befriend, portal, recoveryStatus, theCallback } from '../support/trusted-contact';

const clock = new TestClock();
const serviceOn = servicePerPlatform((platform) =>
  startTestService({ RECOVERY_TTL_SECONDS: '600', RECOVERY_MAX_PER_DAY: '3' }, { clock, platform }),
);
/** The service of the suite running now. */
let t: TestService;

interface Pair {
  trustor: Chat;
  contact: Chat;
  trustorAccount: string;
  contactPhone: string;
  contactUserId: number;
  trustorUserId: number;
}

const phoneOf = (n: number) => `+7999000${String(n).padStart(4, '0')}`;

/** Two demo people, linked, the second the trusted contact of the first. */
async function pair(
  trustorN: number,
  trustorName: string,
  contactN: number,
  contactName: string,
): Promise<Pair> {
  const trustor = await linkedPerson(t, trustorName, phoneOf(trustorN));
  const contact = await linkedPerson(t, contactName, phoneOf(contactN));
  await befriend(trustor.chat, contact.chat, contactName, phoneOf(contactN));
  return {
    trustor: trustor.chat,
    contact: contact.chat,
    trustorAccount: `demo-${String(trustorN).padStart(2, '0')}`,
    contactPhone: phoneOf(contactN),
    contactUserId: contact.person.id,
    trustorUserId: trustor.person.id,
  };
}

const recovery = (p: Pair) => askRecovery(t, p);
const statusOf = (id: string) => recoveryStatus(t, id);

/** The pairs the tests share, each made on its service when a test first needs it. */
const shared = new WeakMap<TestService, Map<number, Promise<Pair>>>();
function sharedPair(trustorN: number, trustorName: string, contactN: number, contactName: string) {
  const made = shared.get(t) ?? new Map<number, Promise<Pair>>();
  shared.set(t, made);
  const found = made.get(trustorN) ?? pair(trustorN, trustorName, contactN, contactName);
  made.set(trustorN, found);
  return found;
}
const mariaIvan = () => sharedPair(4, 'Мария', 1, 'Иван');
const elenaAlexey = () => sharedPair(6, 'Елена', 7, 'Алексей');
const olgaSergey = () => sharedPair(8, 'Ольга', 9, 'Сергей');

describe.each(E2E_PLATFORMS)('assisted password recovery on %s', (platform) => {
  beforeAll(async () => {
    t = await serviceOn(platform);
  });

  it('invite, then approve with the SMS code: the portal sees approved and gets a signed callback; both sides are told', async () => {
    const p = await mariaIvan();
    const { id, prompt } = await recovery(p);
    expect(prompt.text).toContain('Мария П.');
    expect(prompt.text).toContain('позвоните этому человеку сами');
    const smsBefore = (await t.sandbox.sms(p.contactPhone)).length;
    await p.contact.tap(prompt.messageId, `rc:ok:${id}`);
    await p.contact.waitForText('Код отправлен в SMS на');
    const code = await latestCode(t.sandbox, p.contactPhone, smsBefore);
    expect((await p.contact.ask(code, 'подтвердили')).text).toBe('✅ Вы подтвердили восстановление пароля.');
    expect(await statusOf(id)).toBe('approved');
    await p.trustor.waitForText('Ваш доверенный контакт подтвердил восстановление пароля');
    const callback = await theCallback(t, id);
    expect(callback).toMatchObject({ id, status: 'approved', signatureValid: true });
    expect(callback).toHaveProperty('decidedAt');
  });
});

describe('assisted password recovery, on Telegram', () => {
  beforeAll(async () => {
    t = await serviceOn('telegram');
  });

  it('deny → denied; "it was not me" → cancelled, with the contact told', async () => {
    const p = await elenaAlexey();
    const first = await recovery(p);
    await p.contact.tap(first.prompt.messageId, `rc:no:${first.id}`);
    await p.trustor.waitForText('отклонил запрос на восстановление');
    expect(await statusOf(first.id)).toBe('denied');

    const second = await recovery(p);
    expect(await p.trustor.tapForNotice(second.told.messageId, `rc:notme:${second.id}`)).toBe(
      'Запрос на восстановление отменён.',
    );
    await p.contact.waitForText('отменён владельцем учётной записи');
    expect(await statusOf(second.id)).toBe('cancelled');
    // The contact's buttons on the cancelled prompt now do nothing.
    expect(await p.contact.tapForNotice(second.prompt.messageId, `rc:ok:${second.id}`)).toBe(
      'Это уже неактуально.',
    );
  });

  it('expires an undecided request when read after its time, and by the sweeper; both sides are told', async () => {
    const p = await olgaSergey();
    const read = await recovery(p);
    clock.advance(601);
    expect(await statusOf(read.id)).toBe('expired');
    await p.trustor.waitForText('Запрос на восстановление пароля истёк');
    await p.contact.waitForText('Запрос на восстановление пароля истёк');

    const swept = await recovery(p);
    clock.advance(601);
    await t.service.backend!.trustedContact.sweep();
    const row = await t.service.backend!.trustedContactStore.findRecovery(swept.id);
    expect(row?.status).toBe('expired');
  });

  it('after five wrong codes, the request can no longer be approved by that code', async () => {
    const p = await mariaIvan();
    const { id, prompt } = await recovery(p);
    const smsBefore = (await t.sandbox.sms(p.contactPhone)).length;
    await p.contact.tap(prompt.messageId, `rc:ok:${id}`);
    const code = await latestCode(t.sandbox, p.contactPhone, smsBefore);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      expect((await p.contact.ask(wrong, 'попыток')).text).toBe(`Неверный код. Осталось попыток: ${left}.`);
    }
    expect((await p.contact.ask(wrong, 'слишком много раз')).text).toContain(
      'подтвердить этот запрос кодом больше нельзя',
    );
    expect(await statusOf(id)).toBe('pending');
    expect(
      await t.service.backend!.trustedContact.approveWithCode(p.contactUserId, id, 'x', code),
    ).toMatchObject({ ok: false });
    expect(await statusOf(id)).toBe('pending');
    await t.service.backend!.trustedContact.deny(p.contactUserId, id);
  });

  it('changes nothing when a third person presses the buttons of someone else’s request', async () => {
    const p = await elenaAlexey();
    const { id } = await recovery(p);
    const stranger = await linkedPerson(t, 'Светлана', phoneOf(12));
    for (const data of [`rc:ok:${id}`, `rc:no:${id}`, `rc:notme:${id}`]) {
      const { messageId } = await stranger.chat.say('/start');
      expect(await stranger.chat.tapForNotice(messageId, data, { forge: true })).toBe(
        'Эта кнопка относится не к вам.',
      );
    }
    expect(await statusOf(id)).toBe('pending');
    await t.service.backend!.trustedContact.cancelByTrustor(p.trustorUserId, id);
  });
});

describe('the recovery API, on Telegram', () => {
  beforeAll(async () => {
    t = await serviceOn('telegram');
  });

  it('answers the portal’s mistakes with reason codes and writes nothing', async () => {
    expect(await portal(t, 'POST', '', { accountId: 'demo-04' }, 'wrong-token-wrong-token')).toEqual({
      status: 401,
      body: { reason: 'unauthorized' },
    });
    expect((await portal(t, 'POST', '', '{"accountId":')).body).toEqual({ reason: 'bad_request' });
    expect((await portal(t, 'POST', '', {})).status).toBe(400);
    expect(await portal(t, 'POST', '', { accountId: 'nobody' })).toEqual({
      status: 404,
      body: { reason: 'unknown_account' },
    });
    expect(await portal(t, 'POST', '', { accountId: 'demo-03' })).toEqual({
      status: 409,
      body: { reason: 'no_trusted_contact' },
    });
    expect(await portal(t, 'GET', '/00000000-0000-4000-8000-000000000000')).toEqual({
      status: 404,
      body: { reason: 'unknown_request' },
    });
    expect((await portal(t, 'GET', '/not-a-uuid')).status).toBe(404);
  });

  it('returns the pending request to a repeated POST, and refuses over RECOVERY_MAX_PER_DAY', async () => {
    const p = await pair(10, 'Татьяна', 12, 'Светлана');
    const first = await portal(t, 'POST', '', { accountId: p.trustorAccount });
    const again = await portal(t, 'POST', '', { accountId: p.trustorAccount });
    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 200, body: first.body });
    const service0 = t.service.backend!.trustedContact;
    await service0.cancelByTrustor(p.trustorUserId, first.body.id as string);
    // Several POSTs at the same moment: one request, returned to all of them.
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => portal(t, 'POST', '', { accountId: p.trustorAccount })),
    );
    expect(burst.map((b) => b.status).sort()).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(burst.map((b) => b.body.id)).size).toBe(1);
    await service0.cancelByTrustor(p.trustorUserId, burst[0]?.body.id as string);
    const service = t.service.backend!.trustedContact;
    for (let i = 0; i < 1; i++) {
      const next = await portal(t, 'POST', '', { accountId: p.trustorAccount });
      expect(next.status).toBe(202);
      await service.cancelByTrustor(p.trustorUserId, next.body.id as string);
    }
    expect(await portal(t, 'POST', '', { accountId: p.trustorAccount })).toEqual({
      status: 429,
      body: { reason: 'rate_limited' },
    });
  });
});

describe('reminders and the end of a relationship, on Telegram', () => {
  beforeAll(async () => {
    t = await serviceOn('telegram');
  });

  it('schedules a reminder halfway, which reaches the contact once however often it runs', async () => {
    const p = await mariaIvan();
    const { id } = await recovery(p);
    const queue = new Queue(QUEUES.recovery.name, {
      connection: { url: REDIS_URL },
      prefix: t.config.queuePrefix,
    });
    try {
      const job = await Job.fromId(queue, `remind-${id}`);
      expect(job?.opts.delay).toBeGreaterThan(290_000);
      expect(job?.opts.delay).toBeLessThanOrEqual(300_000);
    } finally {
      await queue.close();
    }
    const service = t.service.backend!.trustedContact;
    await Promise.all([service.remind(id), service.remind(id)]);
    await p.contact.waitForText('всё ещё ждёт вашего решения');
    await service.remind(id);
    await service.cancelByTrustor(p.trustorUserId, id);
    await p.contact.waitForText('отменён владельцем');
    expect((await p.contact.botMessages()).filter((m) => m.text?.includes('всё ещё ждёт')).length).toBe(1);
    expect(await service.remind(id)).toBe(false);
  });

  it('ends the relationship when a side unlinks the bot; a recovery then finds no trusted contact', async () => {
    const p = await pair(3, 'Пётр', 6, 'Елена');
    expect((await p.contact.ask('/unlink', 'отвязана')).text).toContain('отвязана от этого чата');
    await p.trustor.waitForText('У вас больше нет доверенного контакта');
    expect(await portal(t, 'POST', '', { accountId: p.trustorAccount })).toEqual({
      status: 409,
      body: { reason: 'no_trusted_contact' },
    });
  });

  it('ends the relationship when a registry re-import makes a side ineligible; both are told', async () => {
    const p = await pair(2, 'Анна', 8, 'Ольга');
    const today = moscowDate(clock.now());
    const changed = demoRegistry(today).map((a) => (a.id === 'demo-08' ? { ...a, confirmed: false } : a));
    await importRegistry(t.database.db, changed);
    await t.service.backend!.trustedContact.sweep();
    await p.trustor.waitForText('У вас больше нет доверенного контакта');
    await p.contact.waitForText('Вы больше не доверенный контакт');
    await importRegistry(t.database.db, demoRegistry(today));
  });
});
