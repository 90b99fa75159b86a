import { createHmac } from 'node:crypto';
import { recoveryView } from '../../core/trusted-contact/recovery-view';
import type { RecoveryRequest } from '../../core/trusted-contact/trusted-contact-store';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` */
export function signCallback(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** POSTs the final status to the portal; anything but a 2xx throws, so the job retries. */
export async function deliverCallback(
  target: { url: string; secret: string },
  request: RecoveryRequest,
  at: Date,
): Promise<void> {
  const body = JSON.stringify(recoveryView(request));
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signCallback(target.secret, body, at) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`the portal answered the callback with HTTP ${response.status}`);
}
