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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gov-messenger-services' },
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      mixin: currentLogContext,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
