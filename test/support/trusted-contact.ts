import { createHmac } from 'node:crypto';
import type { Account } from '../../core/identity/account';
import type { ChatEntry } from '../../sandbox/world';
import { buttonOf, type Chat, chatWith } from './chat';
import { seedLinkedPeople, syntheticAccounts } from './people';
import type { TestService } from './service';
import { waitFor } from './wait';

/** The first line of the /contact screen. */
export const OVERVIEW = 'Доверенный контакт подтверждает';

/** The trustor goes through /contact → add → name → number → send, as a person would. */
export async function inviteContact(trustor: Chat, name: string, phone: string): Promise<ChatEntry> {
  const overview = await trustor.ask('/contact', OVERVIEW);
  const before = (await trustor.botMessages()).length;
  await trustor.tap(overview.messageId, 'tc:add');
  await waitFor(
    async () => (await trustor.botMessages()).slice(before).find((m) => m.text?.includes('Как зовут')),
    'the name question',
  );
  await trustor.ask(name, 'мобильный номер');
  const confirm = await trustor.ask(phone, 'доверенным контактом?');
  const sent = (await trustor.botMessages()).length;
  await trustor.tap(confirm.messageId, 'tc:form-send');
  return waitFor(
    async () =>
      (await trustor.botMessages())
        .slice(sent)
        .find((m) => /Приглашение отправлено|Нельзя|уже ваш/.test(m.text ?? '')),
    'the answer to sending the invitation',
  );
}

/** The portal's side of the recovery API. */
export async function portal(
  t: TestService,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token?: string,
) {
  const response = await fetch(`${t.service.httpUrl}/api/v1/recovery-requests${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? t.service.backend!.portalToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** The callbacks the sandbox's portal received for a request, with their signatures checked. */
export async function callbacksFor(t: TestService, requestId: string) {
  const secret = t.service.backend!.portalCallback!.secret;
  const { callbacks } = (await (
    await fetch(`${t.service.sandbox!.url}/sandbox/api/portal/callbacks`)
  ).json()) as {
    callbacks: { signature: string; body: Record<string, string> }[];
  };
  return callbacks
    .filter((c) => c.body.id === requestId)
    .map((c) => {
      const [t1, v1] = c.signature.split(',').map((part) => part.split('=')[1]);
      const expected = createHmac('sha256', secret)
        .update(`${t1}.${JSON.stringify(c.body)}`)
        .digest('hex');
      return { ...c.body, signatureValid: v1 === expected };
    });
}

/** The contact accepts the trustor's invitation sent through /contact; the trustor hears of it. */
export async function befriend(trustor: Chat, contact: Chat, contactName: string, contactPhone: string) {
  await inviteContact(trustor, contactName, contactPhone);
  const before = (await trustor.botMessages()).length;
  const { entry, data } = await buttonOf(contact, 'tc:acc:');
  await contact.tap(entry.messageId, data);
  await waitFor(
    async () =>
      (await trustor.botMessages()).slice(before).find((m) => m.text?.includes('принял(а) приглашение')),
    'the trustor told of the acceptance',
  );
}

/** The newest bot message in a chat carrying a button with exactly this data. */
const messageWithButton = (chat: Chat, data: string, what: string) =>
  waitFor(
    async () =>
      (await chat.botMessages()).find((m) =>
        m.inlineKeyboard?.flat().some((b) => 'callback_data' in b && b.callback_data === data),
      ),
    what,
  );

/** The portal asks for a recovery of the trustor; the contact's prompt and the trustor's notice arrive. */
export async function askRecovery(
  t: TestService,
  p: { trustor: Chat; contact: Chat; trustorAccount: string },
): Promise<{ id: string; prompt: ChatEntry; told: ChatEntry }> {
  const opened = await portal(t, 'POST', '', { accountId: p.trustorAccount });
  if (opened.status !== 202 || opened.body.status !== 'pending')
    throw new Error(`the portal's ask was answered ${opened.status} ${JSON.stringify(opened.body)}`);
  const id = opened.body.id as string;
  const [prompt, told] = await Promise.all([
    messageWithButton(p.contact, `rc:ok:${id}`, 'the prompt to the contact'),
    messageWithButton(p.trustor, `rc:notme:${id}`, 'the notice to the trustor'),
  ]);
  return { id, prompt, told };
}

/** The status the portal reads with GET (which expires a request past its time). */
export const recoveryStatus = async (t: TestService, id: string) =>
  (await portal(t, 'GET', `/${id}`)).body.status;

/** The one callback the portal received for a request, once it came; throws on a second. */
export async function theCallback(t: TestService, requestId: string) {
  const received = await waitFor(async () => {
    const all = await callbacksFor(t, requestId);
    return all.length > 0 && all;
  }, `the portal's callback for ${requestId}`);
  if (received.length !== 1) throw new Error(`${received.length} callbacks for ${requestId}`);
  return received[0] as (typeof received)[number];
}

export interface Person {
  chat: Chat;
  userId: number;
  account: Account;
}

/**
 * `n` adults the service has not seen, in the registry and linked to a sandbox person each
 * (seeded directly: linking is not what these tests are about). Phones from +7991…, apart
 * from the demo registry's.
 */
export async function freshPeople(t: TestService, n: number, prefix: string, firstNumber: number) {
  const accounts = syntheticAccounts(n, prefix, 'Тестов', 10_000_000 + firstNumber);
  const phoneOf = new Map(accounts.map((a) => [a.firstName, a.phone]));
  // Seeded in a few chunks side by side: hundreds of people one by one take a while.
  const chunk = Math.ceil(n / 8);
  const seeded = await Promise.all(
    Array.from({ length: Math.ceil(n / chunk) }, (_, i) =>
      seedLinkedPeople(t.database.db, accounts.slice(i * chunk, (i + 1) * chunk), (name) =>
        t.sandbox.createPerson({ name, phone: phoneOf.get(name) as string }),
      ),
    ),
  );
  const userOf = new Map(seeded.flatMap((m) => [...m]));
  return accounts.map((account): Person => {
    const userId = userOf.get(account.id) as number;
    return { chat: chatWith(t.sandbox, userId), userId, account };
  });
}
