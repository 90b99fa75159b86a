/** One-time codes sent by SMS: the rules shared by account linking and recovery approval. */
export const OTP_POLICY = {
  digits: 6,
  ttlSeconds: 10 * 60,
  maxWrongAttempts: 5,
  resendAfterSeconds: 60,
} as const;

/** Only exactly six digits count as a try; anything else is a typing slip, told apart. */
export function readCode(text: string): { ok: true; code: string } | { ok: false } {
  const trimmed = text.trim();
  return /^\d{6}$/.test(trimmed) ? { ok: true, code: trimmed } : { ok: false };
}

export type IssueOutcome =
  | { ok: true; challengeId: string; expiresAt: Date }
  | { ok: false; code: 'OTP.RESEND_TOO_SOON'; retryAfterSeconds: number }
  | { ok: false; code: 'OTP.LOCKED' }
  | { ok: false; code: 'OTP.DAILY_SMS_LIMIT' };

export type VerifyOutcome =
  | { ok: true }
  | { ok: false; code: 'OTP.WRONG_CODE'; attemptsLeft: number }
  | { ok: false; code: 'OTP.LOCKED' }
  | { ok: false; code: 'OTP.EXPIRED' }
  | { ok: false; code: 'OTP.NOT_FOUND' };

/** What core needs to issue and check codes; the database adapter makes each step atomic. */
export interface OtpStore {
  /**
   * Stores a new code's hash for (purpose, subject), or replaces the code of the challenge
   * still open for them, keeping its failure count, if the resend interval has passed.
   */
  issue(input: {
    purpose: string;
    subject: string;
    /** The number the code goes to, as hashPhone keeps it. */
    phoneHash: string;
    codeHashFor: (challengeId: string) => string;
    now: Date;
    /** At most `max` SMS to one number per Moscow calendar day, counted with the issue. */
    smsLimit: { day: string; max: number };
  }): Promise<IssueOutcome>;
  /** Counts a try and consumes the code if it matches, in one conditional update. */
  verify(input: {
    challengeId: string;
    subject: string;
    codeHash: string;
    now: Date;
  }): Promise<VerifyOutcome>;
}

export interface SmsGateway {
  send(to: string, text: string): Promise<void>;
}
