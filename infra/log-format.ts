import pino from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';

export const LOG_FORMATS = ['json', 'pretty'] as const;
type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * JSON is for machines (a collector, a file, a pipe); a person reading a development
 * terminal gets one readable line per event. `asked` (LOG_FORMAT) overrides either way.
 */
export function chooseLogFormat(
  asked: LogFormat | undefined,
  nodeEnv: string,
  isTerminal: boolean,
): LogFormat {
  return asked ?? (nodeEnv === 'development' && isTerminal ? 'pretty' : 'json');
}

/** Keys the line's prefix already says, or that every line carries alike. */
const SAID_ELSEWHERE = ['service', 'updateId', 'requestId', 'jobId', 'job'];

/** What the line is about (infra/log-context.ts), ahead of the message. */
function aboutWhat(log: Record<string, unknown>, messageKey: string): string {
  const about =
    log.updateId !== undefined
      ? `update ${log.updateId}`
      : log.requestId !== undefined
        ? `request ${log.requestId}`
        : log.jobId !== undefined
          ? `job ${log.job} ${log.jobId}`
          : '';
  const message = String(log[messageKey] ?? '');
  return about ? `[${about}] ${message}` : message;
}

/**
 * A pino destination writing one line per event, pino-pretty's way. It formats lines pino has
 * already serialized, so the redaction and error serializers (infra/logger.ts) have run.
 * Errors stay on their event's line too (their stack as escaped text): a line is an event.
 * Synchronous, like pino's own stdout: the last line before an exit is not lost.
 */
export function prettyDestination(target?: pino.DestinationStream): pino.DestinationStream {
  const out = target ?? pino.destination({ dest: 1, sync: true });
  const prettify = prettyFactory({
    singleLine: true,
    messageKey: 'msg',
    ignore: SAID_ELSEWHERE.join(','),
    errorLikeObjectKeys: [],
    messageFormat: aboutWhat,
    translateTime: 'SYS:HH:MM:ss.l',
    colorize: target === undefined && isColorSupported,
  });
  return { write: (line: string) => out.write(prettify(line)) };
}
