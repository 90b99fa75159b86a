import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, trustLinks } from '../../db/schema';
import type { Chat } from '../support/chat';
import { buttonOf } from '../support/chat';
import { TestClock } from '../support/clock';
import { linkedPerson } from '../support/linking';
import { startTestService, type TestService } from '../support/service';
import { freshPeople, inviteContact, OVERVIEW, type Person } from '../support/trusted-contact';
import { waitFor } from '../support/wait';

const clock = new TestClock();
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ INVITATION_TTL_SECONDS: '600', TRUSTORS_PER_CONTACT: '2' }, { clock });
});
afterAll(async () => {
  await t?.stop();
});

const people: Record<string, Chat> = {};
/** A demo person, linked once and reused: `n` is their number in the demo registry. */
async function person(n: number, name: string): Promise<Chat> {
  people[n] ??= (await linkedPerson(t, name, `+7999000${String(n).padStart(4, '0')}`)).chat;
  return people[n];
}

/** Accepts the newest invitation from `from` that arrived after the contact's message `after`. */
async function accept(contact: Chat, from: string, after = 0) {
  const invitation = await waitFor(
    async () =>
      (await contact.botMessages()).slice(after).find((m) => m.text?.includes(`${from} просит вас`)),
    `an invitation from ${from}`,
  );
  const button = invitation.inlineKeyboard
    ?.flat()
    .find((b) => 'callback_data' in b && b.callback_data?.startsWith('tc:acc:'));
  await contact.tap(invitation.messageId, (button as { callback_data: string }).callback_data);
  return contact.waitForText(`вы доверенный контакт для ${from}`);
}

describe('inviting a trusted contact', () => {
  it('invite → accept: both sides see the relationship, and either side can end it', async () => {
    const maria = await person(4, 'Мария');
    const ivan = await person(1, 'Иван');
    await inviteContact(maria, 'Иван', '8 (999) 000-00-01');
    await accept(ivan, 'Мария П.');
    await maria.waitForText('Иван принял(а) приглашение');
    expect((await maria.ask('/contact', OVERVIEW)).text).toContain(
      'Ваш доверенный контакт: Иван (+*******0001)',
    );
    const helping = await ivan.ask('/contact', OVERVIEW);
    expect(helping.text).toContain('Вы доверенный контакт для: Мария П.');

    const { data } = await buttonOf(ivan, 'tc:end:');
    expect(await ivan.tapForNotice(helping.messageId, data)).toBe('Связь прекращена.');
    await maria.waitForText('У вас больше нет доверенного контакта');
    expect((await maria.ask('/contact', OVERVIEW)).text).toContain('Доверенный контакт не назначен');
  });

  it('delivers an invitation to someone who has not linked the bot yet, the moment they link', async () => {
    const elena = await person(6, 'Елена');
    await inviteContact(elena, 'Алексей', '+79990000007');
    const alexey = await person(7, 'Алексей');
    await accept(alexey, 'Елена М.');
    await elena.waitForText('Алексей принял(а) приглашение');
    // The trustor ends it from their side this time; the contact is told.
    const overview = await elena.ask('/contact', OVERVIEW);
    const { data } = await buttonOf(elena, 'tc:end:');
    await elena.tapForNotice(overview.messageId, data);
    await alexey.waitForText('Вы больше не доверенный контакт');
  });

  it('tells the trustor when the contact declines', async () => {
    const olga = await person(8, 'Ольга');
    const sergey = await person(9, 'Сергей');
    await inviteContact(olga, 'Сергей', '+7 999 000 00 09');
    const invitation = await sergey.waitForText('Ольга Л. просит вас');
    const { data } = await buttonOf(sergey, 'tc:dec:');
    await sergey.tap(invitation.messageId, data);
    await olga.waitForText('Сергей отклонил(а) приглашение');
    // A second tap on the same invitation changes nothing.
    expect(await sergey.tapForNotice(invitation.messageId, data)).toBe('Это уже неактуально.');
  });

  it('lets an unanswered invitation expire: the trustor is told, a late accept does nothing', async () => {
    const tatiana = await person(10, 'Татьяна');
    const svetlana = await person(12, 'Светлана');
    await inviteContact(tatiana, 'Светлана', '+79990000012');
    const invitation = await svetlana.waitForText('Татьяна Н. просит вас');
    const { data } = await buttonOf(svetlana, 'tc:acc:');
    clock.advance(601);
    await t.service.backend!.trustedContact.sweep();
    await tatiana.waitForText('Приглашение для Светлана истекло без ответа');
    expect(await svetlana.tapForNotice(invitation.messageId, data)).toBe('Это уже неактуально.');
  });
});

