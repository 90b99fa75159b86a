import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/config';
import { ADMIN_COMMANDS } from '../../bot/features/admin/admin.feature';
import { accountLinks, auditEvents, digitalIdSessions } from '../../db/schema';
import { buttonOf, type Chat, chatWith, confirmQuestion } from '../support/chat';
import { TestClock } from '../support/clock';
import { openDigitalId, qrOf } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { appCall, launchDataOf, SESSIONS_PATH } from '../support/mini-app';
import { E2E_PLATFORMS, servicePerPlatform } from '../support/platforms';
import { startTestService, type TestService } from '../support/service';
import { befriend, OVERVIEW, portal } from '../support/trusted-contact';
import { newVerifierKey, verifyByApi } from '../support/verify-api';
import { waitFor } from '../support/wait';

const ADMIN_ID = 424_242;
const clock = new TestClock();
const serviceOn = servicePerPlatform(async (platform) => {
  const service = await startTestService({ ADMIN_IDS: String(ADMIN_ID) }, { clock, platform });
  await service.sandbox.createPerson({ id: ADMIN_ID, name: 'Админ' });
  return service;
});
/** The service of the suite running now, and its admin's chat. */
let t: TestService;
let boss: Chat;
function useService(platform: Platform) {
  beforeAll(async () => {
    t = await serviceOn(platform);
    boss = chatWith(t.sandbox, ADMIN_ID);
  });
}

/** Audit rows of an action, about a subject or naming an account. */
async function auditRows(action: string, subjectId?: string, accountId?: string): Promise<number> {
  const rows = await t.database.db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.action, action),
        subjectId ? eq(auditEvents.subjectId, subjectId) : undefined,
        accountId ? sql`${accountId} = any(${auditEvents.accountIds})` : undefined,
      ),
    );
  return rows.length;
}

const activeKid = async () =>
  (await t.service.backend!.keys.published()).find((k) => k.status === 'active')?.kid;

/** A trigger that fails every insert of an admin's or an unlink's audit row (dropped again by the test). */
const REFUSE_ADMIN_AUDIT = [
  `create or replace function refuse_admin_audit() returns trigger language plpgsql as $$
   begin
     if new.action like 'admin.%' or new.action = 'account.unlink' then
       raise exception 'the audit trail refuses admin rows';
     end if;
     return new;
   end $$`,
  `create trigger refuse_admin_audit before insert on audit_events
     for each row execute function refuse_admin_audit()`,
];

/**
 * Triggers that fail each change an admin or an unlink makes, as a broken constraint would: to
 * blocks, roles and signing keys, and to the person's link and session.
 */
const refuseChanges = (userId: number) => ({
  install: [
    `create or replace function refuse_change() returns trigger language plpgsql as $$
     begin raise exception 'the table refuses the change'; end $$`,
    `create trigger refuse_block before update on messenger_users for each row
       when (old.blocked_at is distinct from new.blocked_at)
       execute function refuse_change()`,
    `create trigger refuse_role before insert or delete on account_roles for each row
       execute function refuse_change()`,
    `create trigger refuse_unlink before delete on account_links for each row
       when (old.messenger_user_id = ${userId})
       execute function refuse_change()`,
    `create trigger refuse_session_end before update on digital_id_sessions for each row
       when (old.messenger_user_id = ${userId} and old.status is distinct from new.status)
       execute function refuse_change()`,
    `create trigger refuse_keys before insert or update on signing_keys for each row
       execute function refuse_change()`,
  ],
  drop: [
    'drop trigger refuse_block on messenger_users',
    'drop trigger refuse_role on account_roles',
    'drop trigger refuse_unlink on account_links',
    'drop trigger refuse_session_end on digital_id_sessions',
    'drop trigger refuse_keys on signing_keys',
  ],
});

/** Audit rows of every change the admin commands and an unlink make. */
const CHANGES = ['grant', 'revoke_role', 'block', 'unblock', 'revoke', 'rotate_key', 'remove_key']
  .map((a) => `admin.${a}`)
  .concat('account.unlink');
