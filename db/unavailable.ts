/** Socket-level failures: the server is down, restarting or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** postgres.js's own codes for a connection that could not be made or was lost. */
const CLIENT_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);
/** SQLSTATEs of a server that is going down, starting up or out of connections. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * Whether an error means PostgreSQL is away (as opposed to a bug or bad data), looking
 * through the wrappers drizzle and Node put around the driver's error.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || CLIENT_CODES.has(code) || SERVER_CODES.has(code)) return true;
    if (code.startsWith('08')) return true; // connection exception class
  }
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1)))
    return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
}
