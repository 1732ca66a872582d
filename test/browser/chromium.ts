import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core. Nothing is downloaded: playwright-core has
 * no browser of its own, and these flags keep Chromium itself off the network.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export const TOKEN_STORAGE_KEY = 'smart-sync.admin-token';

/**
 * A fresh browser profile per test. With `token`, the page finds it where the token form
 * leaves it, as after signing in once.
 */
export async function openPage(
  browser: Browser,
  options: { token?: string } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (options.token) {
    await context.addInitScript(([key, token]) => window.sessionStorage.setItem(key, token), [
      TOKEN_STORAGE_KEY,
      options.token,
    ] as const);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // Script errors fail the test that caused them (see expectNoScriptErrors).
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    // The API's refusals (401 wrong token, 404 no document yet, 400, 412) are expected answers.
    if (msg.type() === 'error' && !/status of (400|401|404|412)/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, errors };
}
