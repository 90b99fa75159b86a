import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line is about: the update, HTTP request or job being handled. */
type LogContext = { updateId: number } | { requestId: string } | { jobId: string; job: string };

const store = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with every log line it causes, however deep (a repository, the SMS gateway),
 * tagged with `context`: one id ties together everything one update or request did.
 */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return store.run(context, work);
}

export const currentLogContext = (): LogContext | Record<string, never> => store.getStore() ?? {};
