import type { Clock } from '../clock';
import { moscowDate } from '../identity/calendar';
import { generateCode, hashCode, hashPhone } from './otp-codes';
import {
  type IssueOutcome,
  type OtpStore,
  readCode,
  type SmsGateway,
  type VerifyOutcome,
} from './otp-policy';

export interface OtpServiceDeps {
  store: OtpStore;
  sms: SmsGateway;
  clock: Clock;
  /** The server secret codes are hashed under. */
  pepper: Buffer;
  /** The server secret numbers are hashed under in the codes' and SMS counters' rows. */
  phoneKey: Buffer;
  smsMaxPerPhonePerDay: number;
}

export type CheckOutcome = VerifyOutcome | { ok: false; code: 'OTP.NOT_A_CODE' };

/**
 * Issues a code, sends it by SMS and checks what the person types. The code exists in plain
 * text only here, between generation and the gateway call: never in storage, Redis or a job.
 */
export function otpService(deps: OtpServiceDeps) {
  return {
    async send(input: {
      purpose: string;
      subject: string;
      phone: string;
      message: (code: string) => string;
    }): Promise<IssueOutcome> {
      const code = generateCode();
      const now = deps.clock.now();
      const outcome = await deps.store.issue({
        purpose: input.purpose,
        subject: input.subject,
        phoneHash: hashPhone(deps.phoneKey, input.phone),
        codeHashFor: (challengeId) => hashCode(deps.pepper, challengeId, code),
        now,
        smsLimit: { day: moscowDate(now), max: deps.smsMaxPerPhonePerDay },
      });
      if (outcome.ok) await deps.sms.send(input.phone, input.message(code));
      return outcome;
    },

    async check(input: { challengeId: string; subject: string; typed: string }): Promise<CheckOutcome> {
      const read = readCode(input.typed);
      if (!read.ok) return { ok: false, code: 'OTP.NOT_A_CODE' };
      return deps.store.verify({
        challengeId: input.challengeId,
        subject: input.subject,
        codeHash: hashCode(deps.pepper, input.challengeId, read.code),
        now: deps.clock.now(),
      });
    },
  };
}

export type OtpService = ReturnType<typeof otpService>;
