import type { Browser, Page } from 'playwright-core';
import type { MappingDocument } from '../../src/config/mapping-document';
import { ADMIN, demoMappingDocument, startSyncStack, type SyncStack } from '../support/sync-stack';
import { launchChromium, openPage } from './chromium';

/**
 * The Smart sync tab's signing extras in headless Chromium against the whole stack: the
 * three switches with their sentences, and the document type picker filled from the
 * tenant's document types (GET /api/document-types, from the SuperOffice emulator).
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

async function open(path = '/settings'): Promise<{ page: Page; errors: string[] }> {
  const { context, page, errors } = await openPage(browser, { token: TOKEN });
  closers.push(() => context.close());
  await page.goto(`${stack.service.url}${path}`);
  return { page, errors };
}

async function apiConfig(): Promise<MappingDocument> {
  const res = await fetch(`${stack.service.url}/api/config`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return (await res.json()) as MappingDocument;
}

describe('the signing extras on the Smart sync tab', () => {
  it('shows each switch off by default with the sentence that says what it does', async () => {
    const { page, errors } = await open();
    for (const [name, sentence] of [
      ['File the signed PDF', "The signed contract's PDF is filed in SuperOffice as a document on the Sale"],
      [
        'Add new quote lines',
        "A product in the contract that the Sale's quote lacks becomes a new quote line",
      ],
      ['Remove dropped quote lines', 'A quote line whose product is no longer in the contract is deleted'],
    ] as const) {
      const toggle = page.getByRole('switch', { name });
      await toggle.waitFor();
      expect(await toggle.isChecked()).toBe(false);
      expect(
        await toggle.getAttribute('aria-describedby').then((id) => page.locator(`#${id}`).textContent()),
      ).toContain(sentence);
    }
    expect(errors).toEqual([]);
  });

  it("fills the document type picker from the tenant's types, and files the PDF as the one chosen", async () => {
    const { page, errors } = await open();
    const picker = page.getByLabel('Document type');
    await page.locator('#signedPdf-documentType option').first().waitFor({ state: 'attached' });
    expect(await page.locator('#signedPdf-documentType option').allTextContents()).toEqual([
      'Letter',
      'Offer',
      'Contract',
      'Signed agreement',
    ]);
    await picker.selectOption({ label: 'Signed agreement' });
    await page
      .getByRole('status')
      .filter({ hasText: 'The signed PDF is filed as "Signed agreement": saved.' })
      .waitFor();
    expect((await apiConfig()).smartSync.signedPdfDocumentTypeId).toBe(4);

    await page.getByRole('switch', { name: 'File the signed PDF' }).click();
    await page.getByRole('status').filter({ hasText: 'File the signed PDF on: saved.' }).waitFor();
    expect((await apiConfig()).smartSync).toMatchObject({
      attachSignedPdf: true,
      signedPdfDocumentTypeId: 4,
    });
    expect(errors).toEqual([]);
  });

  it('turning the signed PDF on takes the type shown when none was chosen yet', async () => {
    const { page, errors } = await open();
    await page.locator('#signedPdf-documentType option').first().waitFor({ state: 'attached' });
    await page.getByRole('switch', { name: 'File the signed PDF' }).click();
    await page.getByRole('status').filter({ hasText: 'File the signed PDF on: saved.' }).waitFor();
    expect((await apiConfig()).smartSync).toMatchObject({
      attachSignedPdf: true,
      signedPdfDocumentTypeId: 1,
    });
    expect(errors).toEqual([]);
  });

  it('shows the filed Document in the Runs tab', async () => {
    const document = demoMappingDocument();
    document.smartSync = {
      ...document.smartSync,
      attachSignedPdf: true,
      signedPdfDocumentTypeId: 4,
      addProducts: true,
      removeProducts: true,
    };
    await stack.service.store.setMappingDocument(document);
    const signed = await stack.signAndWait();
    const { page, errors } = await open('/settings#runs');
    const row = page.locator(`tr[data-run^="${signed.workflowId}/"]`);
    await row.waitFor();
    await row.getByRole('button', { name: /^Details/ }).click();
    const details = page.locator(
      `#${await row.getByRole('button', { name: /^Details/ }).getAttribute('aria-controls')}`,
    );
    await details.locator('.resource').first().waitFor();
    const document_ = signed.result.resources.find((r) => r.type === 'Document')!;
    expect(await details.locator('.resource h4').allTextContents()).toEqual(
      expect.arrayContaining([`Document ${document_.id} · Office furniture – Nordlys InteriørUpdated`]),
    );
    expect(await details.textContent()).toContain('Signed PDF');
    expect(errors).toEqual([]);
  });

  it('turns Add new quote lines and Remove dropped quote lines on and off, which reaches the admin API', async () => {
    const { page, errors } = await open();
    const add = page.getByRole('switch', { name: 'Add new quote lines' });
    await add.click();
    await page.getByRole('status').filter({ hasText: 'Add new quote lines on: saved.' }).waitFor();
    await page.getByRole('switch', { name: 'Remove dropped quote lines' }).click();
    await page.getByRole('status').filter({ hasText: 'Remove dropped quote lines on: saved.' }).waitFor();
    expect((await apiConfig()).smartSync).toMatchObject({ addProducts: true, removeProducts: true });
    await add.click();
    await page.getByRole('status').filter({ hasText: 'Add new quote lines off: saved.' }).waitFor();
    expect((await apiConfig()).smartSync).toMatchObject({ addProducts: false, removeProducts: true });
    expect(errors).toEqual([]);
  });
});
