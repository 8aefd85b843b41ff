/** Asserts that `f` throws a StorageRpcError with this status and a reason matching `reason`. */
import assert from 'node:assert/strict';
import { StorageRpcError } from '../src/storage/types.ts';

export function refused(f: () => unknown, status: number, reason: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof StorageRpcError, `expected StorageRpcError, got ${String(e)}`);
    assert.equal(e.status, status, e.reason);
    assert.match(e.reason, reason);
    return true;
  });
}
