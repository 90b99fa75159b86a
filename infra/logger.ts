import pino, { type Logger } from 'pino';
import { currentLogContext } from './log-context';
import { serializeError } from './log-errors';

/**
 * Secrets and personal data never reach the logs: these paths are censored wherever they
 * appear, and phones are masked by the code that logs them (core/identity/phone.ts).
 */
const REDACT = [
  'token',
  'botToken',
  '*.token',
  'code',
  '*.code',
  'phone',
  '*.phone',
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'config.messenger.token',
  'smsHttpToken',
  '*.smsHttpToken',
  'keyEncryptionKey',
];

const CENSORED = '[redacted]';

/**
 * A `code` is mostly an error's (a SQLSTATE, ECONNREFUSED) or an outcome's, and tells whoever
 * debugs what went wrong; one carrying six digits may be a one-time code and is censored. Pino
 * does not say which object a `*.code` belongs to, so the value decides.
 */
function censor(value: unknown, path: string[]): unknown {
  const harmlessCode = path.at(-1) === 'code' && String(value).replace(/\D/g, '').length < 6;
  return harmlessCode ? value : CENSORED;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gov-messenger-services' },
      redact: { paths: REDACT, censor },
      serializers: { err: serializeError, error: serializeError },
      mixin: currentLogContext,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
