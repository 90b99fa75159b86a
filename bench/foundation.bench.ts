import { performance } from 'node:perf_hooks';
import type { WorldEvent } from '../sandbox/world';
import { startTestService } from '../test/support/service';
import { waitFor } from '../test/support/wait';
import { type Figure, percentile, round } from './results';

const MESSAGES = 2000;
const REPLIES = 300;

/**
 * The foundation's two hot paths, end to end through the sandbox over HTTP, with PostgreSQL
 * and Redis: messages pushed through the outbox and queue, and a person's /start answered.
 * The service's own cap (OUTGOING_RATE_PER_SECOND) and the sandbox's 429s are switched off
 * here so the figure is the pipeline's, not the cap's.
 */
export async function foundationBench(): Promise<Record<string, Figure>> {
  const t = await startTestService({ OUTGOING_RATE_PER_SECOND: '100000', SANDBOX_RATE_PER_SECOND: '0' });
  try {
    const people = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.sandbox.createPerson({ name: `P${i}` })),
    );
    const world = t.service.sandbox!.world;
    const botMessages = () =>
      people.reduce((n, p) => n + world.transcript(p.id).messages.filter((m) => m.from === 'bot').length, 0);

    const started = performance.now();
    // Producers work concurrently in a real service (handlers, workers): 50 at a time here.
    for (let batch = 0; batch < MESSAGES; batch += people.length) {
      await Promise.all(
        people.map((person, j) =>
          t.outgoing.send(`bench:${batch + j}`, person.id, { text: `Сообщение ${batch + j}` }),
        ),
      );
    }
    await waitFor(() => botMessages() >= MESSAGES, 'every pushed message', 120_000);
    const perSecond = MESSAGES / ((performance.now() - started) / 1000);

    // Timed from the person's send to the bot's reply arriving in the sandbox (its own event).
    const replyFrom = (chatId: number) =>
      new Promise<void>((resolve) => {
        const onEvent = (e: WorldEvent) => {
          if (e.type === 'message' && e.chatId === chatId && e.entry.from === 'bot') {
            world.events.off('event', onEvent);
            resolve();
          }
        };
        world.events.on('event', onEvent);
      });
    const latencies: number[] = [];
    for (let i = 0; i < REPLIES; i++) {
      const person = people[i % people.length]!;
      const replied = replyFrom(person.id);
      const t0 = performance.now();
      await t.sandbox.sendText(person.id, '/help');
      await replied;
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    return {
      outgoing_per_s: { value: round(perSecond), unit: 'msg/s', target: '>= 300' },
      bot_reply_p50_ms: { value: round(percentile(latencies, 50)), unit: 'ms', target: '<= 25' },
      bot_reply_p99_ms: { value: round(percentile(latencies, 99)), unit: 'ms', target: '<= 100' },
    };
  } finally {
    await t.stop();
  }
}
