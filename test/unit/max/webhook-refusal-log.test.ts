import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { refusalLog } from '../../../bot/platform/max/webhook';

function capturedLogger() {
  const lines: Array<{ ip: string; refused: number }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino(sink), lines };
}

describe('refused MAX webhook deliveries in the log', () => {
  it('logs the first at once and a flood as one line a minute with its count', () => {
    const { logger, lines } = capturedLogger();
    let now = 1_000_000;
    const log = refusalLog(logger, () => now);
    log('203.0.113.1');
    for (let i = 0; i < 999; i++) log('203.0.113.2');
    expect(lines).toEqual([expect.objectContaining({ ip: '203.0.113.1', refused: 1 })]);
    now += 60_000;
    log('203.0.113.3');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual(expect.objectContaining({ ip: '203.0.113.3', refused: 1000 }));
  });
});
