import { and, arrayContains, count, eq, ne, or, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveKey } from '../../app/secrets';
import { hashPhone } from '../../core/otp/otp-codes';
import { accountRepository } from '../../db/repositories/account.repository';
import {
  accountLinks,
  accounts,
  auditEvents,
  botConversations,
  digitalIdSessions,
  messengerUsers,
  otpChallenges,
  outgoingMessages,
  smsDailyCounts,
  trustLinks,
} from '../../db/schema';
import { chatWith, latestCode } from '../support/chat';
import { TestClock } from '../support/clock';
import { openDigitalId } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { E2E_PLATFORMS, servicePerPlatform } from '../support/platforms';
import { whilePaused } from '../support/queues';
import { startTestService, type TestService } from '../support/service';
import { befriend, inviteContact } from '../support/trusted-contact';
import { waitFor } from '../support/wait';

const clock = new TestClock();
const serviceOn = servicePerPlatform((platform) =>
  startTestService({ SMS_MAX_PER_PHONE_PER_DAY: '4' }, { clock, platform }),
);
/** The service of the suite running now. */
let t: TestService;

const linkedAccount = (userId: number) => accountRepository(t.database.db).findLinkedTo(userId);

const TATIANA = { accountId: 'demo-10', phone: '+79990000010' };

/** How many rows of `table` match `where`. */
const rowsOf = async (table: PgTable, where: SQL | undefined) =>
  (await t.database.db.select({ n: count() }).from(table).where(where))[0]?.n ?? 0;

/**
 * Every row of db/schema that holds a person (Tatiana unless told) or their chat. Not counted:
 * the trust links and recovery requests naming their account (records of decisions, which the
 * audit trail refers to), messages already sent (pruned a day after sending), and tables that
 * name no person (processed updates, token uses of deleted sessions, signing and verifier keys,
 * broadcasts, admin confirmations); no one here has a verifier desk or staff role.
 */
async function holdings(userId: number, { accountId, phone } = TATIANA) {
  const phoneHash = hashPhone(deriveKey(t.service.backend!.masterKey, 'phone-hash'), phone);
  return {
    accountLinks: await rowsOf(
      accountLinks,
      or(eq(accountLinks.messengerUserId, userId), eq(accountLinks.accountId, accountId)),
    ),
    messengerUsers: await rowsOf(messengerUsers, eq(messengerUsers.id, userId)),
    digitalIdSessions: await rowsOf(
      digitalIdSessions,
      or(eq(digitalIdSessions.messengerUserId, userId), eq(digitalIdSessions.accountId, accountId)),
    ),
    otpChallenges: await rowsOf(
      otpChallenges,
      or(eq(otpChallenges.subject, String(userId)), eq(otpChallenges.phoneHash, phoneHash)),
    ),
    smsDailyCounts: await rowsOf(smsDailyCounts, eq(smsDailyCounts.phoneHash, phoneHash)),
    unsentMessages: await rowsOf(
      outgoingMessages,
      and(eq(outgoingMessages.chatId, userId), ne(outgoingMessages.status, 'sent')),
    ),
    botConversations: await rowsOf(botConversations, eq(botConversations.key, String(userId))),
    accounts: await rowsOf(accounts, eq(accounts.id, accountId)),
    auditEvents: await rowsOf(auditEvents, arrayContains(auditEvents.accountIds, [accountId])),
  };
}

/** What unlinking leaves of a person: the registry account and the audit trail. */
const ERASED = {
  accountLinks: 0,
  messengerUsers: 0,
  digitalIdSessions: 0,
  otpChallenges: 0,
  smsDailyCounts: 0,
  unsentMessages: 0,
  botConversations: 0,
  accounts: 1,
  auditEvents: expect.any(Number),
};

/** Runs `act` while a trigger makes `table` refuse the changes `when` matches, as a broken constraint would. */
async function whileRefusing<T>(table: string, when: string, act: () => Promise<T>): Promise<T> {
  const run = (statement: string) => t.database.db.execute(sql.raw(statement));
  await run(`create or replace function refuse_change() returns trigger language plpgsql as $$
    begin raise exception 'the table refuses the change'; end $$`);
  await run(
    `create trigger refuse_change before ${when} on ${table} for each row execute function refuse_change()`,
  );
  try {
    return await act();
  } finally {
    await run(`drop trigger refuse_change on ${table}`);
  }
}

const FAILURE = 'Сервис временно недоступен. Попробуйте ещё раз через минуту.';

/** A demo person (see db/registry/demo-registry.ts) who starts /link and shares their number. */
async function startLinking(name: string, phone: string, languageCode = 'ru') {
  const person = await t.sandbox.createPerson({ name, phone, languageCode });
  const chat = chatWith(t.sandbox, person.id);
  const ask = await chat.say('/link');
  expect(ask.text).toContain(languageCode === 'en' ? 'share your phone number' : 'поделитесь своим номером');
  expect(await chat.textButtons()).toEqual([
    { text: languageCode === 'en' ? '📱 Share my number' : '📱 Поделиться номером', contact: true },
    { text: languageCode === 'en' ? 'Cancel' : 'Отмена', contact: false },
  ]);
  return { person, chat };
}