const changeRows = async () => {
  const [row] = await t.database.db
    .select({ n: count() })
    .from(auditEvents)
    .where(inArray(auditEvents.action, CHANGES));
  return row?.n;
};

const execute = async (statements: string[]) => {
  for (const statement of statements) await t.database.db.execute(sql.raw(statement));
};

const isLinked = async (userId: number) =>
  (await t.database.db.select().from(accountLinks).where(eq(accountLinks.messengerUserId, userId))).length >
  0;

const liveSession = async (userId: number) => {
  const [session] = await t.database.db
    .select({ status: digitalIdSessions.status })
    .from(digitalIdSessions)
    .where(eq(digitalIdSessions.messengerUserId, userId));
  return session?.status === 'live';
};

const FAILURE = 'Сервис временно недоступен. Попробуйте ещё раз через минуту.';
const REFUSAL = 'Доступ к сервисам для вас приостановлен. Если это ошибка, обратитесь в поддержку Госуслуг.';

/** A blocked person, as an earlier /block left them. */
async function blockedPerson(name: string, phone: string) {
  const blocked = await linkedPerson(t, name, phone);
  await t.database.db.execute(
    sql`update messenger_users set blocked_at = now(), block_reason = 'test' where id = ${blocked.person.id}`,
  );
  return blocked;
}

/** The confirmation of a destructive command, pressed: returns what the button press answered. */
async function pressConfirmation(command: string) {
  const asked = await boss.ask(command, '?');
  const { data } = await buttonOf(boss, 'adm:ok:');
  return boss.tapForNotice(asked.messageId, data);
}

/** Sends a destructive admin command, presses its confirmation button, waits for `done`. */
async function confirmed(command: string, done: string) {
  const asked = await boss.ask(command, '?');
  return { messageId: asked.messageId, data: await confirmQuestion(boss, asked, 'adm:ok:', done) };
}

/** Every kind of change tried while it cannot be written: each answers the failure, /unlink too. */
async function everyChangeFails(ivan: Chat, commands: string[]) {
  for (const command of commands) expect((await boss.say(command)).text).toBe(FAILURE);
  for (const command of ['/block +79990000001 проверка', '/revoke +79990000001', '/rotate_key'])
    expect(await pressConfirmation(command)).toBe(FAILURE);
  expect((await ivan.say('/unlink')).text).toBe(FAILURE);
}

type Linked = Awaited<ReturnType<typeof linkedPerson>>;

/** After the failed changes: Ivan served, linked, his QR live; Olga still blocked; keys as they were. */
async function nothingElseChanged(was: {
  ivan: Linked;
  olga: Linked;
  kidBefore: number | undefined;
  retired: number | undefined;
}) {
  expect((await was.ivan.chat.say('/start')).text).toContain('Здравствуйте');
  expect((await was.olga.chat.say('/start')).text).toBe(REFUSAL);
  expect(await isLinked(was.ivan.person.id)).toBe(true);
  expect(await liveSession(was.ivan.person.id)).toBe(true);
  expect(await activeKid()).toBe(was.kidBefore);
  expect((await t.service.backend!.keys.published()).map((k) => k.kid)).toContain(was.retired);
}

describe.each(E2E_PLATFORMS)('admin commands on %s', (platform) => {
  useService(platform);

  it('grant makes a new admin who can use them; taking the role away takes them away', async () => {
    const { chat: svetlana, person } = await linkedPerson(t, 'Светлана', '+79990000012');
    const unknown = (await svetlana.say('/no_such_command')).text;
    expect((await boss.ask('/grant +79990000012 admin', 'Роль')).text).toContain('Роль admin выдана');
    expect((await svetlana.ask('/stats', 'Статистика')).text).toContain('Привязано людей:');
    const menu = async () => (await t.sandbox.chat(person.id)).commands.map((c) => c.command);
    // MAX has no per-chat command menus: there admins type the commands, and the menu stays everyone's.
    if (platform === 'telegram')
      await waitFor(async () => (await menu()).includes('stats'), 'her admin menu');
    else expect(await menu()).not.toContain('stats');
    expect((await boss.ask('/grant +79990000012 admin', 'роль')).text).toBe(
      'У этого человека уже есть роль admin.',
    );
    expect((await boss.ask('/revoke_role demo-12 admin', 'Роль')).text).toContain('Роль admin забрана');
    expect((await svetlana.say('/stats')).text).toBe(unknown);
    expect(await menu()).not.toContain('stats');
  });
});

