/**
 * Names and Pro pages in headless Chromium against a real chain: a refused name, the
 * commit → wait → register flow, renew, a text record, transfer; then buying Pro, and a Pro
 * price raised in front of the buyer refused (the page sends the price it showed as maxPrice).
 * Each payment and the transfer pass the review dialog first. Every outcome is read back from
 * the contracts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { erc20Abi, type Address } from 'viem';
import { startLocalSystem, type LocalSystem } from '../../devnet/testkit.ts';
import { writeDeployments } from '../../sdk/src/deployments.ts';
import { SessionNameRegistry, SessionPro } from '../../sdk/src/generated/contracts.ts';
import { lookupName } from '../../sdk/src/names/read.ts';
import { nameId } from '../../sdk/src/names/hash.ts';
import { proStatus } from '../../sdk/src/pro/calls.ts';
import { sesh as toBase } from '../../sdk/src/units.ts';
import { startPortal, type Portal } from '../serve.ts';
import { launchBrowser, timedLoad } from './browser.ts';

const ARTIFACTS = join('test-artifacts', 'portal-names');
const ACCOUNT_ID = `05${'12'.repeat(32)}`;
const OTHER_ID = `05${'34'.repeat(32)}`;

describe('names and Pro pages (headless Chromium, real chain)', { timeout: 300_000 }, () => {
  let sys: LocalSystem;
  let portal: Portal;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  const consoleErrors: string[] = [];
  const acct = (i: number) => sys.accounts[i]!.address;
  const client = async () => (await sys.as(0)).publicClient;
  const confirmed = async (label: string) => {
    const tx = page.locator('.tx', { hasText: label }).first();
    await tx.and(page.locator('[data-status=confirmed], [data-status=failed]')).waitFor({ timeout: 60_000 });
    assert.equal(await tx.getAttribute('data-status'), 'confirmed', `"${label}" failed: ${await tx.textContent()}`);
  };
  const names = () => page.locator('#names');
  const pro = () => page.locator('#pro');
  const nav = async (name: string) => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
    await page.locator('main h1').first().waitFor();
  };
  const refresh = async () => {
    await page.locator('[data-testid=refresh]').click();
    await page.locator('[data-testid=refresh]:not([disabled])').waitFor();
  };
  /** Confirms the review dialog after checking what it says. */
  const approve = async (expect: RegExp[] = []) => {
    const dialog = page.getByRole('dialog');
    await dialog.locator('[data-testid=review-gas][data-state=known]').waitFor({ timeout: 30_000 });
    const text = (await dialog.textContent())!;
    for (const re of expect) assert.match(text, re);
    await dialog.locator('.row.end button:not(.secondary)').click();
    await dialog.waitFor({ state: 'detached' });
  };

  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'sesh-portal-names-'));
    sys = await startLocalSystem();
    await (await sys.as(0)).send(sys.deployments.contracts.SESH!, erc20Abi, 'transfer', [acct(1), toBase(10_000)]);
    const file = join(dir, 'deployments.json');
    writeDeployments(file, sys.deployments);
    portal = await startPortal({ port: 0, deploymentsFile: file });
    context = await launchBrowser(join(dir, 'profile'));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => (m.type() === 'error' ? consoleErrors.push(m.text()) : undefined));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await timedLoad(page, portal.url);
    await page.selectOption('#demo-account', '1');
    await page.getByRole('button', { name: 'Use demo account' }).click();
    await page.locator('[data-testid=balance]', { hasText: 'SESH' }).waitFor();
    await nav('Names');
  });
  after(async () => {
    await context?.close();
    await portal?.stop();
    await sys?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an invalid name before any lookup or transaction', async () => {
    await page.fill('#name-query', '-alice');
    await names().getByRole('button', { name: 'Search' }).click();
    await names().getByRole('alert').filter({ hasText: 'a name cannot start with "-"' }).waitFor();
  });

  it('registers a name: commit, wait out the front-running window, reveal and pay', async () => {
    await page.fill('#name-query', 'Alice');
    await names().getByRole('button', { name: 'Search' }).click();
    await names().locator('[data-testid=name-info]', { hasText: 'alice is available: 10 SESH for 1 year' }).waitFor();
    await page.fill('#name-account', ACCOUNT_ID);
    await names().getByRole('button', { name: /commit/ }).click();
    await confirmed('Commit to the name alice');
    const pending = names().locator('[data-testid=name-pending]');
    await pending.filter({ hasText: 'matures in' }).waitFor();
    assert.ok(await pending.getByRole('button', { name: /Complete registration/ }).isDisabled());
    await page.screenshot({ path: join(ARTIFACTS, '01-committed.png'), fullPage: true });
    await sys.increaseTime(61);
    await refresh();
    await pending.filter({ hasText: 'the commitment is ready' }).waitFor();
    const before = await (await client()).readContract({ address: sys.deployments.contracts.SESH!, abi: erc20Abi, functionName: 'balanceOf', args: [acct(1)] });
    await pending.getByRole('button', { name: /Complete registration/ }).click();
    await approve([/You pay 10 SESH for alice, for 1 year/, /never pay more than 10 SESH/]);
    await confirmed('Register the name alice');
    const info = await lookupName(await client(), sys.deployments, 'alice');
    assert.equal(info.owner, acct(1));
    assert.equal(info.accountId, ACCOUNT_ID);
    const after = await (await client()).readContract({ address: sys.deployments.contracts.SESH!, abi: erc20Abi, functionName: 'balanceOf', args: [acct(1)] });
    assert.equal(before - after, toBase(10));
    await names().locator('[data-testid=name-info]', { hasText: 'taken by you' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, '02-registered.png'), fullPage: true });
  });

  it('renews, sets a text record, and transfers the name', async () => {
    const expiry = (await lookupName(await client(), sys.deployments, 'alice')).expiry;
    await names().getByRole('button', { name: /^Renew for/ }).click();
    await approve([/extend alice by 1 year/]);
    await confirmed('Renew alice');
    assert.equal((await lookupName(await client(), sys.deployments, 'alice')).expiry, expiry + 365n * 86_400n);

    await names().getByLabel('Text record key').fill('url');
    await names().getByLabel('Value').fill('https://example.org');
    await names().getByRole('button', { name: 'Set text record' }).click();
    await confirmed('Set url on alice');
    const registry = sys.deployments.contracts.SessionNameRegistry! as Address;
    assert.equal(await (await client()).readContract({ address: registry, abi: SessionNameRegistry.abi, functionName: 'text', args: [nameId('alice'), 'url'] }), 'https://example.org');

    await names().getByLabel('Transfer to (address)').fill(acct(2));
    await names().getByRole('button', { name: /^Transfer/ }).click();
    await approve([/cannot be undone, and it clears the name’s account ID and text records/]);
    await confirmed('Transfer alice');
    assert.equal((await lookupName(await client(), sys.deployments, 'alice')).owner, acct(2));
  });

  it('shows Pro status and buys Pro for an account ID', async () => {
    await nav('Pro');
    await page.fill('#pro-account', OTHER_ID);
    await pro().getByRole('button', { name: 'Show Pro status' }).click();
    await pro().locator('[data-testid=pro-status]', { hasText: 'no Pro yet' }).waitFor();
    await pro().getByRole('button', { name: /^Buy 30 days for 5 SESH/ }).click();
    await approve([/30 days of Pro for the account 05/]);
    await confirmed('Buy Pro (30 days)');
    assert.equal((await proStatus(await client(), sys.deployments, OTHER_ID)).active, true);
    await pro().locator('[data-testid=pro-status]', { hasText: 'Pro is active until' }).waitFor();
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
    assert.ok(scroll <= width, `the page scrolls sideways at 375 px (${scroll} > ${width})`);
    await page.screenshot({ path: join(ARTIFACTS, '03-pro.png'), fullPage: true });
  });

  it('a Pro price raised in front of the buyer is refused with nothing paid, then shown', async () => {
    const balance = async () => (await client()).readContract({ address: sys.deployments.contracts.SESH!, abi: erc20Abi, functionName: 'balanceOf', args: [acct(1)] });
    const before = { balance: await balance(), expiry: (await proStatus(await client(), sys.deployments, OTHER_ID)).expiry };
    const admin = await sys.as(0);
    // The admin's price change waits in the mempool while the buyer clicks on the 5 SESH price.
    await sys.rpc('evm_setAutomine', [false]);
    try {
      await admin.walletClient.writeContract({ address: sys.deployments.contracts.SessionPro!, abi: SessionPro.abi, functionName: 'setTier', args: [1n, toBase(6), 30n * 86_400n, true], account: admin.account, chain: admin.walletClient.chain, gas: 200_000n });
      await pro().getByRole('button', { name: /^Extend 30 days for 5 SESH/ }).click();
      await approve();
      // The page's approval joins the admin's change in the mempool; both land in one block.
      for (let i = 0; Number((await sys.rpc<{ pending: string | number }>('txpool_status')).pending) !== 2; i++) {
        if (i > 200) throw new Error('the approval never reached the mempool');
        await new Promise((r) => setTimeout(r, 50));
      }
      await sys.rpc('evm_mine');
    } finally {
      await sys.rpc('evm_setAutomine', [true]);
    }
    const refused = page.locator('.tx', { hasText: 'Extend Pro (30 days) for at most 5 SESH' }).first();
    await refused.and(page.locator('[data-status=failed]')).waitFor({ timeout: 60_000 });
    assert.match((await refused.textContent()) ?? '', /The price is now 6 SESH, above the 5 SESH you agreed to; nothing was paid/);
    assert.deepEqual({ balance: await balance(), expiry: (await proStatus(await client(), sys.deployments, OTHER_ID)).expiry }, before);
    // The page re-reads the tier: the button now offers the new price.
    await pro().getByRole('button', { name: /^Extend 30 days for 6 SESH/ }).waitFor();
  });

  it('logged no console error', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
