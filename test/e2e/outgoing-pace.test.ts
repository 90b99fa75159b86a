import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastRepository } from '../../db/repositories/broadcast.repository';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import type { WorldEvent } from '../../sandbox/world';
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

/**
 * Every arrival of `text` to the seeded people, sorted, once all of them have it. Waits on the
 * sandbox's events rather than reading a hundred chats over and over: the sandbox runs in this
 * process, and polling that hard would bunch up the very arrivals being timed.
 */
async function deliveries(text: string): Promise<number[]> {
  let received = 0;
  const world = t.service.sandbox!.world;
  const count = (event: WorldEvent) => {
    if (event.type === 'message' && event.entry.text === text) received++;
  };
  world.events.on('event', count);
  try {
    await waitFor(() => received >= PEOPLE, `"${text}" to everyone`, 60_000);
  } finally {
    world.events.off('event', count);
  }
  return (await Promise.all(people.map((id) => arrivals(id, text)))).flat().sort((a, b) => a - b);
}

const gaps = (times: number[]) => times.slice(1).map((at, i) => at - (times[i] as number));

describe('the outgoing pipeline', () => {
  it(`sends no more than OUTGOING_RATE_PER_SECOND (${RATE}) in any second with ${PEOPLE} messages queued`, async () => {
    const text = 'Сообщение под ограничением';
    const sending = deliveries(text);
    // Written in one statement and queued in one call, as a transaction's notices are.
    const ids = await outgoingMessageRepository(t.database.db).addMany(
      people.map((id) => ({ dedupeKey: `cap:${id}`, chatId: id, message: { text } })),
    );
    await t.outgoing.enqueue(ids);
    const sent = await sending;
    // Whole clock seconds, as the messenger counts them.
    const perSecond = new Map<number, number>();
    for (const second of sent.map((at) => Math.floor(at / 1000)))
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
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
    // The sandbox stamps arrivals in this process: a stall of its event loop delays one arrival
    // and bunches it with the next, so one gap may come out short, but not two (pairs sent
    // together would be a pace that lets two through at once). And never three within a second.
    const sorted = times.sort((a, b) => a - b);
    expect(sorted.at(-1)! - sorted[0]!).toBeGreaterThanOrEqual(3_500);
    expect(gaps(sorted).filter((gap) => gap < 900).length).toBeLessThanOrEqual(1);
    for (let i = 2; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 2]!).toBeGreaterThanOrEqual(1_000);
  }, 60_000);

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
    const delivering = deliveries(text);
    await broadcastJobs({ queue: t.service.backend!.outgoingQueue, progressEveryMs: 3000 }).start(
      broadcast.id,
    );
    const delivered = await delivering;
    const [first, last] = [delivered[0]!, delivered.at(-1)!];
    const entry = (await chat.botMessages()).find((m) => m.messageId === photo.messageId)!;
    const edits = entry.timeline.map((s) => s.at).filter((at) => at >= first - REFRESH_SECONDS * 1000);
    // The broadcast took several refresh intervals; the QR did not wait behind it.
    expect(edits.filter((at) => at > first && at < last).length).toBeGreaterThanOrEqual(2);
    // Behind the broadcast a QR would wait its whole length (about ten seconds); a stall of this
    // process, which stamps the edits, may stretch a gap by a second or so.
    for (const gap of gaps(edits.filter((at) => at <= last + REFRESH_SECONDS * 1000)))
      expect(gap).toBeLessThanOrEqual(REFRESH_SECONDS * 2 * 1000);
  }, 90_000);
});
