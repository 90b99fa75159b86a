import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortName } from '../../core/trusted-contact/eligibility';
import { importRegistry } from '../../db/registry/import-registry';
import { auditEvents, trustLinks } from '../../db/schema';
import { buttonOf, type Chat, chatWith, confirmQuestion, latestCode } from '../support/chat';
import { TestClock } from '../support/clock';
import { startTestService, type TestService } from '../support/service';
import {
  askRecovery,
  befriend,
  freshPeople,
  OVERVIEW,
  type Person,
  recoveryStatus,
  theCallback,
} from '../support/trusted-contact';

const ADMIN_ID = 515_151;
const NOT_PENDING = 'Это уже неактуально.';
const TOLD_TRUSTOR = 'связь с доверенным контактом прекращена';

const clock = new TestClock();
let t: TestService;
let admin: Chat;
let people: Person[];
beforeAll(async () => {
  t = await startTestService({ ADMIN_IDS: String(ADMIN_ID), RECOVERY_TTL_SECONDS: '600' }, { clock });
  admin = chatWith(t.sandbox, (await t.sandbox.createPerson({ id: ADMIN_ID, name: 'Админ' })).id);
  // A pair for each ending and one more, and the newcomer who replaces a contact.
  people = await freshPeople(t, 2 * (endings.length + 1) + 1, 'ends', 0);
});
afterAll(async () => {
  await t?.stop();
});

/** An admin blocks a person: /block asks first, and the admin confirms. */
async function adminBlocks(target: Person) {
  const asked = await admin.ask(`/block ${target.account.phone} проверка`, 'Заблокировать');
  await confirmQuestion(admin, asked, 'adm:ok:', 'Заблокирован:');
}
async function adminUnblocks(target: Person) {
  await admin.ask(`/unblock ${target.account.phone}`, 'Разблокирован');
}

/** One of the person's own buttons on the /contact screen, pressed; returns the tap's notice. */
async function pressOnOverview(person: Person, prefix: string) {
  await person.chat.ask('/contact', OVERVIEW);
  const { entry, data } = await buttonOf(person.chat, prefix);
  return person.chat.tapForNotice(entry.messageId, data);
}

interface Pair {
  trustor: Person;
  contact: Person;
}

const toldContact = (p: Pair) =>
  `пароля для ${shortName(p.trustor.account)} отменён: вы больше не доверенный контакт этого человека`;

interface Ending {
  how: string;
  /** Ends the relationship, as the people (or the admin, or the registry) would. */
  end(p: Pair): Promise<void>;
  /** Lets the contact act again (links again, is unblocked), so what refuses them is the request. */
  restore?(p: Pair): Promise<void>;
  /**
   * Whether the approval form the contact opened before the end is still waiting for the code
   * (it is closed when the contact themself types a command).
   */
  codeAfter: boolean;
  /** The side that unlinked the bot: linked to no chat, so it is told nothing. */
  unlinked?: 'trustor' | 'contact';
  /** Who the audit names for the cancellation; the system when unset. */
  actor?(p: Pair): string;
  reason: string;
}

let next = 0;
const freshPair = (): Pair => {
  const [trustor, contact] = [people[next], people[next + 1]] as [Person, Person];
  next += 2;
  return { trustor, contact };
};
const newcomer = () => people[people.length - 1] as Person;

const endings: Ending[] = [
  {
    how: 'the trustor removes the contact',
    end: async (p) => {
      expect(await pressOnOverview(p.trustor, 'tc:end:')).toBe('Связь прекращена.');
    },
    codeAfter: true,
    actor: (p) => `account:${p.trustor.account.id}`,
    reason: 'ended by the trustor',
  },
  {
    how: 'the contact stops helping',
    end: async (p) => {
      expect(await pressOnOverview(p.contact, 'tc:end:')).toBe('Связь прекращена.');
    },
    codeAfter: false,
    actor: (p) => `account:${p.contact.account.id}`,
    reason: 'ended by the contact',
  },
  {
    how: 'the trustor’s new contact accepts (the old one is replaced)',
    end: (p) => befriend(p.trustor.chat, newcomer().chat, 'Новый', newcomer().account.phone),
    codeAfter: true,
    actor: () => `account:${newcomer().account.id}`,
    reason: 'the trustor chose another contact',
  },
  {
    how: 'the trustor unlinks the bot',
    end: async (p) => {
      await p.trustor.chat.ask('/unlink', 'отвязана');
    },
    codeAfter: true,
    unlinked: 'trustor',
    reason: 'unlinked',
  },
  {
    how: 'the contact unlinks the bot',
    end: async (p) => {
      await p.contact.chat.ask('/unlink', 'отвязана');
    },
    restore: async (p) => {
      const sent = (await t.sandbox.sms(p.contact.account.phone)).length;
      await p.contact.chat.say('/link');
      await p.contact.chat.shareContact();
      const code = await latestCode(t.sandbox, p.contact.account.phone, sent);
      await p.contact.chat.ask(code, 'Готово');
    },
    codeAfter: false,
    unlinked: 'contact',
    reason: 'unlinked',
  },
  {
    how: 'an admin blocks the trustor',
    end: (p) => adminBlocks(p.trustor),
    codeAfter: true,
    reason: 'blocked',
  },
  {
    how: 'an admin blocks the contact',
    end: (p) => adminBlocks(p.contact),
    restore: (p) => adminUnblocks(p.contact),
    codeAfter: true,
    reason: 'blocked',
  },
  {
    how: 'the sweeper finds the contact no longer eligible after a registry re-import',
    end: async (p) => {
      await importRegistry(t.database.db, [{ ...p.contact.account, confirmed: false }]);
      await t.service.backend!.trustedContact.sweep();
    },
    codeAfter: true,
    reason: 'no longer eligible',
  },
];