describe.each(E2E_PLATFORMS)('linking the Gosuslugi account on %s', (platform) => {
  beforeAll(async () => {
    t = await serviceOn(platform);
  });

  it('links with the code from the SMS inbox', async () => {
    const { person, chat } = await startLinking('Иван', '+79990000001');
    const sent = await chat.shareContact();
    expect(sent.text).toContain('+*******0001');
    const code = await latestCode(t.sandbox, '+79990000001');
    const done = await chat.say(code);
    expect(done.text).toContain('Готово, Иван!');
    expect((await linkedAccount(person.id))?.id).toBe('demo-01');
  });

  it("refuses someone else's contact card and sends no code", async () => {
    const { person, chat } = await startLinking('Мария', '+79990000004');
    const refusal = await chat.shareContact({ phone: '+79990000006', firstName: 'Елена', userId: 777 });
    expect(refusal.text).toContain('Это чужой контакт');
    expect(await t.sandbox.sms('+79990000006')).toEqual([]);
    expect(await linkedAccount(person.id)).toBeNull();
  });

  it('lets a command end the form and run, and cancels on request', async () => {
    const { chat } = await startLinking('Пётр', '+79990000003');
    expect((await chat.say('/help')).text).toContain('Что умеет бот');
    await chat.say('/link');
    expect((await chat.press('Отмена')).text).toBe('Привязка отменена.');
    expect((await chat.say('привет')).text).toContain('/start');
  });
});

