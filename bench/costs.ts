import { readFileSync } from 'node:fs';
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

/** Linux's USER_HZ, the unit of /proc's CPU times (`getconf CLK_TCK`): 100 on every usual kernel. */
const TICKS_PER_SECOND = 100;

/**
 * CPU microseconds (user + system) the processes have used so far, from /proc/<pid>/stat, for
 * processes that are not Node's (PostgreSQL's backends, redis-server); to 10 ms, so only over
 * seconds of work. A process gone has used nothing more.
 */
export function procCpuMicros(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name, in parentheses, may hold spaces: the fields are counted after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks / TICKS_PER_SECOND) * 1e6;
}

/** The pid of the Redis server at `url`, for procCpuMicros. */
export async function redisServerPid(url: string): Promise<number> {
  const info = await withOneShotRedis(url, (client) => client.info('server'));
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}
