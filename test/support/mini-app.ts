import type { Clock } from '../../core/clock';
import { type LaunchDataFields, signLaunchData } from './launch-data';
import type { TestService } from './service';

export interface AppAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Launch data for the person, signed now (by the service's clock) with the sandbox's token. */
export function launchDataOf(t: TestService, clock: Clock, userId: number, fields: LaunchDataFields = {}) {
  return signLaunchData(t.service.sandbox!.token, {
    user: { id: userId, first_name: 'Тест', language_code: 'ru' },
    authDate: Math.floor(clock.now().getTime() / 1000),
    ...fields,
  });
}

/** A Mini App page's call to the API: `Authorization: tma <launch data>`, JSON both ways. */
export async function appCall(
  t: TestService,
  launchData: string | null,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<AppAnswer> {
  const response = await fetch(`${t.service.httpUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(launchData === null ? {} : { authorization: `tma ${launchData}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await response.text();
  return { status: response.status, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
}

export const SESSIONS_PATH = '/api/v1/app/digital-id/sessions';
export const SCENARIOS_PATH = '/api/v1/app/digital-id/scenarios';
