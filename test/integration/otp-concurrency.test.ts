import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock';
import { otpService } from '../../core/otp/otp-service';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { otpRepository } from '../../db/repositories/otp.repository';
import { createTestDatabase } from '../support/postgres';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let handle: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ kind: 'postgres', url: database.url });
  await handle.migrate();
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

describe('one-time codes on PostgreSQL', () => {
  it('lock after five wrong codes sent at once: each try is counted, none lost to a race', async () => {
    // The SMS provider is the outside edge: this one only keeps the last text.
    let lastSms = '';
    const otp = otpService({
      store: otpRepository(handle.db),
      sms: {
        send: async (_to, text) => {
          lastSms = text;
        },
      },
      clock: systemClock,
      pepper: randomBytes(32),
      phoneKey: randomBytes(32),
      smsMaxPerPhonePerDay: 100,
    });
    for (let round = 0; round < 20; round++) {
      const subject = `parallel-${round}`;
      const issued = await otp.send({
        purpose: 'test',
        subject,
        phone: '+79990000001',
        message: (code) => `code ${code}`,
      });
      if (!issued.ok) throw new Error(`no code issued: ${issued.code}`);
      const code = /\d{6}/.exec(lastSms)?.[0] as string;
      const wrong = code === '000000' ? '111111' : '000000';
      // Five connections of the pool at once, each counting a wrong try on the same row.
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () =>
          otp.check({ challengeId: issued.challengeId, subject, typed: wrong }),
        ),
      );
      const said = outcomes.map((o) => (o.ok ? 'ok' : o.code === 'OTP.WRONG_CODE' ? o.attemptsLeft : o.code));
      expect(said.sort()).toEqual([1, 2, 3, 4, 'OTP.LOCKED']);
      expect(await otp.check({ challengeId: issued.challengeId, subject, typed: code })).toEqual({
        ok: false,
        code: 'OTP.LOCKED',
      });
    }
  });
});
