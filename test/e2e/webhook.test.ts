import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith } from '../support/chat';
import type { startScript } from '../support/run-process';
import { startRoleProcess, startTestService, type TestService } from '../support/service';

const KEY = randomBytes(32).toString('base64');
const SECRET = randomBytes(16).toString('hex');

let t: TestService;
let balancer: Server;
let balancerUrl = '';
const backends: string[] = [];
const handledBy = [0, 0];
let bots: ReturnType<typeof startScript>[] = [];

/** A round-robin load balancer in front of the bot processes, as production would have one. */
function startBalancer(): Promise<void> {
  let next = 0;
  balancer = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const index = next++ % backends.length;
    handledBy[index] = (handledBy[index] ?? 0) + 1;
    try {
      const answer = await fetch(`${backends[index]}${req.url}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': String(req.headers['x-telegram-bot-api-secret-token'] ?? ''),
        },
        body: Buffer.concat(chunks),
      });
      res.writeHead(answer.status).end(await answer.text());
    } catch {
      res.writeHead(502).end();
    }
  });
  return new Promise((resolve) =>
    balancer.listen(0, '127.0.0.1', () => {
      balancerUrl = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  // The sandbox, API and worker here; two bot processes receive the webhook through the balancer.
  t = await startTestService({ ROLES: 'api,worker,sandbox', KEY_ENCRYPTION_KEY: KEY });
  await startBalancer();
  bots = [0, 1].map(() =>
    startRoleProcess(t, {
      ROLES: 'bot',
      KEY_ENCRYPTION_KEY: KEY,
      WEBHOOK_URL: `${balancerUrl}/telegram-webhook`,
      WEBHOOK_SECRET: SECRET,
    }),
  );
  for (const bot of bots)
    backends.push(/HTTP server listening on (http:\/\/[0-9.:]+)/.exec(await bot.ready)?.[1] as string);
}, 120_000);
afterAll(async () => {
  for (const bot of bots) {
    bot.child.kill('SIGTERM');
    await bot.exited;
  }
  balancer?.close();
  await t?.stop();
});

describe('two bot processes behind one webhook', () => {
  it('handle every update once, whichever process it reaches, even when it is delivered again', async () => {
    const person = await t.sandbox.createPerson({ name: 'Анна' });
    const chat = chatWith(t.sandbox, person.id);
    for (let i = 0; i < 6; i++) await chat.say('/help');
    expect(handledBy.every((n) => n >= 3)).toBe(true);
    const { updateId } = await t.sandbox.sendText(person.id, '/start');
    await chat.waitForText('Здравствуйте');
    await t.sandbox.redeliver(updateId as number);
    await t.sandbox.redeliver(updateId as number);
    await chat.say('/safety');
    const answers = (await chat.botMessages()).map((m) => m.text ?? '');
    expect(answers.filter((text) => text.startsWith('Здравствуйте'))).toHaveLength(1);
    expect(answers.filter((text) => text.startsWith('Что умеет бот'))).toHaveLength(6);
  });

  it('refuses a delivery without the secret token', async () => {
    const forged = await fetch(`${backends[0]}/telegram-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: JSON.stringify({
        update_id: 1,
        message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: '/start' },
      }),
    });
    expect(forged.status).toBe(401);
  });
});
