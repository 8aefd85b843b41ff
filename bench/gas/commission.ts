/**
 * Gas of commission updates (NetworkKeyRegistry.updateCommission), measured at the end of the
 * staking suite (bench/gas/staking.ts, STAKING_BENCH_NODES active nodes, default 2,000), with
 * real BN254 network signatures by the whole commissioned set. Rows: one node per update each
 * way, and a batch of 10 each way (its gasUsed ÷ 10).
 */
import type { Hex } from 'viem';
import { commissionMessage, updateCommissionCall, type CommissionUpdate } from '../../sdk/src/staking/index.ts';
import { networkSignature, read, type StakingNet } from '../../contracts/test/staking-kit.ts';
import { NetworkKeyRegistry } from '../../sdk/src/generated/contracts.ts';
import type { LocalSystem } from '../../devnet/testkit.ts';
import { gasUsed } from './types.ts';

const NOTE_SINGLE =
  'one network-signed call: 21,000 intrinsic + calldata (~3.6k: two G1/G2 points, lists) + pairing check 113,000 + ' +
  'hashToG1 (~4.5k) + 2 ecMul 12,000 + aggregate read/write (2 slots) + per node: cold SLOAD 2,100 + SSTORE 2,900 + ' +
  'square root (modexp ~1.4k) + ecAdd 150 + its event ~1.6k, and the count/round slot. The signature check (~165k with the 21k ' +
  'intrinsic, cf. networkSigCheck/2000n/0ns) is the floor, so the goal 150,000 is not reachable for a one-node update; batches amortise it.';
const noteBatch = (marginal: bigint) =>
  `gasUsed of one update with 10 nodes ÷ 10: the signature check (~165k) is shared; each further node adds ${marginal.toLocaleString('en-US')} ` +
  '(calldata, cold SLOAD + SSTORE of its key slot, square root, ecAdd, its event).';

/**
 * Measures on the staking suite's chain (its seeded nodes: no second 2,000-node seeding).
 * `commissioned` are the node ids in the signing set; `clock` a chain time after every earlier step.
 */
export async function measureCommission(sys: LocalSystem, net: StakingNet, commissioned: readonly bigint[], clock: bigint) {
  const admin = await sys.as(0);
  const submitter = await sys.as(5);
  const out = new Set<bigint>();

  const update = async (change: Pick<CommissionUpdate, 'decommission' | 'recommission'>) => {
    clock += 60n;
    await sys.setNextTimestamp(clock);
    const round = await read<bigint>(net, net.registry, NetworkKeyRegistry.abi, 'commissionRound');
    const u: CommissionUpdate = { round, ...change, signedAt: clock };
    const { purpose, payloadHash } = commissionMessage(u);
    const sig = networkSignature(net, commissioned.filter((id) => !out.has(id)), purpose, payloadHash);
    const call = updateCommissionCall(net.registry, { ...u, sig });
    const hash: Hex = await submitter.send(call.address, call.abi, call.functionName, call.args);
    for (const id of change.decommission) out.add(id);
    for (const id of change.recommission) out.delete(id);
    return gasUsed(admin.publicClient, hash);
  };

  const before = await read<bigint>(net, net.registry, NetworkKeyRegistry.abi, 'activeNodeCount');
  const decommission = await update({ decommission: [commissioned[1]!], recommission: [] });
  const recommission = await update({ decommission: [], recommission: [commissioned[1]!] });
  const ten = commissioned.slice(2, 12);
  const decommissionBatch = await update({ decommission: ten, recommission: [] });
  const recommissionBatch = await update({ decommission: [], recommission: ten });
  const after = await read<bigint>(net, net.registry, NetworkKeyRegistry.abi, 'activeNodeCount');
  if (out.size !== 0 || after !== before) throw new Error(`commission bench: activeNodeCount ${after} after, ${before} before`);
  return [
    { operation: 'decommission', gas: decommission, note: NOTE_SINGLE },
    { operation: 'recommission', gas: recommission, note: NOTE_SINGLE },
    { operation: 'decommissionPerNodeInBatchOf10', gas: decommissionBatch / 10n, note: noteBatch((decommissionBatch - decommission) / 9n) },
    { operation: 'recommissionPerNodeInBatchOf10', gas: recommissionBatch / 10n, note: noteBatch((recommissionBatch - recommission) / 9n) },
  ];
}