describe('the invitation form and its management', () => {
  it('leads from the menu’s information page to the person’s own trusted-contact screen', async () => {
    const tatiana = await person(10, 'Татьяна');
    const menu = await tatiana.ask('/start', 'Здравствуйте');
    await tatiana.tap(menu.messageId, 'info:trusted-contact');
    await tatiana.withButton('tc:home');
    const before = (await tatiana.botMessages()).length;
    await tatiana.tap(menu.messageId, 'tc:home');
    await waitFor(
      async () => (await tatiana.botMessages()).slice(before).find((m) => m.text?.includes(OVERVIEW)),
      'the trusted-contact screen',
    );
  });

  it('asks again for a bad name, takes a contact card for the number, and lets the trustor resend and cancel', async () => {
    const svetlana = await person(12, 'Светлана');
    const ivan = await person(1, 'Иван');
    const overview = await svetlana.ask('/contact', OVERVIEW);
    await svetlana.tap(overview.messageId, 'tc:add');
    await svetlana.waitForText('Как зовут человека');
    expect((await svetlana.ask('Б'.repeat(65), 'имя')).text).toBe(
      'Слишком длинное имя: не больше 64 символов.',
    );
    expect((await svetlana.ask('Мама\u202e', 'символы')).text).toBe(
      'В имени есть недопустимые символы. Напишите имя обычным текстом.',
    );
    await svetlana.ask('  Иван   Петрович ', 'мобильный номер');
    const before = (await svetlana.botMessages()).length;
    await t.sandbox.shareContact(svetlana.id, { phone: '79990000001', firstName: 'Иван' });
    const confirm = await waitFor(
      async () =>
        (await svetlana.botMessages()).slice(before).find((m) => m.text?.includes('доверенным контактом?')),
      'the confirmation',
    );
    expect(confirm.text).toContain('Назначить Иван Петрович (+*******0001)');
    await svetlana.tap(confirm.messageId, 'tc:form-send');
    await svetlana.waitForText('Приглашение отправлено');
    const invitations = async () =>
      (await ivan.botMessages()).filter((m) => m.text?.includes('Светлана М. просит вас'));
    await waitFor(async () => (await invitations()).length === 1, 'the invitation');

    const managed = await svetlana.ask('/contact', OVERVIEW);
    expect(managed.text).toContain('Приглашение для Иван Петрович (+*******0001) ждёт ответа');
    const { data: resend } = await buttonOf(svetlana, 'tc:resend:');
    for (const n of [1, 2, 3]) {
      expect(await svetlana.tapForNotice(managed.messageId, resend)).toBe(
        `Приглашение отправлено повторно (${n} из 3 за час).`,
      );
    }
    expect(await svetlana.tapForNotice(managed.messageId, resend)).toBe(
      'Повторно отправить приглашение можно не больше 3 раз за час. Попробуйте позже.',
    );
    await waitFor(async () => (await invitations()).length === 4, 'the invitation and three resends');
    const { data: cancel } = await buttonOf(svetlana, 'tc:cancel:');
    expect(await svetlana.tapForNotice(managed.messageId, cancel)).toBe('Приглашение отменено.');
    const [latest] = (await invitations()).reverse();
    const accept = latest?.inlineKeyboard
      ?.flat()
      .find((b) => 'callback_data' in b && b.callback_data?.startsWith('tc:acc:'));
    expect(
      await ivan.tapForNotice(latest!.messageId, (accept as { callback_data: string }).callback_data),
    ).toBe('Это уже неактуально.');
  });
});

