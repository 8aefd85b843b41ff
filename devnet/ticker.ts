/**
 * Accelerated devnet time: every second, move the chain clock forward by `scale` seconds
 * (evm_increaseTime + evm_mine), so a person can watch rewards accrue, and nodes and the
 * gateway always see a recent block. `scale` stays well under the 10-minute signature TTL
 * so a signature made just before a tick is still valid after it.
 */
export const MAX_TIME_SCALE = 300;

export function startTicker(rpc: <T>(method: string, params?: unknown[]) => Promise<T>, scale: number): () => void {
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_TIME_SCALE) throw new Error(`--time-scale must be an integer in 1..${MAX_TIME_SCALE}`);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    (async () => {
      if (scale > 1) await rpc('evm_increaseTime', [scale - 1]);
      await rpc('evm_mine');
    })()
      .catch(() => {})
      .finally(() => (busy = false));
  }, 1_000);
  return () => clearInterval(timer);
}