describe('linking the Gosuslugi account: the rest, on Telegram', () => {
  beforeAll(async () => {
    t = await serviceOn('telegram');
  });

  it('says how to confirm an account for an unconfirmed or unknown number, sending no code', async () => {
    for (const phone of ['+79990000011', '+79998887766']) {
      const { person, chat } = await startLinking('Николай', phone);
      const answer = await chat.shareContact();
      expect(answer.text).toContain('Не нашли подтверждённую учётную запись');
      expect(answer.text).toContain('МФЦ');
      expect(await t.sandbox.sms(phone)).toEqual([]);
      expect(await linkedAccount(person.id)).toBeNull();
    }
  });

  it('counts only six digits as a try, and locks the code after five wrong ones', async () => {
    const { person, chat } = await startLinking('Дмитрий', '+79990000007');
    await chat.shareContact();
    const code = await latestCode(t.sandbox, '+79990000007');
    for (const slip of ['12 34 56', 'abcdef', '12345', '1234567']) {
      expect((await chat.say(slip)).text).toContain('Код — это 6 цифр');
    }
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      expect((await chat.say(wrong)).text).toBe(`Неверный код. Осталось попыток: ${left}.`);
    }
    expect((await chat.say(wrong)).text).toContain('Слишком много неверных попыток');
    const afterLock = await chat.say(code);
    expect(afterLock.text).toContain('Сейчас код не запрашивался');
    expect(await linkedAccount(person.id)).toBeNull();
  });

  it('resends no sooner than a minute, and the new code replaces the old one', async () => {
    const { person, chat } = await startLinking('Ольга', '+79990000008');
    const sent = await chat.shareContact();
    const first = await latestCode(t.sandbox, '+79990000008');
    const notice = await chat.tapForNotice(sent.messageId, 'link:resend');
    expect(notice).toMatch(/^Новый код можно запросить через \d+ с\.$/);
    clock.advance(61);
    await chat.tap(sent.messageId, 'link:resend');
    const second = await latestCode(t.sandbox, '+79990000008', 1);
    if (second !== first) expect((await chat.say(first)).text).toContain('Неверный код');
    expect((await chat.say(second)).text).toContain('Готово, Ольга!');
    expect((await linkedAccount(person.id))?.id).toBe('demo-08');
  });

  it('moves the account when it is linked from another chat, telling the first one', async () => {
    const first = await startLinking('Светлана', '+79990000012');
    await first.chat.shareContact();
    await first.chat.say(await latestCode(t.sandbox, '+79990000012'));
    const second = await startLinking('Светлана', '+79990000012', 'en');
    await second.chat.shareContact();
    const done = await second.chat.say(await latestCode(t.sandbox, '+79990000012', 1));
    expect(done.text).toContain('Done, Светлана!');
    await first.chat.waitForText('привязали в другом чате');
    expect((await linkedAccount(second.person.id))?.id).toBe('demo-12');
    expect(await linkedAccount(first.person.id)).toBeNull();
  });

  it('unlinks with /unlink, leaving of the person only the registry account and the audit trail', async () => {
    const phone = '+79990000010';
    const { person, chat } = await startLinking('Татьяна', phone);
    await chat.shareContact();
    await chat.say(await latestCode(t.sandbox, phone));
    await openDigitalId(chat, 'adult');
    // An invitation to be Ivan's trusted contact that the messenger refused: unsent in the outbox.
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    await t.sandbox.refuseNextSend(person.id);
    expect((await inviteContact(ivan.chat, 'Таня', phone)).text).toContain('Приглашение отправлено');
    const failedToTatiana = () =>
      rowsOf(
        outgoingMessages,
        and(eq(outgoingMessages.chatId, person.id), eq(outgoingMessages.status, 'failed')),
      );
    await waitFor(async () => (await failedToTatiana()) === 1, 'the refused invitation');
    // A second /link left half done: an open code, a second SMS counted, the form's state.
    await chat.say('/link');
    await chat.shareContact();

    expect(await holdings(person.id)).toEqual({
      accountLinks: 1,
      messengerUsers: 1,
      digitalIdSessions: 1,
      otpChallenges: 2,
      smsDailyCounts: 1,
      unsentMessages: 1,
      botConversations: 1,
      accounts: 1,
      auditEvents: expect.any(Number),
    });
    // The codes' tables keep the number only as a keyed hash.
    const otpTables = JSON.stringify([
      await t.database.db.select().from(otpChallenges),
      await t.database.db.select().from(smsDailyCounts),
    ]);
    expect(otpTables).not.toContain(phone.slice(2));

    expect((await chat.say('/unlink')).text).toContain('отвязана');
    expect(await linkedAccount(person.id)).toBeNull();
    const after = await holdings(person.id);
    expect(after).toEqual(ERASED);
    expect(after.auditEvents).toBeGreaterThan(0);
    expect((await chat.say('/unlink')).text).toContain('не привязана');
  });

  it('erases with the unlink itself: a follow-up failing after it leaves the person unlinked and erased', async () => {
    const elena = { accountId: 'demo-06', phone: '+79990000006' };
    const trustor = await linkedPerson(t, 'Елена', elena.phone);
    const photo = await openDigitalId(trustor.chat, 'adult');
    const contact = await linkedPerson(t, 'Алексей', '+79990000007');
    await befriend(trustor.chat, contact.chat, 'Алексей', '+79990000007');
    const activeLinks = () =>
      rowsOf(
        trustLinks,
        and(eq(trustLinks.trustorAccountId, elena.accountId), eq(trustLinks.status, 'active')),
      );
    expect(await activeLinks()).toBe(1);

    // The recovery queue paused: the sweeper cannot end the relationship behind the test's back.
    await whilePaused(t.service.backend!.recoveryQueue, async () => {
      // Ending the relationship, which comes after the unlink, fails.
      const answer = await whileRefusing('trust_links', 'update', () => trustor.chat.say('/unlink'));
      expect(answer.text).toContain('отвязана');
      expect(await linkedAccount(trustor.person.id)).toBeNull();
      const after = await holdings(trustor.person.id, elena);
      expect(after).toEqual(ERASED);
      expect(after.auditEvents).toBeGreaterThan(0);
      // The chat's QR shows the session ended; the relationship is left to the sweeper.
      await waitFor(async () => {
        const entry = (await trustor.chat.botMessages()).find((m) => m.messageId === photo.messageId);
        return entry?.caption?.includes('Сессия прекращена');
      }, 'the ended screen');
      expect(await activeLinks()).toBe(1);
      await t.service.backend!.trustedContact.sweep();
      expect(await activeLinks()).toBe(0);
    });
  });

  it('unlinks nothing when the erasure fails: still linked, the QR live, no audit row, the failure answered', async () => {
    const ivan = { accountId: 'demo-01', phone: '+79990000001' };
    const { person, chat } = await linkedPerson(t, 'Иван', ivan.phone);
    await openDigitalId(chat, 'adult');
    const before = await holdings(person.id, ivan);
    expect(before).toMatchObject({ accountLinks: 1, messengerUsers: 1, digitalIdSessions: 1 });

    // The erasure's last step fails, after the link, its audit row and the session's end.
    const answer = await whileRefusing('messenger_users', `delete`, () => chat.say('/unlink'));
    expect(answer.text).toBe(FAILURE);
    expect((await linkedAccount(person.id))?.id).toBe(ivan.accountId);
    // The same rows, audit trail included: no row claims an unlink.
    expect(await holdings(person.id, ivan)).toEqual(before);
    const [session] = await t.database.db
      .select({ status: digitalIdSessions.status })
      .from(digitalIdSessions)
      .where(eq(digitalIdSessions.messengerUserId, person.id));
    expect(session?.status).toBe('live');

    expect((await chat.say('/unlink')).text).toContain('отвязана');
    expect(await holdings(person.id, ivan)).toEqual(ERASED);
  });

  it('stops sending codes to a number after SMS_MAX_PER_PHONE_PER_DAY', async () => {
    let answer = '';
    for (let i = 0; i < 5; i++) {
      const { chat } = await startLinking(`Анна ${i}`, '+79990000002');
      answer = (await chat.shareContact()).text ?? '';
    }
    expect(answer).toContain('слишком много СМС');
    expect(await t.sandbox.sms('+79990000002')).toHaveLength(4);
  });
});
