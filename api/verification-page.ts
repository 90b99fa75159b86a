import accepts from '@fastify/accepts';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock';
import { LOCALES, type Locale, localeFor } from '../core/messaging/locale';
import type { DigitalIdVerification, VerificationAnswer } from '../core/verification/verification';
import { limitedAddress } from './client-address';
import { escapeHtml } from './html';

export interface VerificationPageDeps {
  verification: Pick<DigitalIdVerification, 'inspect'>;
  clock: Clock;
  words(
    locale: Locale,
    answer: VerificationAnswer,
    at: Date,
  ): {
    confirmed: boolean;
    headline: string;
    scenario: string | null;
    reason: string | null;
    checked: string;
  };
  text(
    locale: Locale,
    key: 'verify-page-title' | 'verify-no-personal-data' | 'verify-page-not-spent' | 'verify-page-too-many',
  ): string;
  /**
   * Views per client address (an IPv6 client by its /64) and minute, counted in Redis so the
   * limit holds across processes.
   */
  rate: { perMinute: number; redis: Redis; redisPrefix: string };
}

/**
 * GET /v/<token>: what a phone camera opens from the QR. It shows what the QR confirms right
 * now and never spends it, so a curious glance does not burn the cashier's scan. Everything is
 * inline: it works with no outside network.
 */
export async function registerVerificationPage(
  app: FastifyInstance,
  deps: VerificationPageDeps,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(accepts);
    const localeOf = (req: FastifyRequest) => localeFor(req.languages([...LOCALES]) || null);
    // Checked before the token is: a flood from one address costs no signature check or query.
    await scope.register(rateLimit, {
      max: deps.rate.perMinute,
      timeWindow: 60_000,
      redis: deps.rate.redis,
      nameSpace: `${deps.rate.redisPrefix}:page-rate:`,
      keyGenerator: (req) => limitedAddress(req.ip),
      skipOnError: true,
      errorResponseBuilder: () => Object.assign(new Error('rate limited'), { statusCode: 429 }),
    });
    scope.setErrorHandler((err: { statusCode?: number }, req, reply) => {
      if (err.statusCode !== 429) throw err;
      return reply
        .code(429)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(deps.text(localeOf(req), 'verify-page-too-many'));
    });
    scope.get<{ Params: { '*': string } }>('/v/*', async (req, reply) => {
      const locale = localeOf(req);
      const checkedAt = deps.clock.now();
      const answer = await deps.verification.inspect(req.params['*']);
      const words = deps.words(locale, answer, checkedAt);
      return (
        reply
          .header('cache-control', 'no-store')
          .header('content-language', locale)
          .header('vary', 'accept-language')
          // The token is in the URL: it must not leak to another site through a Referer.
          .header('referrer-policy', 'no-referrer')
          .header('x-robots-tag', 'noindex')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .type('text/html; charset=utf-8')
          .send(page(locale, words, (key) => deps.text(locale, key)))
      );
    });
  });
}

function page(
  locale: Locale,
  words: ReturnType<VerificationPageDeps['words']>,
  text: (key: Parameters<VerificationPageDeps['text']>[1]) => string,
): string {
  const verdict = words.confirmed ? 'confirmed' : 'not-confirmed';
  const detail = [words.scenario, words.reason].filter((line): line is string => line !== null);
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(text('verify-page-title'))}</title>
<style>
  body { margin: 0; font: 18px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f5f7; color: #1b1f24; }
  main { max-width: 30rem; margin: 0 auto; padding: 1rem; }
  .verdict { border-radius: 1rem; padding: 2rem 1.25rem; color: #fff; text-align: center; }
  .confirmed { background: #1e8e3e; }
  .not-confirmed { background: #c5221f; }
  .mark { font-size: 4rem; line-height: 1; }
  h1 { margin: .5rem 0; font-size: 2.2rem; }
  .detail { margin: .25rem 0; font-size: 1.35rem; }
  .checked { margin: 1rem 0 0; font-size: 1rem; opacity: .9; }
  footer { margin-top: 1.25rem; font-size: .95rem; color: #4a5360; }
  footer p { margin: .4rem 0; }
</style>
</head>
<body>
<main>
  <section class="verdict ${verdict}" data-result="${verdict}">
    <div class="mark" aria-hidden="true">${words.confirmed ? '✓' : '✕'}</div>
    <h1>${escapeHtml(words.headline)}</h1>
    ${detail.map((line) => `<p class="detail">${escapeHtml(line)}</p>`).join('\n    ')}
    <p class="checked">${escapeHtml(words.checked)}</p>
  </section>
  <footer>
    <p>${escapeHtml(text('verify-no-personal-data'))}</p>
    <p>${escapeHtml(text('verify-page-not-spent'))}</p>
  </footer>
</main>
</body>
</html>
`;
}
