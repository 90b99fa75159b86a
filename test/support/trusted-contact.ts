import { createHmac } from 'node:crypto';
import type { ChatEntry } from '../../sandbox/world';
import type { Chat } from './chat';
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
