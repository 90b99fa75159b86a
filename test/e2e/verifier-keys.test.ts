import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema';
import { type Chat, chatWith, confirmQuestion } from '../support/chat';
import { requestFrom, verifyFrom } from '../support/http-from';
import { linkedPerson } from '../support/linking';
import { REDIS_URL } from '../support/redis';
import { ownRedisServer } from '../support/redis-server';
import { runScript } from '../support/run-process';
import { startRoleProcess, startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');
const ADMIN_ID = 515_151;
const PAGE_VIEWS_PER_MINUTE = 4;

let t: TestService;
let boss: Chat;
let apis: Array<{ process: ReturnType<typeof startRoleProcess>; url: string }> = [];

beforeAll(async () => {
  // The bot and worker in this process; the API as two processes of its own, as behind a
  // load balancer. Their cached authentications would live for five minutes: only the
  // announcement of a revocation can make them refuse a key within this test.
  t = await startTestService({
    ROLES: 'sandbox,bot,worker',
    ADMIN_IDS: String(ADMIN_ID),
    KEY_ENCRYPTION_KEY: KEY,
  });
  const admin = await t.sandbox.createPerson({ id: ADMIN_ID, name: 'Админ' });
  boss = chatWith(t.sandbox, admin.id);
  apis = await Promise.all(
    [1, 2].map(async () => {
      const process = startRoleProcess(t, {
        ROLES: 'api',
        KEY_ENCRYPTION_KEY: KEY,
        VERIFIER_KEY_CACHE_SECONDS: '300',
        VERIFY_PAGE_RATE_PER_MINUTE: String(PAGE_VIEWS_PER_MINUTE),
      });
      const output = await process.ready;
      return { process, url: /HTTP server listening on (http:\/\/[0-9.:]+)/.exec(output)?.[1] as string };
    }),
  );
}, 120_000);
afterAll(async () => {
  for (const { process } of apis) {
    process.child.kill('SIGTERM');
    await process.exited;
  }
  await t?.stop();
});

const cli = (tool: string, args: string[], env: Record<string, string> = {}) =>
  runScript(`app/cli/${tool}.ts`, args, {
    DATABASE_URL: t.databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: t.config.queuePrefix,
    ...env,
  });

/** What each API process answers the key, asked at the same moment. */
const statuses = (key: string) =>
  Promise.all(apis.map(async ({ url }) => (await verifyFrom('127.0.0.1', url, key)).status));

const auditOf = async (verifierId: string) =>
  (await t.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, verifierId)))
    .map((row) => `${row.actor} ${row.action} ${row.fromState ?? '∅'}→${row.toState ?? '∅'}`)
    .sort();

