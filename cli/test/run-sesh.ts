/** Runs the sesh CLI in-process and collects what it printed, for the CLI tests. */
import { main } from '../sesh.ts';

export async function runSesh(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
