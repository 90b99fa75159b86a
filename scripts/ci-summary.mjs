// The last lines of .ci/run: what failed, and one line "N passed, M failed, K skipped" that
// tells the whole truth. vitest's JSON report lists the tests of a suite whose set-up failed
// (beforeAll threw, the file did not import) as skipped, or not at all; here they are failed.
//
//   node scripts/ci-summary.mjs REPORT_JSON TESTS_EXIT [CHECK=EXIT ...]
//
// Each CHECK (typecheck, lint) counts as one passed or failed line. Exits 0 only when nothing
// failed.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const NOT_RUN = new Set(['skipped', 'pending', 'todo', 'disabled']);

/**
 * Counts a vitest JSON report. In a file that failed, a test that did not run counts as
 * failed: the report cannot tell a test skipped on purpose from one whose set-up threw, and
 * the project keeps no skipped tests. A failed file with nothing failed in it (an import that
 * threw, an afterAll that threw) counts as one failure, so it cannot vanish from the count.
 */
export function countReport(report) {
  const counts = { passed: 0, failed: 0, skipped: 0, notes: [] };
  for (const file of report.testResults) {
    const tests = file.assertionResults;
    const passed = tests.filter((test) => test.status === 'passed').length;
    const failed = tests.filter((test) => test.status === 'failed').length;
    const notRun = tests.filter((test) => NOT_RUN.has(test.status)).length;
    counts.passed += passed;
    if (file.status !== 'failed') {
      counts.failed += failed;
      counts.skipped += notRun;
      continue;
    }
    counts.failed += Math.max(1, failed + notRun);
    const why = file.message ? `: ${file.message.split('\n')[0]}` : '';
    counts.notes.push(
      `${relative(process.cwd(), file.name)} failed (${failed} failed, ${notRun} did not run)${why}`,
    );
  }
  return counts;
}

/**
 * The summary of a CI run: the test report (null when vitest wrote none), vitest's exit code
 * and each check's exit code. A non-zero exit that the report does not explain (an unhandled
 * error, a global set-up that stopped the run) counts as one failure.
 */
export function summarize(report, testsExit, checks) {
  const counts = report ? countReport(report) : { passed: 0, failed: 0, skipped: 0, notes: [] };
  if (!report) counts.notes.push('vitest wrote no report: see its output above');
  if (testsExit !== 0 && counts.failed === 0) {
    counts.failed += 1;
    if (report) counts.notes.push(`vitest exited ${testsExit} with no failed test: see its output above`);
  }
  for (const [name, exit] of Object.entries(checks)) {
    if (exit === 0) counts.passed += 1;
    else {
      counts.failed += 1;
      counts.notes.push(`npm run ${name} failed (exit ${exit}): see its output above`);
    }
  }
  return {
    ...counts,
    line: `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  };
}

function main([reportPath, testsExit, ...checkArgs]) {
  const report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : null;
  const checks = Object.fromEntries(
    checkArgs.map((arg) => {
      const [name, exit] = arg.split('=');
      return [name, Number(exit)];
    }),
  );
  const summary = summarize(report, Number(testsExit), checks);
  for (const note of summary.notes) console.log(`[ci] ${note}`);
  console.log(summary.line);
  return summary.failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exitCode = main(process.argv.slice(2));
