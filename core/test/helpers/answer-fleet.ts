/**
 * Starts helpers/answer-nodes.ts (many fake nodes in one child process) and resolves with their
 * URLs once it listens. Every child is killed when the test file ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

export type Fleet = { child: ChildProcess; urls: string[] };

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export function startAnswerNodes(modes: readonly string[]): Promise<Fleet> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./answer-nodes.ts', import.meta.url)), ...modes], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening (.*)\n/.exec(out);
      if (m) resolve({ child, urls: m[1]!.split(' ') });
    });
    child.on('exit', (code) => reject(new Error(`answer-nodes exited ${code}`)));
  });
}
