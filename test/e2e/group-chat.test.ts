import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonOf, type Chat, chatWith, groupChatWith } from '../support/chat';
import { linkedPerson } from '../support/linking';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const ADMIN_ID = 535_353;
let t: TestService;
let boss: Chat;
let botUsername: string;
/** The one line a personal command gets in a group. */
let line: string;
beforeAll(async () => {
  t = await startTestService({ ADMIN_IDS: String(ADMIN_ID) });
  boss = chatWith(t.sandbox, (await t.sandbox.createPerson({ id: ADMIN_ID, name: 'Админ' })).id);
  const { bot } = (await (await fetch(`${t.service.sandbox!.url}/sandbox/api/bot`)).json()) as {
    bot: { username: string };
  };
  botUsername = bot.username;
  line = `Это делается только в личном чате со мной: напишите @${botUsername}.`;
});
afterAll(async () => {
  await t?.stop();
});

/** The tables whose content differs between two states. */
const changedTables = (before: Record<string, string>, after: Record<string, string>) =>
  Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);

/**
 * Everything the service keeps, as one digest per table. The update-id marks change with
 * every update by design; anything else changing is a personal flow that ran.
 */
async function serviceState(): Promise<Record<string, string>> {
  const { db } = t.database;
  const tables = (await db.execute(
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_name <> 'processed_updates'`,
  )) as unknown as { name: string }[];
  const state: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = (await db.execute(
      sql.raw(`select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '')
               as digest from "${name}" t`),
    )) as unknown as { digest: string }[];
    state[name] = row?.digest ?? '';
  }
  return state;
}

/**
 * Waits until what each chat's last update wrote is written: a form's state is saved after its
 * last answer, and a chat's updates run one after another, so the answer to one more shows it.
 */
async function settled(...chats: Chat[]) {
  for (const chat of chats) await chat.say('/help');
}

describe('in a group chat', () => {
  it('answers each personal command and button with one line, sends no SMS and changes nothing', async () => {
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const newcomer = await t.sandbox.createPerson({ name: 'Пётр', phone: '+79990000003' });
    const group = await t.sandbox.createGroup({
      title: 'Соседи',
      type: 'supergroup',
      members: [ivan.person.id, newcomer.id],
    });
    const chat = groupChatWith(t.sandbox, group.id);
    await settled(ivan.chat);
    const smsBefore = (await t.sandbox.sms()).length;
    const stateBefore = await serviceState();

    const asked: [number, string][] = [
      [newcomer.id, '/link'],
      [ivan.person.id, '/unlink'],
      [ivan.person.id, '/id'],
      [ivan.person.id, '/contact'],
      [ivan.person.id, '/verify'],
      [ivan.person.id, '/start'],
      [newcomer.id, `/link@${botUsername}`],
    ];
    for (const [from, command] of asked) expect((await chat.say(from, command)).text).toBe(line);
    // The menu's buttons and the personal flows' buttons, pressed in the group.
    const answer = (await chat.botMessages()).at(-1)!;
    for (const data of ['link:start', 'info:digital-id', 'tc:home', 'tc:add', 'did:open:adult', 'ver:adult'])
      expect(await chat.tapForNotice(ivan.person.id, answer.messageId, data, { forge: true })).toBe(line);
    // Talk between members and commands for another bot are not for this bot.
    const answered = (await chat.botMessages()).length;
    await t.sandbox.sendGroupText(group.id, ivan.person.id, 'всем привет');
    await t.sandbox.sendGroupText(group.id, ivan.person.id, '/id@someone_else_bot');
    expect((await chat.say(newcomer.id, '/help')).text).toBe(line);
    expect((await chat.botMessages()).length).toBe(answered + 1);

    expect((await t.sandbox.sms()).length).toBe(smsBefore);
    expect(changedTables(stateBefore, await serviceState())).toEqual([]);
    expect((await t.sandbox.chat(newcomer.id)).messages).toEqual([]);
    // Ivan is still linked: in private, /id offers his Digital ID.
    expect((await ivan.chat.say('/id')).text).toContain('Выберите');
  });

  it('refuses a blocked person there too, telling them alone', async () => {
    const anna = await linkedPerson(t, 'Анна', '+79990000002');
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const group = await t.sandbox.createGroup({ title: 'Двор', members: [anna.person.id, ivan.person.id] });
    const chat = groupChatWith(t.sandbox, group.id);
    const asked = await boss.ask('/block +79990000002 проверка', 'Заблокировать');
    const { data } = await buttonOf(boss, 'adm:ok:');
    await boss.tap(asked.messageId, data);
    await boss.waitForText('Заблокирован:');
    const refusal =
      'Доступ к сервисам для вас приостановлен. Если это ошибка, обратитесь в поддержку Госуслуг.';
    await settled(ivan.chat, boss, anna.chat);
    const stateBefore = await serviceState();

    const privately = (await anna.chat.botMessages()).length;
    const inGroup = (await chat.botMessages()).length;
    await t.sandbox.sendGroupText(group.id, anna.person.id, '/id');
    const told = await waitFor(
      async () => (await anna.chat.botMessages())[privately],
      'the refusal in her private chat',
    );
    expect(told.text).toBe(refusal);
    // What others say in the group still gets the one line; hers got nothing there.
    const ivanLine = await chat.say(ivan.person.id, '/id');
    expect(ivanLine.text).toBe(line);
    expect((await chat.botMessages()).length).toBe(inGroup + 1);
    expect(
      await chat.tapForNotice(anna.person.id, ivanLine.messageId, 'did:open:student', { forge: true }),
    ).toBe(refusal);
    // Her talk in the group is not answered at all.
    await t.sandbox.sendGroupText(group.id, anna.person.id, 'привет');
    await chat.say(ivan.person.id, '/help');
    expect((await anna.chat.botMessages()).length).toBe(privately + 1);
    expect(changedTables(stateBefore, await serviceState())).toEqual([]);
  });
});
