import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { MappingDocument } from '../../src/config/mapping-document';
import type { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { ADMIN, demoMappingDocument, startSyncStack, type SyncStack } from '../support/sync-stack';
import { launchChromium, openPage } from './chromium';

/**
 * The settings page in headless Chromium against the whole stack (demo emulators, workers,
 * HTTP) on the test run's Temporal dev server: what an admin does in the page must be
 * what the admin API and the next sync see.
 */

const TOKEN = 'demo-admin-token';

let stack: SyncStack;
let browser: Browser;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startSyncStack(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

beforeEach(async () => {
  await stack.service.store.setMappingDocument(demoMappingDocument());
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function open(
  path = '/settings',
  token: string | null = TOKEN,
): Promise<{ page: Page; errors: string[] }> {
  const { context, page, errors } = await openPage(browser, token === null ? {} : { token });
  closers.push(() => context.close());
  await page.goto(`${stack.service.url}${path}`);
  return { page, errors };
}

async function apiConfig(): Promise<MappingDocument> {
  const res = await fetch(`${stack.service.url}/api/config`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return (await res.json()) as MappingDocument;
}

async function recentRuns(): Promise<
  Array<{
    workflowId: string;
    runId: string;
    contractId: number;
    status: string;
    outcome?: string;
    link: string;
  }>
> {
  const res = await fetch(`${stack.service.url}/api/runs?limit=50`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return ((await res.json()) as { runs: never[] }).runs;
}

// First, while this stack's task queue has no runs yet.
describe('with no settings and no runs yet', () => {
  it('shows the defaults, an empty mapping list and an empty run list, each saying what to do', async () => {
    (stack.service.store as InMemoryMappingStore).clear();
    const { page, errors } = await open();
    await page.getByText('No settings have been saved yet, so these are the defaults.').waitFor();
    expect(await page.getByRole('switch', { name: 'Products' }).isChecked()).toBe(true);

    await page.getByRole('tab', { name: 'Mapping SuperOffice properties' }).click();
    await page.getByText('No mappings yet.').waitFor();
    expect(await page.locator('#mappings-table').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Add the first mapping' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add mapping' });
    await dialog.getByLabel('SuperOffice property').selectOption('Number');
    await dialog.getByLabel('Oneflow data field (custom_id)').fill('po_number');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await stack.service.store.getMappingDocument()).toEqual({
      smartSync: { dataFields: true, products: true },
      links: { sale: 'superoffice_sale_id', company: 'superoffice_company_id' },
      mappings: [{ object: 'Sale', property: 'Number', dataField: 'po_number' }],
    });
    expect(await page.getByText('No mappings yet.').isVisible()).toBe(false);

    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.getByText('No runs yet.').waitFor();
    expect(await page.locator('#runs-table').isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});

describe('signing in', () => {
  it('asks for the admin token once, refuses a wrong one, and remembers it across a reload', async () => {
    const { page, errors } = await open('/', null);
    expect(new URL(page.url()).pathname).toBe('/settings');
    const input = page.getByLabel('Admin token');
    await input.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token-input');

    await input.fill('not-the-token');
    await page.keyboard.press('Enter');
    await page.getByText('That admin token was not accepted').waitFor();
    expect(await page.getByRole('tab').count()).toBe(0);

    await input.fill(TOKEN);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('tab', { name: 'Smart sync' }).waitFor();
    await page.reload();
    await page.getByRole('tab', { name: 'Smart sync' }).waitFor();
    expect(await page.getByLabel('Admin token').isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Forget admin token' }).click();
    await page.getByLabel('Admin token').waitFor();
    await page.reload();
    await page.getByLabel('Admin token').waitFor();
    expect(errors).toEqual([]);
  });
});

describe('the Smart sync tab', () => {
  it('turns Products off, which persists across a reload and reaches the admin API', async () => {
    const { page, errors } = await open();
    const products = page.getByRole('switch', { name: 'Products' });
    const dataFields = page.getByRole('switch', { name: 'Data fields' });
    await products.waitFor();
    expect(await products.isChecked()).toBe(true);

    await products.click();
    await page.getByRole('status').filter({ hasText: 'Products off: saved.' }).waitFor();
    expect((await apiConfig()).smartSync).toEqual({ dataFields: true, products: false });

    await page.reload();
    await products.waitFor();
    expect(await products.isChecked()).toBe(false);
    expect(await dataFields.isChecked()).toBe(true);

    // From the keyboard: Space on the focused switch.
    await dataFields.focus();
    await page.keyboard.press('Space');
    await page.getByRole('status').filter({ hasText: 'Data fields off: saved.' }).waitFor();
    expect((await apiConfig()).smartSync).toEqual({ dataFields: false, products: false });
    expect(errors).toEqual([]);
  });

  it('turns Mark the Sale sold on, off by default, which reaches the admin API', async () => {
    const { page, errors } = await open();
    const markSold = page.getByRole('switch', { name: 'Mark the Sale sold' });
    await markSold.waitFor();
    expect(await markSold.isChecked()).toBe(false);
    await markSold.click();
    await page.getByRole('status').filter({ hasText: 'Mark the Sale sold on: saved.' }).waitFor();
    expect((await apiConfig()).smartSync).toEqual({ dataFields: true, products: true, markSaleSold: true });
    expect(errors).toEqual([]);
  });

  it('moves between tabs with the arrow keys, Home and End', async () => {
    const { page } = await open();
    const selected = () => page.locator('[role="tab"][aria-selected="true"]').textContent();
    const visiblePanel = () => page.locator('[role="tabpanel"]:not([hidden]) h2').textContent();
    await page.getByRole('tab', { name: 'Smart sync' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toBe('Mapping SuperOffice properties');
    expect(await visiblePanel()).toBe('Mapping SuperOffice properties');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-mappings');
    // The last tab, whichever that is as tabs are added.
    const last = await page.getByRole('tab').last().textContent();
    await page.keyboard.press('End');
    expect(await selected()).toBe(last);
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toBe('Smart sync');
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toBe(last);
    await page.keyboard.press('Home');
    expect(await selected()).toBe('Smart sync');
    // Tab leaves the tab list for the panel: only the selected tab is in the tab order.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('panel-smart-sync');
    expect(new URL(page.url()).hash).toBe('#smart-sync');
  });

  it('reports a change someone else made meanwhile instead of overwriting it', async () => {
    const { page } = await open();
    const products = page.getByRole('switch', { name: 'Products' });
    await products.waitFor();
    const theirs = demoMappingDocument();
    theirs.mappings = theirs.mappings.slice(0, 2);
    await stack.service.store.setMappingDocument(theirs);

    await products.click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed the settings' }).waitFor();
    expect(await apiConfig()).toEqual(theirs);
    expect(await products.isChecked()).toBe(true);
  });
  it('exports the mapping document and imports one, showing what is wrong with a bad file', async () => {
    const { page, errors } = await open();
    await page.getByRole('switch', { name: 'Products' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('smart-sync-mapping.json');
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported).toEqual(demoMappingDocument());

    const file = page.locator('#import-document');
    await file.setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"smartSync": '),
    });
    await page.getByText('broken.json is not JSON').waitFor();

    const invalid = {
      ...demoMappingDocument(),
      mappings: [{ object: 'Person', property: 'Title', dataField: 'x' }],
    };
    page.once('dialog', (confirm) => void confirm.accept());
    await file.setInputFiles({
      name: 'invalid.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(invalid)),
    });
    await page.getByText('invalid.json was not imported: invalid mapping document').waitFor();
    expect(await page.locator('#import-errors li').allTextContents()).toEqual([
      expect.stringMatching(/^mappings\[0\]\.object: must be "Sale", "Company" or "Contact", got "Person"/),
    ]);
    expect(await apiConfig()).toEqual(demoMappingDocument());

    const next = demoMappingDocument();
    next.smartSync.products = false;
    next.mappings = next.mappings.slice(0, 3);
    page.once('dialog', (confirm) => void confirm.accept());
    await file.setInputFiles({
      name: 'next.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(next)),
    });
    await page.getByRole('status').filter({ hasText: 'Imported the settings from next.json.' }).waitFor();
    expect(await apiConfig()).toEqual(next);
    expect(await page.getByRole('switch', { name: 'Products' }).isChecked()).toBe(false);
    expect(errors).toEqual([]);
  });
});

describe('the Mapping SuperOffice properties tab', () => {
  it('lists the mappings with ⚡ on ready properties', async () => {
    const { page, errors } = await open('/settings#mappings');
    const rows = page.locator('#mappings-body tr');
    await page.locator('#mappings-body .ready').first().waitFor();
    expect(await rows.count()).toBe(demoMappingDocument().mappings.length);
    const first = await rows.first().locator('td').allTextContents();
    expect(first.slice(0, 5)).toEqual(['Sale', 'Number', 'Data field: po_number', '—', '⚡']);
    const title = await rows.nth(6).locator('td').allTextContents();
    expect(title.slice(0, 5)).toEqual(['Contact', 'Title', 'Participant attribute: Title', '1', '⚡']);
    expect(await page.locator('#mappings-body .ready').count()).toBe(demoMappingDocument().mappings.length);
    expect(errors).toEqual([]);
  });

  it('adds a mapping from the keyboard, which GET /api/config then has', async () => {
    const { page, errors } = await open('/settings#mappings');
    await page.locator('#mappings-body .ready').first().waitFor();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add mapping' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-object');

    await dialog.getByLabel('SuperOffice object').selectOption('Sale');
    await dialog.getByLabel('SuperOffice property').selectOption('Saledate');
    await dialog.getByLabel('Oneflow data field (custom_id)').fill('delivery_date');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page
      .getByRole('status')
      .filter({ hasText: 'Mapping added: Sale Saledate ← Data field: delivery_date.' })
      .waitFor();

    expect((await apiConfig()).mappings.at(-1)).toEqual({
      object: 'Sale',
      property: 'Saledate',
      dataField: 'delivery_date',
    });
    const row = page.locator('#mappings-body tr').last();
    expect((await row.locator('td').allTextContents()).slice(0, 5)).toEqual([
      'Sale',
      'Sale dateSaledate',
      'Data field: delivery_date',
      '—',
      '⚡',
    ]);
    // Focus comes back to the new row.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Edit mapping: Sale Sale date',
    );
    expect(errors).toEqual([]);
  });

  it('adds a Contact mapping from a participant attribute', async () => {
    const { page } = await open('/settings#mappings');
    await page.locator('#mappings-body .ready').first().waitFor();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('SuperOffice object').selectOption('Contact');
    expect(await dialog.getByLabel('Participant number').isVisible()).toBe(true);
    await dialog.getByLabel('SuperOffice property').selectOption('SuperOffice:5');
    await dialog.getByLabel('Participant number').fill('2');
    await dialog.getByLabel('An attribute of the participant').check();
    expect(await dialog.getByLabel('Oneflow data field (custom_id)').isVisible()).toBe(false);
    await dialog.getByLabel('Participant attribute').selectOption('email');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await apiConfig()).mappings.at(-1)).toEqual({
      object: 'Contact',
      property: 'SuperOffice:5',
      participant: 2,
      participantField: 'email',
    });
  });

  it('warns about a property that is not ready, in the form and in its row', async () => {
    const { page, errors } = await open('/settings#mappings');
    await page.locator('#mappings-body .ready').first().waitFor();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('SuperOffice property').selectOption('SuperOffice:6');
    const warning = dialog.locator('#f-property-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toBe(
      '⚠ Not smart-sync-ready: read-only custom field. Smart Sync skips it.',
    );
    await dialog.getByLabel('SuperOffice property').selectOption('Number');
    await warning.waitFor({ state: 'hidden' });
    await dialog.getByLabel('SuperOffice property').selectOption('SuperOffice:6');
    await dialog.getByLabel('Oneflow data field (custom_id)').fill('p2_shoe_size');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page.locator('#mappings-body tr').last();
    expect(await row.locator('td').nth(1).textContent()).toBe('Legacy scoreSuperOffice:6');
    expect(await row.locator('td').nth(4).textContent()).toBe(
      '⚠Not smart-sync-ready: read-only custom field. Smart Sync skips it.',
    );
    expect(await row.locator('.ready').count()).toBe(0);
    expect((await apiConfig()).mappings.at(-1)).toEqual({
      object: 'Sale',
      property: 'SuperOffice:6',
      dataField: 'p2_shoe_size',
    });
    expect(errors).toEqual([]);
  });

  it("shows the server's message when it refuses a mapping, and keeps the form open", async () => {
    const { page } = await open('/settings#mappings');
    await page.locator('#mappings-body .ready').first().waitFor();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('SuperOffice property').selectOption('Number');
    await dialog.getByLabel('Oneflow data field (custom_id)').fill('po_number');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('maps "Number" of the Sale again (already in mappings[0])');
    expect(await dialog.isVisible()).toBe(true);
    expect(await apiConfig()).toEqual(demoMappingDocument());

    // And the form's own checks, before anything is sent.
    await dialog.getByLabel('Oneflow data field (custom_id)').fill('');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    await dialog.getByText('Give the custom_id of the Oneflow data field').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-dataField');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('add-mapping');
  });

  it('edits and removes a mapping', async () => {
    const { page } = await open('/settings#mappings');
    await page.locator('#mappings-body .ready').first().waitFor();
    await page.getByRole('button', { name: 'Edit mapping: Sale Number' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit mapping' });
    expect(await dialog.getByLabel('SuperOffice property').inputValue()).toBe('Number');
    expect(await dialog.getByLabel('Oneflow data field (custom_id)').inputValue()).toBe('po_number');
    await dialog.getByLabel('SuperOffice property').selectOption('Heading');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await apiConfig()).mappings[0]).toEqual({
      object: 'Sale',
      property: 'Heading',
      dataField: 'po_number',
    });

    page.once('dialog', (confirm) => void confirm.accept());
    await page.getByRole('button', { name: 'Remove mapping: Sale Heading' }).click();
    await page.getByRole('status').filter({ hasText: 'Mapping removed' }).waitFor();
    const after = await apiConfig();
    expect(after.mappings).toEqual(demoMappingDocument().mappings.slice(1));
    expect(await page.locator('#mappings-body tr').count()).toBe(after.mappings.length);
  });

  it("says so when SuperOffice's properties cannot be loaded, and still lists the mappings", async () => {
    await stack.fault(stack.superofficeOrigin, {
      method: 'GET',
      path: '/Cust12345/api/v1/Sale/UdefLayout/Published',
      status: 503,
      times: 1,
    });
    const { page } = await open('/settings#mappings');
    const banner = page.locator('#catalog-state');
    await banner.getByText("Could not load SuperOffice's properties").waitFor();
    expect(await page.locator('#mappings-body tr').count()).toBe(demoMappingDocument().mappings.length);
    expect(await page.locator('#mappings-body td').filter({ hasText: 'Not checked' }).count()).toBe(
      demoMappingDocument().mappings.length,
    );
    await banner.getByRole('button', { name: 'Try again' }).click();
    await page.locator('#mappings-body .ready').first().waitFor();
    expect(await banner.isVisible()).toBe(false);
  });
});

describe('the Runs tab', () => {
  it('shows the run of a signed contract with its result, re-runs it, and links to the Web UI', async () => {
    const signed = await stack.signAndWait();
    const { page, errors } = await open('/settings#runs');
    const row = page.locator(`tr[data-run^="${signed.workflowId}/"]`);
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(1, 4)).toEqual([
      '9001Sale 2001',
      'Signed (webhook)',
      'Succeeded',
    ]);
    const listed = (await recentRuns()).find((r) => r.workflowId === signed.workflowId)!;
    expect(await row.getByRole('link', { name: /Temporal Web UI/ }).getAttribute('href')).toBe(listed.link);
    expect(listed.link).toContain(`/workflows/${signed.workflowId}/${listed.runId}/history`);

    // Per-resource detail.
    await row.getByRole('button', { name: /^Details/ }).click();
    const details = page.locator(
      `#${await row.getByRole('button', { name: /^Details/ }).getAttribute('aria-controls')}`,
    );
    await details.locator('.resource').first().waitFor();
    const titles = await details.locator('.resource h4').allTextContents();
    expect(titles).toEqual(
      expect.arrayContaining([
        'Sale 2001 · Office furniture for NordlysUpdated',
        'Company 101 · Nordlys Interiør ASUpdated',
        'Contact 301 · Anna Berg (participant 1)Updated',
        'Products of Sale 2001Updated',
      ]),
    );
    expect(await details.textContent()).toContain('PO-2026-0042');

    // Re-run: a new run appears in the list and finishes there.
    const before = new Set((await recentRuns()).map((r) => r.workflowId));
    await row.getByRole('button', { name: 'Re-run contract 9001' }).click();
    await page.getByRole('status').filter({ hasText: 'Sync of contract 9001 started.' }).waitFor();
    let fresh: Awaited<ReturnType<typeof recentRuns>>[number] | undefined;
    for (let i = 0; i < 100 && !fresh; i++) {
      fresh = (await recentRuns()).find((r) => !before.has(r.workflowId));
      if (!fresh) await new Promise((r) => setTimeout(r, 100));
    }
    expect(fresh).toBeDefined();
    expect(fresh!.workflowId).toMatch(/^smart-sync-contract-9001-manual-/);
    const newRow = page.locator(`tr[data-run="${fresh!.workflowId}/${fresh!.runId}"]`);
    await newRow.waitFor();
    await newRow.locator('td').nth(3).getByText('Nothing changed').waitFor();
    expect(await newRow.locator('td').nth(2).textContent()).toBe('Re-run');
    // Newest first.
    expect(await page.locator('#runs-body tr[data-run]').first().getAttribute('data-run')).toBe(
      `${fresh!.workflowId}/${fresh!.runId}`,
    );
    expect(errors).toEqual([]);
  });

  it('starts a sync by contract id and refuses one that is not an id', async () => {
    const { page } = await open('/settings#runs');
    const input = page.getByLabel('Oneflow contract id');
    await input.fill('90x1');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Give a Oneflow contract id: a whole number such as 9001.').waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');

    const before = new Set((await recentRuns()).map((r) => r.workflowId));
    await input.fill('9001');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Sync of contract 9001 started.' }).waitFor();
    await page.waitForFunction(
      (known) =>
        Array.from(document.querySelectorAll('#runs-body tr[data-run]')).some(
          (tr) => !known.includes(tr.getAttribute('data-run')!.split('/')[0]!),
        ),
      [...before],
    );
  });
});
