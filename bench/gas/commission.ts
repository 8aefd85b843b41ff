/**
 * Gas of commission updates (NetworkKeyRegistry.updateCommission) with COMMISSION_BENCH_NODES
 * seeded active nodes (default 2,000, like the staking suite), real BN254 network signatures by
 * the whole commissioned set. Rows: one node per update each way, and a batch of 10 each way
 * (its gasUsed ÷ 10).
 */
import type { Hex } from 'viem';
import { commissionMessage, updateCommissionCall, type CommissionUpdate } from '../../sdk/src/staking/index.ts';
import { startStaking } from '../../contracts/deploy/steps/staking.ts';
import { networkSignature, read, seedNodes, stakingNet } from '../../contracts/test/staking-kit.ts';
import { NetworkKeyRegistry } from '../../sdk/src/generated/contracts.ts';
import { gasUsed, type GasSuite } from './types.ts';

const NODES = Number(process.env.COMMISSION_BENCH_NODES ?? 2000);

const NOTE_SINGLE =
  'one network-signed call: 21,000 intrinsic + calldata (~3.6k: two G1/G2 points, lists) + pairing check 113,000 + ' +
  'hashToG1 (~4.5k) + 2 ecMul 12,000 + aggregate read/write (2 slots) + per node: cold SLOAD 2,100 + SSTORE 2,900 + ' +
  'square root (modexp ~1.4k) + ecAdd 150. The signature check (~150k) is the floor; the goal 150,000 is not reachable for one node.';
const NOTE_BATCH = 'gasUsed of one update with 10 nodes ÷ 10: the signature check is shared, each node adds ~7–8k (see the single-node row).';

export const commissionGas: GasSuite = {
  name: `commission (${NODES} nodes)`,
  system: { startStaking: false },
  async measure(sys) {
    const started = Date.now();
    const net = stakingNet(sys);
    const admin = await sys.as(0);
    const progress = (done: number) => process.stderr.write(`\r  seeded ${done}/${NODES} nodes (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    const all = await seedNodes(net, NODES, { log: progress });
    process.stderr.write('\n');
    await startStaking(admin, { SessionStaking: net.staking, StakingRewards: net.rewards, RewardRatePool: net.pool });
    const submitter = await sys.as(5);
    let clock = 3_000_000_000n; // fixed times: the same digests, hash-to-curve tries and gas every run
    const out = new Set<bigint>();

    const update = async (change: Pick<CommissionUpdate, 'decommission' | 'recommission'>) => {
      clock += 60n;
      await sys.setNextTimestamp(clock);
      const round = await read<bigint>(net, net.registry, NetworkKeyRegistry.abi, 'commissionRound');
      const u: CommissionUpdate = { round, ...change, signedAt: clock };
      const { purpose, payloadHash } = commissionMessage(u);
      const sig = networkSignature(net, all.filter((id) => !out.has(id)), purpose, payloadHash);
      const call = updateCommissionCall(net.registry, { ...u, sig });
      const hash: Hex = await submitter.send(call.address, call.abi, call.functionName, call.args);
      for (const id of change.decommission) out.add(id);
      for (const id of change.recommission) out.delete(id);
      return gasUsed(admin.publicClient, hash);
    };

    const decommission = await update({ decommission: [all[1]!], recommission: [] });
    const recommission = await update({ decommission: [], recommission: [all[1]!] });
    const ten = all.slice(2, 12);
    const decommissionBatch = await update({ decommission: ten, recommission: [] });
    const recommissionBatch = await update({ decommission: [], recommission: ten });
    if (out.size !== 0) throw new Error('bench left nodes decommissioned');
    const count = await read<bigint>(net, net.registry, NetworkKeyRegistry.abi, 'activeNodeCount');
    if (count !== BigInt(NODES)) throw new Error(`activeNodeCount ${count} after the bench, expected ${NODES}`);
    process.stderr.write(`  commission bench with ${NODES} nodes took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return [
      { operation: 'decommission', gas: decommission, note: NOTE_SINGLE },
      { operation: 'recommission', gas: recommission, note: NOTE_SINGLE },
      { operation: 'decommissionPerNodeInBatchOf10', gas: decommissionBatch / 10n, note: NOTE_BATCH },
      { operation: 'recommissionPerNodeInBatchOf10', gas: recommissionBatch / 10n, note: NOTE_BATCH },
    ];
  },
};