describe('who may be whose trusted contact', () => {
  it('refuses a 13-year-old trustor and self-invitation, saying why', async () => {
    const dmitry = await person(5, 'Дмитрий');
    expect((await dmitry.ask('/contact', OVERVIEW)).text).toContain(
      'Доверенный контакт можно назначить с 14 лет.',
    );
    const anna = await person(2, 'Анна');
    expect((await inviteContact(anna, 'Я', '+79990000002')).text).toBe(
      'Нельзя назначить доверенным контактом самого себя.',
    );
  });

  it('answers an invitation to a 17-year-old, an unconfirmed account or a full contact exactly like any other, and never delivers it', async () => {
    const anna = await person(2, 'Анна');
    const eligible = await inviteContact(anna, 'Иван', '+79990000001');
    const texts = [eligible.text];
    // Three new invitations an hour: the probes below go in the next hour.
    clock.advance(3601);
    for (const [who, phone] of [
      ['Пётр', '+79990000003'],
      ['Николай', '+79990000011'],
      ['Никто', '+79995554433'],
    ] as const) {
      texts.push((await inviteContact(anna, who, phone)).text);
    }
    expect(new Set(texts).size).toBe(1);
    const links = await t.database.db
      .select()
      .from(trustLinks)
      .where(eq(trustLinks.trustorAccountId, 'demo-02'));
    expect(links.filter((l) => l.contactAccountId !== null).map((l) => l.contactAccountId)).toEqual([
      'demo-01',
    ]);
    // Пётр links the bot later: no invitation waits for him.
    const petr = await person(3, 'Пётр');
    expect((await petr.botMessages()).some((m) => m.text?.includes('просит вас'))).toBe(false);
  });

  it('lets one person be the trusted contact of at most TRUSTORS_PER_CONTACT people', async () => {
    const ivan = await person(1, 'Иван');
    for (const [n, name, short] of [
      [4, 'Мария', 'Мария П.'],
      [6, 'Елена', 'Елена М.'],
    ] as const) {
      const before = (await ivan.botMessages()).length;
      await inviteContact(await person(n, name), 'Иван', '+79990000001');
      await accept(ivan, short, before);
    }
    const olga = await person(8, 'Ольга');
    const sent = await inviteContact(olga, 'Иван', '+79990000001');
    expect(sent.text).toContain('Приглашение отправлено');
    // Kept as undeliverable: no contact account, so nothing ever reaches Иван.
    const [link] = await t.database.db
      .select()
      .from(trustLinks)
      .where(and(eq(trustLinks.trustorAccountId, 'demo-08'), eq(trustLinks.status, 'invited')));
    expect(link?.contactAccountId).toBeNull();
    expect((await ivan.botMessages()).some((m) => m.text?.includes('Ольга Л. просит вас'))).toBe(false);
  });
});

describe('resending an invitation', () => {
  it('resends at most three times an hour however many presses arrive at once', async () => {
    const petr = await person(3, 'Пётр');
    const sergey = await person(9, 'Сергей');
    await inviteContact(petr, 'Сергей', '+79990000009');
    const [link] = await t.database.db
      .select()
      .from(trustLinks)
      .where(and(eq(trustLinks.trustorAccountId, 'demo-03'), eq(trustLinks.status, 'invited')));
    // Concurrent transactions, as presses handled by several bot processes would be.
    const service = t.service.backend!.trustedContact;
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => service.resendInvitation(petr.id, link!.id)),
    );
    expect(outcomes.flatMap((o) => (o.ok ? [o.count] : [])).sort()).toEqual([1, 2, 3]);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code)).toEqual(
      Array(3).fill('TC.RESEND_LIMIT'),
    );
    // Durable: the trail holds exactly the three, and a restarted or second process counts them.
    const resends = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, link!.id), eq(auditEvents.action, 'trust_link.resend')));
    expect(resends).toHaveLength(3);
    await sergey.waitForText('Пётр К. просит вас');
  });
});

