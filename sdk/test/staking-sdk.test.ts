import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { ed25519 as ed } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
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
  ed25519SignatureWords,
  exitPayloadHash,
  nodeKeysArgs,
  openPoolCall,
  parseRegistrationPayload,
  prepareRegistration,
  proofFor,
  rewardsPayloadHash,
  rewardsTotal,
  verifyEd25519Registration,
} from '../src/staking/index.ts';

const contract: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const operator: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ed25519Secret = new Uint8Array(32).fill(7);
const ed25519 = `0x${bytesToHex(ed.getPublicKey(ed25519Secret))}` as Hex;
const keyPair = blsKeyPairFromSecret(123456789n);
const payload = (o: { operator?: Address; keyPair?: typeof keyPair; edSecret?: Uint8Array } = {}) =>
  prepareRegistration({ keyPair: o.keyPair ?? keyPair, operator: o.operator ?? operator, ed25519SecretKey: o.edSecret ?? ed25519Secret, chainId: 31337, contract });

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
    assert.deepEqual(args.ed25519Signature, ed25519SignatureWords(payload().ed25519Signature));
    assert.ok(verifyEd25519Registration({ chainId: 31337, contract, operator, blsKey: keyPair.publicKeyG1.toAffine(), ed25519Key: ed25519, signature: args.ed25519Signature }));
  });

  it('names the field of every malformed input', () => {
    refusesField('{not json', 'json');
    refusesField([], 'json');
    for (const field of ['operator', 'blsPublicKey', 'blsPublicKeyG2', 'proofOfPossession', 'ed25519PublicKey', 'ed25519Signature']) {
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
    refusesField({ ...payload(), ed25519Signature: '0x1234' }, 'ed25519Signature');
    refusesField({ ...payload(), ed25519Signature: payload().ed25519Signature.slice(0, -2) }, 'ed25519Signature');
  });

  it('refuses, with context, an ed25519 signature that is tampered with, or made for another operator, BLS key, chain, contract or ed25519 key', () => {
    const ctx = { chainId: 31337, contract };
    const rerun = (input: unknown) =>
      assert.throws(
        () => parseRegistrationPayload(input, ctx),
        (e: Error) => e instanceof RegistrationPayloadError && e.field === 'ed25519Signature' && /rerun prepare-registration/i.test(e.message),
      );
    const good = payload();
    parseRegistrationPayload(good, ctx);
    // Tampered: one bit of S, one bit of R.
    const flip = (sig: string, at: number) => `${sig.slice(0, at)}${(parseInt(sig[at]!, 16) ^ 1).toString(16)}${sig.slice(at + 1)}`;
    rerun({ ...good, ed25519Signature: flip(good.ed25519Signature, 100) });
    rerun({ ...good, ed25519Signature: flip(good.ed25519Signature, 10) });
    // Another operator: a valid payload for `other` (its PoP passes) carrying the signature made for `operator`.
    const other: Address = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
    rerun({ ...payload({ operator: other }), ed25519Signature: good.ed25519Signature });
    // Another BLS key: the cloner's own BLS key and PoP, the honest node's ed25519 key and signature.
    const cloner = payload({ keyPair: blsKeyPairFromSecret(555n) });
    rerun({ ...cloner, ed25519Signature: good.ed25519Signature });
    // Another ed25519 key claimed with a signature by a different one.
    rerun({ ...good, ed25519PublicKey: payload({ edSecret: new Uint8Array(32).fill(9) }).ed25519PublicKey });
    // Another chain or contract: the PoP fails first (it is bound the same way).
    refusesField(good, 'proofOfPossession', { chainId: 1, contract });
    // Without context only the format is checked (the network still verifies it from the event).
    parseRegistrationPayload({ ...good, ed25519Signature: flip(good.ed25519Signature, 100) });
  });

  it('prepareRegistration signs with the secret and refuses a public key that is not the secret\'s', () => {
    assert.equal(payload().ed25519PublicKey, ed25519);
    assert.throws(
      () => prepareRegistration({ keyPair, operator, ed25519SecretKey: ed25519Secret, ed25519PublicKey: `0x${'ab'.repeat(32)}`, chainId: 31337, contract }),
      (e: Error) => e instanceof RegistrationPayloadError && e.field === 'ed25519PublicKey',
    );
    assert.throws(() => prepareRegistration({ keyPair, operator, ed25519SecretKey: new Uint8Array(31), chainId: 31337, contract }), RegistrationPayloadError);
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