describe('admin commands, on Telegram', () => {
  useService('telegram');

  it('do not exist for anyone else: each answers exactly like a made-up command', async () => {
    const { chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const unknown = (await chat.say('/no_such_command')).text;
    for (const command of ADMIN_COMMANDS) {
      expect((await chat.say(`/${command} +79990000001 admin`)).text).toBe(unknown);
    }
    expect((await t.sandbox.chat(chat.id)).commands.map((c) => c.command)).not.toContain('stats');
  });

  it('answers malformed arguments, unknown people and unknown roles plainly', async () => {
    expect((await boss.ask('/grant +79990000012 superuser', 'роли')).text).toBe(
      'Такой роли нет. Роли: admin, verifier.',
    );
    expect((await boss.ask('/whois +79995550000', 'человека')).text).toBe('Такого человека сервис не знает.');
    expect((await boss.ask('/whois', 'аргумент')).text).toContain('Не хватает или неверный аргумент.');
    expect((await boss.ask('/remove_key abc', 'аргумент')).text).toContain('/remove_key <kid>');
    expect((await boss.ask('/grant @nobody_here verifier', 'человека')).text).toBe(
      'Такого человека сервис не знает.',
    );
  });

  it('/revoke makes the live QR verify as revoked, once confirmed; the confirmation works once', async () => {
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const photo = await openDigitalId(ivan.chat, 'adult');
    const qr = await qrOf(t, photo);
    const { messageId, data } = await confirmed('/revoke +79990000001', 'отвечают «отозван»');
    const key = await newVerifierKey(t);
    expect((await verifyByApi(t, key, { qr: qr.url, scenario: 'adult' })).body.reason).toBe('revoked');
    // The button is gone from the message; a stale client pressing it again changes nothing.
    expect(await boss.tapForNotice(messageId, data, { forge: true })).toBe(
      'Подтверждение уже использовано или истекло. Повторите команду.',
    );
    await ivan.chat.waitForText('Сессия прекращена');
    // The check counts in today's figures, whichever process made it.
    expect((await boss.ask('/stats', 'Статистика')).text).toMatch(
      /Проверок Цифрового ID сегодня: .*revoked 1/,
    );
  });

  it('/revoke ends a Digital ID open in the Mini App: its QR is 410 ended at once, not at its refresh', async () => {
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const qrPath = (sessionId: unknown) => `${SESSIONS_PATH}/${sessionId}/qr`;
    const asIvan = () => launchDataOf(t, clock, ivan.person.id);
    const opened = await appCall(t, asIvan(), 'POST', SESSIONS_PATH, { scenario: 'adult' });
    expect((await appCall(t, asIvan(), 'GET', qrPath(opened.body.sessionId))).status).toBe(200);
    await confirmed('/revoke +79990000001', 'отвечают «отозван»');
    expect(await appCall(t, asIvan(), 'GET', qrPath(opened.body.sessionId))).toEqual({
      status: 410,
      body: { reason: 'ended' },
    });
  });

  it('/rotate_key makes new QRs carry the new kid while the old key stays published', async () => {
    const before = await t.service.backend!.keys.published();
    const oldKid = before.find((k) => k.status === 'active')?.kid;
    await confirmed('/rotate_key', 'Новый активный ключ');
    clock.advance(6); // past the few seconds services cache their keys
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const qr = await qrOf(t, await openDigitalId(ivan.chat, 'adult'));
    expect(qr.token.fields.kid).not.toBe(oldKid);
    const published = (await (await fetch(`${t.service.httpUrl}/.well-known/digital-id/keys`)).json()) as {
      keys: { kid: number; status: string }[];
    };
    expect(published.keys).toContainEqual(expect.objectContaining({ kid: oldKid, status: 'retired' }));
    expect(published.keys).toContainEqual(
      expect.objectContaining({ kid: qr.token.fields.kid, status: 'active' }),
    );
  });

  it('/block asks first, naming what it ends; only the confirmation blocks, and only once', async () => {
    const anna = await linkedPerson(t, 'Анна', '+79990000002');
    // Anna is Maria's trusted contact, and a recovery of Maria's account waits on her.
    const maria = await linkedPerson(t, 'Мария', '+79990000004');
    await befriend(maria.chat, anna.chat, 'Анна', '+79990000002');
    expect((await portal(t, 'POST', '', { accountId: 'demo-04' })).status).toBe(202);
    await buttonOf(anna.chat, 'rc:ok:');
    const photo = await openDigitalId(anna.chat, 'student');

    const asked = await boss.ask('/block +79990000002 подозрение на мошенничество', 'Заблокировать');
    expect(asked.text).toBe(
      [
        `Заблокировать Анна С. (demo-02), id ${anna.person.id}? Причина: подозрение на мошенничество.`,
        'Блокировка завершит:',
        '• живой Цифровой ID: есть, его QR-коды сразу перестанут подтверждаться',
        '• связи «доверенный контакт»: 1',
        '• ожидающие запросы на восстановление по ним: 1 (будут отменены)',
        'Во всех сервисах человек будет получать отказ, пока его не разблокируют.',
      ].join('\n'),
    );
    // Asking changed nothing: she is served, her QR is live, the relationship stands, no audit row.
    expect((await anna.chat.say('/start')).text).toContain('Здравствуйте');
    const qr = await qrOf(t, photo);
    const key = await newVerifierKey(t);
    expect((await verifyByApi(t, key, { qr: qr.url, scenario: 'student' })).body.result).toBe('confirmed');
    expect((await maria.chat.ask('/contact', OVERVIEW)).text).toContain('Анна');
    expect(await auditRows('admin.block', String(anna.person.id))).toBe(0);

    const data = await confirmQuestion(boss, asked, 'adm:ok:', 'Заблокирован:');
    await waitFor(async () => {
      const entry = (await anna.chat.botMessages()).find((m) => m.messageId === photo.messageId);
      return entry?.caption?.includes('Сессия прекращена');
    }, 'the ended screen');
    await maria.chat.waitForText('У вас больше нет доверенного контакта');
    // Anna hears it too, from the outbox: wait for both, so her next answer is the refusal.
    await anna.chat.waitForText('Вы больше не доверенный контакт: связь прекращена');
    await anna.chat.waitForText('Запрос на восстановление пароля для');
    expect((await maria.chat.ask('/contact', OVERVIEW)).text).not.toContain('Анна');
    const refusal =
      'Доступ к сервисам для вас приостановлен. Если это ошибка, обратитесь в поддержку Госуслуг.';
    expect((await anna.chat.say('/start')).text).toBe(refusal);
    expect((await anna.chat.say('/id')).text).toBe(refusal);
    // The confirmation works once: a stale client pressing it again changes nothing.
    expect(await boss.tapForNotice(asked.messageId, data, { forge: true })).toBe(
      'Подтверждение уже использовано или истекло. Повторите команду.',
    );
    expect(await auditRows('admin.block', String(anna.person.id))).toBe(1);
    expect((await boss.ask('/block +79990000002 ещё раз', 'заблокирован')).text).toBe(
      'Этот человек уже заблокирован.',
    );
    expect((await boss.ask('/unblock +79990000002', 'Разблокирован')).text).toContain('Разблокирован');
    expect((await anna.chat.say('/start')).text).toContain('Здравствуйте');
  });

  it('/block finishes a block whose follow-up was cut short; a confirmation is spent only by its own button', async () => {
    const elena = await linkedPerson(t, 'Елена', '+79990000006');
    const alexei = await linkedPerson(t, 'Алексей', '+79990000007');
    await befriend(elena.chat, alexei.chat, 'Алексей', '+79990000007');
    const photo = await openDigitalId(alexei.chat, 'large_family');
    // The process died right after the block committed: he is blocked, but what he had is live.
    await t.database.db.execute(
      sql`update messenger_users set blocked_at = now(), block_reason = 'cut short' where id = ${alexei.person.id}`,
    );
    const asked = await boss.ask('/block +79990000007 повторно', 'Заблокировать');
    expect(asked.text).toContain('• живой Цифровой ID: есть');
    expect(asked.text).toContain('• связи «доверенный контакт»: 1');
    // The button of another kind of confirmation does nothing, and leaves this one usable.
    const { data } = await buttonOf(boss, 'adm:ok:');
    const forged = data.replace('adm:ok:', 'adm:vk:');
    expect(await boss.tapForNotice(asked.messageId, forged, { forge: true })).toBe(
      'Подтверждение уже использовано или истекло. Повторите команду.',
    );
    await confirmQuestion(boss, asked, 'adm:ok:', 'Заблокирован:');
    await elena.chat.waitForText('У вас больше нет доверенного контакта');
    await waitFor(async () => {
      const entry = (await alexei.chat.botMessages()).find((m) => m.messageId === photo.messageId);
      return entry?.caption?.includes('Сессия прекращена');
    }, 'the ended screen');
    // Nothing is left: asking again is "already blocked".
    expect((await boss.ask('/block +79990000007 ещё раз', 'заблокирован')).text).toBe(
      'Этот человек уже заблокирован.',
    );
    expect((await boss.ask('/unblock +79990000007', 'Разблокирован')).text).toContain('Разблокирован');
  });

  it('writes each change with its audit row: when the row cannot be written, the change is undone', async () => {
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const olga = await blockedPerson('Ольга', '+79990000008');
    await openDigitalId(ivan.chat, 'adult');
    expect((await boss.ask('/grant +79990000001 admin', 'Роль')).text).toContain('выдана');
    const kidBefore = await activeKid();
    const retired = (await t.service.backend!.keys.published()).find((k) => k.status === 'retired')?.kid;
    clock.advance(120); // the retired key's tokens have all expired: it may be removed
    const actions = ['grant', 'revoke_role', 'whois', 'block', 'revoke'].map((a) => `admin.${a}`);
    const rows = async () => [
      ...(await Promise.all(actions.map((a) => auditRows(a, undefined, 'demo-01')))),
      await auditRows('admin.remove_key', String(retired)),
      await auditRows('admin.unblock', undefined, 'demo-08'),
      await auditRows('account.unlink', undefined, 'demo-01'),
    ];
    const rowsBefore = await rows();
    // The audit trail refuses admin rows, as a full disk or a broken constraint would.
    await execute(REFUSE_ADMIN_AUDIT);
    try {
      await everyChangeFails(ivan.chat, [
        '/grant +79990000001 verifier',
        '/revoke_role +79990000001 admin',
        '/whois +79990000001',
        `/remove_key ${retired}`,
        '/unblock +79990000008',
      ]);
    } finally {
      await t.database.db.execute(sql.raw('drop trigger refuse_admin_audit on audit_events'));
    }
    // Nothing changed, and no audit row claims it did.
    const roles = t.service.backend!.roles;
    expect(await roles.hasRole(ivan.person.id, 'verifier')).toBe(false);
    expect(await roles.hasRole(ivan.person.id, 'admin')).toBe(true);
    await nothingElseChanged({ ivan, olga, kidBefore, retired });
    expect(await rows()).toEqual(rowsBefore);

    // With the trail writable, each change happens and its row is there.
    expect((await boss.ask('/revoke_role +79990000001 admin', 'Роль')).text).toContain('забрана');
    await confirmed('/revoke +79990000001', 'отвечают «отозван»');
    expect((await boss.ask(`/remove_key ${retired}`, 'Ключ')).text).toContain('снят с публикации');
    expect((await boss.ask('/unblock +79990000008', 'Разблокирован')).text).toContain('Разблокирован');
    expect((await ivan.chat.ask('/unlink', 'отвязана')).text).toContain('отвязана');
    expect(await isLinked(ivan.person.id)).toBe(false);
    const [unlinked] = await t.database.db
      .select({ actor: auditEvents.actor })
      .from(auditEvents)
      .where(eq(auditEvents.action, 'account.unlink'))
      .orderBy(desc(auditEvents.at))
      .limit(1);
    expect(unlinked?.actor).toBe('account:demo-01');
    const [grants, revokedRoles, whois, blocks, revokes, removals, unblocks, unlinks] = rowsBefore;
    expect(await rows()).toEqual([
      grants,
      Number(revokedRoles) + 1,
      whois,
      blocks,
      Number(revokes) + 1,
      Number(removals) + 1,
      Number(unblocks) + 1,
      Number(unlinks) + 1,
    ]);
  });

  it('writes no audit row for a change that fails', async () => {
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const olga = await blockedPerson('Ольга', '+79990000008');
    await openDigitalId(ivan.chat, 'adult');
    expect((await boss.ask('/grant +79990000001 verifier', 'Роль')).text).toContain('выдана');
    // A retired key whose tokens have all expired, so that /remove_key has something to remove.
    await confirmed('/rotate_key', 'Новый активный ключ');
    clock.advance(120);
    const kidBefore = await activeKid();
    const retired = (await t.service.backend!.keys.published()).find((k) => k.status === 'retired')?.kid;
    const rowsBefore = await changeRows();
    const refused = refuseChanges(ivan.person.id);
    await execute(refused.install);
    try {
      await everyChangeFails(ivan.chat, [
        '/grant +79990000001 admin',
        '/revoke_role +79990000001 verifier',
        `/remove_key ${retired}`,
        '/unblock +79990000008',
      ]);
    } finally {
      await execute(refused.drop);
    }
    // Nothing changed, and no audit row claims it did.
    expect(await changeRows()).toBe(rowsBefore);
    const roles = t.service.backend!.roles;
    expect(await roles.hasRole(ivan.person.id, 'verifier')).toBe(true);
    expect(await roles.hasRole(ivan.person.id, 'admin')).toBe(false);
    await nothingElseChanged({ ivan, olga, kidBefore, retired });
    expect((await boss.ask('/unblock +79990000008', 'Разблокирован')).text).toContain('Разблокирован');
  });

  it('shows every admin action in /audit, paged with buttons', async () => {
    await boss.ask('/verifier_key Касса 7', 'Ключ API');
    const seen = new Set<string>();
    let page = await boss.ask('/audit', 'admin:');
    for (;;) {
      for (const m of (page.text ?? '').matchAll(/admin\.(\w+)/g)) seen.add(m[1] as string);
      const older = page.inlineKeyboard
        ?.flat()
        .find((b) => 'callback_data' in b && b.callback_data?.startsWith('adm:audit:'));
      if (!older || !('callback_data' in older) || older.text.includes('Позже')) break;
      const before = page.edits;
      await boss.tap(page.messageId, older.callback_data as string);
      page = await waitFor(async () => {
        const entry = (await boss.botMessages()).find((m) => m.messageId === page.messageId);
        return entry && entry.edits > before ? entry : undefined;
      }, 'the older page');
    }
    expect([...seen].sort()).toEqual(
      [
        'block',
        'grant',
        'remove_key',
        'revoke',
        'revoke_role',
        'rotate_key',
        'unblock',
        'verifier_key',
      ].sort(),
    );
  });

  it('does nothing for a confirmation pressed after five minutes', async () => {
    const before = await activeKid();
    const asked = await boss.ask('/rotate_key', '?');
    const { data } = await buttonOf(boss, 'adm:ok:');
    clock.advance(301);
    expect(await boss.tapForNotice(asked.messageId, data)).toBe(
      'Подтверждение уже использовано или истекло. Повторите команду.',
    );
    expect(await activeKid()).toBe(before);
  });
});
