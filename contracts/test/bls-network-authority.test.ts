/** NetworkAuthority on a real chain: key set, proofs of possession, network signatures. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { keccak256, toBytes, type Address, type Hex } from 'viem';
import { bn254 } from '@noble/curves/bn254.js';
import { NetworkAuthorityHarness } from '../../sdk/src/generated/contracts.ts';
import {
  FIELD_MODULUS,
  aggregateG1,
  aggregateG2,
  blsKeyPairFromSecret,
  blsPurpose,
  g1ToSolidity,
  g2ToSolidity,
  networkDigest,
  networkSignatureArgs,
  proofOfPossessionDigest,
  signNetworkMessage,
  signProofOfPossession,
  type BlsKeyPair,
  type NetworkSignatureArgs,
} from '../../sdk/src/bls/index.ts';
import { decodeRevert } from '../../sdk/src/errors.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const abi = NetworkAuthorityHarness.abi;
const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const PURPOSE = blsPurpose('SESH.test.v1');
const PAYLOAD = keccak256(toBytes('payload 1'));
const keyOf = (i: number) => blsKeyPairFromSecret(BigInt(keccak256(toBytes(`bls test key ${i}`))) % 2n ** 250n + 1n);

describe('NetworkAuthority (harness)', () => {
  let sys: LocalSystem;
  let chainId: number;
  /** Harness with nodes 1..10 active. */
  let harness: Address;
  const keys = new Map<number, BlsKeyPair>(Array.from({ length: 10 }, (_, i) => [i + 1, keyOf(i + 1)]));

  const read = async <T>(address: Address, functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address, abi, functionName, args } as never)) as T;
  const verify = (sig: NetworkSignatureArgs, purpose: Hex = PURPOSE, payload: Hex = PAYLOAD, at: Address = harness) =>
    read(at, 'verifyNetworkSignature', [purpose, payload, sig]);

  /** The network signature of every active node except `nonSigners`, with overridable message fields. */
  function networkSig(nonSigners: number[], message: { chainId?: number; contract?: Address; purpose?: Hex; payloadHash?: Hex } = {}): NetworkSignatureArgs {
    const signers = [...keys].filter(([id]) => !nonSigners.includes(id)).map(([, k]) => k);
    const msg = { chainId, contract: harness, purpose: PURPOSE, payloadHash: PAYLOAD, ...message };
    return networkSignatureArgs({
      sigma: aggregateG1(signers.map((k) => signNetworkMessage({ ...msg, secretKey: k.secretKey }))),
      apkG2: aggregateG2(signers.map((k) => k.publicKeyG2)),
      nonSigners: nonSigners.map((id) => ({ nodeId: id, publicKeyG1: keys.get(id)!.publicKeyG1 })),
    });
  }

  before(async () => {
    sys = await startLocalSystem();
    chainId = sys.anvil.chainId;
    const admin = await sys.as(0);
    harness = await admin.deploy('NetworkAuthorityHarness');
    await admin.send(harness, abi, 'seedNodeKeys', [1n, [...keys.values()].map((k) => g1ToSolidity(k.publicKeyG1))]);
  });
  after(() => sys.stop());

  it('keeps the keys, their aggregate and count, and computes the sdk digests', async () => {
    assert.equal(await read(harness, 'activeNodeCount'), 10n);
    assert.deepEqual(await read(harness, 'aggregateKey'), g1ToSolidity(aggregateG1([...keys.values()].map((k) => k.publicKeyG1))));
    for (const [id, key] of keys) {
      assert.deepEqual(await read(harness, 'nodeKey', [BigInt(id)]), g1ToSolidity(key.publicKeyG1));
      assert.equal(await read(harness, 'nodeIdOfKey', [key.publicKeyG1.toAffine().x]), BigInt(id));
    }
    assert.equal(await read(harness, 'nodeIdOfKey', [123n]), 0n);
    await expectRevert(read(harness, 'nodeKey', [11n]), 'NodeKeyNotActive');
    assert.equal(await read(harness, 'networkDigest', [PURPOSE, PAYLOAD]), networkDigest({ chainId, contract: harness, purpose: PURPOSE, payloadHash: PAYLOAD }));
    const operator = sys.accounts[3]!.address;
    const pk = keys.get(1)!.publicKeyG1;
    assert.equal(await read(harness, 'proofOfPossessionDigest', [operator, g1ToSolidity(pk)]), proofOfPossessionDigest({ chainId, contract: harness, operator, publicKey: pk }));
  });

  it('accepts a valid aggregate signature with 0 and with 3 non-signers, also as a transaction', async () => {
    await verify(networkSig([]));
    await verify(networkSig([2, 5, 9]));
    await (await sys.as(4)).send(harness, abi, 'verifyNetworkSignatureTx', [PURPOSE, PAYLOAD, networkSig([10, 1, 4])]);
  });

  it('refuses tampered signatures and signatures of another message, chain, contract or purpose', async () => {
    const good = networkSig([3]);
    const sigma = G1.fromAffine(good.sigma);
    const cases: [string, () => Promise<unknown>][] = [
      ['sigma + G1', () => verify({ ...good, sigma: g1ToSolidity(sigma.add(G1.BASE)) })],
      ['sigma off curve', () => verify({ ...good, sigma: { x: good.sigma.x, y: good.sigma.y ^ 1n } })],
      ['sigma = identity', () => verify({ ...good, sigma: { x: 0n, y: 0n } })],
      ['apkG2 + G2', () => verify({ ...good, apkG2: g2ToSolidity(G2.fromAffine({ x: { c0: good.apkG2.x[1], c1: good.apkG2.x[0] }, y: { c0: good.apkG2.y[1], c1: good.apkG2.y[0] } }).add(G2.BASE)) })],
      ['apkG2 real/imag swapped', () => verify({ ...good, apkG2: { x: [good.apkG2.x[1], good.apkG2.x[0]], y: [good.apkG2.y[1], good.apkG2.y[0]] } })],
      ['other payload', () => verify(good, PURPOSE, keccak256(toBytes('payload 2')))],
      ['other purpose (same signature)', () => verify(good, blsPurpose('SESH.other.v1'))],
      ['signed for another chain', () => verify(networkSig([3], { chainId: chainId + 1 }))],
      ['signed for another contract', () => verify(networkSig([3], { contract: sys.deployments.contracts.SESH! }))],
      ['signed for another purpose', () => verify(networkSig([3], { purpose: blsPurpose('SESH.other.v1') }))],
      ['non-signer not named (signature without node 3, no non-signer listed)', () => verify({ ...good, nonSigners: [], nonSignerY: [] })],
    ];
    for (const [what, attempt] of cases) {
      await expectRevert(attempt(), 'InvalidNetworkSignature').catch((error: Error) => assert.fail(`${what}: ${error.message}`));
    }
  });

  it('enforces the non-signer rules, each with its own error', async () => {
    const y = (id: number) => keys.get(id)!.publicKeyG1.toAffine().y;
    const base = networkSig([2, 5]);
    await expectRevert(verify({ ...base, nonSigners: [2n, 2n], nonSignerY: [y(2), y(2)] }), 'NonSignerListedTwice');
    await expectRevert(verify({ ...base, nonSigners: [5n, 2n], nonSignerY: [y(5), y(2)] }), 'NonSignersNotSorted');
    await expectRevert(verify({ ...base, nonSignerY: [y(2), FIELD_MODULUS - y(5)] }), 'NonSignerKeyMismatch');
    await expectRevert(verify({ ...base, nonSignerY: [y(2), y(5) + 2n] }), 'NonSignerKeyMismatch'); // same parity, off curve
    await expectRevert(verify({ ...base, nonSignerY: [y(2) + FIELD_MODULUS, y(5)] }), 'NonSignerKeyMismatch'); // unreduced
    await expectRevert(verify({ ...base, nonSignerY: [y(5), y(2)] }), 'NonSignerKeyMismatch'); // ys swapped
    await expectRevert(verify({ ...base, nonSigners: [2n, 11n] }), 'NonSignerNotActive');
    await expectRevert(verify({ ...base, nonSigners: [0n, 2n] }), 'NonSignerNotActive');
    await expectRevert(verify({ ...base, nonSignerY: [y(2)] }), 'NonSignerLengthMismatch');
    // 3 of 10 may abstain (7·3 ≥ 20); 4 may not.
    await verify(networkSig([1, 2, 3]));
    try {
      await verify(networkSig([1, 2, 3, 4]));
      assert.fail('4 non-signers of 10 were accepted');
    } catch (error) {
      assert.deepEqual(decodeRevert(error), { name: 'InsufficientSigners', args: [6n, 7n] });
    }
    const empty = await (await sys.as(0)).deploy('NetworkAuthorityHarness');
    await expectRevert(verify(base, PURPOSE, PAYLOAD, empty), 'NoActiveNodes');
  });

  it('registers a key only with a proof of possession bound to the operator, chain and contract', async () => {
    const operator = await sys.as(2);
    const other = sys.accounts[3]!.address;
    const key = keyOf(100);
    const pk = key.publicKeyG1;
    const pop = (ctx: { chainId?: number; contract?: Address; operator?: Address } = {}) =>
      g1ToSolidity(signProofOfPossession({ chainId, contract: harness, operator: operator.account.address, ...ctx, secretKey: key.secretKey, publicKey: pk }));
    const register = (nodeId: bigint, pop: ReturnType<typeof g1ToSolidity>, pkG2 = key.publicKeyG2, k = pk) =>
      operator.send(harness, abi, 'registerWithProof', [nodeId, g1ToSolidity(k), g2ToSolidity(pkG2), pop]);
    await expectRevert(register(20n, pop({ operator: other })), 'InvalidProofOfPossession');
    await expectRevert(register(20n, pop({ chainId: chainId + 1 })), 'InvalidProofOfPossession');
    await expectRevert(register(20n, pop({ contract: sys.deployments.contracts.SESH! })), 'InvalidProofOfPossession');
    await expectRevert(register(20n, pop(), keyOf(101).publicKeyG2), 'InvalidProofOfPossession');
    await expectRevert(register(20n, { x: 0n, y: 0n }), 'InvalidProofOfPossession');
    await expectRevert(register(20n, pop(), key.publicKeyG2, G1.fromAffine({ x: 1n, y: 2n }).add(pk)), 'InvalidProofOfPossession');
    await expectRevert(operator.send(harness, abi, 'registerWithProof', [20n, { x: 1n, y: 3n }, g2ToSolidity(key.publicKeyG2), pop()]), 'InvalidBlsKey');
    // The stolen-key incident: another operator cannot reuse this PoP (it names our operator).
    await expectRevert(
      (await sys.as(3)).send(harness, abi, 'registerWithProof', [20n, g1ToSolidity(pk), g2ToSolidity(key.publicKeyG2), pop()]),
      'InvalidProofOfPossession',
    );
    assert.equal(await read(harness, 'activeNodeCount'), 10n);
    await register(20n, pop());
    assert.equal(await read(harness, 'nodeIdOfKey', [pk.toAffine().x]), 20n);
    try {
      await register(21n, pop());
      assert.fail('a duplicate key was accepted');
    } catch (error) {
      assert.deepEqual(decodeRevert(error), { name: 'DuplicateBlsKey', args: [20n] });
    }
    // A valid PoP of a key already held by node 1 (made by its owner for this operator).
    const k1 = keys.get(1)!;
    const pop1 = signProofOfPossession({ chainId, contract: harness, operator: operator.account.address, secretKey: k1.secretKey, publicKey: k1.publicKeyG1 });
    await expectRevert(register(22n, g1ToSolidity(pop1), k1.publicKeyG2, k1.publicKeyG1), 'DuplicateBlsKey');
    const key2 = keyOf(102);
    const pop2 = signProofOfPossession({ chainId, contract: harness, operator: operator.account.address, secretKey: key2.secretKey, publicKey: key2.publicKeyG1 });
    await expectRevert(register(20n, g1ToSolidity(pop2), key2.publicKeyG2, key2.publicKeyG1), 'NodeKeyAlreadyActive');
    await expectRevert(register(0n, g1ToSolidity(pop2), key2.publicKeyG2, key2.publicKeyG1), 'InvalidNodeId');
    await operator.send(harness, abi, 'removeNodeKey', [20n]);
    await expectRevert(operator.send(harness, abi, 'removeNodeKey', [20n]), 'NodeKeyNotActive');
    assert.equal(await read(harness, 'activeNodeCount'), 10n);
  });

  it('property: after random adds and removes, aggregateKey() is the sum of the active keys', async () => {
    const admin = await sys.as(0);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ add: fc.boolean(), node: fc.integer({ min: 1, max: 8 }), key: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 14 }),
        async (ops) => {
          const h = await admin.deploy('NetworkAuthorityHarness');
          const active = new Map<number, number>(); // node → key index
          for (const op of ops) {
            if (op.add) {
              const taken = [...active.values()].includes(op.key);
              const attempt = admin.send(h, abi, 'addNodeKey', [BigInt(op.node), g1ToSolidity(keyOf(op.key).publicKeyG1)]);
              if (taken) await expectRevert(attempt, 'DuplicateBlsKey');
              else if (active.has(op.node)) await expectRevert(attempt, 'NodeKeyAlreadyActive');
              else {
                await attempt;
                active.set(op.node, op.key);
              }
            } else if (active.has(op.node)) {
              await admin.send(h, abi, 'removeNodeKey', [BigInt(op.node)]);
              active.delete(op.node);
            } else {
              await expectRevert(admin.send(h, abi, 'removeNodeKey', [BigInt(op.node)]), 'NodeKeyNotActive');
            }
          }
          const expected = aggregateG1([...active.values()].map((k) => keyOf(k).publicKeyG1));
          assert.deepEqual(await read(h, 'aggregateKey'), g1ToSolidity(expected));
          assert.equal(await read(h, 'activeNodeCount'), BigInt(active.size));
          for (const [node, k] of active) assert.deepEqual(await read(h, 'nodeKey', [BigInt(node)]), g1ToSolidity(keyOf(k).publicKeyG1));
        },
      ),
      { numRuns: 12 },
    );
  });
});
