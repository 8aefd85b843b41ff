/**
 * The network as the portal tests need it, behind one small interface (`TestNetwork`), so the
 * browser journey can switch to the real devnet network (session nodes + gateway) by changing
 * the one line that starts it.
 *
 * `startNetworkDouble` is the stand-in used until the gateway runs in tests. It does not model
 * the chain: it reads the real contracts and does what the network does — hands out node keys
 * (`prepare-registration`), keeps a stake-weighted reward ledger, signs reward checkpoints and
 * exits with the active nodes' BLS keys and submits checkpoints to StakingRewards — and serves
 * the gateway's portal API: GET /api/network, GET /api/accounts/:address,
 * POST /api/exits/:nodeId/signature.
 */
import { createServer, type ServerResponse } from 'node:http';
import { encodeAbiParameters, getAddress, isAddress, keccak256, type Address, type Hex } from 'viem';
import { G2 } from '../../sdk/src/bls/curve.ts';
import { blsKeyPairFromSecret, GROUP_ORDER, networkSignatureArgs, signNetworkMessage, type BlsKeyPair, type NetworkSignatureArgs } from '../../sdk/src/bls/index.ts';
import { RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { authoriseRewardsCall } from '../../sdk/src/staking/calls.ts';
import { BPS } from '../../sdk/src/staking/constants.ts';
import { decodeNodeRecord } from '../../sdk/src/staking/node-record.ts';
import { exitMessage, rewardsMessage } from '../../sdk/src/staking/payloads.ts';
import { prepareRegistration, type RegistrationPayload } from '../../sdk/src/staking/registration.ts';
import { buildRewardsTree, proofFor, rewardsTotal, type RewardsTree } from '../../sdk/src/staking/rewards-tree.ts';
import type { LocalSystem } from '../../devnet/testkit.ts';

export type TestNetwork = {
  /** The gateway URL the portal is configured with. */
  url: string;
  /** A new node's `prepare-registration` output for `operator`. */
  registration: (operator: Address) => Promise<RegistrationPayload>;
  /** Makes the network checkpoint the rewards accrued so far (and waits until it is on chain). */
  checkpoint: () => Promise<void>;
  stop: () => Promise<void>;
};

const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

export async function startNetworkDouble(sys: LocalSystem): Promise<TestNetwork> {
  const { StakingRewards: rewards, SessionStaking: staking, RewardRatePool: pool } = sys.deployments.contracts as Record<string, Address>;
  const chainId = sys.anvil.chainId;
  const keys: BlsKeyPair[] = [];
  const ledger = new Map<Address, bigint>(); // cumulative rewards per account
  let tree: RewardsTree | undefined;
  let epoch = 0n;
  let submittedAt = 0;
  const read = async <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address, abi, functionName, args } as never)) as T;

  /** The active nodes (status Active or ExitRequested) with their records. */
  const activeNodes = async () => {
    const last = await read<bigint>(staking!, SessionStaking.abi, 'lastNodeId');
    const nodes = [];
    for (let id = 1n; id <= last; id++) {
      const record = decodeNodeRecord(await read(staking!, SessionStaking.abi, 'nodeRecord', [id]));
      if (record.status === 'Active' || record.status === 'ExitRequested') nodes.push({ id, record });
    }
    return nodes;
  };

  /** Every active node signs (the double runs them all: their keys came from `registration`). */
  const sign = async (message: { purpose: Hex; payloadHash: Hex }): Promise<NetworkSignatureArgs> => {
    let secret = 0n;
    for (const { id } of await activeNodes()) {
      const key = await read<{ x: bigint; y: bigint }>(staking!, SessionStaking.abi, 'nodeKey', [id]);
      const pair = keys.find((k) => k.publicKeyG1.toAffine().x === key.x);
      if (!pair) throw new Error(`node ${id} was not registered through this network double; it cannot sign for it`);
      secret = (secret + pair.secretKey) % GROUP_ORDER;
    }
    const sigma = signNetworkMessage({ chainId, contract: staking!, ...message, secretKey: secret });
    return networkSignatureArgs({ sigma, apkG2: G2.BASE.multiply(secret), nonSigners: [] });
  };

  const reply = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(json(body));

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': '*' }).end();
        return;
      }
      const account = /^\/api\/accounts\/([^/]+)$/.exec(path);
      const exit = /^\/api\/exits\/(\d+)\/signature$/.exec(path);
      if (req.method === 'GET' && path === '/api/network') {
        return reply(res, 200, { chainId, estimatedAprBps: null, lastCheckpoint: tree ? { epoch, root: tree.root, total: rewardsTotal([...ledger].map(([a, c]) => ({ account: a, cumulativeAmount: c }))), ledgerBlock: 0, submittedAt } : null });
      }
      if (req.method === 'GET' && account) {
        if (!isAddress(account[1]!)) return reply(res, 400, { error: 'BadAddress', reason: `${account[1]} is not an address` });
        const who = getAddress(account[1]!);
        const claimed = await read<bigint>(rewards!, StakingRewards.abi, 'claimed', [who]);
        const earned = ledger.get(who) ?? 0n;
        const claim = tree && ledger.has(who) ? proofFor(tree, who) : null;
        return reply(res, 200, {
          stakes: [],
          rewards: { earned, claimed, claimable: earned - claimed, claim: claim ? { cumulativeAmount: claim.cumulativeAmount, proof: claim.proof } : null },
        });
      }
      if (req.method === 'POST' && exit) {
        const signedAt = await sys.now();
        return reply(res, 200, { signedAt, signature: await sign(exitMessage(BigInt(exit[1]!), signedAt)) });
      }
      reply(res, 404, { error: 'NotFound', reason: `no route ${req.method} ${path}` });
    } catch (error) {
      reply(res, 500, { error: 'Internal', reason: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    async registration(operator) {
      const seed = BigInt(keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'uint256' }], ['sesh-portal-test-node', BigInt(keys.length)])));
      const keyPair = blsKeyPairFromSecret((seed % (GROUP_ORDER - 1n)) + 1n);
      keys.push(keyPair);
      const ed25519PublicKey = keccak256(encodeAbiParameters([{ type: 'uint256' }], [keyPair.secretKey]));
      return prepareRegistration({ keyPair, operator, ed25519PublicKey, chainId, contract: staking! });
    },
    async checkpoint() {
      // The ledger: what the pool releases now, split over active nodes by stake; in each node the
      // operator takes the fee, contributors share the rest by stake. Rounded down (dust stays).
      const released = await read<bigint>(pool!, RewardRatePool.abi, 'releasable');
      const nodes = await activeNodes();
      const total = nodes.reduce((sum, n) => sum + n.record.stake, 0n);
      if (total === 0n) throw new Error('no active node to reward');
      for (const { record } of nodes) {
        const share = (released * record.stake) / total;
        const fee = (share * BigInt(record.feeBps)) / BPS;
        ledger.set(record.operator, (ledger.get(record.operator) ?? 0n) + fee);
        for (const c of record.contributors) ledger.set(c.contributor, (ledger.get(c.contributor) ?? 0n) + ((share - fee) * c.amount) / record.stake);
      }
      const entries = [...ledger].map(([account, cumulativeAmount]) => ({ account, cumulativeAmount }));
      const nextTree = buildRewardsTree(entries);
      const d = await sys.as(0);
      const c = { stakingRewards: rewards!, epoch: epoch + 1n, root: nextTree.root as Hex, cumulativeTotal: rewardsTotal(entries), ledgerBlock: await d.publicClient.getBlockNumber(), signedAt: await sys.now() };
      const call = authoriseRewardsCall(rewards!, { ...c, sig: await sign(rewardsMessage(c)) });
      await d.send(call.address, call.abi, call.functionName, call.args);
      tree = nextTree;
      epoch = c.epoch;
      submittedAt = Number(c.signedAt);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
