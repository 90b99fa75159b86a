import type { Logger } from 'pino';
import { maskPhone } from '../core/identity/phone';
import type { SmsGateway } from '../core/otp/otp-policy';

/** The SMS provider's edge: POSTs `{ to, text }` as JSON to SMS_HTTP_URL (or the sandbox inbox). */
export function httpSmsGateway(url: string, logger: Logger): SmsGateway {
  return {
    async send(to, text) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`the SMS gateway answered ${res.status}`);
      logger.info({ to: maskPhone(to) }, 'SMS sent');
    },
  };
}
