import { performance } from 'node:perf_hooks';
import type { Account } from '../core/identity/account';
import { importRegistry } from '../db/registry/import-registry';
import { accountRepository } from '../db/repositories/account.repository';
import { messengerUserRepository } from '../db/repositories/messenger-user.repository';
import { trustLinks } from '../db/schema';
import type { WorldEvent } from '../sandbox/world';
import { startTestService } from '../test/support/service';
import { waitFor } from '../test/support/wait';
import { type Figure, percentile, round } from './results';

const RATE = 50;
const SECONDS = 30;
const REQUESTS = RATE * SECONDS;
/** Each contact helps five trustors, as the portal allows. */
const TRUSTORS_PER_CONTACT = 5;

const account = (id: string, n: number, firstName: string): Account => ({
  id,
  lastName: 'Нагрузка',
  firstName,
  middleName: null,
  birthDate: '1990-01-01',
  phone: `+7992${String(n).padStart(7, '0')}`,
  confirmed: true,
  biometrics: true,
  statuses: [],
});

/**
 * 50 recovery requests a second for 30 s, each for a different trustor with an active trusted
 * contact: how long the portal's POST takes, and how long until the prompt is in the contact's
 * chat (outbox → BullMQ → worker → messenger). Rate caps are raised, as the issue allows.
 */
export async function trustedContactBench(): Promise<Record<string, Figure>> {
  const t = await startTestService({
    OUTGOING_RATE_PER_SECOND: '1000',
    SANDBOX_RATE_PER_SECOND: '0',
    TRUSTORS_PER_CONTACT: String(TRUSTORS_PER_CONTACT),
  });
  try {
    const { db } = t.database;
    const sandbox = t.service.sandbox!;
    const contacts = Array.from({ length: REQUESTS / TRUSTORS_PER_CONTACT }, (_, i) =>
      account(`bench-contact-${i}`, i, `Контакт ${i}`),
    );
    const trustors = Array.from({ length: REQUESTS }, (_, i) =>
      account(`bench-trustor-${i}`, 100_000 + i, `Доверитель ${i}`),
    );
    await importRegistry(db, [...contacts, ...trustors]);
    const links = accountRepository(db);
    const users = messengerUserRepository(db);
    const chatOf = new Map<string, number>();
    for (const a of [...contacts, ...trustors]) {
      const person = sandbox.world.addPerson({ firstName: a.firstName, languageCode: 'ru' });
      await users.recordSeen({
        id: person.id,
        chatId: person.id,
        firstName: a.firstName,
        languageCode: 'ru',
      });
      await links.link(a.id, person.id);
      chatOf.set(a.id, person.id);
    }
    const now = new Date();
    await db.insert(trustLinks).values(
      trustors.map((trustor, i) => ({
        trustorAccountId: trustor.id,
        contactAccountId: contacts[Math.floor(i / TRUSTORS_PER_CONTACT)]?.id as string,
        contactName: 'Контакт',
        contactPhoneMasked: '+*******0000',
        status: 'active' as const,
        delivered: true,
        invitedAt: now,
        expiresAt: now,
        acceptedAt: now,
      })),
    );

    const postedAt = new Map<string, number>();
    const arrivedAt = new Map<string, number>();
    const onEvent = (event: WorldEvent) => {
      if (event.type !== 'message' || event.entry.from !== 'bot') return;
      for (const button of event.entry.inlineKeyboard?.flat() ?? []) {
        const id =
          'callback_data' in button ? /^rc:ok:(.+)$/.exec(button.callback_data ?? '')?.[1] : undefined;
        if (id) arrivedAt.set(id, performance.now());
      }
    };
    sandbox.world.events.on('event', onEvent);
    const token = t.service.backend!.portalToken as string;
    const apiLatency: number[] = [];
    let failures = 0;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (const [i, trustor] of trustors.entries()) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        (async () => {
          const sent = performance.now();
          const response = await fetch(`${t.service.httpUrl}/api/v1/recovery-requests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ accountId: trustor.id }),
          });
          const body = (await response.json()) as { id?: string };
          apiLatency.push(performance.now() - sent);
          if (response.status !== 202 || !body.id) failures++;
          else postedAt.set(body.id, sent);
        })(),
      );
    }
    await Promise.all(inFlight);
    await waitFor(() => arrivedAt.size >= postedAt.size, 'every prompt to arrive', 120_000);
    sandbox.world.events.off('event', onEvent);
    const delivery = [...postedAt]
      .map(([id, at]) => (arrivedAt.get(id) as number) - at)
      .sort((a, b) => a - b);
    apiLatency.sort((a, b) => a - b);
    return {
      prompt_delivery_p50_ms: { value: round(percentile(delivery, 50)), unit: 'ms', target: '<= 1000' },
      prompt_delivery_p99_ms: { value: round(percentile(delivery, 99)), unit: 'ms', target: '<= 1000' },
      recovery_api_p50_ms: { value: round(percentile(apiLatency, 50), 2), unit: 'ms', target: '<= 20' },
      recovery_api_p99_ms: { value: round(percentile(apiLatency, 99), 2), unit: 'ms', target: '<= 20' },
      recovery_api_failures: { value: failures, unit: 'req', target: '<= 0' },
    };
  } finally {
    await t.stop();
  }
}
