import type { Clock } from '../clock';
import { removableIfRetiredBefore } from '../digital-id/keyring';
import type { DigitalIdSession } from '../digital-id/session';
import type { PersonLeaves } from '../identity/person-leaves';
import { isStaffRole, type StaffRole } from '../identity/roles';
import type { AdminAct, AdminStore, MessengerUser, Person, Ties } from './admin-store';
import { parsePersonRef } from './person-ref';

export interface AdminDeps {
  store: AdminStore;
  /** ADMIN_IDS: admins by configuration, whatever the database says. */
  bootstrapAdmins: number[];
  hasAdminRole(userId: number): Promise<boolean>;
  leave: PersonLeaves;
  clock: Clock;
  timing: { tokenTtlSeconds: number; skewSeconds: number };
}

type Fail<C extends string> = { ok: false; code: C };
const fail = <C extends string>(code: C): Fail<C> => ({ ok: false, code });

export type Asked = { ok: true; confirmationId: string };

/** The destructive actions this service proposes and carries out on confirmation. */
const CONFIRMED_HERE = ['revoke', 'rotate_key', 'block'] as const;

/** What a pressed confirmation did. */
export type Confirmed =
  | { action: 'revoke'; ended: DigitalIdSession | null }
  | { action: 'rotate_key'; retired: number | null; active: number }
  | { action: 'block'; who: string; blocked: boolean; ended: DigitalIdSession | null }
  | { action: 'stale' };

/**
 * The admin's actions (PRODUCT.md §4), whatever messenger asks for them. Destructive ones are
 * proposed first and carried out when the proposing admin confirms, once, within
 * CONFIRMATION_SECONDS; every change is written with its audit row in one transaction by the store.
 */
