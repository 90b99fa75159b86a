import { describe, expect, it } from 'vitest';
import { adminService } from '../../core/admin/admin-service';
import type { AdminStore, MessengerUser, Person } from '../../core/admin/admin-store';
import type { DigitalIdSession } from '../../core/digital-id/session';
import type { Account } from '../../core/identity/account';
import type { LeaveReason } from '../../core/identity/person-leaves';

const NOW = new Date('2026-11-29T10:00:00Z');
const ADMIN = 1;

const user = (id: number, blockedAt: Date | null = null): MessengerUser => ({
  id,
  chatId: id,
  username: null,
  firstName: 'Анна',
  blockedAt,
  blockReason: null,
});
const account = { id: 'demo-02' } as Account;

/** An in-memory store: confirmations and blocks, and a log of the changes asked of it. */
function fakeStore() {
  const confirmations = new Map<
    string,
    { admin: number; action: string; payload: Record<string, string | number> }
  >();
  const blocked = new Set<number>();
  const changes: string[] = [];
  const store = {
    ties: async () => ({ liveSession: true, relationships: 2, pendingRecoveries: 1 }),
    liveSessionOf: async () => null,
    async propose(adminUserId, action, payload) {
      const id = `c${confirmations.size + 1}`;
      confirmations.set(id, { admin: adminUserId, action, payload });
      return id;
    },
    async confirm(id, adminUserId) {
      const found = confirmations.get(id);
      if (found?.admin !== adminUserId) return null;
      confirmations.delete(id);
      return { action: found.action, payload: found.payload };
    },
    async setBlocked(who, block) {
      changes.push(`${block ? 'block' : 'unblock'} ${who.userId}`);
      if (block ? blocked.has(who.userId) : !blocked.has(who.userId)) return false;
      if (block) blocked.add(who.userId);
      else blocked.delete(who.userId);
      return true;
    },
  } satisfies Partial<AdminStore>;
  return { store: store as unknown as AdminStore, blocked, changes };
}

function service() {
  const fake = fakeStore();
  const left: string[] = [];
  const admin = adminService({
    store: fake.store,
    bootstrapAdmins: [ADMIN],
    hasAdminRole: async () => false,
    leave: async (who: { userId: number }, reason: LeaveReason) => {
      left.push(`${who.userId} ${reason} after ${fake.changes.at(-1)}`);
      return { id: 's1' } as DigitalIdSession;
    },
    clock: { now: () => NOW },
    timing: { tokenTtlSeconds: 45, skewSeconds: 5 },
  });
  return { admin, left, ...fake };
}

describe('the admin service', () => {
  it('asks before blocking, naming what ends, and changes nothing until confirmed', async () => {
    const { admin, blocked, left } = service();
    const anna: Person = { user: user(7), account };
    const asked = await admin.askBlock(ADMIN, anna, 'fraud', 'Анна С.');
    expect(asked).toMatchObject({
      ok: true,
      ties: { liveSession: true, relationships: 2, pendingRecoveries: 1 },
    });
    expect(blocked.size).toBe(0);
    expect(left).toEqual([]);
    if (!asked.ok) return;
    // Only the asking admin's press counts, and only once.
    expect(await admin.confirm(2, asked.confirmationId)).toEqual({ action: 'stale' });
    expect(await admin.confirm(ADMIN, asked.confirmationId)).toMatchObject({
      action: 'block',
      who: 'Анна С.',
      blocked: true,
      ended: { id: 's1' },
    });
    expect(await admin.confirm(ADMIN, asked.confirmationId)).toEqual({ action: 'stale' });
    // Blocked first, then what they had ends, as unlinking ends it.
    expect(left).toEqual(['7 blocked after block 7']);
  });

  it('refuses to block whom it cannot, and ends nothing when someone else blocked them first', async () => {
    const { admin, blocked, left } = service();
    expect(await admin.askBlock(ADMIN, { user: null, account }, 'x', 'who')).toEqual({
      ok: false,
      code: 'ADMIN.UNKNOWN_PERSON',
    });
    expect(await admin.askBlock(ADMIN, { user: user(7, NOW), account }, 'x', 'who')).toEqual({
      ok: false,
      code: 'ADMIN.ALREADY_BLOCKED',
    });
    const asked = await admin.askBlock(ADMIN, { user: user(8), account: null }, 'x', 'who');
    blocked.add(8);
    if (!asked.ok) throw new Error('asked');
    expect(await admin.confirm(ADMIN, asked.confirmationId)).toMatchObject({ blocked: false, ended: null });
    expect(left).toEqual([]);
  });

  it('keeps the admin role of ADMIN_IDS, and knows only the staff roles', async () => {
    const { admin } = service();
    const boss: Person = { user: user(ADMIN), account };
    expect(await admin.setRole(ADMIN, boss, 'admin', false)).toEqual({
      ok: false,
      code: 'ADMIN.BOOTSTRAP_ADMIN',
    });
    expect(await admin.setRole(ADMIN, boss, 'superuser', true)).toEqual({
      ok: false,
      code: 'ADMIN.UNKNOWN_ROLE',
    });
    expect(await admin.setRole(ADMIN, { user: user(9), account: null }, 'verifier', true)).toEqual({
      ok: false,
      code: 'ADMIN.NOT_LINKED',
    });
  });
});
