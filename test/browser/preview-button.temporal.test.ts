import type { Browser, Page } from 'playwright-core';
import { DEMO_CONTRACT_ID, oneflowDemoSeed } from '../../src/emulators/oneflow';
import type { SmartSyncResult } from '../../src/workflow-contract';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { launchChromium, openPage } from './chromium';

/**
 * The Preview button of the settings page's Runs tab, in headless Chromium against the
 * whole demo stack: the preview of the demo contract shows a table with the values a sync
 * would change marked, writes nothing to SuperOffice (its request log), and the Sync now
 * that follows writes exactly the values the preview showed.
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

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function runsTab(): Promise<{ page: Page; errors: string[] }> {
  const { context, page, errors } = await openPage(browser, { token: TOKEN });
  closers.push(() => context.close());
  await page.goto(`${stack.service.url}/settings#runs`);
  await page.getByRole('button', { name: 'Preview' }).waitFor();
  return { page, errors };
}

/** Anything but a read: GETs and the Quote agent's Get… calls (POSTs) only read. */
const superofficeWrites = async () =>
  (await stack.requests(stack.superofficeOrigin)).filter(
    (r) => r.method !== 'GET' && !/\/Agents\/Quote\/Get/.test(r.path),
  );

interface ShownRow {
  section: string;
  name: string;
  changed: boolean;
  now: string;
  wouldWrite: string;
  srText: string;
}

/** The preview's rows as the page shows them. */
const shownRows = (page: Page): Promise<ShownRow[]> =>
  page.locator('#preview-panel li.resource').evaluateAll((items) =>
    items.flatMap((li) => {
      const h4 = li.querySelector('h4')!;
      const section = (h4.firstChild?.textContent ?? '').trim();
      return Array.from(li.querySelectorAll('tbody tr')).map((tr) => {
        const th = tr.querySelector('th')!;
        const visibleName = Array.from(th.childNodes)
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent)
          .join('')
          .trim();
        return {
          section,
          name: visibleName,
          changed: tr.getAttribute('data-changed') === 'true',
          now: tr.querySelector('[data-cell="now"]')!.textContent ?? '',
          wouldWrite: tr.querySelector('[data-cell="would-write"]')!.textContent ?? '',
          srText: th.querySelector('.visually-hidden')?.textContent ?? '',
        };
      });
    }),
  );

/** What a finished run wrote, in the preview's words: section title → name → value. */
function written(result: SmartSyncResult): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const r of result.resources) {
    for (const p of r.properties) {
      if (p.status !== 'written') continue;
      const section = r.type === 'Products' ? 'Product lines' : `${r.type} ${r.id}`;
      out.push([section, r.type === 'Products' ? p.property : (p.label ?? p.property), p.display ?? '']);
    }
  }
  return out.sort();
}

describe('the Preview button of the Runs tab', () => {
  it('says what to enter for an id that is not one, and shows the API error for a contract Oneflow does not have', async () => {
    const { page, errors } = await runsTab();
    const input = page.getByLabel('Oneflow contract id');
    await input.fill('90x1');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText('Give a Oneflow contract id: a whole number such as 9001.').waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#preview-panel').isHidden()).toBe(true);

    await input.fill('424242');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .getByRole('alert')
      .filter({
        hasText:
          'Could not preview contract 424242: Oneflow has no contract 424242 (or the API token cannot see it)',
      })
      .waitFor();
    // The 404 is the expected answer (chromium.ts lets it through); nothing else went wrong.
    expect(errors).toEqual([]);
  });

  it('shows the demo contract as a table with the changes marked, writes nothing, and Sync now writes exactly those values', async () => {
    // Signed in Oneflow without a webhook, so that no sync has run before the preview.
    stack.service.demo!.oneflowEmulator.emulator.putContract({
      ...structuredClone(oneflowDemoSeed.contracts![0]!),
      state: 'signed',
    });
    const writesBefore = (await superofficeWrites()).length;
    const { page, errors } = await runsTab();
    await page.getByLabel('Oneflow contract id').fill(String(DEMO_CONTRACT_ID));
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .getByRole('heading', {
        name: `Preview of contract ${DEMO_CONTRACT_ID} (signed in Oneflow): nothing has been written to SuperOffice`,
      })
      .waitFor({ timeout: 60_000 });
    await page
      .locator('#preview-panel')
      .getByText('A sync would write the changes marked below', { exact: true })
      .waitFor();
    // Screen readers hear it arrive, with the count of changes.
    expect(await page.getByRole('status').textContent()).toMatch(
      /A sync would write the changes marked below; \d+ values would change\.$/,
    );

    const rows = await shownRows(page);
    const number = rows.find((r) => r.section.startsWith('Sale 2001') && r.name === 'Number');
    expect(number).toEqual({
      section: 'Sale 2001 · Office furniture for Nordlys',
      name: 'Number',
      changed: true,
      now: '(empty)',
      wouldWrite: 'PO-2026-0042',
      srText: 'changes: ',
    });
    expect(rows.find((r) => r.name === 'Standing desk')).toMatchObject({
      section: 'Product lines of Sale 2001',
      changed: true,
      now: 'quantity 10, discount 0 %',
      wouldWrite: 'quantity 12, discount 10 %',
    });
    // A row left as it is is not marked.
    for (const r of rows.filter((row) => !row.changed)) expect(r.srText).toBe('');
    // The preview only read.
    expect((await superofficeWrites()).length).toBe(writesBefore);
    expect((await stack.superoffice()).sales.find((s) => s.SaleId === 2001)?.Number).not.toBe('PO-2026-0042');

    const previewed = rows
      .filter((r) => r.changed)
      .map((r): [string, string, string] => [
        r.section.startsWith('Product lines') ? 'Product lines' : r.section.split(' · ')[0]!,
        r.name,
        r.wouldWrite,
      ])
      .sort();
    expect(previewed.length).toBeGreaterThan(3);

    await page.getByRole('button', { name: 'Sync now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Sync of contract ${DEMO_CONTRACT_ID} started.` })
      .waitFor();
    const [run] = await stack.runs(DEMO_CONTRACT_ID);
    expect(run?.trigger).toBe('manual');
    const result = await stack.waitForResult(run!.workflowId);

    expect(written(result)).toEqual(previewed);
    expect((await stack.superoffice()).sales.find((s) => s.SaleId === 2001)?.Number).toBe('PO-2026-0042');
    expect(errors).toEqual([]);
  });
});
