import type { Logger } from 'pino';
import { maskPhone } from '../core/identity/phone';
import type { SmsGateway } from '../core/otp/otp-policy';

/**
 * The SMS provider's edge: POSTs `{ to, text }` as JSON to SMS_HTTP_URL (or the sandbox inbox),
 * with `Authorization: Bearer <SMS_HTTP_TOKEN>` when a token is configured.
 */
export function httpSmsGateway(
  target: { url: string; token?: string | undefined },
  logger: Logger,
): SmsGateway {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  return {
    async send(to, text) {
      const res = await fetch(target.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`the SMS gateway answered ${res.status}`);
      logger.info({ to: maskPhone(to) }, 'SMS sent');
    },
  };
}
