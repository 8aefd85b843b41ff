/**
 * The programs against a real chain: publish a bonus distribution and claim from it, run the
 * coin-claims bridge twice (idempotent), and serve the testnet faucet.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { erc20Abi, keccak256, toHex, type Address } from 'viem';
import { MerkleDistributor, OxenCoinClaims } from '../../sdk/src/generated/contracts.ts';
import { readDeployments, writeDeployments } from '../../sdk/src/deployments.ts';
import { sesh } from '../../sdk/src/units.ts';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { BadInputError } from '../lib/errors.ts';
import { generateBonusSample } from '../bonus/generate.ts';
import { runBonus } from '../bonus/run.ts';
import { publishDistribution } from '../publish.ts';
import { creditBurns, deployCoinClaims } from '../coin-claims/bridge.ts';
import { emptyState, saveState, loadState } from '../testnet/eligibility.ts';
import { createFaucet, inviteRequestMessage, serveFaucet, FaucetError } from '../testnet/faucet.ts';
import { OXEN, tempDir } from './helpers.ts';

const CIRCULATING = 100_000_000n * OXEN;

describe('programs on a real chain', () => {
  let sys: LocalSystem;
  let deploymentsFile: string;
  let token: Address;
  const balanceOf = async (who: Address) =>
    (await sys.as(0)).publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });

  before(async () => {
    sys = await startLocalSystem({ accounts: 10 });
    deploymentsFile = join(tempDir(), 'test.json');
    writeDeployments(deploymentsFile, sys.deployments);
    token = sys.deployments.contracts.SESH!;
  });
  after(() => sys.stop());

  it('publish: deploys, funds, opens and records a distributor; a proof from distribution.json claims on-chain', async () => {
    const sample = await generateBonusSample({ nodes: 8, days: 3, outDir: tempDir(), seed: 3, quiet: true });
    const out = tempDir();
    await runBonus({ registrations: sample.registrations, snapshots: [sample.snapshots], anchorHardfork: sample.anchorHardfork, circulatingOxen: CIRCULATING, outDir: out, quiet: true });
    const result = await publishDistribution({
      distributionFile: join(out, 'distribution.json'),
      deploymentsFile,
      key: sys.accounts[0]!.privateKey,
      name: 'ServiceNodeBonusDistributor',
      windowSeconds: 90 * 86_400,
      open: true,
    });
    assert.equal(readDeployments(deploymentsFile).contracts.ServiceNodeBonusDistributor, result.distributor);
    assert.equal(await balanceOf(result.distributor), result.total);
    const distribution = JSON.parse(readFileSync(join(out, 'distribution.json'), 'utf8'));
    const [account, claim] = Object.entries<{ index: number; amount: string; proof: `0x${string}`[] }>(distribution.claims)[0]!;
    await (await sys.as(5)).send(result.distributor, MerkleDistributor.abi, 'claim', [BigInt(claim.index), account, BigInt(claim.amount), claim.proof]);
    assert.equal(await balanceOf(account as Address), BigInt(claim.amount));
    await assert.rejects(
      publishDistribution({ distributionFile: join(out, 'distribution.json'), deploymentsFile, key: sys.accounts[0]!.privateKey, name: 'ServiceNodeBonusDistributor', windowSeconds: 1, open: false }),
      /already has ServiceNodeBonusDistributor/,
    );
    // A deployer without SESH is refused before deploying anything; with the treasury's key it works.
    const other = { distributionFile: join(out, 'distribution.json'), deploymentsFile, key: sys.accounts[9]!.privateKey, name: 'TestnetDistributor', windowSeconds: 86_400, open: false };
    await assert.rejects(publishDistribution(other), /holds 0 SESH/);
    assert.equal(readDeployments(deploymentsFile).contracts.TestnetDistributor, undefined);
    const funded = await publishDistribution({ ...other, treasuryKey: sys.accounts[0]!.privateKey });
    assert.equal(await balanceOf(funded.distributor), funded.total);
  });

  it('coin claims: the bridge credits each burn once, skips credited burns on re-run, and refuses bad files', async () => {
    const now = Number(await sys.now());
    const claims = await deployCoinClaims({
      deploymentsFile,
      key: sys.accounts[0]!.privateKey,
      circulatingOxen: CIRCULATING,
      reducedAfter: now + 180 * 86_400,
      fullRateGraceSeconds: 14 * 86_400,
      creditsEnd: now + 365 * 86_400,
      bridge: sys.accounts[1]!.address,
    });
    const user = sys.accounts[6]!.address;
    const burn = (n: number, oxen: bigint, at = now - 100) =>
      JSON.stringify({ burnTx: keccak256(toHex(`oxen burn ${n}`)).slice(2), oxen: oxen.toString(), recordedAt: at, eth: user, height: 1000 + n });
    const burns = join(tempDir(), 'burns.jsonl');
    writeFileSync(burns, `${burn(1, CIRCULATING / 100n)}\n${burn(2, 10n * OXEN)}\n`);
    const key = sys.accounts[1]!.privateKey;
    const first = await creditBurns({ burnsFile: burns, deploymentsFile, key });
    assert.equal(first.credited, 2);
    assert.equal(first.amount, sesh(300_000) + sesh(3));
    // Restart: nothing is credited twice; a new line is picked up.
    appendFileSync(burns, `${burn(3, OXEN)}\n`);
    const second = await creditBurns({ burnsFile: burns, deploymentsFile, key });
    assert.deepEqual([second.credited, second.alreadyCredited], [1, 2]);
    const read = (fn: string, args: readonly unknown[] = []) => sys.as(0).then((c) => c.publicClient.readContract({ address: claims, abi: OxenCoinClaims.abi, functionName: fn, args } as never));
    assert.equal(await read('owedTo', [user]), sesh(300_003) + 300_000_000n);
    // A duplicate burn in the file is a bad row with its line; nothing is sent.
    const dup = join(tempDir(), 'dup.jsonl');
    writeFileSync(dup, `${burn(4, OXEN)}\n${burn(4, OXEN)}\n`);
    await assert.rejects(creditBurns({ burnsFile: dup, deploymentsFile, key }), (e: unknown) => e instanceof BadInputError && /dup\.jsonl:2: duplicate burn/.test(e.message));
    assert.equal(await read('credited', [`0x${keccak256(toHex('oxen burn 4')).slice(2)}`]), false);
    // Checksum errors and times going backwards are bad rows too.
    const bad = join(tempDir(), 'bad.jsonl');
    writeFileSync(bad, `${burn(5, OXEN).replace(user, user.replace('9', 'a').replace(/[a-f]/, (c) => c.toUpperCase()))}\n${burn(6, OXEN, now)}\n${burn(7, OXEN, now - 10)}\n`);
    await assert.rejects(creditBurns({ burnsFile: bad, deploymentsFile, key }), (e: unknown) => e instanceof BadInputError && /bad\.jsonl:1: .*(checksum|address)/.test(e.message) && /bad\.jsonl:3: time goes backwards/.test(e.message));
    const skipped = await creditBurns({ burnsFile: bad, deploymentsFile, key, skipBadRows: true });
    assert.deepEqual([skipped.credited, skipped.skipped.map((r) => r.line)], [1, [1, 3]]);
  });

  it('extractor: the first SESH sender of each address is its funding source', async () => {
    const { extractFunding } = await import('../testnet/extract.ts');
    const from = BigInt(sys.deployments.deployBlock);
    const [funder, a, b] = [sys.accounts[2]!, sys.accounts[4]!.address, sys.accounts[5]!.address];
    await (await sys.as(0)).send(token, erc20Abi, 'transfer', [funder.address, sesh(10)]);
    await (await sys.as(2)).send(token, erc20Abi, 'transfer', [a, sesh(1)]);
    await (await sys.as(2)).send(token, erc20Abi, 'transfer', [b, sesh(1)]);
    await (await sys.as(0)).send(token, erc20Abi, 'transfer', [b, sesh(1)]);
    const client = (await sys.as(0)).publicClient;
    const funding = await extractFunding(client as never, sys.deployments, from, await client.getBlockNumber(), 3n);
    assert.equal(funding.get(a), funder.address);
    assert.equal(funding.get(b), funder.address, 'the first sender, not the latest');
    assert.equal(funding.get(funder.address), sys.accounts[0]!.address);

    // The CLI writes the same map; scoring with it clusters a and b (same funder) into one.
    const { main } = await import('../cli.ts');
    const dir = tempDir();
    const log = console.log;
    console.log = () => {};
    try {
      assert.equal(await main(['testnet-extract-funding', '--deployments', deploymentsFile, '--out', join(dir, 'funding.csv')]), 0);
    } finally {
      console.log = log;
    }
    assert.match(readFileSync(join(dir, 'funding.csv'), 'utf8'), new RegExp(`${a},${funder.address}`));
    const { runTestnetScores } = await import('../testnet/run.ts');
    writeFileSync(join(dir, 'activity.jsonl'), [a, b].map((address) => JSON.stringify({ address, action: 'name', time: 1 })).join('\n'));
    const scored = await runTestnetScores({ activity: [join(dir, 'activity.jsonl')], state: emptyState(3), total: 100n, ignoreFunders: [], fundingFile: join(dir, 'funding.csv'), outDir: dir });
    assert.equal(scored.rows, 1, 'a and b share a funder: one participant');
  });

  it('testnet faucet: drips only to eligible addresses, rate-limits, and turns invite codes into eligibility (single use)', async () => {
    const dir = tempDir();
    const stateFile = join(dir, 'state.json');
    const [inviter, invitee, stranger, third] = [sys.accounts[7]!, sys.accounts[8]!, sys.accounts[9]!, sys.accounts[3]!];
    saveState(stateFile, emptyState(1, [inviter.address]));
    let clock = Math.floor(Date.now() / 1000);
    const secret = new Uint8Array(32).fill(7);
    const faucet = await createFaucet({ stateFile, deploymentsFile, key: sys.accounts[0]!.privateKey, inviteSecret: secret, dripAmount: sesh(100), cooldownSeconds: 86_400, maxPerHour: 3, now: () => clock });
    const before = await balanceOf(inviter.address);
    await faucet.drip(inviter.address);
    assert.equal(await balanceOf(inviter.address), before + sesh(100));
    await assert.rejects(faucet.drip(inviter.address), (e: unknown) => e instanceof FaucetError && e.status === 429);
    await assert.rejects(faucet.drip(stranger.address), (e: unknown) => e instanceof FaucetError && e.status === 403 && /not eligible/.test(e.message));
    await assert.rejects(faucet.drip('0x123'), (e: unknown) => e instanceof FaucetError && e.status === 400);

    // Stage 2: the inviter asks for its codes with a signature, the invitee redeems one.
    const server = await serveFaucet(faucet, 0);
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      const account = (await sys.as(7)).account;
      const time = clock;
      const signature = await account.signMessage!({ message: inviteRequestMessage(inviter.address, time) });
      assert.equal((await post('/invites', { address: inviter.address, time, signature })).status, 403, 'no codes in stage 1');
      saveState(stateFile, { ...loadState(stateFile), stage: 2 });
      const forged = await post('/invites', { address: stranger.address, time, signature });
      assert.equal(forged.status, 403);
      const codes = await post('/invites', { address: inviter.address, time, signature });
      assert.equal(codes.status, 200);
      const code = codes.body.codes[0].code as string;
      const tampered = `${code.slice(0, -2)}${code.endsWith('AA') ? 'BB' : 'AA'}`;
      assert.equal((await post('/drip', { address: invitee.address, invite: tampered })).status, 403);
      const ok = await post('/drip', { address: invitee.address, invite: code });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(await balanceOf(invitee.address), sesh(100));
      const reused = await post('/drip', { address: third.address, invite: code });
      assert.equal(reused.status, 403);
      assert.match(reused.body.message, /already used/);
      // Global hourly cap: 3 drips per hour (2 so far).
      clock += 10;
      const third2 = await post('/drip', { address: third.address, invite: codes.body.codes[1].code });
      assert.equal(third2.status, 200);
      const busy = await post('/drip', { address: sys.accounts[4]!.address, invite: codes.body.codes[2].code });
      assert.equal(busy.status, 429, 'hourly cap reached');
      assert.equal(Object.keys(loadState(stateFile).redeemed).length, 2, 'a refused drip does not use up the code');
      clock += 86_400;
      assert.equal((await post('/drip', { address: inviter.address })).status, 200, 'cooldown over');
      assert.deepEqual(Object.keys(loadState(stateFile).redeemed).length, 2);
    } finally {
      server.close();
    }
  });
});
