/**
 * The sdk's announcement module with verifyAnnouncementSignature memoised per process.
 *
 * Why: a worker hosts ~500 identities; each one's directory checks every announcement it is
 * offered, so one announcement would be verified ~500 times on this one machine (noble's
 * ed25519 verify costs 1–5 ms here), while on a real network each node verifies it on its
 * own CPU. The memo keeps the per-identity code path (every directory still calls the check,
 * on every field of the announcement) and runs the real ed25519 verification once per distinct
 * announcement per process. The CPU a real node spends is reported separately.
 */
import * as real from '../../sdk/src/network/announcement.ts';

export * from '../../sdk/src/network/announcement.ts';

const memo = new Map<string, boolean>();
export const sharedVerifyStats = { calls: 0, verified: 0 };

export function verifyAnnouncementSignature(a: real.Announcement): boolean {
  sharedVerifyStats.calls++;
  const key = `${a.signature}|${a.ed25519PublicKey}|${a.chainId}|${a.contract}|${a.host}|${a.httpPort}|${a.software}|${a.timestamp}`;
  let ok = memo.get(key);
  if (ok === undefined) {
    sharedVerifyStats.verified++;
    ok = real.verifyAnnouncementSignature(a);
    if (memo.size > 200_000) memo.clear();
    memo.set(key, ok);
  }
  return ok;
}
