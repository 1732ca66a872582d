/**
 * Takes the README's screenshots of the settings page by walking through "Settings page"
 * as a new user would, against a running demo (`npm start` with no services configured):
 *
 *   npm start                          # in one terminal
 *   npx tsx scripts/screenshots.ts     # in another: writes docs/screenshots/*.png
 *
 * It first puts the demo's settings back to config/demo-mapping.json (so it can run again),
 * then: signs in, turns Products off, maps the data field delivery_date to the Sale's
 * Sale date, signs the demo contract (as `npm run demo` does), and shows the run on the
 * Runs tab and in the Temporal Web UI. Headless Debian Chromium; nothing is downloaded.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runDemo } from '../src/cli/demo';
import { launchChromium } from '../test/browser/chromium';

const root = path.join(__dirname, '..');
const out = path.join(root, 'docs', 'screenshots');
const serviceUrl = (process.env.SMART_SYNC_URL ?? `http://localhost:${process.env.PORT || 3000}`).replace(
  /\/+$/,
  '',
);
const adminToken = process.env.SMART_SYNC_ADMIN_TOKEN || 'demo-admin-token';
const oneflowUrl = `http://localhost:${process.env.DEMO_ONEFLOW_PORT || 4010}`;
const superofficeUrl = `http://localhost:${process.env.DEMO_SUPEROFFICE_PORT || 4020}`;

const step = (line: string) => process.stdout.write(`• ${line}\n`);

async function shoot(page: Page, name: string): Promise<void> {
  // Settled: no toast half-faded, no focus ring from the last click.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  step(`wrote ${path.relative(root, file)}`);
}

async function main(): Promise<void> {
  const health = await fetch(`${serviceUrl}/healthz`).catch(() => null);
  if (!health?.ok)
    throw new Error(`Smart Sync does not answer at ${serviceUrl}: start the demo with \`npm start\` first`);
  mkdirSync(out, { recursive: true });

  const reset = await fetch(`${serviceUrl}/api/config`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: readFileSync(path.join(root, 'config', 'demo-mapping.json'), 'utf8'),
  });
  if (!reset.ok) throw new Error(`could not reset the demo settings: ${reset.status} ${await reset.text()}`);
  step('demo settings reset to config/demo-mapping.json');

  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 760 },
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);

    // 1. Sign in.
    await page.goto(`${serviceUrl}/settings`);
    const token = page.getByLabel('Admin token');
    await token.waitFor();
    await token.fill(adminToken);
    await page.getByRole('button', { name: 'Continue' }).click();

    // 2. Smart sync: Products off.
    const products = page.getByRole('switch', { name: 'Products' });
    await products.waitFor();
    if (await products.isChecked()) await products.click();
    await page.getByRole('status').filter({ hasText: 'Products off: saved.' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor({ state: 'hidden', timeout: 10_000 });
    await shoot(page, 'smart-sync-tab');
    step('Products turned off');

    // 3. Mappings: delivery_date → Sale date, with a look at the form and a not-ready property.
    await page.getByRole('tab', { name: 'Mapping SuperOffice properties' }).click();
    await page.locator('#mappings-body .ready').first().waitFor();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add mapping' });
    await dialog.getByLabel('SuperOffice object').selectOption('Sale');
    await dialog.getByLabel('SuperOffice property').selectOption('SuperOffice:6');
    await dialog.locator('#f-property-warning').waitFor();
    await dialog.getByLabel('Oneflow data field (custom_id)').fill('delivery_date');
    await page.screenshot({ path: path.join(out, 'mapping-dialog.png') });
    step('wrote docs/screenshots/mapping-dialog.png');
    await dialog.getByLabel('SuperOffice property').selectOption('Saledate');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('status').filter({ hasText: 'Mapping added' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: 'Mapping added' })
      .waitFor({ state: 'hidden', timeout: 10_000 });
    await shoot(page, 'mappings-tab');
    step('mapped delivery_date → Sale date (Saledate)');

    // 4. Sign the demo contract, as `npm run demo` does.
    await runDemo({ serviceUrl, oneflowUrl, superofficeUrl, adminToken }, (line) =>
      step(line.split('\n')[0]!),
    );

    // 5. The run on the Runs tab, with its result.
    await page.getByRole('tab', { name: 'Runs' }).click();
    const row = page.locator('#runs-body tr[data-run]').first();
    await row.waitFor();
    await row
      .locator('td')
      .nth(3)
      .getByText(/Succeeded|Partially failed|Failed|Nothing changed/)
      .waitFor();
    await row.getByRole('button', { name: /^Details/ }).click();
    await page.locator('#runs-body .resource').first().waitFor();
    await shoot(page, 'runs-tab');

    // 6. The same run in the Temporal Web UI.
    const link = await row.getByRole('link', { name: /Temporal Web UI/ }).getAttribute('href');
    if (!link) throw new Error('the run has no Temporal Web UI link');
    const ui = await context.newPage();
    await ui.goto(link);
    await ui.getByText('smartSync', { exact: false }).first().waitFor({ timeout: 30_000 });
    await ui.waitForLoadState('networkidle').catch(() => undefined);
    await ui.screenshot({ path: path.join(out, 'temporal-web-ui.png') });
    step(`wrote docs/screenshots/temporal-web-ui.png (${link})`);
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
