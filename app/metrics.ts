import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

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
