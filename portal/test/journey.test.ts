/**
 * The staking portal, end to end, in headless Chromium (Debian's package, installed when
 * missing) against the devnet: anvil with the real contracts, genesis session-node processes
 * and the gateway, started by the same `startDevnet` as `npm run devnet`:
 *   1. an operator opens a multi-contributor node (keys from `session-node prepare-registration`,
 *      after two refused payloads); that node then runs as its own session-node process;
 *   2. two contributors fill it (the second one with the keyboard only);
 *   3. it activates;  4. time advances past the 24 h the ledger waits, and the gateway's own
 *      checkpoint authorises the rewards;  5. rewards are claimed with the gateway's proof;
 *   6. an exit is requested, unlocks and is completed with the gateway's exit signature.
 * Every transaction passes its review dialog (whose wording is checked where it matters: an exit
 * names every contributor and the 15-day unlock). Pages are reached through the navigation;
 * afterwards every route is opened by its deep link (reloaded), checked with axe-core (no
 * serious or critical violation) and photographed at 375 and 1280 px. Balances are read from
 * the chain. Screenshots go to test-artifacts/portal/. The page runs at 375 px wide, must never
 * scroll sideways, and must log no console error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { erc20Abi, type Address } from 'viem';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { RewardRatePool, SessionStaking, StakingRewards } from '../../sdk/src/generated/contracts.ts';
import { contributeCall, decodeNodeRecord, type NodeRecord } from '../../sdk/src/staking/index.ts';
import { sesh as toBase } from '../../sdk/src/units.ts';
import { ensureChromium } from '../../tools/ensure-chromium.ts';
import { plainError } from '../src/errors.ts';
import { sesh, seshRounded } from '../src/format.ts';
import { startPortal, type Portal } from '../serve.ts';
import { startRealNetwork, type RealNetwork } from './real-network.ts';
import { launchBrowser, timedLoad } from './browser.ts';

const ARTIFACTS = join('test-artifacts', 'portal');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DAY = 86_400;
const GENESIS_NODES = 3;
const REQUIREMENT = toBase(25_000);
type AccountApi = { rewards: { earned: string; claimable: string; claim: { cumulativeAmount: string; proof: string[] } | null } };
type NetworkApi = { lastCheckpoint: { epoch: number; total: string } | null };

describe('staking portal journey (headless Chromium, devnet: real chain, session nodes and gateway)', { timeout: 900_000 }, () => {
  let sys: RealNetwork;
  let portal: Portal;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let shot = 0;
  const consoleErrors: string[] = [];
  const acct = (i: number) => sys.accounts[i]!.address;
  const c = () => sys.deployments.contracts as Record<string, Address>;
  const start = new Map<number, bigint>();
  let nodeId = 0n;
  let reward = 0n; // what contributor #3 claimed
  let genesisLast = 0n; // lastNodeId after the genesis nodes
  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${sys.gatewayUrl}${path}`)).json()) as T;
  /** Until the portal shows the claimable rewards the gateway reports now (checkpoints keep coming). */
  const claimableShown = async (accept: (claimable: bigint) => boolean = () => true): Promise<bigint> => {
    let last = '';
    for (let i = 0; i < 80; i++) {
      const claimable = BigInt((await api<AccountApi>(`/api/accounts/${acct(3)}`)).rewards.claimable);
      last = (await page.getAttribute('[data-testid=rewards-claimable] .num', 'data-exact', { timeout: 1_000 }).catch(() => null)) ?? '';
      if (accept(claimable) && last === sesh(claimable)) return claimable;
      await new Promise((r) => setTimeout(r, 500));
      if (i % 4 === 3) await refresh();
    }
    assert.fail(`the portal's claimable rewards (${last}) never matched the gateway's`);
  };

  const read = async <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    (await (await sys.as(0)).publicClient.readContract({ address, abi, functionName, args } as never)) as T;
  const balance = (i: number) => read<bigint>(c().SESH!, erc20Abi, 'balanceOf', [acct(i)]);
  const node = async (id: bigint): Promise<NodeRecord> => decodeNodeRecord(await read(c().SessionStaking!, SessionStaking.abi, 'nodeRecord', [id]));

  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const noSideScroll = async () => {
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `the page scrolls sideways at 375 px (${scroll} > ${client})`);
  };
  let seenTx = 0;
  /** Waits for the next transaction labelled `label` (newer than the last one checked) to settle; requires it confirmed. */
  const confirmed = async (label: string) => {
    const handle = await page.waitForFunction(
      ({ text, after }) => {
        const entry = [...document.querySelectorAll<HTMLElement>('.tx')].find((e) => Number(e.dataset.txId) > after && (e.textContent ?? '').includes(text));
        return entry && entry.dataset.status !== 'pending' ? { id: Number(entry.dataset.txId), status: entry.dataset.status, text: entry.textContent } : null;
      },
      { text: label, after: seenTx },
      { timeout: 60_000 },
    );
    const tx = (await handle.jsonValue()) as { id: number; status: string; text: string };
    seenTx = tx.id;
    assert.equal(tx.status, 'confirmed', `"${label}" failed: ${tx.text}`);
  };
  const useAccount = async (i: number) => {
    const disconnect = page.getByRole('button', { name: 'Disconnect' });
    if (await disconnect.isVisible()) await disconnect.click();
    await page.selectOption('#demo-account', String(i));
    await page.getByRole('button', { name: 'Use demo account' }).click();
    await page.locator('[data-testid=balance]', { hasText: 'SESH' }).waitFor();
    assert.match((await page.textContent('[data-testid=connected]'))!, new RegExp(`${acct(i).slice(0, 6)}`));
  };
  /** Presses Tab until the element matching the CSS `selector` (or the button labelled `button`) has the focus. */
  const tabTo = async (target: string | { button: string }) => {
    for (let i = 0; i < 150; i++) {
      await page.keyboard.press('Tab');
      const reached = await page.evaluate((t) => {
        const el = document.activeElement;
        if (!el) return false;
        return typeof t === 'string' ? el.matches(t) : el.tagName === 'BUTTON' && el.textContent?.trim() === t.button;
      }, target);
      if (reached) return;
    }
    assert.fail(`Tab never reached ${JSON.stringify(target)}`);
  };
  const myNode = (id: bigint) => page.locator(`#my-stakes [data-node="${id}"]`);
  /** The page reloads its data every 30 s and after each transaction; after a time jump, ask now. */
  const refresh = async (on: Page = page) => {
    const button = on.locator('[data-testid=refresh]');
    await button.click();
    await on.locator('[data-testid=refresh]:not([disabled])').waitFor();
  };
  /** Follows a link of the main navigation (client-side routing, as a person clicks). */
  const nav = async (name: string, on: Page = page) => {
    await on.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
    await on.locator('main h1').first().waitFor();
  };
  /** The review dialog: checks what it says, waits for the gas estimate, confirms. */
  const approve = async (expect: RegExp[] = [], on: Page = page, gas: 'known' | 'unknown' = 'known') => {
    const dialog = on.getByRole('dialog');
    await dialog.waitFor();
    await dialog.locator(`[data-testid=review-gas][data-state=${gas}]`).waitFor({ timeout: 30_000 });
    const text = (await dialog.textContent())!;
    for (const re of expect) assert.match(text, re);
    await dialog.locator('.row.end button:not(.secondary)').click();
    await dialog.waitFor({ state: 'detached' });
    return text;
  };

  before(async () => {
    ensureChromium();
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'sesh-portal-'));
    const t0 = performance.now();
    sys = await startRealNetwork(dir, { nodes: GENESIS_NODES });
    console.log(`devnet (chain, ${GENESIS_NODES} session nodes, gateway) up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const i of [1, 2, 3]) start.set(i, await balance(i));
    genesisLast = await read<bigint>(c().SessionStaking!, SessionStaking.abi, 'lastNodeId');
    assert.equal(genesisLast, BigInt(GENESIS_NODES));
    portal = await startPortal({ port: 0, deploymentsFile: sys.deploymentsFile });
    context = await launchBrowser(join(dir, 'profile'));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  after(async () => {
    await context?.close();
    await portal?.stop();
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads (navigation → app ready) within 1 s and shows the network from the chain', async () => {
    const cold = await timedLoad(page, portal.url);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await timedLoad(page, portal.url));
    const median = [...warm].sort((a, b) => a - b)[2]!;
    console.log(`portal load, navigation → app ready: first ${cold.toFixed(0)} ms, then median ${median.toFixed(0)} ms (${warm.map((t) => t.toFixed(0)).join(', ')})`);
    assert.ok(median <= 1_000, `median load took ${median} ms (goal ≤ 1 s)`);
    assert.equal(await page.textContent('[data-testid=active-nodes]'), String(GENESIS_NODES));
    // The gateway releases from the pool at every checkpoint: compare on a load no release crossed.
    let same = false;
    for (let i = 0; i < 5 && !same; i++) {
      const poolBefore = await read<bigint>(c().RewardRatePool!, RewardRatePool.abi, 'balance');
      await timedLoad(page, portal.url);
      const shown = await page.textContent('[data-testid=pool-balance]');
      same = poolBefore === (await read<bigint>(c().RewardRatePool!, RewardRatePool.abi, 'balance'));
      if (same) assert.equal(shown, seshRounded(poolBefore));
    }
    assert.ok(same, 'every load crossed a checkpoint');
    await noSideScroll();
    await screenshot('loaded');
  });

  it('without a reachable gateway, rewards say so and the chain data still shows', async () => {
    const file = join(dir, 'no-gateway.json');
    writeDeployments(file, { ...sys.deployments, gatewayUrl: 'http://127.0.0.1:9/' }); // port 9 (discard): nothing listens
    const other = await startPortal({ port: 0, deploymentsFile: file, build: false });
    const second = await context.newPage(); // its expected network errors are not the journey's console
    try {
      await second.goto(other.url);
      await second.waitForSelector('body[data-ready]');
      await second.selectOption('#demo-account', '1');
      await second.getByRole('button', { name: 'Use demo account' }).click();
      assert.equal(await second.textContent('[data-testid=active-nodes]'), String(GENESIS_NODES));
      await nav('My stakes', second);
      await second.locator('[data-testid=rewards-unavailable]', { hasText: /^Rewards unavailable: .*gateway not reachable/ }).waitFor();
      await second.screenshot({ path: join(ARTIFACTS, '00-no-gateway.png'), fullPage: true });
    } finally {
      await second.close();
      await other.stop();
    }
  });

  it('1. an operator opens a multi-contributor node; bad payloads are refused before sending', async () => {
    await useAccount(1);
    await nav('Register');
    const payload = async (operator: Address) => JSON.stringify(await sys.registration('journey', operator));
    const errors = page.locator('[data-testid=register-errors]');
    await page.fill('#payload', '{ not json');
    await page.getByRole('button', { name: 'Open node' }).click();
    await errors.filter({ hasText: 'not valid JSON' }).waitFor();
    await page.fill('#payload', await payload(acct(2)));
    await page.getByRole('button', { name: 'Open node' }).click();
    await errors.filter({ hasText: `prepared for operator ${acct(2)}` }).waitFor();
    assert.equal(await read<bigint>(c().SessionStaking!, SessionStaking.abi, 'lastNodeId'), genesisLast, 'nothing was sent');
    await screenshot('register-refused');

    await page.fill('#payload', await payload(acct(1)));
    await page.fill('#fee', '5');
    await page.fill('#operator-amount', '6,250');
    await page.getByRole('button', { name: 'Open node' }).click();
    await approve([/You stake 6,250 SESH of the 25,000 SESH/, /5% fee/, /you can cancel it/]);
    await confirmed('Open multi-contributor node');
    nodeId = await read<bigint>(c().SessionStaking!, SessionStaking.abi, 'lastNodeId');
    assert.equal(nodeId, genesisLast + 1n);
    const record = await node(nodeId);
    assert.equal(record.status, 'AwaitingContributions');
    assert.equal(record.operator, acct(1));
    assert.equal(record.feeBps, 500);
    assert.equal(record.totalStaked, toBase(6_250));
    assert.equal(await balance(1), start.get(1)! - toBase(6_250));
    // Onboarding: the node's shareable page and the exact command to start it.
    await page.locator('[data-testid=node-link]', { hasText: `/nodes/${nodeId}` }).waitFor();
    assert.match((await page.textContent('[data-testid=start-command]'))!, /^session-node --deployments deployments\/\S+\.json --data-dir /);
    await screenshot('node-opened-onboarding');
    await nav('My stakes');
    await myNode(nodeId).and(page.locator('[data-state=awaiting]')).waitFor();
    await noSideScroll();
    await screenshot('node-opened');
  });

  it('contract refusals read as plain sentences (real reverts from the chain)', async () => {
    const d = await sys.as(4);
    const attempt = (amount: bigint) =>
      d.publicClient.simulateContract({ ...contributeCall(c().SessionStaking!, { nodeId, amount }), account: d.account }).then(() => 'no error', plainError);
    const minimum = (toBase(25_000) - toBase(6_250)) / 9n;
    assert.equal(await attempt(1n), `The amount is below this node's minimum of ${sesh(minimum)}.`);
    assert.equal(await attempt(toBase(20_000)), `The amount is more than the ${sesh(toBase(18_750))} of room left in this node.`);
  });

  it('2. two contributors fill it: one with the mouse (stake, top up, withdraw after a day, stake), one with the keyboard only', async () => {
    await useAccount(2);
    await nav('Nodes');
    const card = page.locator(`#open-nodes [data-node="${nodeId}"]`);
    assert.equal(await card.locator('[data-testid=fee]').textContent(), '5%');
    assert.equal(await card.locator('[data-testid=slots]').textContent(), '9');
    assert.equal(await card.locator('[data-testid=max]').textContent(), sesh(toBase(18_750)));
    await page.fill('#open-nodes [placeholder="search"]', String(nodeId));
    await page.selectOption('#open-nodes select', 'room');
    await card.locator(`#amount-${nodeId}`).fill('9000');
    await screenshot('contributor-1-amount');
    await card.getByRole('button', { name: 'Stake' }).click();
    await approve([/You send 9,000 SESH to node \d+ \(operator 0x/, /withdraw 1 d 0 h after your last contribution/, /unlocks 15 d 0 h after the request/, /2 transactions/]);
    await confirmed(`Stake ${sesh(toBase(9_000))} to node ${nodeId}`);
    // Top up (an existing contributor may add any amount that fits).
    await card.getByRole('button', { name: 'Top up' }).waitFor();
    await card.locator(`#amount-${nodeId}`).fill('1000');
    await card.getByRole('button', { name: 'Top up' }).click();
    await approve();
    await confirmed(`Top up ${sesh(toBase(1_000))} to node ${nodeId}`);
    assert.equal(await balance(2), start.get(2)! - toBase(10_000));
    assert.equal((await node(nodeId)).totalStaked, toBase(16_250));
    // Withdraw: refused for a day after the last contribution, then allowed.
    await nav('My stakes');
    const withdraw = myNode(nodeId).getByRole('button', { name: 'Withdraw' });
    await withdraw.waitFor();
    assert.ok(await withdraw.isDisabled(), 'withdrawing waits 1 day after the last contribution');
    assert.match((await myNode(nodeId).textContent())!, /1 day after your last contribution/);
    // The page's data (the network index) follows the chain a moment behind: the review must
    // name the whole 10,000, so wait until the page shows it, as a person would.
    for (let i = 0; i < 30 && !(await myNode(nodeId).locator('[data-testid=my-stake]', { hasText: sesh(toBase(10_000)) }).count()); i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      await refresh();
    }
    await sys.increaseTime(DAY + 1);
    await refresh();
    await myNode(nodeId).getByRole('button', { name: 'Withdraw', disabled: false }).waitFor();
    await withdraw.click();
    await approve([/Your whole contribution of 10,000 SESH leaves node/]);
    await confirmed(`Withdraw (node ${nodeId})`);
    assert.equal(await balance(2), start.get(2)!, 'the whole contribution came back');
    assert.equal((await node(nodeId)).totalStaked, toBase(6_250));
    // … and back in with 10,000.
    await nav('Nodes');
    await card.locator(`#amount-${nodeId}`).fill('10000');
    await card.getByRole('button', { name: 'Stake' }).click();
    await approve();
    await confirmed(`Stake ${sesh(toBase(10_000))} to node ${nodeId}`);
    assert.equal(await balance(2), start.get(2)! - toBase(10_000));
    assert.equal((await node(nodeId)).totalStaked, toBase(16_250));

    // Keyboard only: disconnect, pick demo account #3, stake the rest, submit with Enter.
    await tabTo({ button: 'Disconnect' });
    await page.keyboard.press('Enter');
    await tabTo('#demo-account');
    for (let i = 0; i < 10 && (await page.inputValue('#demo-account')) !== '3'; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('#demo-account'), '3');
    await tabTo({ button: 'Use demo account' });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=connected]', { hasText: acct(3).slice(0, 6) }).waitFor();
    await page.locator('[data-testid=balance]', { hasText: 'SESH' }).waitFor();
    await tabTo(`#amount-${nodeId}`);
    await page.keyboard.type('8,750'); // thousands separators are fine
    await page.keyboard.press('Enter');
    // The review dialog takes the focus (on its confirm button): Enter confirms.
    const dialog = page.getByRole('dialog');
    await dialog.locator('[data-testid=review-gas][data-state=known]').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), `Stake ${sesh(toBase(8_750))}`);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await confirmed(`Stake ${sesh(toBase(8_750))} to node ${nodeId}`);
    assert.equal(await balance(3), start.get(3)! - toBase(8_750));
  });

  it('3. it activates when full (auto-activation)', async () => {
    const record = await node(nodeId);
    assert.equal(record.status, 'Active');
    assert.equal(record.totalStaked, toBase(25_000));
    const active = BigInt(GENESIS_NODES) + 1n;
    assert.equal(await read<bigint>(c().SessionStaking!, SessionStaking.abi, 'activeNodeCount'), active);
    await nav('My stakes');
    await myNode(nodeId).and(page.locator('[data-state=running]')).waitFor();
    // A new node earns after 24 h: the page says so instead of showing an unexplained 0.
    await page.locator('[data-testid=warm-up]', { hasText: `Node ${nodeId} earns from` }).waitFor();
    await nav('Overview');
    await page.locator('[data-testid=active-nodes]', { hasText: String(active) }).waitFor();
    assert.equal(await page.textContent('[data-testid=total-staked]'), sesh(REQUIREMENT * active));
    // The portal shows the gateway's estimate (rate per year ÷ total staked). The gateway follows
    // the chain a moment behind and the pool's balance (so its rate) moves with every release,
    // so compare within 0.5% of the chain's current figure rather than to the digit.
    const ratePerYear = await read<bigint>(c().RewardRatePool!, RewardRatePool.abi, 'ratePerYear');
    const expectedBps = Number((ratePerYear * 10_000n) / (REQUIREMENT * active));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const shown = Number(/^([\d,.]+)%/.exec((await page.textContent('[data-testid=apr]')) ?? '')?.[1]?.replace(/,/g, '') ?? NaN) * 100;
      if (Math.abs(shown - expectedBps) <= expectedBps * 0.005) break;
      if (Date.now() > deadline) assert.fail(`APR shown ${shown / 100}%, expected about ${expectedBps / 100}%`);
      await new Promise((r) => setTimeout(r, 1_000));
      await refresh();
    }
    await noSideScroll();
    await screenshot('node-running');
  });

  it('4. time advances past the 24 h the ledger waits, and the gateway checkpoints the rewards', async () => {
    const { lastCheckpoint: before } = await api<NetworkApi>('/api/network');
    await sys.increaseTime(DAY + 60);
    // The gateway's own periodic checkpoint (every 4 s here) pays the new node once it has been
    // active for a day: wait for one that gives contributor #3 something to claim.
    const t0 = performance.now();
    let account: AccountApi | undefined;
    for (let i = 0; i < 180; i++) {
      account = await api<AccountApi>(`/api/accounts/${acct(3)}`);
      if (BigInt(account.rewards.claimable) > 0n) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const claimable = BigInt(account!.rewards.claimable);
    assert.ok(claimable > 0n, 'no checkpoint paid contributor #3 within 90 s');
    console.log(`first paying checkpoint ${((performance.now() - t0) / 1000).toFixed(1)} s after the time jump`);
    assert.ok(account!.rewards.claim && account!.rewards.claim.proof.length > 0, 'the gateway serves a proof');
    const { lastCheckpoint } = await api<NetworkApi>('/api/network');
    const epoch = await read<bigint>(c().StakingRewards!, StakingRewards.abi, 'epoch');
    assert.ok(epoch > BigInt(before?.epoch ?? 0), 'a new checkpoint is on chain');
    // Every node has the same stake, so the new node earns at most 1/4 of any release; #3 holds
    // 8,750 of its 25,000 after the 5% fee. Cumulative total over everything ever released bounds it.
    const ceiling = (BigInt(lastCheckpoint!.total) * 95n * toBase(8_750)) / (100n * REQUIREMENT * (BigInt(GENESIS_NODES) + 1n));
    assert.ok(claimable <= ceiling, `claimable ${claimable} is above ${ceiling}`);
    await nav('My stakes');
    await claimableShown();
    assert.match((await page.textContent('[data-testid=rewards-explained]'))!, /the last one .*ago|the last one now/);
    await screenshot('rewards-claimable');
  });

  it('5. rewards are claimed with the gateway\'s proof', async () => {
    const before = await balance(3);
    const sent = async () => (await sys.as(0)).publicClient.getTransactionCount({ address: acct(3) });
    const nonce = await sent();
    // A double click on Claim (and on its confirm button) sends one transaction.
    await page.getByRole('button', { name: 'Claim rewards' }).dblclick();
    await approve([/rewards go to your wallet/]);
    await confirmed('rewards');
    assert.equal(await sent(), nonce + 1, 'exactly one transaction was sent');
    assert.equal(await page.getByRole('dialog').count(), 0, 'no second review opened');
    reward = await read<bigint>(c().StakingRewards!, StakingRewards.abi, 'claimed', [acct(3)]);
    assert.ok(reward > 0n);
    assert.equal(await balance(3), before + reward, 'the balance rose by exactly what the contract recorded as claimed');
    // Checkpoints keep coming (the node keeps earning): once the gateway has seen the claim, what
    // is claimable (and shown) is only what accrued since, less than what was just claimed.
    await claimableShown((claimable) => claimable < reward);
    await screenshot('rewards-claimed');
  });

  it('6. an exit is requested, unlocks after 15 days and is completed with the network signature', async () => {
    await useAccount(1);
    await myNode(nodeId).getByRole('button', { name: 'Request exit' }).click();
    await approve([/leaves the network for all 3 contributors, the operator included/, /unlocks 15 d 0 h after this request/, /stakes of 2 other people/]);
    await confirmed('Request exit');
    assert.equal((await node(nodeId)).status, 'ExitRequested');
    await myNode(nodeId).and(page.locator('[data-state=unlocking]')).waitFor();
    assert.match((await myNode(nodeId).locator('[data-testid=state-detail]').textContent())!, /^1[45] d \d+ h left/);
    assert.ok(await myNode(nodeId).getByRole('button', { name: 'Complete exit', exact: true }).isDisabled());
    await screenshot('exit-unlocking');

    await sys.increaseTime(15 * DAY + 1);
    // The gateway signs only what its view of the chain allows: it follows the chain every 500 ms.
    let unlocked = false;
    for (let i = 0; i < 120 && !(unlocked = (await api<{ canExitWithSignature: boolean }>(`/api/exits/${nodeId}`)).canExitWithSignature); i++) await new Promise((r) => setTimeout(r, 250));
    assert.ok(unlocked, 'the gateway saw the unlock within 30 s of the time travel');
    await refresh();
    await myNode(nodeId).and(page.locator('[data-state=exit-requested]')).waitFor();
    await myNode(nodeId).getByRole('button', { name: 'Complete exit', exact: true }).click();
    await approve([/Every stake goes back to its 3 contributors/], page, 'unknown');
    await confirmed('Complete exit');
    assert.equal((await node(nodeId)).status, 'Exited');
    // Every stake came back; only the claimed rewards changed a balance.
    assert.equal(await balance(1), start.get(1)!);
    assert.equal(await balance(2), start.get(2)!);
    assert.equal(await balance(3), start.get(3)! + reward);
    await myNode(nodeId).and(page.locator('[data-state=exited]')).waitFor();
    // Toasts are dismissible (the history keeps the entry).
    const toast = page.locator('.txs .tx', { hasText: 'Complete exit' }).first();
    const toastId = await toast.getAttribute('data-tx-id');
    await toast.getByRole('button', { name: /^Dismiss/ }).click();
    await page.locator(`.txs .tx[data-tx-id="${toastId}"]`).waitFor({ state: 'detached' });
    assert.match((await myNode(nodeId).textContent())!, new RegExp(`${sesh(toBase(6_250))} returned to you`));
    await noSideScroll();
    await screenshot('exited');
  });

  it('every route: a deep link that survives a reload, no serious axe-core violation, screenshots at 375 and 1280 px', async () => {
    // Connected as the operator (#1): the wallet is remembered across the reloads below.
    const routes: [string, string][] = [
      ['overview', ''],
      ['nodes', 'nodes'],
      ['node', `nodes/${nodeId}`],
      ['address', `address/${acct(1)}`],
      ['stakes', 'stakes'],
      ['register', 'register'],
      ['names', 'names'],
      ['pro', 'pro'],
      ['not-found', 'no/such/page'],
    ];
    const failures: string[] = [];
    await page.goto(portal.url);
    await page.waitForSelector('body[data-ready]');
    await useAccount(1);
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      for (const [name, path] of routes) {
        await page.goto(new URL(path, portal.url).href);
        await page.waitForSelector('body[data-ready]');
        await page.locator('main h1').first().waitFor();
        await page.locator('[data-testid=connected]', { hasText: acct(1).slice(0, 6) }).waitFor();
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        });
        failures.push(...violations.map((v) => `${name} at ${width} px: ${v}`));
        if (width === 375) await noSideScroll();
        await page.screenshot({ path: join(ARTIFACTS, `route-${name}-${width}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 375, height: 812 });
    assert.deepEqual(failures, [], 'axe-core found serious or critical violations');
    // The node page of the journey's node lists its 3 contributors; the address page keeps the
    // operator's transactions (from before the reloads), with hashes.
    await page.goto(new URL(`nodes/${nodeId}`, portal.url).href);
    await page.locator('[data-testid=node-contributors] li').nth(2).waitFor();
    assert.equal(await page.locator('[data-testid=node-contributors] li').count(), 3);
    await page.goto(new URL(`address/${acct(1)}`, portal.url).href);
    const history = page.locator('[data-testid=tx-history]');
    await history.locator('.tx-row', { hasText: 'Complete exit' }).and(page.locator('[data-status=confirmed]')).first().waitFor();
    assert.ok((await history.locator('.tx-row', { hasText: 'Open multi-contributor node' }).count()) >= 1, 'the history survived reloads');
    assert.ok((await history.locator('.hash code[title^="0x"]').count()) >= 3, 'entries carry their hashes');
    // Another account sees only its own history.
    await useAccount(2);
    await page.goto(new URL(`address/${acct(2)}`, portal.url).href);
    await history.waitFor();
    assert.equal(await history.locator('.tx-row', { hasText: 'Open multi-contributor node' }).count(), 0);
    assert.ok((await history.locator('.tx-row', { hasText: 'Withdraw' }).count()) >= 1);
    assert.equal(await page.locator('.txs .tx').count(), 0, 'after a reload, old transactions are in the history, not in toasts');
  });

  it('an injected EIP-1193 wallet on the wrong network is asked to switch (adding the chain), then registers a solo node', async () => {
    // A minimal injected wallet: anvil's unlocked account #5 behind window.ethereum, starting on chain 1.
    const second = await context.newPage();
    const errors: string[] = [];
    second.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    second.on('pageerror', (e) => errors.push(e.message));
    // (A string, not a function: tsx would wrap a function with helpers the page does not have.)
    await second.addInitScript(`(() => {
      const rpcUrl = ${JSON.stringify(sys.anvil.rpcUrl)}, account = ${JSON.stringify(acct(5))}, devnetChain = '0x${sys.anvil.chainId.toString(16)}';
      let chainId = '0x1';
      const known = ['0x1']; // the devnet is unknown to this wallet until the portal adds it
      const listeners = {};
      const emit = (event, arg) => (listeners[event] || []).forEach((f) => f(arg));
      window.ethereum = {
        async request({ method, params }) {
          if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [account];
          if (method === 'eth_chainId') return chainId;
          if (method === 'wallet_switchEthereumChain') {
            if (!known.includes(params[0].chainId)) throw Object.assign(new Error('Unrecognized chain'), { code: 4902 });
            chainId = params[0].chainId;
            emit('chainChanged', chainId);
            return null;
          }
          if (method === 'wallet_addEthereumChain') {
            // Like common wallets: add the chain (its RPC URL must be given), then switch to it.
            if (!params[0].rpcUrls || !params[0].rpcUrls.length) throw Object.assign(new Error('rpcUrls required'), { code: -32602 });
            known.push(params[0].chainId);
            window.addedChain = params[0];
            chainId = params[0].chainId;
            emit('chainChanged', chainId);
            return null;
          }
          if (chainId !== devnetChain) throw Object.assign(new Error('wrong chain'), { code: 4901 });
          const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
          const body = await response.json();
          if (body.error) throw Object.assign(new Error(body.error.message), body.error);
          return body.result;
        },
        on: (event, f) => (listeners[event] = listeners[event] || []).push(f),
        removeListener: (event, f) => (listeners[event] = (listeners[event] || []).filter((g) => g !== f)),
      };
    })();`);
    try {
      const funds = await balance(5);
      await second.goto(portal.url);
      await second.waitForSelector('body[data-ready]');
      // This browser remembers the demo account of the journey: disconnect it first.
      const disconnect = second.getByRole('button', { name: 'Disconnect' });
      if (await disconnect.isVisible()) await disconnect.click();
      await second.getByRole('button', { name: 'Connect Browser wallet' }).click();
      const prompt = second.getByRole('alert').filter({ hasText: 'Your wallet is on chain 1' });
      await prompt.waitFor();
      await second.screenshot({ path: join(ARTIFACTS, '10-wrong-network.png'), fullPage: true });
      await prompt.getByRole('button', { name: 'Switch network' }).click();
      await prompt.waitFor({ state: 'detached' });
      await second.locator('[data-testid=connected]', { hasText: 'Browser wallet' }).waitFor();
      const added = await second.evaluate(() => (window as unknown as { addedChain: { chainId: string; rpcUrls: string[] } }).addedChain);
      assert.deepEqual({ chainId: added.chainId, rpcUrls: added.rpcUrls }, { chainId: `0x${sys.anvil.chainId.toString(16)}`, rpcUrls: [sys.anvil.rpcUrl] }, 'switching to an unknown chain adds it first');
      await second.locator('[data-testid=balance]', { hasText: sesh(funds) }).waitFor();

      const solo = await sys.registration('solo', acct(5));
      await nav('Register', second);
      await second.fill('#payload', JSON.stringify(solo));
      await second.locator('input[name=mode][value=solo]').check();
      await second.getByRole('button', { name: 'Register solo node', exact: true }).click();
      await approve([/You stake 25,000 SESH, the whole node/], second);
      const done = second.locator('.tx', { hasText: 'Register solo node' }).and(second.locator('[data-status=confirmed], [data-status=failed]'));
      await done.waitFor({ timeout: 60_000 });
      assert.equal(await done.getAttribute('data-status'), 'confirmed', (await done.textContent())!);
      const id = await read<bigint>(c().SessionStaking!, SessionStaking.abi, 'lastNodeId');
      const record = await node(id);
      assert.equal(record.status, 'Active');
      assert.equal(record.operator, acct(5));
      assert.equal(await balance(5), funds - REQUIREMENT);
      await nav('My stakes', second);
      await second.locator(`#my-stakes [data-node="${id}"][data-state=running]`).waitFor();
      await nav('Register', second);
      await second.screenshot({ path: join(ARTIFACTS, '11-injected-solo-node.png'), fullPage: true });

      // The same keys again: the contract refuses (DuplicateBlsKey) and the portal says why, in words.
      await second.locator('[data-testid=balance]', { hasText: sesh(funds - REQUIREMENT) }).waitFor();
      await second.fill('#payload', JSON.stringify(solo));
      await second.locator('input[name=mode][value=solo]').check();
      await second.getByRole('button', { name: 'Register solo node', exact: true }).click();
      await approve([], second);
      const failed = second.locator('.tx[data-status=failed]', { hasText: 'Register solo node' });
      await failed.waitFor({ timeout: 60_000 });
      assert.match((await failed.textContent())!, /This node key is already registered\. Generate new keys for a new node\./);
      assert.equal(await read<bigint>(c().SessionStaking!, SessionStaking.abi, 'lastNodeId'), id, 'no node was added');
      await second.screenshot({ path: join(ARTIFACTS, '12-refusal-in-words.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } catch (error) {
      await second.screenshot({ path: join(ARTIFACTS, 'failed-injected.png'), fullPage: true });
      throw new Error(`${(error as Error).message}\nconsole: ${errors.join('\n')}`);
    } finally {
      await second.close();
    }
  });

  it('logged no console error during the journey', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
