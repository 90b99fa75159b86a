import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countReport, summarize } from '../../scripts/ci-summary.mjs';

/**
 * A report vitest 4 wrote for five files: a.test.ts, whose describe's beforeAll threw (its two
 * tests come out "skipped"); b.test.ts, which failed to import; c.test.ts, whose file-level
 * beforeAll threw; d.test.ts, with a failing test and a skipped one; e.test.ts, passing with a
 * skip and a todo. vitest's own totals say 3 passed, 1 failed.
 */
const report = JSON.parse(
  readFileSync(new URL('../fixtures/vitest-report-setup-failed.json', import.meta.url), 'utf8'),
);

describe('the CI summary', () => {
  it('counts the tests of a suite whose set-up failed as failed, not skipped', () => {
    const counts = countReport(report);
    expect({ passed: counts.passed, failed: counts.failed, skipped: counts.skipped }).toEqual({
      passed: 3,
      failed: 6,
      skipped: 2,
    });
    expect(counts.notes.join('\n')).toContain("Cannot find module '../does-not-exist'");
    expect(counts.notes.join('\n')).toContain('a.test.ts failed (0 failed, 2 did not run)');
  });

  it('counts typecheck and lint as one line each, and a failed one fails the run', () => {
    const summary = summarize(report, 1, { typecheck: 0, lint: 2 });
    expect(summary.line).toBe('4 passed, 7 failed, 2 skipped');
    expect(summary.notes).toContain('npm run lint failed (exit 2): see its output above');
  });

  it('counts a run that stopped without a report, or failed without a failed test, as a failure', () => {
    expect(summarize(null, 1, { typecheck: 0, lint: 0 }).line).toBe('2 passed, 1 failed, 0 skipped');
    const green = {
      testResults: [
        { name: 'x.test.ts', status: 'passed', message: '', assertionResults: [{ status: 'passed' }] },
      ],
    };
    expect(summarize(green, 0, {}).line).toBe('1 passed, 0 failed, 0 skipped');
    expect(summarize(green, 1, {}).line).toBe('1 passed, 1 failed, 0 skipped');
  });
});
