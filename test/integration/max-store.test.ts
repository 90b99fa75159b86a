import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageAlias } from '../../bot/platform/max/ids';
import type { MarkerCursor, MaxMessageStore } from '../../bot/platform/max/message-store';
import type { MaxAttachmentRequest } from '../../bot/platform/max/types';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { demoRegistry } from '../../db/registry/demo-registry';
import { importRegistry } from '../../db/registry/import-registry';
import { accountRepository } from '../../db/repositories/account.repository';
import { broadcastRepository } from '../../db/repositories/broadcast.repository';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import { maxMessageRepository } from '../../db/repositories/max-message.repository';
import { messengerCursorRepository } from '../../db/repositories/messenger-cursor.repository';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { maxMessages } from '../../db/schema';
import { createTestDatabase } from '../support/postgres';

// What the MAX adapter keeps in PostgreSQL: the messages it sent, by 53-bit alias, and long
// polling's marker; and the message ids of the service's own tables, which now hold aliases.

let handle: DatabaseHandle;
let dropDatabase: () => Promise<void>;
beforeAll(async () => {
  const database = await createTestDatabase();
  dropDatabase = database.drop;
  handle = await openDatabase({ kind: 'postgres', url: database.url });
  await handle.migrate();
});
afterAll(async () => {
  await handle?.close();
  await dropDatabase?.();
});

const BOT = 8_800_555_3535;
const alias = messageAlias('mid.0000000000000001000000000000002a');

describe('the MAX message store', () => {
  it('keeps a sent message under its alias (beyond 2^31) exactly, replaces it on edit and forgets it', async () => {
    const store: MaxMessageStore = maxMessageRepository<MaxAttachmentRequest>(handle.db);
    expect(alias).toBeGreaterThan(2 ** 31);
    const keyboard: MaxAttachmentRequest = {
      type: 'inline_keyboard',
      payload: { buttons: [[{ type: 'callback', text: 'Открыть', payload: 'menu:open' }]] },
    };
    const sent = { alias, mid: 'mid.x', chatId: 1_000_000_000_501, text: 'QR', attachments: [keyboard] };
    await store.remember(BOT, sent);
    expect(await store.byAlias(BOT, alias)).toEqual(sent);
    expect(await store.byAlias(BOT + 1, alias)).toBeNull();

    const edited = {
      ...sent,
      text: 'QR обновлён',
      attachments: [{ type: 'image', payload: { token: 't' } }, keyboard],
    };
    await store.remember(BOT, edited as typeof sent);
    expect(await store.byAlias(BOT, alias)).toEqual(edited);

    await store.forget(BOT, alias);
    expect(await store.byAlias(BOT, alias)).toBeNull();
  });

  it('prunes messages not sent or edited since the cut-off, and keeps newer ones', async () => {
    const repo = maxMessageRepository<MaxAttachmentRequest>(handle.db);
    await repo.remember(BOT, { alias: 1, mid: 'mid.old', chatId: 1, text: null, attachments: [] });
    await repo.remember(BOT, { alias: 2, mid: 'mid.new', chatId: 1, text: null, attachments: [] });
    await handle.db
      .update(maxMessages)
      .set({ updatedAt: new Date(Date.now() - 31 * 86_400_000) })
      .where(eq(maxMessages.mid, 'mid.old'));
    expect(await repo.pruneOlderThan(new Date(Date.now() - 30 * 86_400_000))).toBe(1);
    expect(await repo.byAlias(BOT, 1)).toBeNull();
    expect(await repo.byAlias(BOT, 2)).not.toBeNull();
  });
});

describe('the marker cursor', () => {
  it('has nothing before the first save, then the last marker saved, exactly, per bot', async () => {
    const cursor: MarkerCursor = messengerCursorRepository(handle.db);
    expect(await cursor.load(BOT)).toBeNull();
    await cursor.save(BOT, '9007199254740993');
    await cursor.save(BOT, '9007199254740995');
    await cursor.save(BOT + 1, '7');
    expect(await cursor.load(BOT)).toBe('9007199254740995');
    expect(await cursor.load(BOT + 1)).toBe('7');
  });
});

describe('message ids of the service tables', () => {
  it('hold a 53-bit alias exactly: the Digital ID message, the outbox sent id, the broadcast status', async () => {
    await importRegistry(handle.db, demoRegistry('2026-11-22'));
    await accountRepository(handle.db).link('demo-01', 77);
    const sessions = digitalIdSessionRepository(handle.db);
    const id = randomUUID();
    const now = new Date();
    await sessions.openSuperseding({
      id,
      sid: new Uint8Array(randomBytes(16)),
      messengerUserId: 77,
      chatId: 1_000_000_000_077,
      accountId: 'demo-01',
      scenario: 'adult',
      locale: 'ru',
      refreshSeconds: 30,
      tokenTtlSeconds: 45,
      startedAt: now,
      endsAt: new Date(now.getTime() + 300_000),
    });
    await sessions.attachMessage(id, alias);
    expect((await sessions.find(id))?.messageId).toBe(alias);

    const outbox = outgoingMessageRepository(handle.db);
    const message = await outbox.add('max-alias', 1_000_000_000_077, { text: 'x' });
    await outbox.claim(message.id, 60_000);
    await outbox.markSent(message.id, alias);
    expect((await outbox.find(message.id))?.sentMessageId).toBe(alias);

    const broadcasts = broadcastRepository(handle.db);
    const broadcast = await broadcasts.create({
      adminUserId: 1,
      adminChatId: 1,
      text: 't',
      audience: 'all',
      at: now,
    });
    await broadcasts.setStatusMessage(broadcast.id, alias);
    expect((await broadcasts.find(broadcast.id))?.statusMessageId).toBe(alias);
  });
});
