/**
 * Session Name Service on the real contracts: commit–reveal (incl. a defeated front-run),
 * exact expiry/grace/renewal boundaries, transfers wiping records, reverse lookup, prices,
 * payments through the fee router, and every bad input refused with no state change.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { erc20Abi, type Abi, type Address, type Hex } from 'viem';
import { SessionNameRegistrar, SessionNameRegistry } from '../../sdk/src/generated/contracts.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  accountIdFromEd25519,
  primaryNameInfo,
  primaryNameMessage,
  setVerifiedPrimaryNameCall,
  commitCall,
  InvalidAccountIdError,
  InvalidNameError,
  lookupName,
  makeCommitment,
  nameId,
  parseAccountId,
  randomSecret,
  registerCall,
  resolveName,
  reverseLookup,
} from '../../sdk/src/names/index.ts';
import { sesh } from '../../sdk/src/units.ts';
import { expectRevert, startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const YEAR = 365n * 24n * 3600n;
const GRACE = 90n * 24n * 3600n;
const DAY = 24n * 3600n;
const ALICE_ID = `05${'a1'.repeat(32)}`;
const BOB_ID = `05${'b2'.repeat(32)}`;
/** maxPrice for tests not about the price limit (names-max-price.test.ts covers it). */
const NO_LIMIT = 2n ** 256n - 1n;

