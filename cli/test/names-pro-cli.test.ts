/**
 * The sesh CLI's names and pro commands against a real local chain, run in-process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, erc20Abi } from 'viem';
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
});
