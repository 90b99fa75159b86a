import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where an entry point runs from, and what node needs to run it. */
export interface Runner {
  cwd: string;
  nodeArgs: string[];
}

/**
 * The sources, run by Node itself with tsx as a loader, not the tsx CLI: the CLI runs the
 * program in a child process, so a SIGKILL meant for the program would only kill the wrapper.
 */
export const FROM_SOURCES: Runner = { cwd: ROOT, nodeArgs: ['--import', 'tsx'] };

/** Plain JavaScript (the built output, a script) run from `cwd` by plain node, as the image runs it. */
export const plainNode = (cwd: string): Runner => ({ cwd, nodeArgs: [] });

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the project's entry points as a newcomer would, with a clean environment. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  runner = FROM_SOURCES,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...runner.nodeArgs, script, ...args], {
      cwd: runner.cwd,
      env: baseEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running entry point; resolves once its output says `readyLine`. */
export function startScript(
  script: string,
  env: Record<string, string>,
  readyLine: RegExp,
  runner = FROM_SOURCES,
) {
  const child = spawn(process.execPath, [...runner.nodeArgs, script], { cwd: runner.cwd, env: baseEnv(env) });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      if (readyLine.test(output)) resolve(output);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)));
  });
  return { child, ready, exited, output: () => output };
}

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
}
