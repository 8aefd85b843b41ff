import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem';
import { blsKeyPairFromSecret, g1ToHex } from '../src/bls/index.ts';
import {
  DEREGISTER_PURPOSE,
  EXIT_PURPOSE,
  REWARDS_PURPOSE,
  RegistrationPayloadError,
  REWARDS_LEAF_ENCODING,
  RewardsTreeError,
  buildRewardsTree,
  decodeNodeRecord,
  deregisterPayloadHash,
  describeStakingRevert,
  exitPayloadHash,
  nodeKeysArgs,
  openPoolCall,
  parseRegistrationPayload,
  prepareRegistration,
  proofFor,
  rewardsPayloadHash,
  rewardsTotal,
} from '../src/staking/index.ts';

const contract: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const operator: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ed25519 = `0x${'ab'.repeat(32)}` as Hex;
const keyPair = blsKeyPairFromSecret(123456789n);
const payload = () => prepareRegistration({ keyPair, operator, ed25519PublicKey: ed25519, chainId: 31337, contract });

const refusesField = (input: unknown, field: string, context?: { chainId: number; contract: Address }) =>
  assert.throws(
    () => parseRegistrationPayload(input, context),
    (e: Error) => e instanceof RegistrationPayloadError && e.field === field && e.message.includes(field),
  );

describe('staking sdk: registration payload', () => {
  it('round-trips through JSON and verifies the proof of possession for its operator, chain and contract', () => {
    const json = JSON.stringify(payload());
    const parsed = parseRegistrationPayload(json, { chainId: 31337, contract });
    assert.equal(parsed.operator, operator);
    assert.ok(parsed.publicKeyG1.equals(keyPair.publicKeyG1));
    const args = nodeKeysArgs(parsed);
    assert.equal(args.blsKey.x, keyPair.publicKeyG1.toAffine().x);
    assert.equal(args.ed25519Key, ed25519);
  });

  it('names the field of every malformed input', () => {
    refusesField('{not json', 'json');
    refusesField([], 'json');
    for (const field of ['operator', 'blsPublicKey', 'blsPublicKeyG2', 'proofOfPossession', 'ed25519PublicKey']) {
      const p: Record<string, unknown> = { ...payload() };
      delete p[field];
      refusesField(p, field);
    }
    refusesField({ ...payload(), operator: '0x1234' }, 'operator');
    refusesField({ ...payload(), blsPublicKey: '0x1234' }, 'blsPublicKey');
    refusesField({ ...payload(), blsPublicKey: `0x${'00'.repeat(31)}01${'00'.repeat(31)}03` }, 'blsPublicKey'); // (1, 3) is off the curve
    refusesField({ ...payload(), blsPublicKeyG2: payload().blsPublicKey }, 'blsPublicKeyG2');
    refusesField({ ...payload(), proofOfPossession: 42 }, 'proofOfPossession');
    refusesField({ ...payload(), ed25519PublicKey: '0xabc' }, 'ed25519PublicKey');
    refusesField({ ...payload(), ed25519PublicKey: `0x${'00'.repeat(32)}` }, 'ed25519PublicKey');
  });

  it('refuses a proof of possession for another operator, chain, contract or key', () => {
    refusesField({ ...payload(), operator: contract }, 'proofOfPossession', { chainId: 31337, contract });
    refusesField(payload(), 'proofOfPossession', { chainId: 1, contract });
    refusesField(payload(), 'proofOfPossession', { chainId: 31337, contract: operator });
    const other = blsKeyPairFromSecret(987654321n);
    refusesField({ ...payload(), blsPublicKey: g1ToHex(other.publicKeyG1) }, 'proofOfPossession', { chainId: 31337, contract });
  });
});

