import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { refusalLog } from '../../../bot/platform/max/webhook';

function capturedLogger() {
  const lines: Array<{ ip: string; refused: number; addresses?: number }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino(sink), lines };
}

describe('refused MAX webhook deliveries in the log', () => {
  it('logs the first at once and what follows within the minute as one line at its end', () => {
    const { logger, lines } = capturedLogger();
    let endOfMinute: (() => void) | undefined;
    const log = refusalLog(logger, (flush) => {
      endOfMinute = flush;
    });
    log('203.0.113.1');
    for (let i = 0; i < 999; i++) log(`203.0.113.${2 + (i % 3)}`);
    expect(lines).toEqual([expect.objectContaining({ ip: '203.0.113.1', refused: 1 })]);

    // The burst stopped before the minute ended: its count is still reported.
    endOfMinute?.();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual(expect.objectContaining({ refused: 999, addresses: 3 }));

    // A later refusal starts a new minute, logged at once; a minute with nothing more logs nothing.
    log('198.51.100.7');
    expect(lines[2]).toEqual(expect.objectContaining({ ip: '198.51.100.7', refused: 1 }));
    endOfMinute?.();
    expect(lines).toHaveLength(3);
  });
});
