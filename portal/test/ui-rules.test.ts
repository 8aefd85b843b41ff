/**
 * The portal's rules a person meets, without a browser: amounts read and shown, countdowns,
 * the per-account transaction history, what the review step says, a reserved contributor's
 * real limits, the rewards estimates, and that every catalogue key the code uses exists.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Address } from 'viem';
import { nodeView, type NodeView } from '../src/chain.ts';
import { parseAmountInput, relative, seshRounded } from '../src/format.ts';
import { en } from '../src/i18n/en.ts';
import { reviewCancel, reviewRequestExit, reviewContribute } from '../src/review/describe.ts';
import { dailyEstimate, isEligible, nodeDaily, sinceCheckpoint, WARM_UP_SECONDS } from '../src/rewards.ts';
import { afterReload, explorerTxUrl, loadHistory, saveHistory, type TxEntry } from '../src/tx-history.ts';
import { contributionLimits } from '../src/views/OpenNodes.tsx';
import { watchInjectedWallets, type InjectedWallet } from '../src/wallet.ts';
import type { NodeRecord } from '../../sdk/src/staking/node-record.ts';
import { sesh as toBase } from '../../sdk/src/units.ts';

const operator = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
const alice = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address;
const bob = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address;

function node(patch: Partial<NodeRecord>, id = 7n): NodeView {
  const contributors = [
    { contributor: operator, amount: toBase(6_250), lastContributionAt: 1_000n },
    { contributor: alice, amount: toBase(6_250), lastContributionAt: 2_000n },
  ];
  return nodeView(id, {
    status: 'AwaitingContributions', operator, feeBps: 500, autoActivate: true, stakeRequired: toBase(25_000), totalStaked: toBase(12_500), stake: 0n,
    reservedOutstanding: 0n, reservedCount: 0, contributorCount: 2, contributors, activatedAt: 0n, exitRequestedAt: 0n, deregisteredAt: 0n,
    ...patch,
  } as NodeRecord);
}

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
}

describe('portal rules (no browser)', () => {
  it('reads amounts with thousands separators and refuses malformed ones', () => {
    assert.equal(parseAmountInput('3,000'), toBase(3_000));
    assert.equal(parseAmountInput('25 000.5'), toBase(25_000) + 500_000_000n);
    assert.equal(parseAmountInput('1,234,567'), toBase(1_234_567));
    assert.equal(parseAmountInput('5000 SESH'), toBase(5_000));
    for (const bad of ['3,00', '30,00,000', '1.2.3', '', 'abc', '1,000.0000000001']) assert.throws(() => parseAmountInput(bad), /not a SESH amount/, bad);
  });

  it('rounds amounts down for reading, never to zero', () => {
    assert.equal(seshRounded(2_083_333_333_333n), '2,083.33 SESH');
    assert.equal(seshRounded(toBase(5)), '5 SESH');
    assert.equal(seshRounded(1n), '< 0.01 SESH');
    assert.equal(seshRounded(0n), '0 SESH');
  });

  it('says countdowns relatively', () => {
    assert.equal(relative(1_000 + 14 * 86_400, 1_000), 'in 14 days');
    assert.equal(relative(1_000, 1_000 + 3 * 3_600), '3 hours ago');
    assert.equal(relative(1_000 + 86_400, 1_000), 'tomorrow');
    assert.equal(relative(5, 5), 'now');
  });

  it('keeps a transaction history per chain and account, surviving a reload', () => {
    const storage = new MemoryStorage();
    const entry = (id: number, patch: Partial<TxEntry> = {}): TxEntry => ({ id, label: `tx ${id}`, status: 'confirmed', at: id, ...patch });
    saveHistory(storage, 31337, alice, [entry(2), entry(1)]);
    saveHistory(storage, 31337, bob, [entry(3)]);
    assert.deepEqual(loadHistory(storage, 31337, alice).map((e) => e.id), [2, 1]);
    assert.deepEqual(loadHistory(storage, 31337, alice.toLowerCase()).map((e) => e.id), [2, 1], 'the address case does not matter');
    assert.deepEqual(loadHistory(storage, 31337, bob).map((e) => e.id), [3], 'another account sees only its own');
    assert.deepEqual(loadHistory(storage, 1, alice), [], 'another chain has its own history');
    storage.setItem(`sesh-portal:tx:31337:${alice.toLowerCase()}`, '{broken');
    assert.deepEqual(loadHistory(storage, 31337, alice), [], 'a corrupt entry is dropped, not thrown');
    const [sent, unsent] = afterReload([entry(5, { status: 'pending', hash: '0xab' }), entry(4, { status: 'pending' })]);
    assert.equal(sent!.status, 'pending', 'a sent transaction is looked up again');
    assert.equal(unsent!.status, 'interrupted');
    assert.equal(explorerTxUrl('https://explorer.example/', '0xab'), 'https://explorer.example/tx/0xab');
    assert.equal(explorerTxUrl(undefined, '0xab'), undefined);
  });

  it('the review of an exit names every contributor and the 15-day unlock', () => {
    const active = node({ status: 'Active', totalStaked: toBase(25_000), stake: toBase(25_000), activatedAt: 10_000n, contributorCount: 2, contributors: [
      { contributor: operator, amount: toBase(12_500), lastContributionAt: 1n }, { contributor: alice, amount: toBase(12_500), lastContributionAt: 2n },
    ] });
    const review = reviewRequestExit(active, alice);
    assert.match(review.summary, /for all 2 contributors, the operator included/);
    assert.deepEqual(review.affected!.lines, ['operator: 12,500 SESH', 'you: 12,500 SESH']);
    assert.match(review.returns!, /unlocks 15 d 0 h after this request/);
    assert.match(review.warning!, /1 other person/);
    assert.match(reviewCancel(node({}), operator).summary, /all 2 contributors are refunded/);
    assert.match(reviewContribute(node({}), toBase(3_000), false).returns!, /withdraw 1 d 0 h after your last contribution/);
  });

  it('a reserved contributor may put in its reservation up to reservation + open room', () => {
    // 25,000 node: operator 6,250, one reservation of 5,000 outstanding: 13,750 unreserved room.
    const n = node({ totalStaked: toBase(6_250), reservedOutstanding: toBase(5_000), reservedCount: 1, contributorCount: 1, contributors: [{ contributor: operator, amount: toBase(6_250), lastContributionAt: 1n }] });
    assert.deepEqual(contributionLimits(n, toBase(5_000), false), { min: toBase(5_000), max: toBase(18_750) });
    assert.deepEqual(contributionLimits(n, undefined, false), { min: toBase(13_750) / 8n, max: toBase(13_750) });
    assert.deepEqual(contributionLimits(n, undefined, true), { min: 1n, max: toBase(13_750) });
  });

  it('estimates rewards by the ledger rules: equal split among nodes past their 24 h warm-up, fee first', () => {
    const full = [{ contributor: operator, amount: toBase(5_000), lastContributionAt: 1n }, { contributor: alice, amount: toBase(20_000), lastContributionAt: 1n }];
    const a = node({ status: 'Active', stake: toBase(25_000), totalStaked: toBase(25_000), activatedAt: 0n, contributors: full, feeBps: 1_000 }, 1n);
    const b = node({ status: 'Active', stake: toBase(25_000), totalStaked: toBase(25_000), activatedAt: 100_000n, contributors: full }, 2n);
    const now = WARM_UP_SECONDS + 1n;
    assert.equal(isEligible(a, now), true);
    assert.equal(isEligible(b, now), false, 'activated less than 24 h ago');
    const rate = 1_000_000n; // base units per second
    assert.equal(nodeDaily([a, b], rate, now), rate * 86_400n, 'only one node is eligible');
    const perNode = rate * 86_400n;
    const fee = perNode / 10n;
    assert.equal(dailyEstimate([a], alice, rate, now, [a, b]), ((perNode - fee) * 20_000n) / 25_000n);
    assert.equal(dailyEstimate([a], operator, rate, now, [a, b]), fee + ((perNode - fee) * 5_000n) / 25_000n);
    assert.equal(sinceCheckpoint(86_400n, 1_000, 1_000n + 43_200n), 43_200n, 'half a day since the checkpoint');
    assert.equal(sinceCheckpoint(86_400n, undefined, 5n), 0n);
  });

  it('discovers every injected wallet (EIP-6963), and window.ethereum only when it is not one of them', () => {
    const provider = (name: string) => ({ name, request: async () => null, on() {}, removeListener() {} });
    const rabby = provider('rabby');
    const metamask = provider('metamask');
    const page = Object.assign(new EventTarget(), { ethereum: metamask as unknown });
    // Wallets answer the page's request (and may announce again later).
    page.addEventListener('eip6963:requestProvider', () => {
      for (const [p, name, rdns] of [[metamask, 'MetaMask', 'io.metamask'], [rabby, 'Rabby', 'io.rabby']] as const) {
        page.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: { info: { uuid: `${rdns}-uuid`, name, rdns, icon: 'data:,' }, provider: p } }));
      }
    });
    const saved = (globalThis as { window?: unknown }).window;
    (globalThis as { window?: unknown }).window = page;
    try {
      let seen: InjectedWallet[] = [];
      const stop = watchInjectedWallets((list) => (seen = list));
      assert.deepEqual(seen.map((w) => [w.id, w.name]), [['io.metamask', 'MetaMask'], ['io.rabby', 'Rabby']], 'window.ethereum is MetaMask: listed once');
      stop();
      page.ethereum = provider('legacy');
      watchInjectedWallets((list) => (seen = list))();
      assert.deepEqual(seen.map((w) => w.id), ['io.metamask', 'io.rabby', 'window.ethereum'], 'an unannounced window.ethereum is offered too');
    } finally {
      (globalThis as { window?: unknown }).window = saved;
    }
  });

  it('every catalogue key the portal uses exists in en', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : /\.tsx?$/.test(f) ? [join(dir, f)] : []));
    const missing: string[] = [];
    const has = (key: string) => {
      let node: unknown = en;
      for (const part of key.split('.')) node = (node as Record<string, unknown>)?.[part];
      return typeof node === 'string';
    };
    for (const file of files(join(import.meta.dirname, '..', 'src'))) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z.]+)'/g)) {
        if (!has(key!) && !has(`${key}_other`)) missing.push(`${file}: ${key}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
