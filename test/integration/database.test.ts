import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../core/identity/account';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { demoRegistry } from '../../db/registry/demo-registry';
import { importRegistry, loadAccounts } from '../../db/registry/import-registry';
import { formatRegistryFile, parseRegistryFile, RegistryFileError } from '../../db/registry/registry-file';
import { countAccounts } from '../../db/registry/registry-size';
import { accountRepository } from '../../db/repositories/account.repository';
import { broadcastRepository } from '../../db/repositories/broadcast.repository';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import { otpRepository } from '../../db/repositories/otp.repository';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { processedUpdateRepository } from '../../db/repositories/processed-update.repository';
import { tokenUseRepository } from '../../db/repositories/token-use.repository';
import { trustedContactRepository } from '../../db/repositories/trusted-contact.repository';
import { accountLinks, digitalIdSessions, otpChallenges, smsDailyCounts } from '../../db/schema';
import { seedLinkedPeople, syntheticAccounts } from '../support/people';
import { createTestDatabase } from '../support/postgres';

const TODAY = '2026-11-22';

const drivers = [
  {
    name: 'PostgreSQL',
    async open() {
      const database = await createTestDatabase();
      const handle = await openDatabase({ kind: 'postgres', url: database.url });
      return { handle, cleanup: database.drop };
    },
  },
  {
    name: 'PGlite',
    async open() {
      const handle = await openDatabase({ kind: 'pglite', dir: 'memory://' });
      return { handle, cleanup: async () => {} };
    },
  },
];

