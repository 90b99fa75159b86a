import { systemClock } from '../../core/clock';
import { verifierKeys } from '../../core/verification/verifier-keys';
import { verifierKeyRepository } from '../../db/repositories/verifier-key.repository';
import type { TestService } from './service';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  /** The body as sent, for scanning it for personal data. */
  raw: string;
}

/** A checkout's API key, issued as `npm run verifier:create` issues one. */
export async function newVerifierKey(t: TestService, name = 'Касса 1'): Promise<string> {
  return (
    await verifierKeys(verifierKeyRepository(t.database.db), { clock: systemClock }).issue(name, {
      actor: 'cli',
      action: 'cli.verifier_key',
    })
  ).key;
}

/** POST /api/v1/verify as a checkout sends it; `init` overrides the body, headers or key. */
export async function verifyByApi(
  t: TestService,
  key: string | null,
  body: unknown,
  init: { contentType?: string; rawBody?: string } = {},
): Promise<ApiAnswer> {
  const response = await fetch(`${t.service.httpUrl}/api/v1/verify`, {
    method: 'POST',
    headers: {
      'content-type': init.contentType ?? 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: init.rawBody ?? JSON.stringify(body),
  });
  const raw = await response.text();
  return { status: response.status, body: JSON.parse(raw) as Record<string, unknown>, raw };
}
