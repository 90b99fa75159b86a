import { withOneShotRedis } from '../infra/redis';

/**
 * Cost figures: what a fixed amount of work costs in CPU time, SQL statements and Redis
 * commands. Unlike wall-clock figures they barely move when a neighbour loads the machine, so
 * a change in them is a change in the code.
 */

/** CPU microseconds (user + system) this process spends per call of `work`, over `count` calls. */
export async function cpuMicrosPerOp(count: number, work: (i: number) => unknown): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await work(i);
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / count;
}

/** Commands the Redis server processed while `work` ran (its own INFO call included). */
export async function commandsDuring(url: string, work: () => Promise<unknown>): Promise<number> {
  return withOneShotRedis(url, async (client) => {
    const total = async () => Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))?.[1]);
    const before = await total();
    await work();
    return (await total()) - before;
  });
}

interface ProcessCosts {
  /** CPU microseconds the process has used (prom-client's process_cpu_seconds_total). */
  cpuMicros: number;
  /** SQL statements it has sent (db_statements_total, counted with DB_STATEMENT_METRICS=true). */
  statements: number;
}

/** Another process's running totals, from its /metrics. */
export async function processCosts(metricsUrl: string): Promise<ProcessCosts> {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { cpuMicros: value('process_cpu_seconds_total') * 1e6, statements: value('db_statements_total') };
}

/** What `work` cost another process, per operation, from its /metrics before and after. */
export async function processCostsPerOp(
  metricsUrl: string,
  count: number,
  work: () => Promise<unknown>,
): Promise<ProcessCosts> {
  const before = await processCosts(metricsUrl);
  await work();
  const after = await processCosts(metricsUrl);
  return {
    cpuMicros: (after.cpuMicros - before.cpuMicros) / count,
    statements: (after.statements - before.statements) / count,
  };
}
