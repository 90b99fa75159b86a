import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastRepository } from '../../db/repositories/broadcast.repository';
import { broadcastJobs } from '../../workers/broadcast/broadcast.processor';
import { openDigitalId } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { seedLinkedPeople, syntheticAccounts } from '../support/people';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const RATE = 10;
const REFRESH_SECONDS = 2;
const PEOPLE = 100;

let t: TestService;
let people: number[];
beforeAll(async () => {
  t = await startTestService({
    OUTGOING_RATE_PER_SECOND: String(RATE),
    QR_REFRESH_SECONDS: String(REFRESH_SECONDS),
    TOKEN_TTL_SECONDS: '10',
    QR_SESSION_SECONDS: '600',
  });
  const world = t.service.sandbox!.world;
  const seeded = await seedLinkedPeople(
    t.database.db,
    syntheticAccounts(PEOPLE, 'pace', 'Темп', 5_000_000),
    (firstName) => world.addPerson({ firstName, languageCode: 'ru' }),
  );
  people = [...seeded.values()];
});
afterAll(async () => {
  await t?.stop();
});

/** When each of a person's bot messages with this text reached the sandbox, in ms. */
async function arrivals(personId: number, text: string): Promise<number[]> {
  const { messages } = await t.sandbox.chat(personId);
  return messages.filter((m) => m.from === 'bot' && m.text === text).map((m) => m.timeline[0]!.at);
}

const gaps = (times: number[]) => times.slice(1).map((at, i) => at - (times[i] as number));

describe('the outgoing pipeline', () => {
  it(`sends no more than OUTGOING_RATE_PER_SECOND (${RATE}) in any second with ${PEOPLE} messages queued`, async () => {
    const text = 'Сообщение под ограничением';
    await Promise.all(people.map((id) => t.outgoing.send(`cap:${id}`, id, { text })));
    const sent = await waitFor(
      async () => {
        const times = (await Promise.all(people.map((id) => arrivals(id, text)))).flat();
        return times.length === PEOPLE ? times : undefined;
      },
      'every message',
      60_000,
    );
    const perSecond = new Map<number, number>();
    for (const at of sent)
      perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    const s = [...sent].sort((a, b) => a - b); console.log("GAPS", JSON.stringify(gaps(s).sort((a,b)=>a-b).slice(0,15)), "SPAN11", Math.min(...s.slice(10).map((x, i) => x - s[i]!)));
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(RATE);
  }, 90_000);

  it('sends about one message a second to one chat, however many are queued for it', async () => {
    const [person] = people;
    const text = 'Одному человеку';
    for (let i = 0; i < 5; i++) await t.outgoing.send(`one-chat:${i}`, person!, { text });
    const times = await waitFor(async () => {
      const got = await arrivals(person!, text);
      return got.length === 5 ? got : undefined;
    }, 'five messages');
    for (const gap of gaps(times.sort((a, b) => a - b))) expect(gap).toBeGreaterThanOrEqual(900);
  }, 30_000);

  it('keeps a live QR refreshing on time through a broadcast to everyone', async () => {
    const { chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const photo = await openDigitalId(chat, 'adult');
    const admin = await t.sandbox.createPerson({ name: 'Админ' });
    const text = 'Новость для всех';
    const broadcast = await broadcastRepository(t.database.db).create({
      adminUserId: admin.id,
      adminChatId: admin.id,
      text,
      audience: 'all',
      at: new Date(),
    });
    await broadcastJobs({ queue: t.service.backend!.outgoingQueue, progressEveryMs: 3000 }).start(
      broadcast.id,
    );
    const delivered = await waitFor(
      async () => {
        const times = (await Promise.all(people.map((id) => arrivals(id, text)))).flat();
        return times.length === PEOPLE ? times.sort((a, b) => a - b) : undefined;
      },
      'the broadcast',
      60_000,
    );
    const [first, last] = [delivered[0]!, delivered.at(-1)!];
    const entry = (await chat.botMessages()).find((m) => m.messageId === photo.messageId)!;
    const edits = entry.timeline.map((s) => s.at).filter((at) => at >= first - REFRESH_SECONDS * 1000);
    // The broadcast took several refresh intervals; the QR did not wait behind it.
    expect(edits.filter((at) => at > first && at < last).length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps(edits.filter((at) => at <= last + REFRESH_SECONDS * 1000)))
      expect(gap).toBeLessThanOrEqual((REFRESH_SECONDS + 1) * 1000);
  }, 90_000);
});
