import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../infra/free-port';
import { redisAnswers } from '../../infra/redis';
import { waitFor } from './wait';

/**
 * A Redis server of the test's own, so the test can stop and start it without touching the
 * one the other tests share. It keeps nothing on disk: a restart loses every job, the worst
 * case the service must survive (production runs with AOF on and usually loses less).
 */
export async function ownRedisServer() {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const server = {
    url,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      await waitFor(() => redisAnswers(url), `redis-server on port ${port}`);
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
      child = null;
    },
  };
  await server.start();
  return server;
}
