import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppQrAnswer, AppSessions } from '../core/digital-id/app-sessions';
import type { OpenRefusal } from '../core/digital-id/digital-id-service';
import { isScenario } from '../core/digital-id/scenarios';
import { localeFor } from '../core/messaging/locale';
import type { LaunchDataChecker } from '../core/mini-app/launch-data';
import type { AppLiveSessions } from '../infra/app-live-sessions';
import { appUserOf, launchDataAuth } from './launch-data-auth';
import { cappedPolls } from './unknown-session-polls';
import { replyWithReason } from './verify';

/** The chat's refusals, as the app's API names them (PRODUCT.md §8). */
const REFUSAL_REASONS: Record<OpenRefusal, string> = {
  'DIGITAL_ID.NOT_LINKED': 'not_linked',
  'DIGITAL_ID.UNCONFIRMED': 'not_eligible',
  'DIGITAL_ID.UNDER_18': 'underage',
  'DIGITAL_ID.NO_BIOMETRICS': 'no_biometrics',
  'DIGITAL_ID.SCENARIO_NOT_HELD': 'scenario_not_held',
};

const POLL_REFUSALS = {
  'DIGITAL_ID.ENDED': { status: 410, reason: 'ended' },
  'DIGITAL_ID.NOT_YOURS': { status: 404, reason: 'not_found' },
  TOO_MANY_REQUESTS: { status: 429, reason: 'too_many_requests' },
} as const;

const body = z.object({ scenario: z.string().max(64) });
const params = z.object({ sessionId: z.uuid() });

const SESSIONS = '/api/v1/app/digital-id/sessions';
const SCENARIOS = '/api/v1/app/digital-id/scenarios';

const wire = (answer: AppQrAnswer) => ({
  qr: answer.qr,
  refreshAt: answer.refreshAt.toISOString(),
  expiresAt: answer.expiresAt.toISOString(),
});

/**
 * The citizen's Mini App API: the scenarios the person may show, open a Digital ID session, poll its QR, stop it. The person is
 * the launch data's user, known to the service by the same id as in the chat. Another person's
 * session, or a chat session, is "not found" whatever the method, so ids cannot be probed.
 * Listing and opening ask for launch data no older than `openMaxAgeSeconds`; polling and stopping
 * a session already open take the launch data's whole life (a QR stays up past the hour).
 */
export async function registerAppDigitalIdRoutes(
  app: FastifyInstance,
  deps: {
    sessions: AppSessions;
    launchData: LaunchDataChecker;
    /** An admin's /block: the chat refuses every service to the person, and so does the app. */
    isBlocked(messengerUserId: number): Promise<boolean>;
    /**
     * Whether the person is over their cap of actions (the chat's, shared): every open signs a
     * token, writes the database and may queue an ended screen, so a script must not repeat it.
     */
    overLimit(messengerUserId: number): Promise<boolean>;
    /** Which session each person opened last, for every process: see api/unknown-session-polls.ts. */
    liveSessions: AppLiveSessions;
    /** APP_OPEN_MAX_AGE_SECONDS: how old launch data may list and open (the chat signs new). */
    openMaxAgeSeconds: number;
  },
): Promise<void> {
  const opening = { config: { launchDataMaxAgeSeconds: deps.openMaxAgeSeconds } };
  const polls = cappedPolls({
    current: deps.sessions.current,
    overLimit: deps.overLimit,
    liveSessionOf: deps.liveSessions.sessionOf,
    forgetLiveSession: deps.liveSessions.forget,
  });
  await app.register(async (scope) => {
    scope.setErrorHandler((err: FastifyError, _req, reply) => replyWithReason(reply, err));
    scope.addHook('onRequest', launchDataAuth(deps.launchData));

    scope.get(SCENARIOS, opening, async (req, reply) => {
      const user = appUserOf(req);
      // Two queries a call: counted against the person's cap like an open.
      if (await deps.overLimit(user.id)) return reply.code(429).send({ reason: 'too_many_requests' });
      if (await deps.isBlocked(user.id)) return reply.code(403).send({ reason: 'blocked' });
      const held = await deps.sessions.scenarios(user.id);
      if (!held.ok) return reply.code(403).send({ reason: REFUSAL_REASONS[held.code] });
      return reply.header('cache-control', 'no-store').send({ scenarios: held.scenarios });
    });

    scope.post(SESSIONS, { ...opening, bodyLimit: 1024 }, async (req, reply) => {
      const parsed = body.safeParse(req.body);
      if (!parsed.success) return reply.code(400).send({ reason: 'bad_request' });
      const { scenario } = parsed.data;
      if (!isScenario(scenario)) return reply.code(400).send({ reason: 'unknown_scenario' });
      const user = appUserOf(req);
      if (await deps.overLimit(user.id)) return reply.code(429).send({ reason: 'too_many_requests' });
      if (await deps.isBlocked(user.id)) return reply.code(403).send({ reason: 'blocked' });
      const opened = await deps.sessions.open({
        messengerUserId: user.id,
        scenario,
        locale: localeFor(user.languageCode),
      });
      if (!opened.ok) return reply.code(403).send({ reason: REFUSAL_REASONS[opened.code] });
      await deps.liveSessions.opened(user.id, opened.session.id, opened.answer.expiresAt);
      return reply
        .code(201)
        .send({ sessionId: opened.session.id, scenario: opened.session.scenario, ...wire(opened.answer) });
    });

    scope.get(`${SESSIONS}/:sessionId/qr`, async (req, reply) => {
      const parsed = params.safeParse(req.params);
      if (!parsed.success) return reply.code(404).send({ reason: 'not_found' });
      const current = await polls.current(appUserOf(req).id, parsed.data.sessionId);
      if (current.ok) return reply.header('cache-control', 'no-store').send(wire(current.answer));
      return reply
        .code(POLL_REFUSALS[current.code].status)
        .send({ reason: POLL_REFUSALS[current.code].reason });
    });

    scope.delete(`${SESSIONS}/:sessionId`, async (req, reply) => {
      if (await deps.overLimit(appUserOf(req).id))
        return reply.code(429).send({ reason: 'too_many_requests' });
      const parsed = params.safeParse(req.params);
      const stopped = parsed.success && (await deps.sessions.stop(appUserOf(req).id, parsed.data.sessionId));
      if (!stopped) return reply.code(404).send({ reason: 'not_found' });
      return reply.code(204).send();
    });
  });
}
