import { performance } from 'node:perf_hooks';
import { broadcastRepository } from '../db/repositories/broadcast.repository';
import { seedLinkedPeople, syntheticAccounts } from '../test/support/people';
import { startTestService } from '../test/support/service';
import { waitFor } from '../test/support/wait';
import { broadcastJobs } from '../workers/broadcast/broadcast.processor';
import { type Figure, round } from './results';

const PEOPLE = 1000;

/**
 * One broadcast to 1,000 linked people, timed from its start to its last message in a chat:
 * with the sandbox's limit off (the service's own cap raised), and with the sandbox at 30/s and
 * the service's cap at 30/s, where it must keep within 5 % of the limit and draw no 429s.
 */
export async function broadcastBench(): Promise<Record<string, Figure>> {
  const unlimited = await run({ OUTGOING_RATE_PER_SECOND: '1000', SANDBOX_RATE_PER_SECOND: '0' }, PEOPLE);
  const limited = await run({ OUTGOING_RATE_PER_SECOND: '30', SANDBOX_RATE_PER_SECOND: '30' }, 300);
  return {
    broadcast_per_s: { value: round(unlimited.perSecond), unit: 'msg/s', target: '>= 100' },
    broadcast_per_s_at_30: { value: round(limited.perSecond), unit: 'msg/s', target: '>= 28.5' },
    broadcast_at_30_over_limit: { value: round(limited.perSecond), unit: 'msg/s', target: '<= 31.5' },
    broadcast_429s_at_30: { value: limited.rateLimited, unit: '429s', target: '<= 0' },
  };
}

async function run(env: Record<string, string>, people: number) {
  const t = await startTestService(env);
  try {
    const { db } = t.database;
    const sandbox = t.service.sandbox!;
    await seedLinkedPeople(db, syntheticAccounts(people, 'bench-bc', 'Рассылка', 4_000_000), (firstName) =>
      sandbox.world.addPerson({ firstName, languageCode: 'ru' }),
    );
    let delivered = 0;
    let last = 0;
    sandbox.world.events.on('event', (event) => {
      if (
        event.type === 'message' &&
        event.entry.from === 'bot' &&
        event.entry.text === 'Нагрузочная рассылка'
      ) {
        delivered++;
        last = performance.now();
      }
    });
    const rateLimitedBefore = await counter(t.service.httpUrl, 'rate_limited');
    const broadcasts = broadcastRepository(db);
    const row = await broadcasts.create({
      adminUserId: 1,
      adminChatId: 1,
      text: 'Нагрузочная рассылка',
      audience: 'all',
      at: new Date(),
    });
    const started = performance.now();
    await broadcastJobs({ queue: t.service.backend!.outgoingQueue, progressEveryMs: 3000 }).start(row.id);
    await waitFor(() => delivered >= people, 'every delivery', 300_000);
    return {
      perSecond: people / ((last - started) / 1000),
      rateLimited: (await counter(t.service.httpUrl, 'rate_limited')) - rateLimitedBefore,
    };
  } finally {
    await t.stop();
  }
}

/** outgoing_messages_total{result=…} from the service's own /metrics. */
async function counter(httpUrl: string, result: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  return Number(new RegExp(`outgoing_messages_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}
