/**
 * Reads from a session node's HTTP API (`--node URL`) instead of the chain: name resolution,
 * Pro status and signed Pro proofs. A refusal `{ error, reason }` becomes a CliError with the
 * node's reason; an unreachable node says so.
 */
import { CliError } from './lib.ts';

export const NODE_USAGE = `  --node URL           ask this session node's API instead of reading the chain`;

export function nodeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--node must be a URL like http://127.0.0.1:22020, not "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--node must be an http(s) URL, not "${text}"`);
  return url.href.replace(/\/+$/, '');
}

/** GET `path` from the node; returns the JSON body, or `undefined` for a 404 whose error is in `absent`. */
export async function nodeGet<T>(base: string, path: string, absent: readonly string[] = []): Promise<T | undefined> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new CliError(`cannot reach the session node at ${base}: ${(error as Error).message}; check --node`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`the session node at ${base} answered ${response.status} with non-JSON; is --node a session node?`);
  }
  if (response.ok) return body as T;
  const refusal = body as { error?: string; reason?: string };
  if (response.status === 404 && refusal.error && absent.includes(refusal.error)) return undefined;
  throw new CliError(`the session node refused (${response.status} ${refusal.error ?? '?'}): ${refusal.reason ?? text}`);
}
