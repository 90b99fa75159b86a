import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith } from '../support/chat';
import { startRoleProcess, startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');

let t: TestService;
beforeAll(async () => {
  // The sandbox alone in this process; each role runs as its own process, as in production.
  t = await startTestService({ ROLES: 'sandbox,api', KEY_ENCRYPTION_KEY: KEY });
});
afterAll(async () => {
  await t?.stop();
});

const start = (roles: string) => startRoleProcess(t, { ROLES: roles, KEY_ENCRYPTION_KEY: KEY });

/** SIGTERM, then the exit code and everything the process printed. */
async function terminate(process: ReturnType<typeof start>) {
  process.child.kill('SIGTERM');
  const code = await process.exited;
  return { code, output: process.output() };
}

describe('SIGTERM', () => {
  it('stops every role cleanly: pools closed, exit code 0', async () => {
    for (const roles of ['bot', 'api', 'worker']) {
      const role = start(roles);
      await role.ready;
      const { code, output } = await terminate(role);
      expect(code, `${roles}: ${output}`).toBe(0);
      expect(output).toContain('"msg":"stopped"');
    }
  }, 120_000);

  it('lets a worker finish or return its jobs: a new worker sends the rest, nobody gets a message twice', async () => {
    const person = await t.sandbox.createPerson({ name: 'Иван' });
    const chat = chatWith(t.sandbox, person.id);
    const texts = async () => (await chat.botMessages()).map((m) => m.text);
    const wanted = Array.from({ length: 12 }, (_, i) => `Сообщение ${i + 1}`);
    // The messenger takes three messages a second, so the queue is still full at SIGTERM.
    await t.sandbox.setRate(3);
    try {
      for (const text of wanted) await t.outgoing.send(`shutdown:${text}`, person.id, { text });
      const first = start('worker');
      await first.ready;
      await waitFor(async () => (await texts()).length >= 2, 'the first messages');
      const { code } = await terminate(first);
      expect(code).toBe(0);
      const sentByFirst = (await texts()).length;

      const second = start('worker');
      await second.ready;
      try {
        await waitFor(async () => (await texts()).length >= wanted.length, 'every message', 30_000);
      } finally {
        await terminate(second);
      }
      expect(sentByFirst).toBeLessThan(wanted.length);
      expect(((await texts()) as string[]).sort()).toEqual([...wanted].sort());
    } finally {
      await t.sandbox.setRate(0);
    }
  }, 90_000);
});