describe.each(drivers)('the database on $name', (driver) => {
  let handle: DatabaseHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ handle, cleanup } = await driver.open());
    await handle.migrate();
  });
  afterAll(async () => {
    await handle?.close();
    await cleanup?.();
  });

  it('has every table after migrating, and migrating again changes nothing', async () => {
    await handle.migrate();
    for (const table of [
      'accounts',
      'account_statuses',
      'messenger_users',
      'processed_updates',
      'outgoing_messages',
      'max_messages',
      'messenger_cursor',
    ]) {
      const rows = await handle.db.execute(sql`select to_regclass(${table}) as t`);
      const first = (Array.isArray(rows) ? rows[0] : (rows as unknown as { rows: unknown[] }).rows[0]) as {
        t: string;
      };
      expect(first.t).toBe(table);
    }
  });

  it('imports the demo registry, and a second import of the same file changes nothing', async () => {
    const demo = demoRegistry(TODAY);
    const first = await importRegistry(handle.db, demo);
    expect(first).toMatchObject({ total: demo.length, created: demo.length, updated: 0, unchanged: 0 });
    const again = await importRegistry(handle.db, demo);
    expect(again).toMatchObject({ total: demo.length, created: 0, updated: 0, unchanged: demo.length });
    const [loaded] = await loadAccounts(handle.db, ['demo-07']);
    expect(loaded?.statuses.map((s) => s.kind).sort()).toEqual(['large_family', 'svo_participant']);
  });

  it('updates changed accounts on re-import: a removed status and lost biometrics', async () => {
    const demo = demoRegistry(TODAY);
    const changed = demo.map((a) =>
      a.id === 'demo-07' ? { ...a, biometrics: false, statuses: [a.statuses[0]!] } : a,
    );
    const summary = await importRegistry(handle.db, changed);
    expect(summary).toMatchObject({ updated: 1, created: 0, changedIds: ['demo-07'] });
    const [loaded] = await loadAccounts(handle.db, ['demo-07']);
    expect(loaded?.biometrics).toBe(false);
    expect(loaded?.statuses.map((s) => s.kind)).toEqual(['large_family']);
  });

  it('lets two accounts of one file swap their confirmed phones', async () => {
    const [a, b] = demoRegistry(TODAY) as [Account, Account];
    await importRegistry(handle.db, [
      { ...a, id: 'swap-a', phone: '+79991110001' },
      { ...b, id: 'swap-b', phone: '+79991110002' },
    ]);
    await importRegistry(handle.db, [
      { ...a, id: 'swap-a', phone: '+79991110002' },
      { ...b, id: 'swap-b', phone: '+79991110001' },
    ]);
    const loaded = await loadAccounts(handle.db, ['swap-a', 'swap-b']);
    expect(Object.fromEntries(loaded.map((x) => [x.id, x.phone]))).toEqual({
      'swap-a': '+79991110002',
      'swap-b': '+79991110001',
    });
  });

  it('writes nothing when a phone in the file is confirmed on another account', async () => {
    const before = await countAccounts(handle.db);
    const [a] = demoRegistry(TODAY) as [Account];
    const newcomer: Account = { ...a, id: 'newcomer', phone: '+79990000001' };
    const ok: Account = { ...a, id: 'would-be-added', phone: '+79995550000' };
    const attempt = importRegistry(handle.db, [ok, newcomer]);
    await expect(attempt).rejects.toBeInstanceOf(RegistryFileError);
    await expect(attempt).rejects.toThrow('index 1, field phone: is already confirmed on account demo-01');
    expect(await countAccounts(handle.db)).toBe(before);
  });

  it('lets one process at a time handle an update, and a done one never again', async () => {
    const updates = processedUpdateRepository(handle.db);
    const a = { botId: 42, holder: 'a', leaseSeconds: 60 };
    const b = { ...a, holder: 'b' };
    expect(await updates.claim(a, 1001)).toBe('taken');
    expect(await updates.claim(b, 1001)).toBe('in_hand');
    // Its holder may take it again (after an outage cut its handling short).
    expect(await updates.claim(a, 1001)).toBe('taken');
    expect(await updates.claim({ ...b, botId: 43 }, 1001)).toBe('taken');
    expect(await updates.renew(b, [1001])).toEqual([]);
    expect(await updates.renew(a, [1001])).toEqual([1001]);
    await updates.finish(a, 1001);
    expect(await updates.claim(b, 1001)).toBe('done');
    expect(await updates.renew(a, [1001])).toEqual([]);
  });

  it("lets another process take over an update whose holder's lease lapsed, once", async () => {
    const updates = processedUpdateRepository(handle.db);
    const dead = { botId: 44, holder: 'dead', leaseSeconds: -1 };
    const live = { ...dead, holder: 'live', leaseSeconds: 60 };
    expect(await updates.claim(dead, 2001)).toBe('taken');
    expect(await updates.claim(live, 2001)).toBe('taken');
    expect(await updates.claim({ ...live, holder: 'third' }, 2001)).toBe('in_hand');
    // The dead holder's mark is no longer its own: it must not finish it.
    await updates.finish(dead, 2001);
    expect(await updates.claim({ ...live, holder: 'third' }, 2001)).toBe('in_hand');
  });

  it('keeps updates taken in by long polling, and hands those of a dead process to one other', async () => {
    const updates = processedUpdateRepository(handle.db);
    const dead = { botId: 45, holder: 'dead', leaseSeconds: -1 };
    const payload = (id: number, text = '/start') => ({ update_id: id, message: { text } });
    await updates.receive(dead, [{ updateId: 3002, payload: payload(3002) }]);
    await updates.receive(dead, [
      { updateId: 3001, payload: payload(3001) },
      { updateId: 3002, payload: payload(3002, 'a second copy') },
    ]);
    const [first, second] = [
      { ...dead, holder: 'first', leaseSeconds: 60 },
      { ...dead, holder: 'second', leaseSeconds: 60 },
    ];
    const [taken, again] = await Promise.all([
      updates.takeOverLapsed(first, 10),
      updates.takeOverLapsed(second, 10),
    ]);
    expect([...taken, ...again].sort((x, y) => x.updateId - y.updateId)).toEqual([
      { updateId: 3001, payload: payload(3001) },
      { updateId: 3002, payload: payload(3002) },
    ]);
    const holder = taken.some((u) => u.updateId === 3001) ? first : second;
    await updates.finish(holder, 3001);
    expect(await updates.claim(dead, 3001)).toBe('done');
    expect(await updates.claim(dead, 3002)).toBe('in_hand');
    expect(await updates.takeOverLapsed(first, 10)).toEqual([]);
  });

  it('spends a QR once, only while its session is live, and forgets the mark once it expired', async () => {
    const uses = tokenUseRepository(handle.db);
    const sessions = digitalIdSessionRepository(handle.db);
    await importRegistry(handle.db, demoRegistry(TODAY));
    await accountRepository(handle.db).link('demo-01', 77);
    const sid = new Uint8Array(randomBytes(16));
    const now = new Date('2026-11-22T10:00:00Z');
    const id = randomUUID();
    await sessions.openSuperseding({
      id,
      sid,
      messengerUserId: 77,
      chatId: 77,
      accountId: 'demo-01',
      scenario: 'adult',
      locale: 'ru',
      refreshSeconds: 30,
      tokenTtlSeconds: 45,
      startedAt: now,
      endsAt: new Date(now.getTime() + 300_000),
    });
    const keepUntil = new Date(now.getTime() + 50_000);
    const scan = (seq: number, consume = true, at = now) =>
      uses.check({ sid, seq, now: at, consume, keepUntil });
    expect(await scan(3, false)).toEqual({ live: true, fresh: true });
    expect(await scan(3)).toEqual({ live: true, fresh: true });
    expect(await scan(3)).toEqual({ live: true, fresh: false });
    expect(await scan(3, false)).toEqual({ live: true, fresh: false });
    expect(await scan(4, true, new Date(now.getTime() + 300_000))).toEqual({ live: false, fresh: false });
    await handle.db.delete(accountLinks).where(eq(accountLinks.messengerUserId, 77));
    expect(await scan(5)).toEqual({ live: false, fresh: false });
    await accountRepository(handle.db).link('demo-01', 77);
    expect(await scan(5)).toEqual({ live: true, fresh: true });
    await sessions.end(id, 'stopped', 'test', now);
    expect(await scan(6)).toEqual({ live: false, fresh: false });
    expect(await uses.pruneExpired(new Date(keepUntil.getTime() + 1))).toBe(2);
    expect(await uses.pruneExpired(new Date(keepUntil.getTime() + 1))).toBe(0);
  });

  it('reads an app session with its holder, and expires it unpolled', async () => {
    const sessions = digitalIdSessionRepository(handle.db);
    await importRegistry(handle.db, demoRegistry(TODAY));
    await accountRepository(handle.db).link('demo-06', 79);
    const now = new Date('2026-11-22T10:00:00Z');
    const id = randomUUID();
    const endsAt = new Date(now.getTime() + 300_000);
    await sessions.openSuperseding({
      id,
      sid: new Uint8Array(randomBytes(16)),
      messengerUserId: 79,
      chatId: 79,
      accountId: 'demo-06',
      scenario: 'pensioner',
      locale: 'ru',
      refreshSeconds: 30,
      tokenTtlSeconds: 45,
      startedAt: now,
      endsAt,
      channel: 'app',
    });
    const found = await sessions.findWithHolder(id);
    expect(found?.session).toMatchObject({ id, channel: 'app', seq: 0, status: 'live' });
    expect(found?.holder?.id).toBe('demo-06');
    expect(found?.holder?.statuses.map((s) => s.kind)).toContain('pensioner');
    expect(await sessions.findWithHolder(randomUUID())).toBeNull();
    expect(await sessions.showing()).toEqual([]);
    expect(await sessions.expireAppSessions(new Date(endsAt.getTime() - 1))).toBe(0);
    expect(await sessions.expireAppSessions(endsAt)).toBe(1);
    expect(await sessions.find(id)).toMatchObject({ status: 'expired' });
    expect((await sessions.findWithHolder(id))?.session.status).toBe('expired');
  });

  it('opens a Digital ID only while its link stands, so an unlink cannot leave one live', async () => {
    const sessions = digitalIdSessionRepository(handle.db);
    await importRegistry(handle.db, demoRegistry(TODAY));
    const now = new Date('2026-11-22T10:00:00Z');
    const open = (accountId: string) =>
      sessions.openSuperseding({
        id: randomUUID(),
        sid: new Uint8Array(randomBytes(16)),
        messengerUserId: 78,
        chatId: 78,
        accountId,
        scenario: 'adult',
        locale: 'ru',
        refreshSeconds: 30,
        tokenTtlSeconds: 45,
        startedAt: now,
        endsAt: new Date(now.getTime() + 300_000),
      });
    expect(await open('demo-02')).toBeNull();
    await accountRepository(handle.db).link('demo-02', 78);
    expect(await open('demo-03')).toBeNull();
    expect(await open('demo-02')).toEqual({ superseded: null });
    const live = await handle.db
      .select({ status: digitalIdSessions.status })
      .from(digitalIdSessions)
      .where(eq(digitalIdSessions.messengerUserId, 78));
    expect(live).toEqual([{ status: 'live' }]);
  });

  it('lets one worker claim an outbox message, and another only after the lease ran out', async () => {
    const outbox = outgoingMessageRepository(handle.db);
    const { id } = await outbox.add('claim-test', 1, { text: 'x' });
    const claims = await Promise.all([outbox.claim(id, 60_000), outbox.claim(id, 60_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const { id: shortLease } = await outbox.add('claim-test-2', 1, { text: 'y' });
    expect(await outbox.claim(shortLease, -1)).not.toBeNull();
    expect(await outbox.claim(shortLease, 60_000)).not.toBeNull();
    await outbox.markSent(shortLease, 7);
    expect(await outbox.claim(shortLease, 60_000)).toBeNull();
  });

  it('forgets sent and failed outbox messages a day on, never one still to be sent', async () => {
    const outbox = outgoingMessageRepository(handle.db);
    const [sent, failed, pending] = await Promise.all(
      ['sent', 'failed', 'pending'].map((k) => outbox.add(`prune-${k}`, 2, { text: k })),
    );
    await outbox.claim(sent!.id, 60_000);
    await outbox.markSent(sent!.id, 1);
    await outbox.markFailed(failed!.id, 'chat not found');
    const left = async () =>
      (await Promise.all([sent, failed, pending].map((r) => outbox.find(r!.id)))).map((r) => r?.status);
    // A day after now: none of them is that old yet.
    await outbox.pruneFinishedBefore(new Date(Date.now() - 24 * 3600_000));
    expect(await left()).toEqual(['sent', 'failed', 'pending']);
    // Seen from a day later, the sent and the failed one are past their day.
    await outbox.pruneFinishedBefore(new Date(Date.now() + 60_000));
    expect(await left()).toEqual([undefined, undefined, 'pending']);
  });

  it('expands a broadcast into the outbox batch by batch, each batch after the last', async () => {
    let nextUser = 3_100_000;
    await seedLinkedPeople(handle.db, syntheticAccounts(5, 'bc-batch', 'Рассылка', 3_100_000), () => ({
      id: nextUser++,
    }));
    const broadcasts = broadcastRepository(handle.db);
    const broadcast = await broadcasts.create({
      adminUserId: 1,
      adminChatId: 1,
      text: 'batches',
      audience: 'all',
      at: new Date(),
    });
    const audience = await broadcasts.audienceSize('all');
    const batches: string[][] = [];
    for (let batch = await broadcasts.writeNextBatch(broadcast, 2); batch.length > 0; ) {
      batches.push(batch);
      batch = await broadcasts.writeNextBatch(broadcast, 2);
    }
    expect(batches.flat()).toHaveLength(audience);
    expect(new Set(batches.flat()).size).toBe(audience);
    expect((await broadcasts.progress(broadcast.id)).left).toBe(audience);
  });

  it('keeps codes and SMS counts by a hash of the number, and forgets them once past', async () => {
    const otp = otpRepository(handle.db);
    const now = new Date();
    const issued = await otp.issue({
      purpose: 'prune-test',
      subject: '1',
      phoneHash: 'h'.repeat(64),
      codeHashFor: () => 'c'.repeat(64),
      now,
      smsLimit: { day: TODAY, max: 10 },
    });
    expect(issued.ok).toBe(true);
    const stored = async () =>
      JSON.stringify([
        await handle.db.select().from(otpChallenges).where(eq(otpChallenges.purpose, 'prune-test')),
        await handle.db
          .select()
          .from(smsDailyCounts)
          .where(eq(smsDailyCounts.phoneHash, 'h'.repeat(64))),
      ]);
    expect(await stored()).toContain('"sent":1');
    // Before the code's lifetime ends and on its own day, both stay.
    await otp.prune(now, TODAY);
    expect(await stored()).toMatch(/"purpose":"prune-test".*"sent":1/);
    await otp.prune(new Date(now.getTime() + 11 * 60_000), '2026-11-23');
    expect(await stored()).toBe('[[],[]]');
  });

  it('ends a pending recovery with its relationship, and takes no decision of a contact after that', async () => {
    const store = trustedContactRepository(handle.db, async () => []);
    const now = new Date();
    const link = async (trustor: string) => {
      const invited = await store.invite(
        {
          trustorAccountId: trustor,
          contactAccountId: `${trustor}-contact`,
          contactName: 'C',
          contactPhoneMasked: '+7*******0000',
          invitedAt: now,
          expiresAt: new Date(now.getTime() + 60_000),
        },
        1,
        () => [],
      );
      if (invited.outcome !== 'invited') throw new Error(invited.outcome);
      const { link } = invited;
      await store.accept(link.id, `${trustor}-contact`, now, 5, () => []);
      return link;
    };
    const ask = async (trustor: string) => {
      const opened = await store.openRecovery(
        { trustorAccountId: trustor, now, ttlSeconds: 600, maxPerDay: 10, dayStart: now },
        () => [],
      );
      if (opened.outcome !== 'created') throw new Error(opened.outcome);
      return opened.request;
    };
    const ended = await link('end-1');
    const pending = await ask('end-1');
    const closed = await store.close(ended.id, 'active', 'ended', now, 'system', 'unlinked', () => []);
    expect(closed?.endedRequests.map((r) => [r.id, r.status])).toEqual([[pending.id, 'cancelled']]);
    expect((await store.findRecovery(pending.id))?.status).toBe('cancelled');

    const cut = await link('end-2');
    const orphan = await ask('end-2');
    await handle.db.execute(sql`update trust_links set status = 'ended' where id = ${cut.id}`);
    const contact = { account: 'end-2-contact' };
    expect(await store.decideRecovery(orphan.id, 'approved', now, contact, () => [])).toBeNull();
    expect(await store.decideRecovery(orphan.id, 'cancelled', now, 'system', () => [])).not.toBeNull();
  });
});

describe('migrations on PostgreSQL', () => {
  it('run from several processes at once, serialised by an advisory lock', async () => {
    const database = await createTestDatabase();
    const handles = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: database.url })),
    );
    try {
      await Promise.all(handles.map((h) => h.migrate()));
      expect(await countAccounts(handles[0]!.db)).toBe(0);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await database.drop();
    }
  });
});