describe('staking sdk: payload hashes and calls', () => {
  it('hashes payloads as abi.encode of the documented fields', () => {
    const encoded = encodeAbiParameters([{ type: 'uint64' }, { type: 'uint64' }], [7n, 1_700_000_000n]);
    assert.equal(exitPayloadHash(7n, 1_700_000_000n), keccak256(encoded));
    assert.equal(deregisterPayloadHash(7n, 1_700_000_000n), keccak256(encoded));
    assert.notEqual(EXIT_PURPOSE, DEREGISTER_PURPOSE);
    assert.notEqual(EXIT_PURPOSE, REWARDS_PURPOSE);
    const c = { stakingRewards: contract, epoch: 3n, root: `0x${'11'.repeat(32)}` as Hex, cumulativeTotal: 10n ** 15n, ledgerBlock: 99n, signedAt: 5n };
    assert.equal(
      rewardsPayloadHash(c),
      keccak256(
        encodeAbiParameters(
          [{ type: 'address' }, { type: 'uint64' }, { type: 'bytes32' }, { type: 'uint256' }, { type: 'uint64' }, { type: 'uint64' }],
          [contract, 3n, c.root, c.cumulativeTotal, 99n, 5n],
        ),
      ),
    );
    assert.notEqual(rewardsPayloadHash(c), rewardsPayloadHash({ ...c, epoch: 4n }));
  });

  it('builds viem-ready calls with defaults', () => {
    const keys = nodeKeysArgs(parseRegistrationPayload(payload()));
    const call = openPoolCall(contract, { keys, feeBps: 500, autoActivate: true, operatorAmount: 10n });
    assert.equal(call.functionName, 'openPool');
    assert.deepEqual(call.args.slice(1), [500, [], true, 10n, '0x0000000000000000000000000000000000000000']);
  });

  it('decodes a raw node record and describes a decoded revert', () => {
    const s0 = BigInt(operator) | (500n << 160n) | (2n << 176n) | (2n << 184n) | (1n << 200n) | (1234n << 208n);
    const c0 = BigInt(operator) | (100n << 160n) | (77n << 224n);
    const c1 = BigInt(contract) | (50n << 160n) | (78n << 224n);
    const node = decodeNodeRecord([[s0, 0n, 0n, 0n], [c0, c1]]);
    assert.equal(node.operator, operator);
    assert.equal(node.feeBps, 500);
    assert.equal(node.status, 'Active');
    assert.equal(node.activatedAt, 1234n);
    assert.equal(node.autoActivate, true);
    assert.equal(node.stake, 150n);
    assert.equal(node.contributors[1]!.contributor, contract);
    assert.match(describeStakingRevert({ name: 'WithdrawalTooEarly', args: [1n, 99n] }), /^WithdrawalTooEarly\(1, 99\): .*1 day/);
  });
});

describe('staking sdk: rewards tree', () => {
  const entries = Array.from({ length: 37 }, (_, i) => ({
    account: `0x${(i + 1).toString(16).padStart(40, '0')}` as Address,
    cumulativeAmount: BigInt(i) * 1_000n,
  }));

  it('gives proofs that OpenZeppelin verifies, and the total', () => {
    const tree = buildRewardsTree(entries);
    for (const e of entries) {
      const p = proofFor(tree, e.account);
      assert.equal(p.cumulativeAmount, e.cumulativeAmount);
      assert.ok(StandardMerkleTree.verify(tree.root, [...REWARDS_LEAF_ENCODING], [e.account, e.cumulativeAmount], p.proof));
    }
    assert.equal(rewardsTotal(entries), 666_000n);
  });

  it('refuses empty lists, duplicates, bad addresses and negative amounts; unknown accounts have no proof', () => {
    assert.throws(() => buildRewardsTree([]), RewardsTreeError);
    assert.throws(() => buildRewardsTree([entries[0]!, { ...entries[0]!, account: entries[0]!.account.toUpperCase().replace('0X', '0x') as Address }]), /appears twice/);
    assert.throws(() => buildRewardsTree([{ account: '0x12' as Address, cumulativeAmount: 1n }]), /not an address/);
    assert.throws(() => buildRewardsTree([{ account: entries[0]!.account, cumulativeAmount: -1n }]), /uint256/);
    assert.throws(() => proofFor(buildRewardsTree(entries), operator), /no rewards/);
  });
});