export function adminService(deps: AdminDeps) {
  const { store } = deps;
  const act = (adminUserId: number): AdminAct => ({ adminUserId, at: deps.clock.now() });
  const propose = (adminUserId: number, action: string, payload: Record<string, string | number>) =>
    store.propose(adminUserId, action, payload, deps.clock.now());
  const isBootstrap = (user: MessengerUser | null) => user !== null && deps.bootstrapAdmins.includes(user.id);

  return {
    /** Admins: those in ADMIN_IDS, and people whose linked account holds the admin role. */
    isAdmin: async (userId: number) => deps.bootstrapAdmins.includes(userId) || deps.hasAdminRole(userId),

    /** The one person an admin's argument names. */
    async find(
      text: string,
    ): Promise<
      { ok: true; person: Person } | Fail<'ADMIN.USAGE' | 'ADMIN.UNKNOWN_PERSON' | 'ADMIN.AMBIGUOUS_PERSON'>
    > {
      const ref = parsePersonRef(text);
      if (!ref) return fail('ADMIN.USAGE');
      const found = await store.resolve(ref);
      if (found.length === 1) return { ok: true, person: found[0] as Person };
      return fail(found.length === 0 ? 'ADMIN.UNKNOWN_PERSON' : 'ADMIN.AMBIGUOUS_PERSON');
    },

    stats: () => store.stats(),
    keys: () => store.keys(),
    auditPage: (options: { accountId?: string; offset: number; limit: number }) => store.auditPage(options),
    /** Who gets the admin commands in their menu at start. */
    async adminUsers(): Promise<number[]> {
      return [...new Set([...deps.bootstrapAdmins, ...(await store.usersWithRole('admin'))])];
    },

    async whois(adminUserId: number, person: Person) {
      const { roles, liveSession } = await store.lookUp(person, act(adminUserId));
      return { roles: isBootstrap(person.user) ? [...roles, 'admin (ADMIN_IDS)'] : roles, liveSession };
    },

    async askRevoke(
      adminUserId: number,
      person: Person,
      who: string,
    ): Promise<Asked | Fail<'ADMIN.NO_LIVE_SESSION'>> {
      const sessionId = person.user ? await store.liveSessionOf(person.user.id) : null;
      if (!sessionId) return fail('ADMIN.NO_LIVE_SESSION');
      return { ok: true, confirmationId: await propose(adminUserId, 'revoke', { sessionId, who }) };
    },

    async askRotate(adminUserId: number): Promise<Asked & { activeKid: number | null }> {
      const { activeKid } = await store.stats();
      return { ok: true, confirmationId: await propose(adminUserId, 'rotate_key', {}), activeKid };
    },

    /** Blocking asks first, naming what it will end. */
    async askBlock(
      adminUserId: number,
      person: Person,
      reason: string,
      who: string,
    ): Promise<(Asked & { ties: Ties }) | Fail<'ADMIN.UNKNOWN_PERSON' | 'ADMIN.ALREADY_BLOCKED'>> {
      const { user } = person;
      if (!user) return fail('ADMIN.UNKNOWN_PERSON');
      const ties = await store.ties(user.id, person.account?.id ?? null);
      // A block whose follow-up was cut short (a crash, an outage) left something live: asking
      // again finishes it.
      const leftovers = ties.liveSession || ties.relationships > 0 || ties.pendingRecoveries > 0;
      if (user.blockedAt && !leftovers) return fail('ADMIN.ALREADY_BLOCKED');
      const confirmationId = await propose(adminUserId, 'block', {
        userId: user.id,
        reason,
        who,
        ...(person.account ? { accountId: person.account.id } : {}),
        ...(user.blockedAt ? { finish: 1 } : {}),
      });
      return { ok: true, confirmationId, ties };
    },

    async confirm(adminUserId: number, confirmationId: string): Promise<Confirmed> {
      const confirmed = await store.confirm(confirmationId, adminUserId, deps.clock.now(), CONFIRMED_HERE);
      if (!confirmed) return { action: 'stale' };
      const { payload } = confirmed;
      switch (confirmed.action) {
        case 'revoke':
          return {
            action: 'revoke',
            ended: await store.revokeSession(
              String(payload.sessionId),
              'revoked by an admin',
              act(adminUserId),
            ),
          };
        case 'rotate_key':
          return { action: 'rotate_key', ...(await store.rotateKey(act(adminUserId))) };
        case 'block':
          return block(adminUserId, payload);
        default:
          return { action: 'stale' };
      }
    },

    async unblock(
      adminUserId: number,
      person: Person,
    ): Promise<{ ok: true } | Fail<'ADMIN.UNKNOWN_PERSON' | 'ADMIN.NOT_BLOCKED'>> {
      const { user } = person;
      if (!user) return fail('ADMIN.UNKNOWN_PERSON');
      const who = { userId: user.id, accountId: person.account?.id ?? null };
      if (!(await store.setBlocked(who, null, act(adminUserId)))) return fail('ADMIN.NOT_BLOCKED');
      return { ok: true };
    },

    /** Grants or takes away a staff role; returns the chat whose admin menu changes. */
    async setRole(
      adminUserId: number,
      person: Person,
      role: string,
      granted: boolean,
    ): Promise<
      | { ok: true; chatId: number; role: StaffRole }
      | Fail<'ADMIN.UNKNOWN_ROLE' | 'ADMIN.NOT_LINKED' | 'ADMIN.BOOTSTRAP_ADMIN' | 'ADMIN.UNCHANGED'>
    > {
      if (!isStaffRole(role)) return fail('ADMIN.UNKNOWN_ROLE');
      if (!person.account || !person.user) return fail('ADMIN.NOT_LINKED');
      if (!granted && role === 'admin' && isBootstrap(person.user)) return fail('ADMIN.BOOTSTRAP_ADMIN');
      if (!(await store.setRole(person.account.id, role, granted, act(adminUserId))))
        return fail('ADMIN.UNCHANGED');
      return { ok: true, chatId: person.user.chatId, role };
    },

    /** A retired key leaves publication once no token it signed can still be valid. */
    removeKey(adminUserId: number, kid: number) {
      const at = deps.clock.now();
      return store.removeKey(kid, removableIfRetiredBefore(at, deps.timing), { adminUserId, at });
    },
  };

  async function block(adminUserId: number, payload: Record<string, string | number>): Promise<Confirmed> {
    const userId = Number(payload.userId);
    const accountId = payload.accountId === undefined ? null : String(payload.accountId);
    const blocked = await store.setBlocked(
      { userId, accountId },
      { reason: String(payload.reason) },
      act(adminUserId),
    );
    // Blocked first, so nothing more runs for them; then what they had ends. Each step ends only
    // what is still live, so a block already made is finished, never done twice.
    const finishing = payload.finish === 1;
    const ended = blocked || finishing ? await deps.leave({ userId, accountId }, 'blocked') : null;
    return { action: 'block', who: String(payload.who), blocked: blocked || finishing, ended };
  }
}

export type AdminService = ReturnType<typeof adminService>;
