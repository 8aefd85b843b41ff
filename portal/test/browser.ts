/** Headless Chromium for the portal tests: Debian's package (installed when missing), fresh profile. */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureChromium } from '../../tools/ensure-chromium.ts';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches Chromium with a fresh profile at 375 px wide. */
export async function launchBrowser(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: ensureChromium(), headless: true, args: FLAGS, viewport: { width: 375, height: 812 } });
}

/** Navigates and returns navigation start → app ready (first chain data rendered), in ms. */
export async function timedLoad(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
  return page.evaluate(() => performance.getEntriesByName('portal-ready')[0]!.startTime);
}

