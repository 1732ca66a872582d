import { oneflowDemoSeed, type ContractSeedInput } from '../../src/emulators/oneflow';
import { superofficeDemoSeed } from '../../src/emulators/superoffice';
import type { MappingDocument } from '../../src/config/mapping-document';
import { SUCCESS_PREFIX, FAILURE_PREFIX } from '../../src/mapping/outcome';
import { demoMappingDocument, startSyncStack, type SyncStack } from '../support/sync-stack';

/**
 * smartSync.markSaleSold, attachSignedPdf, addProducts and removeProducts together, end to
 * end: the real service on the test dev server, webhooks from the Oneflow emulator, writes
 * to the SuperOffice emulator. The demo contract is changed as in a negotiation: the desk
 * lamps were dropped, monitor arms (a catalog product) and an assembly service (no product
 * key) were added.
 */

let stack: SyncStack;

beforeAll(async () => {
  stack = await startSyncStack();
});

afterAll(async () => {
  await stack?.stop();
});

const SALE_ID = 2001;
const CONTRACT_ID = 9001;
const SIGNED_PDF_TYPE = 4;

type SeedProduct = NonNullable<NonNullable<ContractSeedInput['product_groups']>[number]['products']>[number];

const NEGOTIATED: SeedProduct[] = [
  {
    custom_id: 'DESK-01',
    name: 'Standing desk',
    quantity: 12,
    price_1: { base: 4500, discount_percent: 10 },
  },
  { custom_id: 'CHAIR-02', name: 'Ergonomic chair', quantity: 12, price_1: { base: 2200 } },
  { custom_id: 'ARM-04', name: 'Monitor arm', quantity: 6, price_1: { base: 900, discount_percent: 5 } },
  { name: 'Assembly service', quantity: 1, price_1: { base: 3500 } },
];

interface Setup {
  saleStatus?: string;
  products?: SeedProduct[];
  switches?: Partial<MappingDocument['smartSync']>;
  /** Bytes to serve as the contract's PDF instead of the emulator's own. */
  pdf?: Buffer;
}

async function setUp(setup: Setup = {}): Promise<void> {
  const demo = stack.service.demo!;
  await fetch(`${stack.oneflowOrigin}/_emulator/faults`, { method: 'DELETE' });
  await fetch(`${stack.superofficeOrigin}/_emulator/faults`, { method: 'DELETE' });
  await fetch(`${stack.oneflowOrigin}/_emulator/requests`, { method: 'DELETE' });
  await fetch(`${stack.superofficeOrigin}/_emulator/requests`, { method: 'DELETE' });
  for (const contract of oneflowDemoSeed.contracts ?? []) {
    const c = structuredClone(contract);
    if (c.id === CONTRACT_ID && c.product_groups?.[0])
      c.product_groups[0].products = setup.products ?? NEGOTIATED;
    demo.oneflowEmulator.emulator.putContract(c);
  }
  if (setup.pdf) {
    const put = await fetch(`${stack.oneflowOrigin}/_emulator/contracts/${CONTRACT_ID}/files/contract`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/pdf' },
      body: new Uint8Array(setup.pdf),
    });
    expect(put.status).toBe(200);
  }
  await fetch(`${stack.superofficeOrigin}/_emulator/reset`, { method: 'POST' });
  const seed = structuredClone(superofficeDemoSeed);
  for (const sale of seed.sales ?? []) if (sale.SaleId === SALE_ID) sale.Status = setup.saleStatus ?? 'Open';
  const seeded = await fetch(`${stack.superofficeOrigin}/_emulator/seed`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(seed),
  });
  expect(seeded.status).toBe(200);
  const document = demoMappingDocument();
  document.smartSync = {
    ...document.smartSync,
    markSaleSold: true,
    attachSignedPdf: true,
    signedPdfDocumentTypeId: SIGNED_PDF_TYPE,
    addProducts: true,
    removeProducts: true,
    ...setup.switches,
  };
  await stack.service.store.setMappingDocument(document);
}

interface EmulatedDocument {
  DocumentId: number;
  Header: string;
  Name: string;
  Description: string;
  DocumentTemplateId: number;
  SaleId: number;
  ContactId: number;
  PersonId: number;
  contentBytes: number | null;
}

const documents = async () =>
  (await (await fetch(`${stack.superofficeOrigin}/_emulator/documents`)).json()) as EmulatedDocument[];
const bytesAt = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
const saleNow = async () => (await stack.superoffice()).sales.find((s) => s.SaleId === SALE_ID)!;

interface QuoteState {
  quotes: Array<{
    SaleId: number;
    versions: Array<{ alternatives: Array<{ TotalPrice: number; lines: Array<Record<string, unknown>> }> }>;
  }>;
}
async function quoteOfSale() {
  const state = (await stack.superoffice()) as unknown as QuoteState;
  const alternative = state.quotes.find((q) => q.SaleId === SALE_ID)!.versions[0]!.alternatives[0]!;
  return alternative;
}

