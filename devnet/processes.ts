/**
 * Child processes the devnet (and the network tests) supervise: session-node and gateway,
 * started with node + tsx directly (no npm wrapper), so a signal reaches the real process and
 * stopping never leaves an orphan. Each prints "... listening <url>" once it serves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Supervised = {
  name: string;
  child: ChildProcess;
  /** Resolves with the URL the process printed; rejects if it exits first or times out. */
  ready: Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop: (graceMs?: number) => Promise<void>;
  /** kill -9, for fault tests. */
  kill9: () => Promise<void>;
};

export function superviseScript(name: string, script: string, args: readonly string[], options: { logFile?: string; timeoutMs?: number; echo?: boolean; env?: Record<string, string> } = {}): Supervised {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ? { ...process.env, ...options.env } : process.env });
  let log: NodeJS.WritableStream | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    log = createWriteStream(options.logFile, { flags: 'a' });
  }
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${options.timeoutMs ?? 60_000} ms:\n${output.slice(-2000)}`)), options.timeoutMs ?? 60_000);
    timer.unref();
    const onData = (chunk: Buffer) => {
      output += chunk;
      log?.write(chunk);
      if (options.echo) process.stderr.write(`[${name}] ${chunk}`);
      const m = /listening (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
  ready.catch(() => {});
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    ready,
    async stop(graceMs = 5_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