describe('new invitations: at most three an hour', () => {
  /** The refusal, naming when the oldest of the hour's three leaves it (Moscow time). */
  const limitText = async (trustorAccountId: string) => {
    const [oldest] = await t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.actor, `account:${trustorAccountId}`),
          eq(auditEvents.action, 'trust_link.invite'),
        ),
      )
      .orderBy(desc(auditEvents.at))
      .offset(2)
      .limit(1);
    const at = new Intl.DateTimeFormat('ru-RU', {
      timeZone: 'Europe/Moscow',
      dateStyle: 'short',
      timeStyle: 'short',
    }).format(new Date(oldest!.at.getTime() + 3_600_000));
    return `За час можно отправить не больше 3 новых приглашений. Следующее — после ${at} (МСК). Действующее приглашение можно отправить ещё раз: /contact`;
  };
  const invitationsTo = async (contact: Chat) =>
    (await contact.botMessages()).filter((m) => m.text?.includes('просит вас')).length;
  const invitesOf = async (trustorAccountId: string) =>
    t.database.db.select().from(trustLinks).where(eq(trustLinks.trustorAccountId, trustorAccountId));

  it('sends three in an hour; the fourth is refused before the form, saying when, and reaches nobody; after the hour it works again', async () => {
    const [trustor, contact] = (await freshPeople(t, 2, 'pace', 500)) as [Person, Person];
    for (const n of [1, 2, 3]) {
      expect((await inviteContact(trustor.chat, `Контакт ${n}`, contact.account.phone)).text).toContain(
        'Приглашение отправлено',
      );
      await waitFor(async () => (await invitationsTo(contact.chat)) === n, `invitation ${n}`);
    }

    const overview = await trustor.chat.ask('/contact', OVERVIEW);
    const before = (await trustor.chat.botMessages()).length;
    await trustor.chat.tap(overview.messageId, 'tc:add');
    const refusal = await waitFor(
      async () => (await trustor.chat.botMessages())[before],
      'the answer to "add contact"',
    );
    expect(refusal.text).toBe(await limitText(trustor.account.id));
    expect(await invitesOf(trustor.account.id)).toHaveLength(3);

    clock.advance(3601);
    expect((await inviteContact(trustor.chat, 'Контакт 4', contact.account.phone)).text).toContain(
      'Приглашение отправлено',
    );
    // The refused attempt never went out: the contact got this one, and three before it.
    await waitFor(async () => (await invitationsTo(contact.chat)) === 4, 'the invitation after the hour');
    expect(await invitationsTo(contact.chat)).toBe(4);
    expect(await invitesOf(trustor.account.id)).toHaveLength(4);
  });

  it('lets no number of concurrent attempts past three, refuses them alike whatever the number, and re-checks an open form at its end', async () => {
    const [trustor, contact] = (await freshPeople(t, 2, 'race-invite', 510)) as [Person, Person];
    // A form opened while the hour still had room.
    const overview = await trustor.chat.ask('/contact', OVERVIEW);
    await trustor.chat.tap(overview.messageId, 'tc:add');
    await trustor.chat.waitForText('Как зовут');
    await trustor.chat.ask('Контакт', 'мобильный номер');
    const confirm = await trustor.chat.ask(contact.account.phone, 'доверенным контактом?');

    // Concurrent transactions, as forms finished in several bot processes would be.
    const service = t.service.backend!.trustedContact;
    const phones = [contact.account.phone, '+79995554433'];
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => service.invite(trustor.userId, 'Кто-то', phones[i % 2]!)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused).toHaveLength(5);
    for (const o of refused) expect(o).toEqual(refused[0]);
    expect(refused[0]).toMatchObject({ ok: false, code: 'TC.INVITE_LIMIT', max: 3 });

    const sent = (await trustor.chat.botMessages()).length;
    await trustor.chat.tap(confirm.messageId, 'tc:form-send');
    const answer = await waitFor(async () => (await trustor.chat.botMessages())[sent], 'the answer to send');
    expect(answer.text).toBe(await limitText(trustor.account.id));

    const links = await invitesOf(trustor.account.id);
    expect(links).toHaveLength(3);
    const delivered = links.filter((l) => l.contactAccountId === contact.account.id).length;
    await waitFor(async () => (await invitationsTo(contact.chat)) === delivered, 'the delivered invitations');
  });
});
