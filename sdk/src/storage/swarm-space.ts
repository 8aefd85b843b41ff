/**
 * Swarm space: the unsigned 64-bit ring on which swarm ids and accounts both sit. An account
 * belongs to the swarm whose id is nearest to its position, so every node and client finds the
 * same swarm for a Session ID from the swarm ids alone. Both rules are the anchor's
 * (oxen-storage-server snode/swarm.cpp, pubkey_to_swarm_space and get_swarm_by_pk), bit for
 * bit, so our nodes and Session's clients agree on where an account's messages live:
 *
 * - position: the 32 key bytes after the prefix byte, as four big-endian u64 words, XORed;
 * - nearest: distances go round the ring (mod 2^64) to the next id at or above the position
 *   and to the one below it; the one above wins only when strictly nearer, so an exact tie
 *   goes to the lower neighbour, which across the wrap is the highest id.
 */
import { StorageRpcError, type SwarmId } from './types.ts';

const RING = 1n << 64n;
const ACCOUNT = /^[0-9a-fA-F]{66}$/;

/** The account's position in swarm space. Throws a 400 StorageRpcError for anything but 66 hex digits. */
export function accountPosition(account: string): bigint {
  if (typeof account !== 'string' || !ACCOUNT.test(account)) {
    throw new StorageRpcError(400, `pubkey must be 66 hex digits (a prefix byte such as 05, then the 32-byte key), got ${describe(account)}`);
  }
  let position = 0n;
  for (let word = 0; word < 4; word++) {
    const start = 2 + word * 16;
    position ^= BigInt(`0x${account.slice(start, start + 16)}`);
  }
  return position;
}

/** The swarm id nearest to a position; `ids` ascending and not empty. */
export function swarmForPosition(ids: readonly SwarmId[], position: bigint): SwarmId {
  if (ids.length === 0) throw new StorageRpcError(503, 'the network has no active nodes, so no swarm can hold messages yet; try again once nodes are registered and commissioned');
  if (ids.length === 1) return ids[0]!;
  // The first id at or above the position (wrapping to the lowest), and the one before it.
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! < position) low = mid + 1;
    else high = mid;
  }
  const right = low === ids.length ? 0 : low;
  const left = right === 0 ? ids.length - 1 : right - 1;
  const toRight = (ids[right]! - position + RING) % RING;
  const toLeft = (position - ids[left]! + RING) % RING;
  return toRight < toLeft ? ids[right]! : ids[left]!;
}

/** The swarm id an account belongs to, among ascending `ids`. */
export function swarmForAccount(ids: readonly SwarmId[], account: string): SwarmId {
  return swarmForPosition(ids, accountPosition(account));
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  const shown = value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}…` : JSON.stringify(value);
  return `${shown} (${value.length} characters)`;
}