describe('names: registrar and registry', () => {
  let sys: LocalSystem;
  let registrar: Address;
  let registry: Address;
  let token: Address;
  let pool: Address;
  let clean: Hex;

  const balanceOf = async (who: Address) =>
    (await sys.as(0)).publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
  const readRegistry = async <T>(functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address: registry, abi: SessionNameRegistry.abi, functionName, args } as never)) as T;
  const readRegistrar = async <T>(functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address: registrar, abi: SessionNameRegistrar.abi, functionName, args } as never)) as T;
  const exec = async (who: number, c: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) =>
    (await sys.as(who)).send(c.address, c.abi, c.functionName, c.args);

  /** Commits as `who`, waits 60 s, registers; returns the commit time. */
  async function registerName(who: number, name: string, accountId = ALICE_ID, owner = sys.accounts[who]!.address): Promise<bigint> {
    const request = { name, owner, accountId, secret: randomSecret() };
    await exec(who, commitCall(sys.deployments, request).call);
    const committedAt = await sys.now();
    await sys.setNextTimestamp(committedAt + 60n);
    await exec(who, registerCall(sys.deployments, request, NO_LIMIT));
    return committedAt;
  }

  before(async () => {
    sys = await startLocalSystem();
    ({ SessionNameRegistrar: registrar, SessionNameRegistry: registry, SESH: token, RewardRatePool: pool } = sys.deployments.contracts as Record<string, Address>);
    const admin = await sys.as(0);
    for (const i of [1, 2, 3]) {
      await admin.send(token, erc20Abi, 'transfer', [sys.accounts[i]!.address, sesh(100_000)]);
      await (await sys.as(i)).send(token, erc20Abi, 'approve', [registrar, 2n ** 255n]);
    }
    clean = await sys.snapshot();
  });
  beforeEach(async () => {
    await sys.revert(clean);
    clean = await sys.snapshot();
  });
  after(() => sys.stop());

  it('registers a name by commit–reveal; it resolves and the payment is split 90/10', async () => {
    const treasuryBefore = await balanceOf(sys.accounts[0]!.address);
    const poolBefore = await sys.poolInflow();
    const userBefore = await balanceOf(sys.accounts[1]!.address);
    await registerName(1, 'Alice');
    const paid = userBefore - (await balanceOf(sys.accounts[1]!.address));
    assert.equal(paid, sesh(10), '5+ characters cost 10 SESH a year');
    assert.equal((await balanceOf(sys.accounts[0]!.address)) - treasuryBefore, sesh(1), '10% to liquidity (the treasury here)');
    assert.equal((await sys.poolInflow()) - poolBefore, sesh(9), '90% to the reward pool');
    const client = (await sys.as(0)).publicClient;
    assert.equal(await resolveName(client, sys.deployments, 'alice'), ALICE_ID);
    assert.equal(await resolveName(client, sys.deployments, 'ALICE'), ALICE_ID, 'case-insensitive');
    const info = await lookupName(client, sys.deployments, 'alice');
    assert.equal(info.owner, sys.accounts[1]!.address);
    assert.equal(info.available, false);
    assert.equal(await readRegistry('ownerOf', [nameId('alice')]), sys.accounts[1]!.address);
  });

  it('commitment age: refused before 60 s and from 24 h on (exact seconds); re-commit refused while unexpired', async () => {
    const request = { name: 'timing', owner: sys.accounts[1]!.address, accountId: ALICE_ID, secret: randomSecret() };
    const { call, commitment } = commitCall(sys.deployments, request);
    await exec(1, call);
    const t = await sys.now();
    await expectRevert(exec(2, call), 'CommitmentUnexpired');
    await sys.setNextTimestamp(t + 59n);
    await expectRevert(exec(1, registerCall(sys.deployments, request, NO_LIMIT)), 'CommitmentTooNew');
    const snap = await sys.snapshot();
    await sys.setNextTimestamp(t + 24n * 3600n);
    await expectRevert(exec(1, registerCall(sys.deployments, request, NO_LIMIT)), 'CommitmentExpired');
    // At 24 h the commitment is expired, so it may be made again.
    await sys.setNextTimestamp(t + 24n * 3600n + 1n);
    await exec(2, call);
    await sys.revert(snap);
    const snap2 = await sys.snapshot();
    await sys.setNextTimestamp(t + 24n * 3600n - 1n);
    await exec(1, registerCall(sys.deployments, request, NO_LIMIT));
    assert.equal(await readRegistrar('commitments', [commitment]), 0n, 'a used commitment is deleted');
    await sys.revert(snap2);
    await sys.setNextTimestamp(t + 60n);
    await exec(1, registerCall(sys.deployments, request, NO_LIMIT));
    assert.equal(await resolveName((await sys.as(0)).publicClient, sys.deployments, 'timing'), ALICE_ID);
  });

  it('a front-runner who copies the reveal cannot take the name', async () => {
    const alice = { name: 'frontrun', owner: sys.accounts[1]!.address, accountId: ALICE_ID, secret: randomSecret() };
    await exec(1, commitCall(sys.deployments, alice).call);
    const t = await sys.now();
    await sys.increaseTime(60);
    // Mallory sees Alice's reveal in the mempool and sends it first with herself as owner and
    // her account ID: no such commitment exists.
    const mallory = { ...alice, owner: sys.accounts[2]!.address, accountId: BOB_ID };
    await expectRevert(exec(2, registerCall(sys.deployments, mallory, NO_LIMIT)), 'CommitmentNotFound');
    // Resending Alice's exact reveal only registers the name to Alice, with Alice's account ID.
    // A fresh commitment of Mallory's is too young to use before Alice's reveal lands.
    await exec(2, commitCall(sys.deployments, mallory).call);
    await expectRevert(exec(2, registerCall(sys.deployments, mallory, NO_LIMIT)), 'CommitmentTooNew');
    await exec(1, registerCall(sys.deployments, alice, NO_LIMIT));
    await sys.setNextTimestamp(t + 200n);
    await expectRevert(exec(2, registerCall(sys.deployments, mallory, NO_LIMIT)), 'NameNotAvailable');
    assert.equal(await readRegistry('ownerOf', [nameId('frontrun')]), sys.accounts[1]!.address);
    assert.equal(await resolveName((await sys.as(0)).publicClient, sys.deployments, 'frontrun'), ALICE_ID);
  });

  it('expiry, grace and release at exact seconds; anyone can renew until the grace ends', async () => {
    await registerName(1, 'expiring');
    const id = nameId('expiring');
    const [entry] = await readRegistry<[{ expiry: bigint }]>('entryOf', [id]);
    const expiry = BigInt(entry.expiry);
    const client = (await sys.as(0)).publicClient;
    const snap = await sys.snapshot();

    // Last active second: resolves and can be transferred.
    await sys.setNextTimestamp(expiry - 1n);
    await exec(1, { address: registry, abi: SessionNameRegistry.abi as Abi, functionName: 'setText', args: [id, 'k', 'v'] });
    // First expired second: does not resolve, no transfer, no record changes; renewal works.
    await sys.setNextTimestamp(expiry);
    await sys.rpc('evm_mine');
    await expectRevert(
      exec(1, { address: registry, abi: SessionNameRegistry.abi as Abi, functionName: 'transferFrom', args: [sys.accounts[1]!.address, sys.accounts[2]!.address, id] }),
      'NameExpired',
    );
    assert.equal(await resolveName(client, sys.deployments, 'expiring'), undefined);
    await expectRevert(
      exec(1, { address: registry, abi: SessionNameRegistry.abi as Abi, functionName: 'setAccountId', args: [id, parseAccountId(BOB_ID)] }),
      'NameExpired',
    );

    // Last grace second: a stranger renews; the year counts from the old expiry.
    await sys.setNextTimestamp(expiry + GRACE - 1n);
    await expectRevert(
      exec(2, registerCall(sys.deployments, { name: 'expiring', owner: sys.accounts[2]!.address, accountId: BOB_ID, secret: randomSecret() }, NO_LIMIT)),
      'CommitmentNotFound',
    );
    await exec(3, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'renew', args: ['expiring', 1n, NO_LIMIT] });
    const [renewed] = await readRegistry<[{ expiry: bigint }]>('entryOf', [id]);
    assert.equal(BigInt(renewed.expiry), expiry + YEAR);
    assert.equal(await resolveName(client, sys.deployments, 'expiring'), ALICE_ID, 'renewed name resolves again');

    // Without renewal: at expiry + grace the name is released and cannot be renewed.
    await sys.revert(snap);
    const bob = { name: 'expiring', owner: sys.accounts[2]!.address, accountId: BOB_ID, secret: randomSecret() };
    await sys.setNextTimestamp(expiry + GRACE - 61n);
    await exec(2, commitCall(sys.deployments, bob).call);
    await sys.setNextTimestamp(expiry + GRACE - 1n);
    await expectRevert(exec(2, registerCall(sys.deployments, bob, NO_LIMIT)), 'NameNotAvailable');
    await sys.setNextTimestamp(expiry + GRACE);
    await expectRevert(exec(3, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'renew', args: ['expiring', 1n, NO_LIMIT] }), 'NameNotRenewable');
    // Released: re-registrable by Bob, paying the decaying premium (full at the release second).
    const bobBefore = await balanceOf(sys.accounts[2]!.address);
    await sys.setNextTimestamp(expiry + GRACE + 1n);
    await exec(2, registerCall(sys.deployments, bob, NO_LIMIT));
    const paid = bobBefore - (await balanceOf(sys.accounts[2]!.address));
    const premiumPeriod = 21n * DAY;
    assert.equal(paid, sesh(10) + (sesh(1_000) * (premiumPeriod - 1n)) / premiumPeriod);
    assert.equal(await readRegistry('ownerOf', [id]), sys.accounts[2]!.address);
    assert.equal(await resolveName(client, sys.deployments, 'expiring'), BOB_ID);
    assert.equal(await readRegistry('text', [id, 'k']), '', 'the old owner\'s records are gone');
    // The premium is zero from 21 days after release.
    await sys.setNextTimestamp(expiry + GRACE + premiumPeriod);
    await sys.rpc('evm_mine');
    assert.equal(await readRegistrar('premiumOf', [id]), 0n);
  });

  it('a transfer wipes the account ID and text records; the new owner sets new ones', async () => {
    await registerName(1, 'movable');
    const id = nameId('movable');
    const registryCall = (functionName: string, args: readonly unknown[]) => ({ address: registry, abi: SessionNameRegistry.abi as Abi, functionName, args });
    await exec(1, registryCall('setText', [id, 'url', 'https://example.org']));
    await exec(1, registryCall('setPrimaryName', [id]));
    const client = (await sys.as(0)).publicClient;
    assert.equal(await reverseLookup(client, sys.deployments, ALICE_ID), 'movable');
    await exec(1, registryCall('safeTransferFrom', [sys.accounts[1]!.address, sys.accounts[2]!.address, id]));
    assert.equal(await readRegistry('ownerOf', [id]), sys.accounts[2]!.address);
    assert.equal(await resolveName(client, sys.deployments, 'movable'), undefined, 'account ID wiped');
    assert.equal(await readRegistry('text', [id, 'url']), '', 'text record wiped');
    assert.equal(await reverseLookup(client, sys.deployments, ALICE_ID), undefined, 'reverse no longer valid');
    await expectRevert(exec(1, registryCall('setText', [id, 'url', 'x'])), 'NotNameOwner');
    await exec(2, registryCall('setAccountId', [id, parseAccountId(BOB_ID)]));
    await exec(2, registryCall('setText', [id, 'url', 'https://bob.example']));
    assert.equal(await resolveName(client, sys.deployments, 'movable'), BOB_ID);
    assert.equal(await readRegistry('text', [id, 'url']), 'https://bob.example');
  });

  it('reverse lookup: only the owner of a name pointing to the account sets it; it follows record changes', async () => {
    await registerName(1, 'primary');
    await registerName(1, 'second');
    const client = (await sys.as(0)).publicClient;
    const registryCall = (functionName: string, args: readonly unknown[]) => ({ address: registry, abi: SessionNameRegistry.abi as Abi, functionName, args });
    assert.equal(await reverseLookup(client, sys.deployments, ALICE_ID), undefined);
    await expectRevert(exec(2, registryCall('setPrimaryName', [nameId('primary')])), 'NotNameOwner');
    await exec(1, registryCall('setPrimaryName', [nameId('primary')]));
    assert.equal(await reverseLookup(client, sys.deployments, ALICE_ID), 'primary');
    await exec(1, registryCall('setPrimaryName', [nameId('second')]));
    assert.equal(await reverseLookup(client, sys.deployments, ALICE_ID), 'second');
    // Pointing the name elsewhere invalidates the old reverse entry.
    await exec(1, registryCall('setAccountId', [nameId('second'), parseAccountId(BOB_ID)]));
    assert.equal(await reverseLookup(client, sys.deployments, ALICE_ID), undefined);
    await expectRevert(exec(1, registryCall('setPrimaryName', [nameId('nosuchname')])), 'NameNotFound');
  });

  it('verified primary names: signed by the account\'s own Session key, not replaceable by others', async () => {
    const aliceKey = ed25519.utils.randomSecretKey();
    const aliceAccount = accountIdFromEd25519(ed25519.getPublicKey(aliceKey));
    const malloryKey = ed25519.utils.randomSecretKey();
    await registerName(1, 'realalice', aliceAccount);
    await registerName(2, 'fakealice', aliceAccount);
    const client = (await sys.as(0)).publicClient;
    const registryCall = (functionName: string, args: readonly unknown[]) => ({ address: registry, abi: SessionNameRegistry.abi as Abi, functionName, args });
    // Unverified: anyone owning a name pointing at the account can set, and override, it.
    await exec(1, registryCall('setPrimaryName', [nameId('realalice')]));
    await exec(2, registryCall('setPrimaryName', [nameId('fakealice')]));
    assert.deepEqual(await primaryNameInfo(client, sys.deployments, aliceAccount), { name: 'fakealice', verified: false });
    // Mallory cannot sign for Alice's account with her own key, nor with Alice's signature for another name.
    await expectRevert(exec(2, await setVerifiedPrimaryNameCall(client, sys.deployments, 'fakealice', aliceAccount, malloryKey)), 'KeyNotForAccount');
    const forReal = await setVerifiedPrimaryNameCall(client, sys.deployments, 'realalice', aliceAccount, aliceKey);
    await expectRevert(exec(2, { ...forReal, args: [nameId('fakealice'), ...forReal.args.slice(1)] }), 'InvalidAccountSignature');
    // Alice signs with her Session key: verified, and no longer replaceable without her key.
    const hash = await exec(1, forReal);
    console.log(`  verified primary name: ${(await client.getTransactionReceipt({ hash })).gasUsed} gas`);
    assert.deepEqual(await primaryNameInfo(client, sys.deployments, aliceAccount), { name: 'realalice', verified: true });
    assert.equal(await reverseLookup(client, sys.deployments, aliceAccount), 'realalice');
    await expectRevert(exec(2, registryCall('setPrimaryName', [nameId('fakealice')])), 'PrimaryNameVerified');
    // The used signature cannot be replayed (the nonce moved on).
    await expectRevert(exec(1, forReal), 'InvalidAccountSignature');
    assert.equal(
      await readRegistry('primaryNameMessage', [parseAccountId(aliceAccount), nameId('realalice')]),
      primaryNameMessage(sys.anvil.chainId, registry, aliceAccount, 'realalice', 1, 1n),
    );
  });

  it('prices: shorter names cost more; the owner sets them within bounds, with events', async () => {
    assert.equal(await readRegistrar('registrationPrice', ['a', 1n]), sesh(1_000));
    assert.equal(await readRegistrar('registrationPrice', ['ab', 2n]), sesh(1_000));
    assert.equal(await readRegistrar('registrationPrice', ['abcdefgh', 3n]), sesh(30));
    await expectRevert(exec(1, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [4n, sesh(20)] }), 'OwnableUnauthorizedAccount');
    await expectRevert(exec(0, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [4n, sesh(2_000_000)] }), 'PriceOutOfBounds');
    await expectRevert(exec(0, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [4n, 1n] }), 'PriceOutOfBounds');
    await expectRevert(exec(0, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [5n, sesh(20)] }), 'InvalidBucket');
    // 5+ characters may not cost more than 4 (50 SESH), nor 4 less than 5+.
    await expectRevert(exec(0, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [4n, sesh(51)] }), 'PriceOrderViolated');
    await expectRevert(exec(0, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [3n, sesh(9)] }), 'PriceOrderViolated');
    const hash = await exec(0, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'setPrice', args: [4n, sesh(20)] });
    const receipt = await (await sys.as(0)).publicClient.getTransactionReceipt({ hash });
    assert.equal(receipt.logs.length, 1, 'PriceSet emitted');
    assert.equal(await readRegistrar('registrationPrice', ['abcdefgh', 1n]), sesh(20));
  });

  it('refuses bad input clearly and changes nothing', async () => {
    const owner = sys.accounts[1]!.address;
    // Invalid names: typed sdk error, and the contract's InvalidName for direct callers.
    assert.throws(() => registerCall(sys.deployments, { name: 'bad name', owner, accountId: ALICE_ID, secret: randomSecret() }, NO_LIMIT), InvalidNameError);
    assert.throws(() => registerCall(sys.deployments, { name: '-x', owner, accountId: ALICE_ID, secret: randomSecret() }, NO_LIMIT), (e: InvalidNameError) => e.reason === 4);
    await expectRevert(
      exec(1, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'register', args: ['bad name', owner, parseAccountId(ALICE_ID), randomSecret(), 1n, NO_LIMIT] }),
      'InvalidName',
    );
    // Malformed account IDs.
    for (const bad of ['05abc', `06${'a1'.repeat(32)}`, `05${'zz'.repeat(32)}`, `05${'00'.repeat(32)}`]) {
      assert.throws(() => parseAccountId(bad), InvalidAccountIdError, bad);
    }
    const zeroRequest = { name: 'zeroid', owner, accountId: '0x' + '00'.repeat(32), secret: randomSecret() };
    const zeroCommitment = makeCommitment({ registrar, name: 'zeroid', owner, accountId: zeroRequest.accountId as Hex, secret: zeroRequest.secret });
    await exec(1, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'commit', args: [zeroCommitment] });
    await sys.increaseTime(60);
    await expectRevert(
      exec(1, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'register', args: ['zeroid', owner, zeroRequest.accountId, zeroRequest.secret, 1n, NO_LIMIT] }),
      'InvalidAccountId',
    );
    // Years out of range.
    await expectRevert(exec(1, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'renew', args: ['zeroid', 0n, NO_LIMIT] }), 'InvalidYears');
    // Renewing a name that does not exist.
    await expectRevert(exec(1, { address: registrar, abi: SessionNameRegistrar.abi as Abi, functionName: 'renew', args: ['nosuch', 1n, NO_LIMIT] }), 'NameNotRenewable');

    // Too little payment: allowance, then balance, checked before any funds move.
    const poor = sys.accounts[4]!.address;
    await (await sys.as(0)).send(token, erc20Abi, 'transfer', [poor, sesh(5)]);
    const request = { name: 'unpaid', owner: poor, accountId: ALICE_ID, secret: randomSecret() };
    await exec(4, commitCall(sys.deployments, request).call);
    await sys.increaseTime(60);
    await expectRevert(exec(4, registerCall(sys.deployments, request, NO_LIMIT)), 'InsufficientBalance');
    await (await sys.as(0)).send(token, erc20Abi, 'transfer', [poor, sesh(5)]);
    await (await sys.as(4)).send(token, erc20Abi, 'approve', [registrar, sesh(9)]);
    await expectRevert(exec(4, registerCall(sys.deployments, request, NO_LIMIT)), 'InsufficientAllowance');
    assert.equal(await balanceOf(poor), sesh(10), 'no funds moved');
    assert.equal(await readRegistry('available', [nameId('unpaid')]), true, 'no name registered');
    await (await sys.as(4)).send(token, erc20Abi, 'approve', [registrar, sesh(10)]);
    await exec(4, registerCall(sys.deployments, request, NO_LIMIT));
    assert.equal(await balanceOf(poor), 0n);

    // A taken name.
    const taken = { name: 'UNPAID', owner, accountId: BOB_ID, secret: randomSecret() };
    await exec(1, commitCall(sys.deployments, taken).call);
    await sys.increaseTime(60);
    await expectRevert(exec(1, registerCall(sys.deployments, taken, NO_LIMIT)), 'NameNotAvailable');
    assert.equal(await resolveName((await sys.as(0)).publicClient, sys.deployments, 'unpaid'), ALICE_ID);

    // Only controllers touch the registry directly.
    await expectRevert(
      exec(1, { address: registry, abi: SessionNameRegistry.abi as Abi, functionName: 'register', args: ['0x61', owner, parseAccountId(ALICE_ID), 2n ** 40n] }),
      'NotController',
    );
  });
});
