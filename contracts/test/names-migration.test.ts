/**
 * Oxen name migration: imported names resolve at once; only the old owner key can claim a
 * name (on-chain ed25519), once; imports never overwrite registered names; admin-only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, decodeErrorResult, type Address, type Hex } from 'viem';
import { decodeRevert, type DecodedRevert } from '../../sdk/src/errors.ts';
import { OxenNameMigration, SessionNameRegistry } from '../../sdk/src/generated/contracts.ts';
import { nameHash, nameId, oxenClaimMessage, parseAccountId, parseOxenImportFile, resolveName, signOxenClaim } from '../../sdk/src/names/index.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const SESSION_ID = `05${'c3'.repeat(32)}`;

describe('names: Oxen name migration', () => {
  let sys: LocalSystem;
  let migration: Address;
  let registry: Address;
  const ownerSecret = ed25519.utils.randomSecretKey();
  const otherSecret = ed25519.utils.randomSecretKey();
  let expiry: bigint;

  const readMigration = async <T>(functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address: migration, abi: OxenNameMigration.abi, functionName, args } as never)) as T;
  const claim = async (who: number, name: string, to: Address, sig: { r: Hex; s: Hex }) =>
    (await sys.as(who)).send(migration, OxenNameMigration.abi, 'claim', [name, to, sig.r, sig.s]);

  before(async () => {
    sys = await startLocalSystem();
    migration = sys.deployments.contracts.OxenNameMigration!;
    registry = sys.deployments.contracts.SessionNameRegistry!;
    expiry = (await sys.now()) + 400n * 24n * 3600n;
    const lines = [
      JSON.stringify({ nameHash: nameHash('OxenUser'), accountId: SESSION_ID, expiry: Number(expiry), ownerKey: bytesToHex(ed25519.getPublicKey(ownerSecret)) }),
      '# comment',
      JSON.stringify({ nameHash: nameHash('second'), accountId: SESSION_ID, expiry: Number(expiry), ownerKey: bytesToHex(ed25519.getPublicKey(ownerSecret)) }),
    ].join('\n');
    const batch = parseOxenImportFile(lines).map((e) => ({ ...e, expiry: e.expiry }));
    await expectRevert((await sys.as(1)).send(migration, OxenNameMigration.abi, 'importNames', [batch]), 'NotAdmin');
    await (await sys.as(0)).send(migration, OxenNameMigration.abi, 'importNames', [batch]);
    // Re-running the same import is harmless: everything is skipped.
    await (await sys.as(0)).send(migration, OxenNameMigration.abi, 'importNames', [batch]);
  });
  after(() => sys.stop());

  it('imported names resolve immediately by plaintext (blake2b of the lowercased name)', async () => {
    const client = (await sys.as(0)).publicClient;
    assert.equal(await resolveName(client, sys.deployments, 'oxenuser'), SESSION_ID);
    assert.equal(await resolveName(client, sys.deployments, 'OXENUSER'), SESSION_ID);
    const [entry] = await client.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId('oxenuser')] });
    assert.equal(entry.imported, true);
    assert.equal(await readMigration('ownerKeyOf', [nameId('oxenuser')]), bytesToHex(ed25519.getPublicKey(ownerSecret)));
  });

  it('refuses an import whose expiry is not in the future (0, past, or this very second): the whole batch, nothing stored', async () => {
    const admin = await sys.as(0);
    const key = bytesToHex(ed25519.getPublicKey(otherSecret));
    const row = (name: string, rowExpiry: bigint) => ({ nameHash: nameHash(name), accountId: parseAccountId(SESSION_ID), expiry: rowExpiry, ownerKey: key });
    const refusal = async (batch: ReturnType<typeof row>[], at: bigint): Promise<DecodedRevert | undefined> => {
      await sys.setNextTimestamp(at);
      try {
        // Sent without a gas estimate, so the block at `at` itself refuses it.
        const hash = await admin.walletClient.writeContract({ address: migration, abi: OxenNameMigration.abi, functionName: 'importNames', args: [batch], account: admin.account, chain: admin.walletClient.chain, gas: 2_000_000n });
        const receipt = await admin.publicClient.waitForTransactionReceipt({ hash });
        assert.equal(receipt.status, 'reverted');
        const trace = await sys.rpc<{ output: Hex }>('debug_traceTransaction', [hash, { tracer: 'callTracer' }]);
        const decoded = decodeErrorResult({ abi: SessionNameRegistry.abi, data: trace.output });
        return { name: decoded.errorName, args: decoded.args ?? [] };
      } catch (error) {
        return decodeRevert(error);
      }
    };
    const unchanged = async (name: string) => {
      const client = admin.publicClient;
      const [entry] = await client.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId(name)] });
      assert.deepEqual({ ...entry }, { accountId: '0x' + '00'.repeat(32), expiry: 0n, version: 0, imported: false }, `${name}: no entry`);
      assert.equal(await readMigration('ownerKeyOf', [nameId(name)]), '0x' + '00'.repeat(32), `${name}: no owner key left behind`);
      assert.equal(await resolveName(client, sys.deployments, name), undefined);
    };
    const t = (await sys.now()) + 100n;
    // A good row next to a bad one: the batch is refused as a whole, the good row included.
    assert.deepEqual(await refusal([row('good-row', t + 86_400n), row('zero-expiry', 0n)], t), { name: 'ExpiryNotInFuture', args: [0n, t] });
    assert.deepEqual(await refusal([row('past-expiry', t - 1n)], t + 1n), { name: 'ExpiryNotInFuture', args: [t - 1n, t + 1n] });
    assert.deepEqual(await refusal([row('expires-now', t + 2n)], t + 2n), { name: 'ExpiryNotInFuture', args: [t + 2n, t + 2n] });
    for (const name of ['good-row', 'zero-expiry', 'past-expiry', 'expires-now']) await unchanged(name);
    // One second later is in the future: imported (then undone, to keep this file's state).
    const snap = await sys.snapshot();
    await sys.setNextTimestamp(t + 3n);
    await admin.send(migration, OxenNameMigration.abi, 'importNames', [[row('expires-now', t + 4n)]]);
    assert.equal(await resolveName(admin.publicClient, sys.deployments, 'expires-now'), SESSION_ID);
    await sys.revert(snap);
  });

  it('refuses a claim signed by the wrong key, for another receiver, or for another name', async () => {
    const to = sys.accounts[1]!.address;
    const message = oxenClaimMessage(sys.anvil.chainId, migration, 'oxenuser', to);
    assert.equal(await readMigration('claimMessage', ['OxenUser', to]), message, 'sdk and contract build the same message');
    await expectRevert(claim(1, 'oxenuser', to, signOxenClaim(otherSecret, message)), 'InvalidOwnerSignature');
    // A valid signature for receiver `to`, replayed by someone naming themselves receiver.
    const good = signOxenClaim(ownerSecret, message);
    await expectRevert(claim(2, 'oxenuser', sys.accounts[2]!.address, good), 'InvalidOwnerSignature');
    await expectRevert(claim(1, 'second', to, good), 'InvalidOwnerSignature');
    await expectRevert(claim(1, 'never-imported', to, good), 'NotClaimable');
    await expectRevert(claim(1, 'bad name', to, good), 'InvalidName');
    assert.equal(await readMigration('ownerKeyOf', [nameId('oxenuser')]), bytesToHex(ed25519.getPublicKey(ownerSecret)), 'nothing changed');
  });

  it('the old owner key claims the name as an ERC-721 token, once; the records survive', async () => {
    const to = sys.accounts[1]!.address;
    const sig = signOxenClaim(ownerSecret, oxenClaimMessage(sys.anvil.chainId, migration, 'oxenuser', to));
    // Anyone may submit the owner's signature; the token still goes to `to`.
    const hash = await claim(3, 'OxenUser', to, sig);
    const client = (await sys.as(0)).publicClient;
    const receipt = await client.getTransactionReceipt({ hash });
    console.log(`  Oxen claim (ed25519 on-chain): ${receipt.gasUsed} gas`);
    assert.equal(await client.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'ownerOf', args: [nameId('oxenuser')] }), to);
    const [entry, name] = await client.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId('oxenuser')] });
    assert.equal(name, 'oxenuser');
    assert.equal(entry.imported, false);
    assert.equal(BigInt(entry.expiry), expiry);
    assert.equal(await resolveName(client, sys.deployments, 'oxenuser'), SESSION_ID);
    await expectRevert(claim(1, 'oxenuser', to, sig), 'NotClaimable');
  });

  it('an import never overwrites a name that exists, and the window closes for good', async () => {
    const admin = await sys.as(0);
    const hostile = [{ nameHash: nameHash('oxenuser'), accountId: parseAccountId(`05${'dd'.repeat(32)}`), expiry: 2n ** 40n, ownerKey: bytesToHex(ed25519.getPublicKey(otherSecret)) }];
    await admin.send(migration, OxenNameMigration.abi, 'importNames', [hostile]);
    assert.equal(await resolveName(admin.publicClient, sys.deployments, 'oxenuser'), SESSION_ID);
    assert.equal(await readMigration('ownerKeyOf', [nameId('oxenuser')]), '0x' + '00'.repeat(32));
    await expectRevert((await sys.as(1)).send(migration, OxenNameMigration.abi, 'finishImport'), 'NotAdmin');
    await admin.send(migration, OxenNameMigration.abi, 'finishImport');
    await expectRevert(admin.send(migration, OxenNameMigration.abi, 'importNames', [hostile]), 'ImportFinished');
  });

  it('an unclaimed import expires like any name: released after the grace period, then unclaimable', async () => {
    const to = sys.accounts[1]!.address;
    const sig = signOxenClaim(ownerSecret, oxenClaimMessage(sys.anvil.chainId, migration, 'second', to));
    const snap = await sys.snapshot();
    await sys.setNextTimestamp(expiry + 90n * 24n * 3600n);
    await sys.rpc('evm_mine');
    await expectRevert(claim(1, 'second', to, sig), 'NameNotFound');
    await sys.revert(snap);
    // In the grace period the old owner can still claim.
    await sys.setNextTimestamp(expiry + 90n * 24n * 3600n - 1n);
    await claim(1, 'second', to, sig);
  });
});
