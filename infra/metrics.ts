import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DigitalIdVerification } from '../core/verification/verification';
import type { VerificationTally } from './verification-tally';

/** The figures an operator alerts on; one registry per process, built by the composition root. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    updates: new Counter({
      name: 'bot_updates_total',
      help: 'Updates received from the messenger, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    handlerErrors: new Counter({
      name: 'bot_handler_errors_total',
      help: 'Updates whose handler failed',
      registers: [registry],
    }),
    dbStatements: new Counter({
      name: 'db_statements_total',
      help: 'SQL statements sent to PostgreSQL; counted only with DB_STATEMENT_METRICS=true',
      registers: [registry],
    }),
    outgoing: new Counter({
      name: 'outgoing_messages_total',
      help: 'Outbox send attempts by result (sent, rate_limited, blocked, retried, failed)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: 'queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    refreshLateness: new Histogram({
      name: 'digital_id_refresh_lateness_seconds',
      help: 'How late a Digital ID QR was replaced, against its schedule',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    verifications: new Counter({
      name: 'digital_id_verifications_total',
      help: 'Digital ID checks by checkouts (api) and verifiers (bot), by result and reason',
      labelNames: ['channel', 'result', 'reason'] as const,
      registers: [registry],
    }),
    pageViews: new Counter({
      name: 'digital_id_page_views_total',
      help: 'Views of the /v/ page (nothing spent), by what it showed',
      labelNames: ['result', 'reason'] as const,
      registers: [registry],
    }),
    verifyDuration: new Histogram({
      name: 'digital_id_verification_duration_seconds',
      help: 'Time to verify one QR, by channel',
      labelNames: ['channel'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export type VerificationChannel = 'api' | 'app' | 'page' | 'bot';

/**
 * The verification as one channel uses it, counted by result and reason and timed. A page view
 * is a look, not a check: it is counted apart, so checkout figures are not inflated by them.
 */
export function measuredVerification(
  verification: DigitalIdVerification,
  metrics: Metrics,
  channel: VerificationChannel,
  tally: Pick<VerificationTally, 'count'>,
): DigitalIdVerification {
  const measure = async (run: () => ReturnType<DigitalIdVerification['verify']>) => {
    const end = metrics.verifyDuration.startTimer({ channel });
    const answer = await run();
    end();
    const outcome = { result: answer.result, reason: answer.reason ?? 'none' };
    if (channel === 'page') metrics.pageViews.inc(outcome);
    else metrics.verifications.inc({ channel, ...outcome });
    tally.count(
      channel === 'page' ? 'page-views' : 'verifications',
      answer.result === 'confirmed' ? 'confirmed' : (answer.reason ?? answer.result),
    );
    return answer;
  };
  return {
    verify: (input, expected) => measure(() => verification.verify(input, expected)),
    inspect: (input) => measure(() => verification.inspect(input)),
  };
}
