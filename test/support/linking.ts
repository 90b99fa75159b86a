import type { SandboxClient } from '../../sandbox/client';
import { chatWith, latestCode } from './chat';

/** A demo-registry person who has linked their account (db/registry/demo-registry.ts). */
export async function linkedPerson(
  t: { sandbox: SandboxClient },
  name: string,
  phone: string,
  languageCode = 'ru',
) {
  const person = await t.sandbox.createPerson({ name, phone, languageCode });
  const chat = chatWith(t.sandbox, person.id);
  const before = (await t.sandbox.sms(phone)).length;
  await chat.say('/link');
  await chat.shareContact();
  const done = await chat.say(await latestCode(t.sandbox, phone, before));
  if (!/Готово|Done/.test(done.text ?? '')) throw new Error(`linking failed: ${done.text}`);
  return { person, chat };
}