describe('verifier keys', () => {
  it('are listed and revoked from the command line; a revoked key is 401 at once in every API process', async () => {
    const created = await cli('verifier-create', ['Касса', '№1']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1) as string;
    expect(await statuses(key)).toEqual([200, 200]);

    const listed = await cli('verifier-list', []);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain(key);
    const line = listed.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .find((fields) => fields[1] === 'Касса №1');
    const [id, , createdAt, lastUsed, state] = line ?? [];
    expect(line).toHaveLength(5);
    expect(new Date(createdAt as string).toISOString()).toBe(createdAt);
    // Last use is written in the background, once a minute at most.
    expect(lastUsed === '-' || new Date(lastUsed as string).toISOString() === lastUsed).toBe(true);
    expect(state).toBe('active');
    const usedAt = await waitFor(async () => {
      const again = (await cli('verifier-list', [])).stdout.split('\n').find((l) => l.startsWith(`${id}\t`));
      const used = again?.split('\t')[3];
      return used !== '-' && used;
    }, 'the last use in the list');
    expect(new Date(usedAt).getTime()).toBeGreaterThanOrEqual(new Date(createdAt as string).getTime());

    const revoked = await cli('verifier-revoke', [key]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`Verifier "Касса №1" (${id}) is revoked.\n`);
    expect(await statuses(key)).toEqual([401, 401]);

    expect((await cli('verifier-list', [])).stdout).toContain(`${id}\tКасса №1\t${createdAt}\t`);
    expect((await cli('verifier-list', [])).stdout).toMatch(new RegExp(`${id}\\t.*\\trevoked\\n`));
    expect((await cli('verifier-revoke', [id as string])).stdout).toContain('was already revoked');
    const bogus = await cli('verifier-revoke', ['no-such-key']);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain('There is no such verifier key.');
    expect(await auditOf(id as string)).toEqual([
      'cli cli.revoke_verifier_key active→revoked',
      'cli cli.verifier_key ∅→active',
    ]);
  }, 90_000);

  it('are listed and revoked by an admin, with a confirmation; a revoked key is 401 at once in every API process', async () => {
    const issued = await boss.ask('/verifier_key Касса 2', 'Ключ API');
    const key = /vk_[A-Za-z0-9_-]{43}/.exec(issued.text ?? '')?.[0] as string;
    expect(await statuses(key)).toEqual([200, 200]);

    const list = (await boss.ask('/verifier_keys', 'Касса 2')).text ?? '';
    expect(list).not.toContain(key);
    const entry = list.split('\n\n').find((block) => block.startsWith('Касса 2')) ?? '';
    expect(entry).toContain('Касса 2 — действует');
    const id = /id ([0-9a-f-]{36})/.exec(entry)?.[1] as string;

    expect((await boss.ask('/revoke_verifier_key nonsense', 'аргумент')).text).toContain(
      '/revoke_verifier_key <id>',
    );
    expect(
      (await boss.ask(`/revoke_verifier_key ${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, 'ключа'))
        .text,
    ).toBe('Такого ключа API нет. Список ключей: /verifier_keys');
    const asked = await boss.ask(`/revoke_verifier_key ${id}`, '?');
    expect(asked.text).toContain('Отозвать ключ API «Касса 2»');
    // Asking changes nothing yet.
    expect(await statuses(key)).toEqual([200, 200]);

    const data = await confirmQuestion(boss, asked, 'adm:vk:', 'отозван');
    expect(await statuses(key)).toEqual([401, 401]);

    expect(await boss.tapForNotice(asked.messageId, data, { forge: true })).toBe(
      'Подтверждение уже использовано или истекло. Повторите команду.',
    );
    expect((await boss.ask(`/revoke_verifier_key ${id}`, 'отозван')).text).toBe(
      'Ключ «Касса 2» уже отозван.',
    );
    expect((await boss.ask('/verifier_keys', 'Касса 2')).text).toContain('Касса 2 — отозван');
    expect(await auditOf(id)).toEqual([
      `admin:${ADMIN_ID} admin.revoke_verifier_key active→revoked`,
      `admin:${ADMIN_ID} admin.verifier_key ∅→active`,
    ]);
    const listings = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'admin.verifier_keys'));
    expect(listings.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it("are in the admin help and in a new admin's command menu", async () => {
    const help = (await boss.ask('/admin', 'Команды администратора')).text ?? '';
    expect(help).toContain('/verifier_keys');
    expect(help).toContain('/revoke_verifier_key <id>');
    const { person } = await linkedPerson(t, 'Светлана', '+79990000012');
    await boss.ask('/grant +79990000012 admin', 'Роль');
    const menu = await waitFor(async () => {
      const { commands } = await t.sandbox.chat(person.id);
      return commands.some((c) => c.command === 'stats') && commands;
    }, 'the admin menu');
    expect(menu).toEqual(
      expect.arrayContaining([
        { command: 'verifier_key', description: 'Выпустить ключ API проверяющего' },
        { command: 'verifier_keys', description: 'Ключи API проверяющих' },
        { command: 'revoke_verifier_key', description: 'Отозвать ключ API проверяющего' },
      ]),
    );
  });

  it('still end when Redis is away: the tool says when, and a process that lost Redis forgets what it cached', async () => {
    const redis = await ownRedisServer();
    const env = { REDIS_URL: redis.url, VERIFIER_KEY_CACHE_SECONDS: '300' };
    const api = startRoleProcess(t, { ROLES: 'api', KEY_ENCRYPTION_KEY: KEY, ...env });
    try {
      const url = /HTTP server listening on (http:\/\/[0-9.:]+)/.exec(await api.ready)?.[1] as string;
      const key = (await cli('verifier-create', ['Касса', '№3'])).stdout.trim().split('\n').at(-1) as string;
      expect((await verifyFrom('127.0.0.1', url, key)).status).toBe(200);

      await redis.stop();
      const revoked = await cli('verifier-revoke', [key], env);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stderr).toBe(
        'Redis could not be reached: running API processes stop accepting the key within 300 s.\n',
      );
      // Nobody could tell the process; it answers from what it cached until Redis is back...
      expect((await verifyFrom('127.0.0.1', url, key)).status).toBe(200);
      await redis.start();
      // ...and then, having maybe missed announcements, it trusts nothing it cached.
      await waitFor(async () => (await verifyFrom('127.0.0.1', url, key)).status === 401, 'the key refused');
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
      await redis.stop();
    }
  }, 120_000);

  it('limit the /v/ page per address across API processes', async () => {
    const view = (from: string, api: number) =>
      requestFrom(from, `${apis[api]?.url}/v/not-a-token`, { headers: { 'accept-language': 'ru' } });
    const seen = [];
    for (let i = 0; i < PAGE_VIEWS_PER_MINUTE; i++) seen.push((await view('127.0.0.3', i % 2)).status);
    expect(seen).toEqual(Array(PAGE_VIEWS_PER_MINUTE).fill(200));
    for (const api of [0, 1]) {
      const refused = await view('127.0.0.3', api);
      expect(refused.status).toBe(429);
      expect(refused.text).toBe(
        'Слишком много проверок с вашего адреса. Подождите минуту и откройте страницу снова.',
      );
    }
    // Another address is not held back by this one.
    expect((await view('127.0.0.4', 1)).status).toBe(200);
  });
});
