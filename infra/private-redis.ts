import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { basename, delimiter, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { freePort } from './free-port';

/** Where a private Redis writes its pid, so the next start can find one a killed run left. */
const PID_FILE = 'redis.pid';
/** Which running service owns the folder's Redis, and where that Redis listens. */
const OWNER_FILE = 'owner.json';
/** How many of its last lines a failed redis-server is reported with. */
const TAIL_LINES = 15;
/** SIGTERM makes Redis fsync its AOF and exit; only one that hangs past this is killed. */
const STOP_GRACE_MS = 10_000;

export class PrivateRedisError extends Error {
  constructor(what: string, lastLines: string[]) {
    const said =
      lastLines.length > 0 ? ` Its last lines:\n${lastLines.map((l) => `  ${l}`).join('\n')}\n` : ' ';
    super(`${what}.${said}Fix what it says, or point REDIS_URL at a running Redis 6.2 or newer.`);
    this.name = 'PrivateRedisError';
  }
}

/** A redis-server of this process's own, on 127.0.0.1, keeping its jobs in an append-only file. */
interface PrivateRedis {
  url: string;
  pid: number;
  /** Stops it (its AOF written out); resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Where `command` is on the PATH, or null. */
export async function onPath(command: string, path = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    const found = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return candidate;
  }
  return null;
}

/**
 * Starts `server` (a redis-server) on a free port of 127.0.0.1 with its data (AOF on, no snapshots) in
 * `dir`, which is created if need be. Throws PrivateRedisError with the server's own last lines
 * when it exits instead of becoming ready (port taken, folder unwritable, a damaged AOF).
 */
export async function startPrivateRedis(server: string, dir: string, logger: Logger): Promise<PrivateRedis> {
  const folder = resolve(dir);
  // Only this user may read the jobs (people's chat ids, message texts) kept in its files.
  await mkdir(folder, { recursive: true, mode: 0o700 })
    .then(() => chmod(folder, 0o700))
    .catch((err: Error) => {
      throw new PrivateRedisError(
        `The private Redis's data folder ${folder} cannot be created (${err.message})`,
        [],
      );
    });
  if (await runningPrivateRedis(folder)) {
    throw new PrivateRedisError(
      `The private Redis in ${folder} belongs to a service that is still running`,
      [],
    );
  }
  await stopLeftover(folder, logger);
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  // Claimed before the server starts, so a second start never takes a Redis still loading its
  // files for a left-over one; claimed exclusively, so two starts at once never share the files.
  await rm(join(folder, OWNER_FILE), { force: true });
  const owner = JSON.stringify({ ...(await processIdentity(process.pid)), url });
  await writeFile(join(folder, OWNER_FILE), owner, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
    throw new PrivateRedisError(`Another service is starting a private Redis in ${folder} right now`, []);
  });
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', folder];
  args.push('--pidfile', join(folder, PID_FILE));
  const child = spawn(server, [...args, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'], {
    // Its own process group: Ctrl-C in the terminal reaches the service, which stops Redis
    // last, after the workers that still use it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = lastLines(child);
  const exited = new Promise<string>((done) => {
    child.once('error', (err) => done(err.message));
    // 'close', not 'exit': its last lines are read by then.
    child.once('close', (code, signal) => done(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  const ready = await Promise.race([
    tail.sees('Ready to accept connections').then(() => true),
    exited.then(() => false),
  ]);
  if (!ready || child.pid === undefined) {
    await rm(join(folder, OWNER_FILE), { force: true });
    throw new PrivateRedisError(
      `The private Redis (redis-server on 127.0.0.1:${port}, data in ${folder}) did not start: ${await exited}`,
      tail.lines(),
    );
  }
  return watch(child, exited, tail, { url, pid: child.pid, logger, folder });
}

/**
 * The address of the private Redis a service still running keeps in `dir`, or null. Another
 * process of the same checkout (a second `npm start` on a shared DATABASE_URL, a command-line
 * tool) uses it rather than starting, or stopping, one of its own.
 */
export async function runningPrivateRedis(dir: string): Promise<string | null> {
  const text = await readFile(join(resolve(dir), OWNER_FILE), 'utf8').catch(() => '');
  try {
    const owner = JSON.parse(text) as { pid?: unknown; boot?: unknown; start?: unknown; url?: unknown };
    if (typeof owner.pid !== 'number' || owner.pid === process.pid || typeof owner.url !== 'string')
      return null;
    // A pid alone could name another process since (a reboot, a long gap): the boot and the
    // process's start time must be the owner's too.
    const now = await processIdentity(owner.pid);
    const same = alive(owner.pid) && now.boot === owner.boot && now.start === owner.start;
    return same && owner.url.startsWith('redis://127.0.0.1:') ? owner.url : null;
  } catch {
    return null;
  }
}

/** Who a process is, beyond its pid: this boot's id and its start time (Linux; empty elsewhere). */
async function processIdentity(pid: number): Promise<{ pid: number; boot: string; start: string }> {
  const [boot, stat] = await Promise.all([
    readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => ''),
    readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
  ]);
  // The 22nd field, counted after the command name's closing parenthesis (which may hold spaces).
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  return { pid, boot: boot.trim(), start };
}

/**
 * A service killed outright (SIGKILL, a power cut of the terminal) leaves its private Redis
 * running on the same folder; two servers on one append-only file would corrupt it. The one the
 * pid file names is stopped, but only if it is a Redis working in this very folder, and only
 * once its owner is known gone (runningPrivateRedis said no).
 */
async function stopLeftover(folder: string, logger: Logger): Promise<void> {
  const pid = Number((await readFile(join(folder, PID_FILE), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  // Redis rewrites its command line, but it works in its --dir, and Debian's binary is redis-check-rdb.
  const [exe, cwd] = await Promise.all(
    ['exe', 'cwd'].map((link) => readlink(`/proc/${pid}/${link}`).catch(() => '')),
  );
  if (!basename(exe ?? '').startsWith('redis-') || cwd !== folder) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < STOP_GRACE_MS && alive(pid); waited += 100) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  logger.warn({ pid, dir: folder }, 'stopped a private Redis an earlier run of the service left behind');
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function watch(
  child: ChildProcess,
  exited: Promise<string>,
  tail: ReturnType<typeof lastLines>,
  at: { url: string; pid: number; logger: Logger; folder: string },
): PrivateRedis {
  let stopping = false;
  // However the service ends (an uncaught error, a forced exit), its Redis ends with it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  void exited.then((how) => {
    process.off('exit', killOnExit);
    if (!stopping) at.logger.error({ how, lastLines: tail.lines() }, 'the private Redis stopped on its own');
  });
  return {
    url: at.url,
    pid: at.pid,
    async stop() {
      stopping = true;
      await rm(join(at.folder, OWNER_FILE), { force: true });
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const hung = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(hung);
    },
  };
}

/** Keeps the last lines a child printed, and says when it prints a given one. */
function lastLines(child: ChildProcess) {
  const kept: string[] = [];
  const waiting: Array<{ text: string; found: () => void }> = [];
  let partial = '';
  const take = (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      kept.push(line);
      if (kept.length > TAIL_LINES) kept.shift();
      for (const w of waiting.filter((w) => line.includes(w.text))) w.found();
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return {
    lines: () => [...kept, ...(partial.trim() ? [partial] : [])],
    sees: (text: string) => new Promise<void>((found) => waiting.push({ text, found })),
  };
}
