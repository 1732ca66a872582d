import { type ContractSeedInput, DEMO_CONTRACT_ID, oneflowDemoSeed } from '../../src/emulators/oneflow';
import { superofficeDemoSeed } from '../../src/emulators/superoffice';
import type { ContractPreview } from '../../src/mapping/preview';
import type { SmartSyncResult } from '../../src/workflow-contract';
import { ADMIN, demoMappingDocument, startSyncStack, type SyncStack } from '../support/sync-stack';

/**
 * A preview cannot disagree with the run that follows it: the preview of the demo contract
 * (POST /api/contracts/{id}/preview on the real service), then the signing's webhook and
 * its run, which writes exactly the values the preview said it would, and nothing more;
 * the SuperOffice emulator's request log shows no write from the preview.
 */

let stack: SyncStack;

beforeAll(async () => {
  stack = await startSyncStack();
});

afterAll(async () => {
  await stack?.stop();
});

type SeedProduct = NonNullable<NonNullable<ContractSeedInput['product_groups']>[number]['products']>[number];

/** The demo contract after a negotiation: the lamps dropped, monitor arms added. */
const NEGOTIATED: SeedProduct[] = [
  {
    custom_id: 'DESK-01',
    name: 'Standing desk',
    quantity: 12,
    price_1: { base: 4500, discount_percent: 10 },
  },
  { custom_id: 'CHAIR-02', name: 'Ergonomic chair', quantity: 12, price_1: { base: 2200 } },
  { custom_id: 'ARM-04', name: 'Monitor arm', quantity: 6, price_1: { base: 900, discount_percent: 5 } },
];

async function setUp(options: { negotiated: boolean }): Promise<void> {
  const demo = stack.service.demo!;
  for (const contract of oneflowDemoSeed.contracts ?? []) {
    const c = structuredClone(contract);
    if (options.negotiated && c.id === DEMO_CONTRACT_ID && c.product_groups?.[0])
      c.product_groups[0].products = NEGOTIATED;
    // Back to pending, so that the sign below sends the webhook.
    demo.oneflowEmulator.emulator.putContract(c);
  }
  await fetch(`${stack.superofficeOrigin}/_emulator/reset`, { method: 'POST' });
  const seed = structuredClone(superofficeDemoSeed);
  const seeded = await fetch(`${stack.superofficeOrigin}/_emulator/seed`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(seed),
  });
  expect(seeded.status).toBe(200);
  const document = demoMappingDocument();
  if (options.negotiated)
    document.smartSync = { ...document.smartSync, addProducts: true, removeProducts: true };
  await stack.service.store.setMappingDocument(document);
  await fetch(`${stack.superofficeOrigin}/_emulator/requests`, { method: 'DELETE' });
}

async function preview(): Promise<ContractPreview> {
  const res = await fetch(`${stack.service.url}/api/contracts/${DEMO_CONTRACT_ID}/preview`, {
    method: 'POST',
    headers: ADMIN,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ContractPreview;
}

const superofficeWrites = async () =>
  (await stack.requests(stack.superofficeOrigin)).filter(
    (r) => r.method !== 'GET' && !/\/Agents\/Quote\/Get/.test(r.path),
  );

type Written = [resource: string, property: string, value: string];

/** What the preview says a sync would write to the records, property by property. */
const previewedRecords = (p: ContractPreview): Written[] =>
  p.records
    .flatMap((r) =>
      r.properties
        .filter((x) => x.status === 'would_write')
        .map((x): Written => [`${r.type} ${r.id}`, x.property, x.value ?? '']),
    )
    .sort();

const writtenRecords = (result: SmartSyncResult): Written[] =>
  result.resources
    .filter((r) => r.type !== 'Products')
    .flatMap((r) =>
      r.properties
        .filter((x) => x.status === 'written')
        .map((x): Written => [`${r.type} ${r.id}`, x.property, x.display ?? '']),
    )
    .sort();

const previewedLines = (p: ContractPreview) =>
  (p.products?.lines ?? [])
    .filter((l) => l.status === 'would_write')
    .map((l) => l.product)
    .sort();

const writtenLines = (result: SmartSyncResult) =>
  result.resources
    .filter((r) => r.type === 'Products')
    .flatMap((r) => r.properties.filter((x) => x.status === 'written').map((x) => x.property))
    .sort();

describe('a preview, then the sync', () => {
  it.each([
    ['the demo contract', false],
    ['the demo contract after a negotiation, lines added and removed', true],
  ])(
    '%s: the sync writes exactly what the preview showed, and the preview wrote nothing',
    async (_, negotiated) => {
      await setUp({ negotiated });
      const before = await stack.superoffice();

      const shown = await preview();

      expect(shown.summary).toBe('would_write');
      expect(await superofficeWrites()).toEqual([]);
      expect(await stack.superoffice()).toEqual(before);
      const records = previewedRecords(shown);
      expect(records).toContainEqual(['Sale 2001', 'Number', 'PO-2026-0042']);
      if (negotiated) {
        expect(shown.products?.lines).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ product: 'Monitor arm', status: 'would_write' }),
            expect.objectContaining({ value: 'removed from the quote: no longer in the contract' }),
          ]),
        );
      }

      const { result } = await stack.signAndWait();

      expect(result.outcome).toBe('succeeded');
      expect(writtenRecords(result)).toEqual(records);
      expect(writtenLines(result)).toEqual(previewedLines(shown));
      expect((await stack.superoffice()).sales.find((s) => s.SaleId === 2001)?.Number).toBe('PO-2026-0042');
    },
  );
});
