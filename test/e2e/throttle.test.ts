import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../sandbox/world';
import type { Chat } from '../support/chat';
import { openDigitalId } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { fetchPhoto, readQr } from '../support/qr';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const REFRESH_SECONDS = 3;
let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    QR_REFRESH_SECONDS: String(REFRESH_SECONDS),
    TOKEN_TTL_SECONDS: '10',
    QR_SESSION_SECONDS: '600',
    OUTGOING_RATE_PER_SECOND: '10',
    // The production default, which the test service otherwise lifts.
    USER_RATE_LIMIT_PER_10_SECONDS: '20',
  });
});
afterAll(async () => {
  await t?.stop();
});

const TOO_MANY = 'Слишком много действий подряд. Подождите несколько секунд и повторите.';

/** The Digital ID photo as the sandbox holds it now: every edit's time and picture. */
const screen = async (chat: Chat, messageId: number) =>
  (await chat.botMessages()).find((m) => m.messageId === messageId) as ChatEntry;

const gaps = (times: number[]) => times.slice(1).map((at, i) => at - (times[i] as number));

/** The live photo and its "refresh now" button. */
async function liveScreen(chat: Chat) {
  const photo = await openDigitalId(chat, 'adult');
  const refresh = photo.inlineKeyboard
    ?.flat()
    .find((b) => 'callback_data' in b && b.callback_data?.startsWith('did:refresh:'));
  return { photo, refresh: (refresh as { callback_data: string }).callback_data };
}

describe('the QR cadence', () => {
  it('re-signs a live QR every QR_REFRESH_SECONDS (± 1 s), each edit the next seq', async () => {
    const { chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const { photo } = await liveScreen(chat);
    const shown = await waitFor(
      async () => {
        const entry = await screen(chat, photo.messageId);
        // Edits only: the first photo's upload is not a refresh, and its time varies with load.
        return entry.timeline.length >= 5 ? entry.timeline.slice(1, 5) : undefined;
      },
      'four refreshes',
      30_000,
    );
    for (const gap of gaps(shown.map((s) => s.at))) {
      expect(gap).toBeGreaterThanOrEqual((REFRESH_SECONDS - 1) * 1000);
      expect(gap).toBeLessThanOrEqual((REFRESH_SECONDS + 1) * 1000);
    }
    const seqs = [];
    for (const { fileId } of shown) seqs.push(readQr(await fetchPhoto(t.sandbox.url, fileId!)).seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
  }, 120_000);
});

describe('one person cannot slow everyone down', () => {
  it('answers a second "refresh now" inside 2 s with a notice, and queues nothing for it', async () => {
    const { chat } = await linkedPerson(t, 'Анна', '+79990000002');
    const { photo, refresh } = await liveScreen(chat);
    expect(await chat.tapForNotice(photo.messageId, refresh)).toBe('Обновляем QR-код…');
    expect(await chat.tapForNotice(photo.messageId, refresh)).toBe(
      'QR-код только что обновился. Следующий можно получить через пару секунд.',
    );
    const edited = await waitFor(async () => {
      const entry = await screen(chat, photo.messageId);
      return entry.edits > 0 ? entry : undefined;
    }, 'the refresh');
    const pressedAt = edited.timeline[1]!.at;
    // The chain goes on from the pressed edit: the next one comes a full interval later.
    const next = await waitFor(async () => (await screen(chat, photo.messageId)).timeline[2], 'the next');
    expect(next.at - pressedAt).toBeGreaterThanOrEqual((REFRESH_SECONDS - 1) * 1000);
  }, 60_000);

  it('caps a person at 20 updates in 10 s, saying so once, and answers again after the window', async () => {
    const { chat } = await linkedPerson(t, 'Светлана', '+79990000012');
    const before = (await chat.botMessages()).length;
    // The linking itself used some of the window: wait for a fresh one.
    await new Promise((r) => setTimeout(r, 10_000));
    for (let i = 0; i < 30; i++) await t.sandbox.sendText(chat.id, '/help');
    const flood = await waitFor(async () => {
      const answers = (await chat.botMessages()).slice(before);
      return answers.length >= 21 ? answers : undefined;
    }, 'the answers to the flood');
    await new Promise((r) => setTimeout(r, 10_000));
    await chat.ask('/help', 'Что умеет бот');
    const answers = (await chat.botMessages()).slice(before);
    expect(answers.filter((m) => m.text === TOO_MANY)).toHaveLength(1);
    expect(answers.filter((m) => m.text?.startsWith('Что умеет бот'))).toHaveLength(21);
    expect(answers).toHaveLength(22);
    expect(flood[20]?.text).toBe(TOO_MANY);
  }, 120_000);

  it('keeps everyone else refreshing on time while one person presses "refresh now" 20 times a second for 10 s', async () => {
    const presser = await linkedPerson(t, 'Алексей', '+79990000007');
    const other = await linkedPerson(t, 'Ольга', '+79990000008');
    const theirs = await liveScreen(other.chat);
    const mine = await liveScreen(presser.chat);
    const started = Date.now();
    const taps: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      taps.push(t.sandbox.tap(presser.person.id, mine.photo.messageId, mine.refresh));
      await new Promise((r) => setTimeout(r, Math.max(0, started + (i + 1) * 50 - Date.now())));
    }
    await Promise.all(taps);
    const ended = Date.now();
    // One more interval, so the other's refresh due right after the storm is seen too.
    await new Promise((r) => setTimeout(r, (REFRESH_SECONDS + 2) * 1000));

    const since = started - REFRESH_SECONDS * 1000;
    const theirTimes = (await screen(other.chat, theirs.photo.messageId)).timeline
      .map((s) => s.at)
      .filter((at) => at >= since);
    expect(theirTimes.at(-1)).toBeGreaterThan(ended);
    for (const gap of gaps(theirTimes)) expect(gap).toBeLessThanOrEqual((REFRESH_SECONDS + 2) * 1000);

    // Edits only: the photo itself was sent by the bot, not edited.
    const presserTimes = (await screen(presser.chat, mine.photo.messageId)).timeline
      .slice(1)
      .map((s) => s.at);
    expect(presserTimes.length).toBeGreaterThan(1);
    for (const gap of gaps(presserTimes)) expect(gap).toBeGreaterThanOrEqual(2000);

    // Most presses were dropped unanswered: the flood did not become the bot's own traffic.
    const answered = (await t.sandbox.chat(presser.person.id)).callbackAnswers.filter((a) => a.answered);
    expect(answered.filter((a) => a.text === TOO_MANY).length).toBeLessThanOrEqual(2);
    expect(answered.length).toBeLessThanOrEqual(2 * 21);
  }, 90_000);
});
