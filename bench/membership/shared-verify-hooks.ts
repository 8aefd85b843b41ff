/**
 * Module hooks for a bench worker (registered by shared-verify.ts): every import of the sdk's
 * announcement module, except the wrapper's own, gets shared-announcement.ts instead — the
 * same module with a signature check memoised per process. See shared-announcement.ts for why.
 */
type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context: { parentURL?: string }) => Promise<Resolved>;

const REAL = '/sdk/src/network/announcement.ts';
const WRAPPER = new URL('./shared-announcement.ts', import.meta.url).href;

export async function resolve(specifier: string, context: { parentURL?: string }, next: NextResolve): Promise<Resolved> {
  const resolved = await next(specifier, context);
  if (resolved.url.endsWith(REAL) && context.parentURL !== WRAPPER) return { ...resolved, url: WRAPPER, shortCircuit: true };
  return resolved;
}
