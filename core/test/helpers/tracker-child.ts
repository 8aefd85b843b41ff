/**
 * Runs a tracker in its own process so a test can kill -9 it mid-sync.
 * argv: rpcUrl chainId token deployBlock dataDir chunkSize
 * Prints "height N" after every applied block.
 */
import type { Address } from 'viem';
import { SESH } from '../../../sdk/src/generated/contracts.ts';
import { openTracker } from '../../chain/tracker.ts';
import { createTransferLedger } from './transfer-ledger.ts';

const [rpcUrl, chainId, token, deployBlock, dataDir, chunkSize] = process.argv.slice(2);
const ledger = createTransferLedger();
const consumer = {
  apply: (...args: Parameters<typeof ledger.apply>) => {
    ledger.apply(...args);
    process.stdout.write(`height ${args[1].number}\n`);
  },
  rollback: ledger.rollback,
};
const tracker = await openTracker({
  rpc: [rpcUrl!],
  chainId: Number(chainId),
  deployBlock: Number(deployBlock),
  contracts: [{ address: token as Address, abi: SESH.abi, events: ['Transfer'] }],
  dataDir: dataDir!,
  consumer,
  confirmations: 0,
  chunkSize: Number(chunkSize),
});
await tracker.syncOnce();
process.stdout.write(`done ${tracker.height()}\n`);
await tracker.stop();
