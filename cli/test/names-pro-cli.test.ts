/**
 * The sesh CLI's names and pro commands against a real local chain, run in-process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, erc20Abi, type Abi } from 'viem';
import { SessionNameRegistrar } from '../../sdk/src/generated/contracts.ts';
import { main } from '../sesh.ts';
import { loadCommands } from '../sesh.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { nameHash } from '../../sdk/src/names/hash.ts';
import { accountIdFromEd25519 } from '../../sdk/src/names/accountId.ts';
import { sesh } from '../../sdk/src/units.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';

const ACCOUNT = `05${'9f'.repeat(32)}`;

describe('sesh CLI: names and pro', () => {
  let sys: LocalSystem;
  let dir: string;
  let common: string[];
  let adminCommon: string[];

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(async () => {
    sys = await startLocalSystem();
    dir = mkdtempSync(join(tmpdir(), 'sesh-cli-'));
    const deploymentsFile = join(dir, 'local.json');
    writeDeployments(deploymentsFile, sys.deployments);
    writeFileSync(join(dir, 'user.key'), sys.accounts[1]!.privateKey);
    writeFileSync(join(dir, 'admin.key'), sys.accounts[0]!.privateKey);
    common = ['--deployments', deploymentsFile, '--key-file', join(dir, 'user.key'), '--state-dir', join(dir, 'state')];
    adminCommon = ['--deployments', deploymentsFile, '--key-file', join(dir, 'admin.key')];
    await (await sys.as(0)).send(sys.deployments.contracts.SESH!, erc20Abi, 'transfer', [sys.accounts[1]!.address, sesh(10_000)]);
  });
  after(async () => {
    await sys.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--help works on every command and subcommand', async () => {
    const top = await run('--help');
    assert.equal(top.code, 0);
    for (const command of await loadCommands()) {
      const group = await run(command.name, '--help');
      assert.equal(group.code, 0);
      for (const sub of command.subcommands) {
        const help = await run(command.name, sub.name, '--help');
        assert.equal(help.code, 0, `${command.name} ${sub.name}`);
        assert.match(help.out, /^Usage: npm run sesh -- /);
      }
    }
    assert.equal((await run('nope')).code, 1);
  });

  it('registers, resolves, sets records, reverse-resolves, renews and transfers a name', async () => {
    const registering = run('names', 'register', 'CliName', '--account-id', ACCOUNT, ...common.slice(0, 6));
    // Let the commit land, then move chain time past the 60 s minimum.
    await new Promise((r) => setTimeout(r, 1500));
    await sys.increaseTime(61);
    const registered = await registering;
    assert.equal(registered.code, 0, registered.err);
    assert.match(registered.out, /registered "cliname"/);
    const resolved = await run('names', 'resolve', 'cliname', ...common.slice(0, 2));
    assert.equal(resolved.out, ACCOUNT);
    const records = await run('names', 'set-record', 'cliname', '--text', 'url=https://x.example', '--primary', ...common.slice(0, 4));
    assert.equal(records.code, 0, records.err);
    assert.equal((await run('names', 'reverse', ACCOUNT, ...common.slice(0, 2))).out, 'cliname');
    // A verified primary name, signed with the account's Session key.
    const sessionKey = ed25519.utils.randomSecretKey();
    const keyFile = join(dir, 'session.key');
    writeFileSync(keyFile, bytesToHex(sessionKey).slice(2));
    const sessionAccount = accountIdFromEd25519(ed25519.getPublicKey(sessionKey));
    assert.equal((await run('names', 'set-record', 'cliname', '--account-id', sessionAccount, '--primary', '--verify-with', keyFile, ...common.slice(0, 4))).code, 0);
    assert.equal((await run('names', 'reverse', sessionAccount, ...common.slice(0, 2))).out, "cliname (verified by the account's key)");
    assert.equal((await run('names', 'set-record', 'cliname', '--account-id', ACCOUNT, ...common.slice(0, 4))).code, 0);
    const search = await run('names', 'search', 'cliname', ...common.slice(0, 2));
    assert.match(search.out, /available:\s+no/);
    assert.match(search.out, new RegExp(sys.accounts[1]!.address));
    assert.equal((await run('names', 'renew', 'cliname', '--years', '2', ...common.slice(0, 4))).code, 0);
    const moved = await run('names', 'transfer', 'cliname', '--to', sys.accounts[2]!.address, ...common.slice(0, 4));
    assert.equal(moved.code, 0, moved.err);
    const after = await run('names', 'resolve', 'cliname', ...common.slice(0, 2));
    assert.equal(after.code, 1);
    assert.match(after.err, /does not resolve/);
  });

  it('register: a price raised during the commitment wait is refused and nothing paid; a re-run resumes at the new price', async () => {
    const balance = () => sys.as(0).then((a) => a.publicClient.readContract({ address: sys.deployments.contracts.SESH!, abi: erc20Abi, functionName: 'balanceOf', args: [sys.accounts[1]!.address] }));
    const setPrice = async (yearly: bigint) => (await sys.as(0)).send(sys.deployments.contracts.SessionNameRegistrar!, SessionNameRegistrar.abi as Abi, 'setPrice', [4n, yearly]);
    const before = await balance();
    const registering = run('names', 'register', 'pricedname', '--account-id', ACCOUNT, ...common.slice(0, 6));
    await new Promise((r) => setTimeout(r, 1500)); // the commit lands, the CLI waits for it to age
    await setPrice(sesh(30)); // the owner raises the price in front of the reveal
    await sys.increaseTime(61);
    const refused = await registering;
    assert.match(refused.out, /registering "pricedname" for 1 year\(s\): 10 SESH \(max 10 SESH\)/, 'the confirmation shows the price');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /the price is now 30 SESH, above the 10 SESH you agreed to; nothing was paid/);
    assert.equal(await balance(), before, 'nothing paid');
    assert.equal((await run('names', 'resolve', 'pricedname', ...common.slice(0, 2))).code, 1, 'not registered');
    // --max-price below the current price is refused before anything is sent.
    const low = await run('names', 'register', 'pricedname', '--account-id', ACCOUNT, '--max-price', '29.999999999', ...common.slice(0, 6));
    assert.equal(low.code, 1);
    assert.match(low.err, /the price is 30 SESH, above --max-price 29.999999999 SESH; nothing was sent/);
    // Accepting the new price: the run resumes the saved commitment and pays 30.
    const again = await run('names', 'register', 'pricedname', '--account-id', ACCOUNT, '--max-price', '35', ...common.slice(0, 6));
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /30 SESH \(max 35 SESH\)/);
    assert.match(again.out, /resuming the commitment/);
    assert.equal(before - (await balance()), sesh(30));
    await setPrice(sesh(10));
  });

  it('renew and pro buy: --max-price is checked before sending, and the price is shown', async () => {
    const bad = await run('names', 'renew', 'pricedname', '--max-price', 'ten', ...common.slice(0, 4));
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--max-price: "ten" is not a SESH amount/);
    const low = await run('names', 'renew', 'pricedname', '--years', '2', '--max-price', '19', ...common.slice(0, 4));
    assert.match(low.err, /the price is 20 SESH, above --max-price 19 SESH; nothing was sent/);
    const lowPro = await run('pro', 'buy', `05${'8e'.repeat(32)}`, '--max-price', '4.9', ...common.slice(0, 4));
    assert.equal(lowPro.code, 1);
    assert.match(lowPro.err, /the price is 5 SESH, above --max-price 4.9 SESH; nothing was sent/);
    assert.equal((await run('pro', 'status', `05${'8e'.repeat(32)}`, ...common.slice(0, 2))).out, 'no Pro subscription');
  });

  it('refuses bad input with a message that says what is wrong', async () => {
    const bad = await run('names', 'resolve', 'bad name', ...common.slice(0, 2));
    assert.equal(bad.code, 1);
    assert.match(bad.err, /not a valid Session name/);
    const badId = await run('pro', 'status', '05abc', ...common.slice(0, 2));
    assert.match(badId.err, /Session ID has 66/);
    const noKey = await run('pro', 'buy', ACCOUNT, '--deployments', common[1]!);
    assert.match(noKey.err, /--key-file/);
  });

  it('buys Pro and shows its status', async () => {
    assert.equal((await run('pro', 'status', ACCOUNT, ...common.slice(0, 2))).out, 'no Pro subscription');
    const bought = await run('pro', 'buy', ACCOUNT, '--tier', '2', ...common.slice(0, 4));
    assert.equal(bought.code, 0, bought.err);
    assert.match(bought.out, /: 50 SESH \(max 50 SESH\)/, 'the confirmation shows the price and the maximum');
    assert.match((await run('pro', 'status', ACCOUNT, ...common.slice(0, 2))).out, /^active until /);
  });

  it('imports Oxen names in batches with progress, and a re-run skips them', async () => {
    const expiry = Number(await sys.now()) + 86_400 * 365;
    const lines = ['one', 'two', 'three'].map((n) =>
      JSON.stringify({ nameHash: nameHash(n), accountId: ACCOUNT, expiry, ownerKey: bytesToHex(ed25519.getPublicKey(ed25519.utils.randomSecretKey())) }),
    );
    const file = join(dir, 'oxen.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const first = await run('names', 'import-oxen', file, '--batch-size', '2', ...adminCommon);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /imported 2\/3 \(new: 2, skipped: 0\)\nimported 3\/3 \(new: 3, skipped: 0\)/);
    assert.equal((await run('names', 'resolve', 'two', ...common.slice(0, 2))).out, ACCOUNT);
    const again = await run('names', 'import-oxen', file, ...adminCommon);
    assert.match(again.out, /imported 3\/3 \(new: 0, skipped: 3\)/);
    const notAdmin = await run('names', 'import-oxen', file, ...common.slice(0, 4));
    assert.match(notAdmin.err, /NotAdmin/);
  });

  it('import-oxen: expired rows are reported as FILE:LINE and left out; the others are imported', async () => {
    const now = Number(await sys.now());
    const key = bytesToHex(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
    const line = (name: string, expiry: number) => JSON.stringify({ nameHash: nameHash(name), accountId: ACCOUNT, expiry, ownerKey: key });
    const file = join(dir, 'oxen-expired.jsonl');
    writeFileSync(file, [line('live-one', now + 86_400), '# a comment', line('long-gone', now - 86_400), line('live-two', now + 86_400), line('just-now', now)].join('\n'));
    const result = await run('names', 'import-oxen', file, ...adminCommon);
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, new RegExp(`${file}:3: expiry ${now - 86_400} \\(.*\\) is not after chain time`));
    assert.match(result.err, new RegExp(`${file}:5: expiry ${now} `));
    assert.ok(!result.err.includes(`${file}:1:`) && !result.err.includes(`${file}:4:`), 'live rows are not reported');
    assert.match(result.out, /not importing 2 expired row\(s\)/);
    assert.match(result.out, /imported 2\/2 \(new: 2, skipped: 0\)/);
    assert.equal((await run('names', 'resolve', 'live-two', ...common.slice(0, 2))).out, ACCOUNT);
    assert.equal((await run('names', 'resolve', 'long-gone', ...common.slice(0, 2))).code, 1);
    // A malformed row (expiry 0) stops the run before anything is sent, naming FILE:LINE.
    const bad = join(dir, 'oxen-bad.jsonl');
    writeFileSync(bad, [line('fine-row', now + 86_400), line('zero-row', 0)].join('\n'));
    const refused = await run('names', 'import-oxen', bad, ...adminCommon);
    assert.equal(refused.code, 1);
    assert.equal(refused.err, `${bad}:2: expiry must be unix seconds (a positive integer)`);
    assert.equal((await run('names', 'resolve', 'fine-row', ...common.slice(0, 2))).code, 1, 'nothing imported');
  });

  it('import-oxen: a row that expires between the check and its batch is named as FILE:LINE', async () => {
    const now = await sys.now();
    const key = bytesToHex(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
    const line = (name: string, expiry: bigint) => JSON.stringify({ nameHash: nameHash(name), accountId: ACCOUNT, expiry: Number(expiry), ownerKey: key });
    const file = join(dir, 'oxen-race.jsonl');
    writeFileSync(file, [line('race-live', now + 86_400n), line('race-late', now + 500n)].join('\n'));
    // The CLI checks against the latest block; the block its batch lands in is 1,000 s later.
    await sys.setNextTimestamp(now + 1_000n);
    const result = await run('names', 'import-oxen', file, ...adminCommon);
    assert.equal(result.code, 1);
    assert.match(result.err, new RegExp(`^${file}:2: expiry ${now + 500n} .* is not after chain time ${now + 1_000n} `));
    assert.match(result.err, new RegExp(`the batch starting at ${file}:1 was refused; nothing in it was imported`));
    assert.equal((await run('names', 'resolve', 'race-live', ...common.slice(0, 2))).code, 1, 'nothing imported');
  });
});
