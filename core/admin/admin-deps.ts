import type { Clock } from '../clock';
import type { DigitalIdSession } from '../digital-id/session';
import type { AdminAct, AdminStore, ConfirmationPayload, MessengerUser } from './admin-store';
import type { PersonLeaves } from './person-leaves';

/** What every part of the admin service (./admin-service.ts) is built from. */
export interface AdminDeps {
  store: AdminStore;
  /** ADMIN_IDS: admins by configuration, whatever the database says. */
  bootstrapAdmins: number[];
  hasAdminRole(userId: number): Promise<boolean>;
  leave: PersonLeaves;
  /**
   * A session the admin store ended in its own transaction (an unlink, a /revoke): its app QR
   * must stop being answered from the cache at once, not at its next refresh.
   */
  sessionEnded(session: DigitalIdSession): Promise<void>;
  clock: Clock;
  timing: { tokenTtlSeconds: number; skewSeconds: number };
}

export type Fail<C extends string> = { ok: false; code: C };
export const fail = <C extends string>(code: C): Fail<C> => ({ ok: false, code });

/** A destructive action proposed: it waits for the proposing admin's confirmation. */
export type Asked = { ok: true; confirmationId: string };

/** The admin acting now: the change is audited as theirs. */
export const actNow = (deps: AdminDeps, adminUserId: number): AdminAct => ({
  adminUserId,
  at: deps.clock.now(),
});

export const propose = (deps: AdminDeps, adminUserId: number, action: string, payload: ConfirmationPayload) =>
  deps.store.propose(adminUserId, action, payload, deps.clock.now());

/** An admin by ADMIN_IDS, whose admin role no command takes away. */
export const isBootstrap = (deps: AdminDeps, user: MessengerUser | null) =>
  user !== null && deps.bootstrapAdmins.includes(user.id);
