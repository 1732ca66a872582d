import type { Browser, Page } from 'playwright-core';
import { oneflowDemoSeed } from '../../src/emulators/oneflow';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { launchChromium, openPage } from './chromium';

/**
 * The Backfill panel of the settings page's Runs tab, in headless Chromium against the
 * whole demo stack on the test run's dev server: a dry run lists the signed contracts and
 * writes nothing, a backfill syncs them and shows its counts, and a bad period is refused
 * with a message saying what to enter.
 */
const TOKEN = 'demo-admin-token';
const SIGNED = [9101, 9102];

let stack: SyncStack;
let browser: Browser;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startSyncStack(), launchChromium()]);
  const demo = oneflowDemoSeed.contracts![0]!;
  // Two contracts signed "last month", as if before Smart Sync was turned on.
  for (const [i, id] of SIGNED.entries()) {
    stack.service.demo!.oneflowEmulator.emulator.putContract({
      ...structuredClone(demo),
      id,
      state: 'signed',
      state_updated_time: `2026-11-1${i}T10:00:00+0000`,
    });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function runsTab(): Promise<{ page: Page; errors: string[] }> {
  const { context, page, errors } = await openPage(browser, { token: TOKEN });
  closers.push(() => context.close());
  await page.goto(`${stack.service.url}/settings#runs`);
  await page.getByRole('heading', { name: 'Backfill' }).waitFor();
  return { page, errors };
}

const superofficeWrites = async () =>
  (await stack.requests(stack.superofficeOrigin)).filter(
    (r) => r.method !== 'GET' && !/\/Agents\/Quote\/Get/.test(r.path),
  );

describe('the Backfill panel', () => {
  it('refuses a period that ends before it begins, saying so', async () => {
    const { page, errors } = await runsTab();
    await page.getByLabel('Signed since').fill('2026-11-20');
    await page.getByLabel('Signed before (empty: now)').fill('2026-11-01');
    await page.getByRole('button', { name: 'Start backfill' }).click();
    await page.getByText('must be before signedUntil').waitFor();
    expect(errors).toEqual([]);
  });

  it('a dry run lists the signed contracts of the period and writes nothing', async () => {
    const writesBefore = (await superofficeWrites()).length;
    const { page, errors } = await runsTab();
    await page.getByLabel('Signed since').fill('2026-11-01');
    await page.getByLabel('Signed before (empty: now)').fill('2026-12-01');
    await page.getByLabel('Dry run').check();
    await page.getByRole('button', { name: 'Start backfill' }).click();
    await page.getByText(/Dry run completed \(signed 2026-11-01 to 2026-12-01\): 2 of 2 contracts/).waitFor({
      timeout: 60_000,
    });
    expect(await page.locator('#backfill-list li').allTextContents()).toEqual([
      expect.stringContaining('Contract 9102'),
      expect.stringContaining('Contract 9101'),
    ]);
    expect(
      await page.getByText('Listed 2 signed contracts; nothing was started or written.').isVisible(),
    ).toBe(true);
    expect(await page.locator('#backfill-progress').getAttribute('value')).toBe('100');
    expect(await page.getByRole('button', { name: 'Cancel backfill' }).isVisible()).toBe(false);
    expect((await superofficeWrites()).length).toBe(writesBefore);
    expect(errors).toEqual([]);
  });

  it('a backfill syncs them, shows its counts, and the page shows it again when opened later', async () => {
    const { page, errors } = await runsTab();
    await page.getByLabel('Signed since').fill('2026-11-01');
    await page.getByLabel('Signed before (empty: now)').fill('2026-12-01');
    await page.getByRole('button', { name: 'Start backfill' }).click();
    await page.getByText(/Backfill completed \(signed 2026-11-01 to 2026-12-01\): 2 of 2 contracts/).waitFor({
      timeout: 90_000,
    });
    expect(await page.locator('#backfill-counts').textContent()).toContain('Started 2 · already synced 0');
    for (const id of SIGNED) {
      const runs = await stack.runs(id);
      expect(runs.map((r) => r.trigger)).toEqual(['backfill']);
    }
    // Opened again, the tab shows the latest backfill.
    const again = await runsTab();
    await again.page.getByText(/Backfill completed/).waitFor();
    expect(errors).toEqual([]);
    expect(again.errors).toEqual([]);
  });

  it('cancels a running backfill after asking, and shows it cancelled', async () => {
    // Oneflow answers slowly, so that the backfill is still running when Cancel is clicked.
    await stack.fault(stack.oneflowOrigin, { path: '/v1/contracts/*/events', latencyMs: 4000, times: 4 });
    const { page, errors } = await runsTab();
    await page.getByLabel('Signed since').fill('2026-11-01');
    await page.getByLabel('Signed before (empty: now)').fill('2026-12-01');
    await page.getByRole('button', { name: 'Start backfill' }).click();
    await page.getByText(/Backfill syncing/).waitFor({ timeout: 30_000 });
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Cancel backfill' }).click();
    await page
      .getByText(/Backfill cancelled \(signed 2026-11-01 to 2026-12-01\)/)
      .waitFor({ timeout: 30_000 });
    expect(asked).toContain('Syncs already started finish; no more are started.');
    expect(await page.getByRole('button', { name: 'Cancel backfill' }).isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});
