/**
 * A machine-wide lock between processes (parallel test files): holding it means having
 * created the lock directory. mkdir is atomic, so exactly one process wins.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';

/** Tries once to take the lock; clears a lock older than `staleMs` (left by a crash). */
export function tryDirLock(path: string, staleMs: number): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(path).mtimeMs > staleMs) rmSync(path, { recursive: true, force: true });
    } catch {
      // Released between our mkdir and stat: the next try takes it.
    }
    return false;
  }
}

export function releaseDirLock(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