describe('a pending recovery ends with its relationship', () => {
  it.each(endings)(
    'when $how: the old prompt decides nothing, the portal reads and hears `cancelled`',
    async (ending) => {
      const p = freshPair();
      await befriend(p.trustor.chat, p.contact.chat, 'Контакт', p.contact.account.phone);
      const { id, prompt } = await askRecovery(t, {
        trustor: p.trustor.chat,
        contact: p.contact.chat,
        trustorAccount: p.trustor.account.id,
      });
      // The contact presses Approve and gets the code while the relationship still stands.
      const phone = p.contact.account.phone;
      const smsBefore = (await t.sandbox.sms(phone)).length;
      await p.contact.chat.tap(prompt.messageId, `rc:ok:${id}`);
      await p.contact.chat.waitForText('Код отправлен в SMS');
      const code = await latestCode(t.sandbox, phone, smsBefore);

      await ending.end(p);
      await ending.restore?.(p);

      if (ending.codeAfter) expect((await p.contact.chat.ask(code, NOT_PENDING)).text).toBe(NOT_PENDING);
      const smsAfterEnd = (await t.sandbox.sms(phone)).length;
      expect(await p.contact.chat.tapForNotice(prompt.messageId, `rc:ok:${id}`)).toBe(NOT_PENDING);
      expect(await p.contact.chat.tapForNotice(prompt.messageId, `rc:no:${id}`)).toBe(NOT_PENDING);
      expect((await t.sandbox.sms(phone)).length).toBe(smsAfterEnd);

      expect(await recoveryStatus(t, id)).toBe('cancelled');
      expect(await theCallback(t, id)).toMatchObject({ id, status: 'cancelled', signatureValid: true });

      // Each side still linked is told once why, in words about the relationship (not "cancelled
      // by the account's owner"); a side that unlinked has no chat to be told in.
      const told = [
        { side: 'trustor', chat: p.trustor.chat, words: TOLD_TRUSTOR },
        { side: 'contact', chat: p.contact.chat, words: toldContact(p) },
      ].filter((s) => s.side !== ending.unlinked);
      for (const { chat, words } of told) {
        await chat.waitForText(words);
        const texts = (await chat.botMessages()).map((m) => m.text ?? '');
        expect(texts.filter((text) => text.includes(words))).toHaveLength(1);
        expect(texts.filter((text) => text.includes('отменён владельцем'))).toHaveLength(0);
      }

      const [audit] = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.fromState, 'pending')));
      expect(audit).toMatchObject({
        action: 'recovery.cancelled',
        toState: 'cancelled',
        actor: ending.actor?.(p) ?? 'system',
        details: expect.objectContaining({ reason: `the relationship ended: ${ending.reason}` }),
      });
    },
  );
});

describe('an ended relationship decides nothing, whatever the timing', () => {
  it('the store’s own write refuses the contact’s decision once the link is no longer active', async () => {
    const p = freshPair();
    await befriend(p.trustor.chat, p.contact.chat, 'Контакт', p.contact.account.phone);
    const { id } = await askRecovery(t, {
      trustor: p.trustor.chat,
      contact: p.contact.chat,
      trustorAccount: p.trustor.account.id,
    });
    const store = t.service.backend!.trustedContactStore;
    const request = await store.findRecovery(id);
    // The link ends between the service's check and the decision's write (as a race would have it).
    await t.database.db
      .update(trustLinks)
      .set({ status: 'ended' })
      .where(eq(trustLinks.id, request!.trustLinkId));
    const contact = { account: p.contact.account.id };
    expect(await store.decideRecovery(id, 'approved', clock.now(), contact, () => [])).toBeNull();
    expect(await store.decideRecovery(id, 'denied', clock.now(), contact, () => [])).toBeNull();
    expect(await recoveryStatus(t, id)).toBe('pending');
    // Closing it stays possible: the trustor's "it was not me" (and expiry) need no relationship.
    const trustor = { account: p.trustor.account.id };
    expect(await store.decideRecovery(id, 'cancelled', clock.now(), trustor, () => [])).not.toBeNull();
  });

  it('a recovery asked for while the relationship ends is refused, or cancelled with it', async () => {
    const service = t.service.backend!.trustedContact;
    const store = t.service.backend!.trustedContactStore;
    const pairs = await freshPeople(t, 60, 'race', 100);
    for (let i = 0; i < pairs.length; i += 2) {
      const [trustor, contact] = [pairs[i], pairs[i + 1]] as [Person, Person];
      await service.invite(trustor.userId, 'Контакт', contact.account.phone);
      const { invitation } = await store.trustorView(trustor.account.id, clock.now());
      await service.answerInvitation(contact.userId, invitation!.id, true);
      const { active } = await store.trustorView(trustor.account.id, clock.now());
      const [opened] = await Promise.all([
        service.openRecovery(trustor.account.id),
        service.endRelationship(i % 4 === 0 ? trustor.userId : contact.userId, active!.id),
      ]);
      const status =
        opened.outcome === 'created' || opened.outcome === 'existing'
          ? (await store.findRecovery(opened.request.id))?.status
          : opened.outcome;
      expect(['no_contact', 'cancelled']).toContain(status);
    }
  });
});