const saleActivities = async () =>
  (await stack.superoffice()).appointments.filter(
    (a) => (a.Sale as { SaleId?: number } | undefined)?.SaleId === SALE_ID,
  );
const today = () => new Date().toISOString().slice(0, 10);

describe('the four signing switches, end to end', () => {
  it('with all four on: a Sold Sale dated the signing day, one Document with the PDF, the quote changed and recalculated, one success Activity', async () => {
    await setUp();
    const before = today();
    const { result } = await stack.signAndWait();
    const after = today();
    expect(result.outcome).toBe('succeeded');

    const sale = await saleNow();
    expect(sale.Status).toBe('Sold');
    expect([before, after]).toContain(String(sale.Saledate).slice(0, 10));

    const filed = await documents();
    expect(filed).toHaveLength(1);
    const doc = filed[0]!;
    expect(doc).toMatchObject({
      Header: 'Office furniture – Nordlys Interiør',
      DocumentTemplateId: SIGNED_PDF_TYPE,
      SaleId: SALE_ID,
      ContactId: 101,
    });
    expect(doc.PersonId).toBeGreaterThan(0);
    expect(doc.Name).toBe('Office furniture – Nordlys Interiør.pdf');
    const pdf = await bytesAt(`${stack.oneflowOrigin}/_emulator/contracts/${CONTRACT_ID}/files/contract`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await bytesAt(`${stack.superofficeOrigin}/_emulator/documents/${doc.DocumentId}/content`)).toEqual(
      pdf,
    );

    const alternative = await quoteOfSale();
    const keys = alternative.lines.map((l) => l.ERPProductKey || l.Name);
    expect(keys).toEqual(['DESK-01', 'CHAIR-02', 'ARM-04', 'Assembly service']);
    const arm = alternative.lines.find((l) => l.ERPProductKey === 'ARM-04')!;
    // The contract's price and discount, on the catalog's product: 6 × 900 less 5 %.
    expect(arm).toMatchObject({ Quantity: 6, UnitListPrice: 900, DiscountPercent: 5, TotalPrice: 5130 });
    const assembly = alternative.lines.find((l) => l.Name === 'Assembly service')!;
    expect(assembly).toMatchObject({ Quantity: 1, UnitListPrice: 3500, TotalPrice: 3500 });
    const linesTotal = alternative.lines.reduce((sum, l) => sum + Number(l.TotalPrice), 0);
    expect(alternative.TotalPrice).toBeCloseTo(linesTotal, 2);
    // The Sold Sale carries the recalculated quote's amount.
    expect(sale.Amount).toBeCloseTo(alternative.TotalPrice, 2);

    const document = result.resources.find((r) => r.type === 'Document')!;
    expect(document).toMatchObject({ id: doc.DocumentId, status: 'updated' });
    const products = result.resources.find((r) => r.type === 'Products')!;
    expect(products.properties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          property: 'Monitor arm',
          status: 'written',
          display: expect.stringContaining('added'),
        }),
        expect.objectContaining({ property: 'Assembly service', status: 'written' }),
        expect.objectContaining({
          property: 'Desk lamp',
          status: 'written',
          display: expect.stringContaining('removed'),
        }),
      ]),
    );

    const activities = await saleActivities();
    expect(activities).toHaveLength(1);
    const text = activities[0]!.Description ?? '';
    expect(text.startsWith(`${SUCCESS_PREFIX} Sale, Company, Contact, Products, Document.`)).toBe(true);
    expect(text).toContain('Status = "Sold"');
    expect(text).toContain(`Document ${doc.DocumentId}`);
    expect(text).toContain('Monitor arm = "added to the quote');
    expect(text).toContain('Desk lamp = "removed from the quote');
  });

  it('with the four off: no status change, no Document, the quote keeps its lines, and the unpaired lines and products are listed', async () => {
    await setUp({
      switches: { markSaleSold: false, attachSignedPdf: false, addProducts: false, removeProducts: false },
    });
    const { result } = await stack.signAndWait();

    expect((await saleNow()).Status).toBe('Open');
    expect(await documents()).toEqual([]);
    expect(result.resources.some((r) => r.type === 'Document')).toBe(false);
    const keys = (await quoteOfSale()).lines.map((l) => l.ERPProductKey);
    expect(keys).toEqual(['DESK-01', 'CHAIR-02', 'LAMP-03']);
    const products = result.resources.find((r) => r.type === 'Products')!;
    expect(products.properties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ property: 'Monitor arm', status: 'failed' }),
        expect.objectContaining({ property: 'Assembly service', status: 'failed' }),
        expect.objectContaining({
          property: 'Desk lamp',
          status: 'skipped',
          source: 'quote line 7303 ("LAMP-03")',
          reason: expect.stringContaining('no product of the contract matches this quote line'),
        }),
      ]),
    );
    const text = (await saleActivities()).map((a) => a.Description).join('\n');
    expect(text).toContain('Desk lamp: no product of the contract matches this quote line');
    expect(text).toContain('Monitor arm from Oneflow product "ARM-04"');
  });

  it('files one Document when the answer to the Document POST is lost and the step is retried', async () => {
    await setUp();
    await stack.fault(stack.superofficeOrigin, {
      method: 'POST',
      path: '/Cust12345/api/v1/Document',
      dropResponse: true,
      times: 1,
    });
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('succeeded');
    const filed = await documents();
    expect(filed).toHaveLength(1);
    expect(filed[0]!.contentBytes).toBeGreaterThan(0);
    const posts = (await stack.requests(stack.superofficeOrigin)).filter(
      (r) => r.method === 'POST' && r.path === '/Cust12345/api/v1/Document',
    );
    // The one POST whose answer was dropped: the retry found its Document by the marker.
    expect(posts).toHaveLength(1);
    const lookups = (await stack.requests(stack.superofficeOrigin)).filter((r) =>
      r.path.endsWith('/Agents/Document/GetSaleDocuments'),
    );
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    expect(result.resources.find((r) => r.type === 'Document')).toMatchObject({
      id: filed[0]!.DocumentId,
      status: 'updated',
    });
  });

  it('leaves a Lost Sale Lost and says so, while the quote and the PDF are still written', async () => {
    await setUp({ saleStatus: 'Lost' });
    const { result } = await stack.signAndWait();
    expect((await saleNow()).Status).toBe('Lost');
    expect(await documents()).toHaveLength(1);
    const saleResult = result.resources.find((r) => r.type === 'Sale')!;
    expect(saleResult.properties).toEqual(
      expect.arrayContaining([expect.objectContaining({ property: 'Status', status: 'skipped' })]),
    );
    const text = (await saleActivities()).map((a) => a.Description).join('\n');
    expect(text).toContain('the Sale is Lost in SuperOffice, so it was not marked Sold');
  });

  it('reports a product whose key is in no catalog instead of guessing a line', async () => {
    await setUp({
      products: [
        ...NEGOTIATED.slice(0, 2),
        { custom_id: 'NOPE-99', name: 'Unlisted widget', quantity: 3, price_1: { base: 100 } },
      ],
    });
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('partially_failed');
    const keys = (await quoteOfSale()).lines.map((l) => l.ERPProductKey);
    expect(keys).toEqual(['DESK-01', 'CHAIR-02']);
    const products = result.resources.find((r) => r.type === 'Products')!;
    expect(products.properties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          property: 'Unlisted widget',
          status: 'failed',
          reason: expect.stringContaining('no product with ERP product key "NOPE-99"'),
        }),
      ]),
    );
    const failure = (await saleActivities()).find((a) => (a.Description ?? '').startsWith(FAILURE_PREFIX));
    expect(failure?.Description).toContain('Unlisted widget');
  });

  it('refuses a PDF over the limit with a clear reason and creates no Document', async () => {
    await setUp({
      pdf: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4000, 0x20)]),
      switches: { signedPdfMaxBytes: 2000 },
    });
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('partially_failed');
    expect(await documents()).toEqual([]);
    const document = result.resources.find((r) => r.type === 'Document')!;
    expect(document).toMatchObject({ status: 'failed', id: null });
    expect(document.error).toContain('over the limit of 2.0 kB');
    const text = (await saleActivities()).map((a) => a.Description).join('\n');
    expect(text).toContain('over the limit of 2.0 kB');
    const puts = (await stack.requests(stack.superofficeOrigin)).filter((r) => r.method === 'PUT');
    expect(puts).toEqual([]);
  });

  it('files the PDF once Oneflow heals after its download answered 503', async () => {
    await setUp();
    await stack.fault(stack.oneflowOrigin, {
      method: 'GET',
      path: '/v1/contracts/9001/files/1',
      status: 503,
      times: 2,
    });
    const { result } = await stack.signAndWait();
    expect(result.outcome).toBe('succeeded');
    const filed = await documents();
    expect(filed).toHaveLength(1);
    const pdf = await bytesAt(`${stack.oneflowOrigin}/_emulator/contracts/${CONTRACT_ID}/files/contract`);
    expect(
      await bytesAt(`${stack.superofficeOrigin}/_emulator/documents/${filed[0]!.DocumentId}/content`),
    ).toEqual(pdf);
    const downloads = (await stack.requests(stack.oneflowOrigin)).filter((r) =>
      /^\/v1\/contracts\/9001\/files\/1$/.test(r.path),
    );
    expect(downloads.map((r) => r.status)).toEqual([503, 503, 302]);
  });
});
