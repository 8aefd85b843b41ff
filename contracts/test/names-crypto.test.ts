/**
 * The on-chain primitives of the Oxen migration, checked against @noble on random vectors:
 * blake2b-256 via the F precompile, and the ed25519 verifier (SHA-512 + curve arithmetic).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, type Address, type Hex } from 'viem';
import { OxenNameMigration } from '../../sdk/src/generated/contracts.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

describe('names: on-chain blake2b and ed25519', () => {
  let sys: LocalSystem;
  let migration: Address;
  const read = async <T>(functionName: string, args: readonly unknown[]) =>
    (await (await sys.as(0)).publicClient.readContract({ address: migration, abi: OxenNameMigration.abi, functionName, args } as never)) as T;
  const verify = (key: Uint8Array, msg: Uint8Array, sig: Uint8Array) =>
    read<boolean>('verifyEd25519', [bytesToHex(key), bytesToHex(msg), bytesToHex(sig.slice(0, 32)), bytesToHex(sig.slice(32))]);

  before(async () => {
    sys = await startLocalSystem();
    migration = sys.deployments.contracts.OxenNameMigration!;
  });
  after(() => sys.stop());

  it('blake2b-256 matches @noble/hashes for every length 0–128 and random data', async () => {
    for (const len of [0, 1, 2, 31, 32, 33, 63, 64, 65, 127, 128]) {
      const data = crypto.getRandomValues(new Uint8Array(len));
      assert.equal(await read<Hex>('blake2b256', [bytesToHex(data)]), bytesToHex(blake2b(data, { dkLen: 32 })), `length ${len}`);
    }
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 128 }), async (data) => {
        assert.equal(await read<Hex>('blake2b256', [bytesToHex(data)]), bytesToHex(blake2b(data, { dkLen: 32 })));
      }),
      { numRuns: 40 },
    );
  });

  it('accepts valid ed25519 signatures by random keys over random messages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), async (seed, msg) => {
        const sig = ed25519.sign(msg, seed);
        assert.equal(await verify(ed25519.getPublicKey(seed), msg, sig), true);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a signature by another key, over another message, or tampered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 63 }),
        async (seed, otherSeed, msg, flip) => {
          fc.pre(bytesToHex(seed) !== bytesToHex(otherSeed));
          const sig = ed25519.sign(msg, seed);
          assert.equal(await verify(ed25519.getPublicKey(otherSeed), msg, sig), false, 'wrong key');
          const otherMsg = msg.slice();
          otherMsg[flip % 32]! ^= 1;
          assert.equal(await verify(ed25519.getPublicKey(seed), otherMsg, sig), false, 'wrong message');
          const bad = sig.slice();
          bad[flip]! ^= 0x10;
          assert.equal(await verify(ed25519.getPublicKey(seed), msg, bad), ed25519.verify(bad, msg, ed25519.getPublicKey(seed)), 'tampered signature agrees with noble');
        },
      ),
      { numRuns: 15 },
    );
  });

  it('refuses S ≥ L (malleable signatures) and keys that are not curve points', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const msg = crypto.getRandomValues(new Uint8Array(32));
    const sig = ed25519.sign(msg, seed);
    const pub = ed25519.getPublicKey(seed);
    // S + L encodes the same scalar mod L: accepted by a naive verifier, refused here.
    const L = ed25519.Point.Fn.ORDER;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    const sPlusL = s + L;
    const malleable = sig.slice();
    for (let i = 0; i < 32; i++) malleable[32 + i] = Number((sPlusL >> BigInt(8 * i)) & 0xffn);
    assert.equal(await verify(pub, msg, malleable), false);
    // y = 2 is not the y of any curve point (x² would be a non-residue).
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    let valid = true;
    try {
      ed25519.Point.fromBytes(notAPoint);
    } catch {
      valid = false;
    }
    assert.equal(await verify(notAPoint, msg, sig), valid);
  });

  it('maps ed25519 keys to X25519 (Session account IDs) like @noble/curves toMontgomery', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (seed) => {
        const pub = ed25519.getPublicKey(seed);
        assert.equal(await read<Hex>('ed25519ToX25519', [bytesToHex(pub)]), bytesToHex(ed25519.utils.toMontgomery(pub)));
      }),
      { numRuns: 20 },
    );
  });

  it('costs well under the 1M gas budget of a one-off claim', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    const msg = crypto.getRandomValues(new Uint8Array(32));
    const sig = ed25519.sign(msg, seed);
    const gas = await (await sys.as(0)).publicClient.estimateContractGas({
      address: migration,
      abi: OxenNameMigration.abi,
      functionName: 'verifyEd25519',
      args: [bytesToHex(ed25519.getPublicKey(seed)), bytesToHex(msg), bytesToHex(sig.slice(0, 32)), bytesToHex(sig.slice(32))],
    } as never);
    console.log(`  ed25519 verify: ${gas} gas`);
    assert.ok(gas < 1_000_000n, `${gas}`);
  });
});
