/**
 * A stand-in for the gateway's portal API, for the browser journey until the real gateway
 * runs in tests. It is not a mock of the chain: it reads the real contracts, and does what the
 * network would — signs reward checkpoints and exits with the active nodes' BLS keys (which the
 * test created) and submits checkpoints to StakingRewards.authoriseRewards.
 * Serves: GET /api/network, GET /api/accounts/:address, POST /api/exits/:nodeId/signature.
 */
import { createServer, type ServerResponse } from 'node:http';
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import { G2 } from '../../sdk/src/bls/curve.ts';
import { GROUP_ORDER, networkSignatureArgs, signNetworkMessage, type BlsKeyPair, type NetworkSignatureArgs } from '../../sdk/src/bls/index.ts';
import { StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { authoriseRewardsCall } from '../../sdk/src/staking/calls.ts';
import { exitMessage, rewardsMessage } from '../../sdk/src/staking/payloads.ts';
import { buildRewardsTree, proofFor, rewardsTotal, type RewardsEntry, type RewardsTree } from '../../sdk/src/staking/rewards-tree.ts';
import type { LocalSystem } from '../../devnet/testkit.ts';

export type NetworkDouble = {
  url: string;
  /** BLS key pairs of the active nodes, by node id (the test adds its nodes' keys). */
  keys: Map<bigint, BlsKeyPair>;
  /** Signs and submits a checkpoint of cumulative rewards (as the network's checkpointer would). */
  checkpoint: (entries: RewardsEntry[]) => Promise<void>;
  stop: () => Promise<void>;
};

const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

export async function startNetworkDouble(sys: LocalSystem): Promise<NetworkDouble> {
  const { StakingRewards: rewards, SessionStaking: staking } = sys.deployments.contracts as Record<string, Address>;
  const chainId = sys.anvil.chainId;
  const keys = new Map<bigint, BlsKeyPair>();
  let tree: RewardsTree | undefined;
  let entries: RewardsEntry[] = [];
  let epoch = 0n;
  let submittedAt = 0;

  /** Every known key signs (the test knows all active nodes), so the quorum is 100%. */
  const sign = (message: { purpose: Hex; payloadHash: Hex }): NetworkSignatureArgs => {
    let secret = 0n;
    for (const pair of keys.values()) secret = (secret + pair.secretKey) % GROUP_ORDER;
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
        return reply(res, 200, { chainId, estimatedAprBps: null, lastCheckpoint: tree ? { epoch, root: tree.root, total: rewardsTotal(entries), ledgerBlock: 0, submittedAt } : null });
      }
      if (req.method === 'GET' && account) {
        if (!isAddress(account[1]!)) return reply(res, 400, { error: 'BadAddress', reason: `${account[1]} is not an address` });
        const who = getAddress(account[1]!);
        const d = await sys.as(0);
        const claimed = (await d.publicClient.readContract({ address: rewards!, abi: StakingRewards.abi, functionName: 'claimed', args: [who] })) as bigint;
        const entry = entries.find((e) => e.account === who);
        const earned = entry?.cumulativeAmount ?? 0n;
        const claim = tree && entry ? proofFor(tree, who) : null;
        return reply(res, 200, {
          stakes: [],
          rewards: { earned, claimed, claimable: earned - claimed, claim: claim ? { cumulativeAmount: claim.cumulativeAmount, proof: claim.proof } : null },
        });
      }
      if (req.method === 'POST' && exit) {
        const signedAt = await sys.now();
        const signature = sign(exitMessage(BigInt(exit[1]!), signedAt));
        return reply(res, 200, { signedAt, signature });
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
    keys,
    async checkpoint(next) {
      const nextTree = buildRewardsTree(next);
      const d = await sys.as(0);
      const c = { stakingRewards: rewards!, epoch: epoch + 1n, root: nextTree.root as Hex, cumulativeTotal: rewardsTotal(next), ledgerBlock: BigInt(await d.publicClient.getBlockNumber()), signedAt: await sys.now() };
      const call = authoriseRewardsCall(rewards!, { epoch: c.epoch, root: c.root, cumulativeTotal: c.cumulativeTotal, ledgerBlock: c.ledgerBlock, signedAt: c.signedAt, sig: sign(rewardsMessage(c)) });
      await d.send(call.address, call.abi, call.functionName, call.args);
      tree = nextTree;
      entries = next.map((e) => ({ ...e, account: getAddress(e.account) }));
      epoch = c.epoch;
      submittedAt = Number(c.signedAt);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