describe('the registry file', () => {
  it('names the index and field of every bad row, and accepts a good file', () => {
    const good = formatRegistryFile(demoRegistry(TODAY));
    expect(parseRegistryFile(good)).toHaveLength(12);
    const bad = JSON.stringify([
      JSON.parse(good)[0],
      { ...JSON.parse(good)[1], birthDate: '2001-02-30', phone: '89991234567' },
      { ...JSON.parse(good)[2], id: 'demo-01', statuses: [{ kind: 'student' }, { kind: 'student' }] },
    ]);
    let error: RegistryFileError | undefined;
    try {
      parseRegistryFile(bad);
    } catch (err) {
      error = err as RegistryFileError;
    }
    expect(error?.problems).toEqual([
      { row: 1, field: 'birthDate', message: 'must be a real date written as YYYY-MM-DD' },
      { row: 1, field: 'phone', message: 'must be a Russian mobile number written as +7XXXXXXXXXX' },
      { row: 2, field: 'statuses.1.kind', message: 'repeats status student' },
      { row: 2, field: 'id', message: 'repeats the id of row 0' },
    ]);
  });

  it('rejects text that is not JSON, or not an array', () => {
    expect(() => parseRegistryFile('{oops')).toThrow(/not valid JSON/);
    expect(() => parseRegistryFile('{}')).toThrow(RegistryFileError);
  });
});
