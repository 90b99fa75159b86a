import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith, latestCode } from '../support/chat';
import { createTestDatabase } from '../support/postgres';
import { REDIS_URL, testQueuePrefix } from '../support/redis';
import { runScript, startScript } from '../support/run-process';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');
const lines: string[] = [];
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ KEY_ENCRYPTION_KEY: KEY }, { logLines: lines });
});
afterAll(async () => {
  await t?.stop();
});

const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the logs', () => {
  it('tie each line to its update, mask phones and hold no codes, tokens or keys', async () => {
    const phone = '+79990000002';
    const person = await t.sandbox.createPerson({ name: 'Анна', phone, languageCode: 'ru' });
    const chat = chatWith(t.sandbox, person.id);
    await chat.say('/link');
    await chat.shareContact();
    const code = await latestCode(t.sandbox, phone);
    await chat.ask(code, 'Готово');

    const sms = await waitFor(() => entries().find((e) => e.msg === 'SMS sent'), 'the SMS log line');
    // The SMS went out while the shared contact was handled: the line says which update that was.
    expect(sms.updateId).toEqual(expect.any(Number));
    expect(sms.to).toBe('+*******0002');

    const all = lines.join('\n');
    expect(all).not.toContain('79990000002');
    expect(all).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect(all).not.toContain(t.service.sandbox!.token);
    expect(all).not.toContain(KEY);
  });

  it('tie each line of an HTTP request to its id', async () => {
    const response = await fetch(`${t.service.httpUrl}/api/v1/recovery-requests`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.service.backend!.portalToken}`,
        'content-type': 'application/json',
      },
      body: '{"accountId": "demo-02"}',
    });
    // Anna has no trusted contact: refused, and the refusal is logged under the request's id.
    expect(response.status).toBe(409);
    const line = await waitFor(
      () => entries().find((e) => e.msg === 'recovery asked for by the portal'),
      'the API log line',
    );
    expect(line.outcome).toBe('no_contact');
    expect(line.requestId).toEqual(expect.stringMatching(/.+/));
  });
});

describe('the log format of `npm start`', () => {
  const PORTAL_TOKEN = randomBytes(16).toString('hex');

  /** Everything the service printed while the portal asked for a recovery (logged under the request's id). */
  async function outputAroundARequest(env: Record<string, string>): Promise<string> {
    const database = await createTestDatabase();
    const queue = testQueuePrefix();
    const service = startScript(
      'app/main.ts',
      {
        DATABASE_URL: database.url,
        REDIS_URL,
        QUEUE_PREFIX: queue.prefix,
        PORT: '0',
        SANDBOX_PORT: '0',
        PORTAL_API_TOKEN: PORTAL_TOKEN,
        LOG_LEVEL: 'info',
        ...env,
      },
      /HTTP API is at http:\/\/[\d.]+:\d+/,
    );
    try {
      const httpUrl = /HTTP API is at (http:\/\/[\d.:]+)/.exec(await service.ready)?.[1] as string;
      const response = await fetch(`${httpUrl}/api/v1/recovery-requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PORTAL_TOKEN}`, 'content-type': 'application/json' },
        body: '{"accountId": "demo-02"}',
      });
      expect(response.status).toBe(409);
      await waitFor(() => service.output().includes('recovery asked for by the portal'), 'the API log line');
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      return service.output();
    } finally {
      service.child.kill('SIGKILL');
      await queue.cleanup();
      await database.drop();
    }
  }

  /** The log lines: the sandbox's banner and blank lines are for people, not events. */
  const events = (output: string) =>
    output
      .split('\n')
      .filter((line) => line !== '' && !/^(Open the sandbox|\(its people API|The service's HTTP)/.test(line));

  it('is one readable line per event with LOG_FORMAT=pretty, naming the request', async () => {
    const lines = events(await outputAroundARequest({ LOG_FORMAT: 'pretty' }));
    for (const line of lines) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR): /);
    expect(lines).toContainEqual(
      expect.stringMatching(
        / INFO: \[request \S+\] recovery asked for by the portal \{.*"outcome":"no_contact"/,
      ),
    );
    expect(lines.join('\n')).not.toContain(PORTAL_TOKEN);
  }, 120_000);

  it('is JSON, a line per event, where the output is not a terminal', async () => {
    const lines = events(await outputAroundARequest({}));
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.find((e) => e.msg === 'recovery asked for by the portal')).toMatchObject({
      requestId: expect.any(String),
      outcome: 'no_contact',
    });
  }, 120_000);

  it('takes only json or pretty', async () => {
    const refused = await runScript('app/main.ts', [], { LOG_FORMAT: 'colourful' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('LOG_FORMAT: Invalid option: expected one of "json"|"pretty"');
  });
});
