/**
 * Errors as they may appear in the logs. drizzle's DrizzleQueryError carries the query's
 * parameters (phones, names, a form's state with its code) in `params` AND in its message
 * ("Failed query: …\nparams: …", so in its stack too); grammY's GrammyError carries the request
 * `payload` (a freshly issued verifier key, a /whois answer); PostgreSQL echoes conflicting
 * values in `detail`; postgres.js keeps `parameters` (and `args`, with its `debug` hook on). Those are dropped, at every depth of
 * `cause`, and the rest (type, message, code, stack) is kept for whoever debugs.
 */

/** Properties that hold the data an operation was carrying rather than what went wrong. */
const CARRIED_DATA = new Set(['params', 'payload', 'detail']);
/** drizzle's message tail: from "\nparams: " to the stack's first frame, or to the end. */
const PARAMS_TAIL = /\nparams: [\s\S]*?(?=\n {4}at |$)/;
const MAX_DEPTH = 5;

type ErrorLike = { message: string; [key: string]: unknown };

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string';

/** A message or stack with drizzle's parameters cut out; also for errors logged as text. */
export function withoutParams(text: string): string {
  return text.replace(PARAMS_TAIL, '\nparams: [redacted]');
}

/** The pino serializer for `err` (and `error`): what an error may say in a log line. */
export function serializeError(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return withoutParams(value);
  if (!isErrorLike(value)) return value;
  if (depth > MAX_DEPTH) return { type: 'Error', message: '(cause chain too deep)' };
  const out: Record<string, unknown> = {
    type: value.constructor?.name ?? value.name,
    message: withoutParams(value.message),
  };
  if (typeof value.stack === 'string') out.stack = withoutParams(value.stack);
  const nested = (field: unknown): unknown =>
    Array.isArray(field)
      ? field.map((item) => (isErrorLike(item) ? serializeError(item, depth + 1) : item))
      : isErrorLike(field)
        ? serializeError(field, depth + 1)
        : field;
  for (const [key, field] of Object.entries(value)) {
    // GrammyError's `parameters` (retry_after) helps; postgres.js's arrays of query values do not.
    const carried =
      CARRIED_DATA.has(key) || ((key === 'parameters' || key === 'args') && Array.isArray(field));
    if (!carried && !(key in out)) out[key] = nested(field);
  }
  // Set by `new Error(message, { cause })` and by AggregateError: present but not enumerable.
  for (const key of ['cause', 'errors'] as const)
    if (value[key] !== undefined && !(key in out)) out[key] = nested(value[key]);
  return out;
}
