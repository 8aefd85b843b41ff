/**
 * A verified primary (reverse) name dies for good when its name changes hands or is
 * released: pointing the name back at the old account — by a new owner, after a transfer
 * back, or after a re-registration — must not bring the old record back. A signature the
 * account made for one holding of the name cannot be used after the name moved on.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { erc20Abi, type Abi, type Address, type Hex } from 'viem';
import { SessionNameRegistry } from '../../sdk/src/generated/contracts.ts';
import { accountIdFromEd25519, commitCall, nameId, parseAccountId, primaryNameInfo, randomSecret, registerCall, registrationPrice, renewCall, reverseLookup, setVerifiedPrimaryNameCall } from '../../sdk/src/names/index.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const GRACE = 90n * 24n * 3600n;
const NAME = 'alicename';
const ALICE = 1;
const BOB = 2;

describe('names: stale verified primary names stay dead', () => {
  let sys: LocalSystem;
  let registry: Address;
  let clean: Hex;
  const aliceKey = ed25519.utils.randomSecretKey();
  const aliceAccount = accountIdFromEd25519(ed25519.getPublicKey(aliceKey));
  const none = { name: undefined, verified: false };

  const client = async () => (await sys.as(0)).publicClient;
  const exec = async (who: number, c: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) =>
    (await sys.as(who)).send(c.address, c.abi, c.functionName, c.args);
  const registryCall = (functionName: string, args: readonly unknown[]) => ({ address: registry, abi: SessionNameRegistry.abi as Abi, functionName, args });
  const primary = async () => primaryNameInfo(await client(), sys.deployments, aliceAccount);
  const pointAtAlice = (who: number) => exec(who, registryCall('setAccountId', [nameId(NAME), parseAccountId(aliceAccount)]));
  const transfer = (from: number, to: number) => exec(from, registryCall('transferFrom', [sys.accounts[from]!.address, sys.accounts[to]!.address, nameId(NAME)]));
  const register = async (who: number) => {
    const request = { name: NAME, owner: sys.accounts[who]!.address, accountId: aliceAccount, secret: randomSecret() };
    await exec(who, commitCall(sys.deployments, request).call);
    await sys.increaseTime(60);
    // Right after a release the price includes the premium: pay what is quoted.
    await exec(who, registerCall(sys.deployments, request, await registrationPrice(await client(), sys.deployments, NAME, 1)));
  };
  const expiryOf = async () => {
    const [entry] = await (await client()).readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'entryOf', args: [nameId(NAME)] });
    return BigInt(entry.expiry);
  };

  before(async () => {
    sys = await startLocalSystem();
    registry = sys.deployments.contracts.SessionNameRegistry!;
    const { SESH: token, SessionNameRegistrar: registrar } = sys.deployments.contracts as Record<string, Address>;
    for (const i of [ALICE, BOB]) {
      await (await sys.as(0)).send(token, erc20Abi, 'transfer', [sys.accounts[i]!.address, sesh(10_000)]);
      await (await sys.as(i)).send(token, erc20Abi, 'approve', [registrar, 2n ** 255n]);
    }
    // Alice registers her name and makes it her verified primary name with her Session key.
    await register(ALICE);
    await exec(ALICE, await setVerifiedPrimaryNameCall(await client(), sys.deployments, NAME, aliceAccount, aliceKey));
    assert.deepEqual(await primary(), { name: NAME, verified: true });
    clean = await sys.snapshot();
  });
  beforeEach(async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
  });
  after(() => sys.stop());

  it('transfer: the new owner pointing the name at the old account does not revive it, nor does a transfer back', async () => {
    await transfer(ALICE, BOB);
    assert.deepEqual(await primary(), none);
    await pointAtAlice(BOB);
    assert.deepEqual(await primary(), none, 'not reported verified, nor as any primary name');
    assert.equal(await reverseLookup(await client(), sys.deployments, aliceAccount), undefined);
    // Back to Alice and pointed at her account again: still dead until she signs anew.
    await transfer(BOB, ALICE);
    await pointAtAlice(ALICE);
    assert.deepEqual(await primary(), none);
    await exec(ALICE, await setVerifiedPrimaryNameCall(await client(), sys.deployments, NAME, aliceAccount, aliceKey));
    assert.deepEqual(await primary(), { name: NAME, verified: true }, 'a fresh signature works');
  });

  it('transfer: the dead verified record no longer blocks an unverified one, which is reported unverified', async () => {
    await transfer(ALICE, BOB);
    await pointAtAlice(BOB);
    await exec(BOB, registryCall('setPrimaryName', [nameId(NAME)]));
    assert.deepEqual(await primary(), { name: NAME, verified: false });
  });

  it('expiry + release + re-registration to the same account does not revive it', async () => {
    await sys.setNextTimestamp((await expiryOf()) + GRACE);
    await sys.rpc('evm_mine');
    assert.deepEqual(await primary(), none);
    await register(BOB); // points at Alice's account from the start
    assert.deepEqual(await primary(), none, 'Bob re-registered it: not Alice\'s verified choice');
    await sys.setNextTimestamp((await expiryOf()) + GRACE);
    await sys.rpc('evm_mine');
    await register(ALICE); // even Alice herself: a new registration needs a new signature
    assert.deepEqual(await primary(), none);
  });

  it('unverified records die the same way on a transfer', async () => {
    const second = 'alicesecond';
    const request = { name: second, owner: sys.accounts[BOB]!.address, accountId: `05${'b0'.repeat(32)}`, secret: randomSecret() };
    await exec(BOB, commitCall(sys.deployments, request).call);
    await sys.increaseTime(60);
    await exec(BOB, registerCall(sys.deployments, request, sesh(10)));
    await exec(BOB, registryCall('setPrimaryName', [nameId(second)]));
    assert.equal(await reverseLookup(await client(), sys.deployments, request.accountId), second);
    await exec(BOB, registryCall('transferFrom', [sys.accounts[BOB]!.address, sys.accounts[ALICE]!.address, nameId(second)]));
    await exec(ALICE, registryCall('setAccountId', [nameId(second), parseAccountId(request.accountId)]));
    assert.equal(await reverseLookup(await client(), sys.deployments, request.accountId), undefined);
  });

  it('a signature made for one holding of the name is void after a transfer', async () => {
    // Alice's account signs (nonce 1) while Alice holds the name, but the call is not sent.
    const signed = await setVerifiedPrimaryNameCall(await client(), sys.deployments, NAME, aliceAccount, aliceKey);
    await transfer(ALICE, BOB);
    await pointAtAlice(BOB);
    await expectRevert(exec(BOB, signed), 'InvalidAccountSignature');
    assert.deepEqual(await primary(), none);
  });

  it('the same owner renewing in the grace period keeps the record (the name never changed hands)', async () => {
    await sys.setNextTimestamp((await expiryOf()) + 1n);
    await sys.rpc('evm_mine');
    assert.deepEqual(await primary(), none, 'not reported while expired');
    await exec(ALICE, renewCall(sys.deployments, NAME, 1, sesh(10)));
    assert.deepEqual(await primary(), { name: NAME, verified: true });
  });
});
