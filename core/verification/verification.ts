import type { Clock } from '../clock';
import type { Ed25519 } from '../digital-id/ed25519';
import type { Keyring } from '../digital-id/keyring';
import type { Scenario } from '../digital-id/scenarios';
import { type Reason, verifyOffline } from '../digital-id/verify-token';

/** Session state and single use: what only the issuing service knows (PRODUCT.md §2, online). */
export interface TokenUses {
  /**
   * Whether the token's session is live at `now`, and whether sid+seq was confirmed before.
   * With `consume`, a live, fresh sid+seq is marked used (until `keepUntil`) in the same atomic
   * step, so two checkouts scanning one QR at once get one `confirmed`.
   */
  check(input: {
    sid: Uint8Array;
    seq: number;
    now: Date;
    consume: boolean;
    keepUntil: Date;
  }): Promise<{ live: boolean; fresh: boolean }>;
}

/** The answer every entry point gives (PRODUCT.md §2): the outcome, never who the person is. */
export interface VerificationAnswer {
  result: 'confirmed' | 'not_confirmed';
  /** The scenario asked about; for a page that checks what a QR says, the token's own (null if unreadable). */
  scenario: Scenario | null;
  reason?: Reason;
}

export interface VerificationDeps {
  keyring: Pick<Keyring, 'publicKey'>;
  ed25519: Ed25519;
  uses: TokenUses;
  clock: Clock;
  skewSeconds: number;
}

/**
 * The one verification every entry point uses: the offline rules, then the session state and
 * single use. `consume` is how a checkout verifies (a confirmed QR is spent); `peek` is for a
 * page anyone's camera may open, which must not spend the QR for the cashier.
 */
export function digitalIdVerification(deps: VerificationDeps) {
  async function run(input: string, expected: Scenario | null, mode: 'consume' | 'peek') {
    const now = deps.clock.now();
    const offline = await verifyOffline(input, expected, Math.floor(now.getTime() / 1000), {
      ed25519: deps.ed25519,
      publicKey: (kid) => deps.keyring.publicKey(kid),
      skewSeconds: deps.skewSeconds,
    });
    const scenario = expected ?? offline.token?.fields.scenario ?? null;
    if (offline.result === 'not_confirmed') return answer(scenario, offline.reason);
    const { sid, seq, iat, ttl } = offline.token.fields;
    const { live, fresh } = await deps.uses.check({
      sid,
      seq,
      now,
      consume: mode === 'consume',
      keepUntil: new Date((iat + ttl + deps.skewSeconds) * 1000),
    });
    if (!live) return answer(scenario, 'revoked');
    if (!fresh) return answer(scenario, 'replayed');
    return answer(scenario);
  }

  return {
    /** A checkout's question: does this QR confirm `expected`? A confirmed QR is spent. */
    verify: (input: string, expected: Scenario) => run(input, expected, 'consume'),
    /** What the QR confirms right now, without spending it. */
    inspect: (input: string) => run(input, null, 'peek'),
  };
}

export type DigitalIdVerification = ReturnType<typeof digitalIdVerification>;

function answer(scenario: Scenario | null, reason?: Reason): VerificationAnswer {
  return reason ? { result: 'not_confirmed', scenario, reason } : { result: 'confirmed', scenario };
}
