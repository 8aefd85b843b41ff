/**
 * Gas of the BN254 BLS layer (contracts/src/crypto), measured on the test harnesses.
 *
 * hashToCurve: gas(BN254Harness.hashToG1Tx(d)) − gas(BN254Harness.baselineTx(d)). Both txs have
 * the same calldata, dispatch and one event of two words, so the 21,000 base, calldata and
 * overhead cancel and the row is the hash itself. Averaged over 32 fixed digests (the number of
 * try-and-increment rounds varies per digest; ~2 on average).
 *
 * networkSigCheck/*: the full tx gas (base + calldata included) of
 * NetworkAuthorityHarness.verifyNetworkSignatureTx with 2,000 active keys and 0 / 10 / 100
 * non-signers; perNonSigner = (gas with 100 − gas with 0) / 100, calldata included.
 * The keys are seeded without proofs via the harness; the signature is the real aggregate
 * (Σ sk of the signers)·H, the same bytes as aggregating each signer's signature.
 */
import { keccak256, toBytes, toHex, type Address, type Hex } from 'viem';
import { BN254Harness, NetworkAuthorityHarness } from '../../sdk/src/generated/contracts.ts';
import {
  GROUP_ORDER,
  blsKeyPairFromSecret,
  blsPurpose,
  g1ToSolidity,
  g2ToSolidity,
  hashToG1,
  networkDigest,
  networkSignatureArgs,
  signProofOfPossession,
} from '../../sdk/src/bls/index.ts';
import { bn254 } from '@noble/curves/bn254.js';
import type { LocalSystem } from '../../devnet/testkit.ts';
import { gasUsed, type GasSuite } from './types.ts';

const secretOf = (i: number) => (BigInt(keccak256(toBytes(`bench bls key ${i}`))) % (GROUP_ORDER - 1n)) + 1n;

/** EIP-2028 calldata gas: 4 per zero byte, 16 per non-zero byte. */
export function calldataGas(input: Hex): bigint {
  let gas = 0n;
  for (let i = 2; i < input.length; i += 2) gas += input.slice(i, i + 2) === '00' ? 4n : 16n;
  return gas;
}

/** Gas of one verifyNetworkSignatureTx on a harness with `activeNodes` keys, per non-signer count. */
export async function measureNetworkSignatureGas(
  sys: LocalSystem,
  activeNodes: number,
  nonSignerCounts: number[],
  log: (line: string) => void = () => {},
): Promise<Map<number, { gas: bigint; calldataGas: bigint }>> {
  const admin = await sys.as(0);
  const harness = await admin.deploy('NetworkAuthorityHarness');
  const secrets = Array.from({ length: activeNodes }, (_, i) => secretOf(i + 1));
  const keys = secrets.map((s) => bn254.G1.Point.BASE.multiply(s));
  const batch = 100;
  for (let first = 0; first < activeNodes; first += batch) {
    const slice = keys.slice(first, first + batch).map(g1ToSolidity);
    await admin.send(harness, NetworkAuthorityHarness.abi, 'seedNodeKeys', [BigInt(first + 1), slice]);
    log(`seeded ${Math.min(first + batch, activeNodes)}/${activeNodes} keys`);
  }
  const purpose = blsPurpose('SESH.bench.v1');
  const payloadHash = keccak256(toBytes('bench payload'));
  const h = hashToG1(networkDigest({ chainId: sys.anvil.chainId, contract: harness, purpose, payloadHash }));
  const result = new Map<number, { gas: bigint; calldataGas: bigint }>();
  for (const count of nonSignerCounts) {
    // Non-signers spread over the id range, so each costs a cold storage read.
    const step = Math.max(1, Math.floor(activeNodes / Math.max(count, 1)));
    const nonSignerIds = Array.from({ length: count }, (_, i) => i * step + 1);
    const skipped = new Set(nonSignerIds);
    let sum = 0n;
    secrets.forEach((s, i) => {
      if (!skipped.has(i + 1)) sum = (sum + s) % GROUP_ORDER;
    });
    const sig = networkSignatureArgs({
      sigma: h.multiply(sum),
      apkG2: bn254.G2.Point.BASE.multiply(sum),
      nonSigners: nonSignerIds.map((id) => ({ nodeId: id, publicKeyG1: keys[id - 1]! })),
    });
    const hash = await admin.send(harness, NetworkAuthorityHarness.abi, 'verifyNetworkSignatureTx', [purpose, payloadHash, sig]);
    const { gasUsed } = await admin.publicClient.getTransactionReceipt({ hash });
    const { input } = await admin.publicClient.getTransaction({ hash });
    result.set(count, { gas: gasUsed, calldataGas: calldataGas(input) });
  }
  return result;
}

export const cryptoGas: GasSuite = {
  name: 'crypto (BN254 BLS)',
  async measure(sys) {
    const admin = await sys.as(0);
    const gasOf = (hash: Hex) => gasUsed(admin.publicClient, hash);
    const bn: Address = await admin.deploy('BN254Harness');
    let total = 0n;
    const runs = 32;
    for (let i = 0; i < runs; i++) {
      const digest = keccak256(toHex(`hash-to-curve bench ${i}`));
      const hashed = await gasOf(await admin.send(bn, BN254Harness.abi, 'hashToG1Tx', [digest]));
      const baseline = await gasOf(await admin.send(bn, BN254Harness.abi, 'baselineTx', [digest]));
      total += hashed - baseline;
    }

    // Register-with-proof on the harness: PoP check + key activation (tx gas, all-in).
    const authority = await admin.deploy('NetworkAuthorityHarness');
    const key = blsKeyPairFromSecret(secretOf(999_999));
    const pop = signProofOfPossession({ chainId: sys.anvil.chainId, contract: authority, operator: admin.account.address, secretKey: key.secretKey, publicKey: key.publicKeyG1 });
    const register = await gasOf(
      await admin.send(authority, NetworkAuthorityHarness.abi, 'registerWithProof', [1n, g1ToSolidity(key.publicKeyG1), g2ToSolidity(key.publicKeyG2), g1ToSolidity(pop)]),
    );

    const checks = await measureNetworkSignatureGas(sys, 2000, [0, 10, 100], (line) => process.stderr.write(`  ${line}\r`));
    process.stderr.write('\n');
    const [c0, c10, c100] = [checks.get(0)!, checks.get(10)!, checks.get(100)!];
    const perNonSigner = (c100.gas - c0.gas) / 100n;
    const perNonSignerCalldata = (c100.calldataGas - c0.calldataGas) / 100n;
    process.stderr.write(`  per non-signer: ${perNonSigner} gas = ${perNonSigner - perNonSignerCalldata} execution + ${perNonSignerCalldata} calldata\n`);
    return [
      { operation: 'hashToCurve', gas: total / BigInt(runs) },
      { operation: 'blsRegisterWithPopHarness', gas: register },
      { operation: 'networkSigCheck/2000n/0ns', gas: c0.gas },
      { operation: 'networkSigCheck/2000n/10ns', gas: c10.gas },
      { operation: 'networkSigCheck/2000n/100ns', gas: c100.gas },
      { operation: 'networkSigCheck/perNonSigner', gas: perNonSigner },
      { operation: 'networkSigCheck/perNonSignerExec', gas: perNonSigner - perNonSignerCalldata },
    ];
  },
};
