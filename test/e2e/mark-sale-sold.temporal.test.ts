import { oneflowDemoSeed } from '../../src/emulators/oneflow';
import { superofficeDemoSeed } from '../../src/emulators/superoffice';
import type { MappingDocument } from '../../src/config/mapping-document';
import { demoMappingDocument, startSyncStack, type SyncStack } from '../support/sync-stack';

let stack: SyncStack;

beforeAll(async () => {
  stack = await startSyncStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function seedSuperOffice(saleStatus: string): Promise<void> {
  const demo = stack.service.demo!;
  for (const contract of oneflowDemoSeed.contracts ?? []) demo.oneflowEmulator.emulator.putContract(contract);
  await fetch(`${stack.superofficeOrigin}/_emulator/reset`, { method: 'POST' });
  const seed = structuredClone(superofficeDemoSeed);
  for (const sale of seed.sales ?? []) if (sale.SaleId === 2001) sale.Status = saleStatus;
  const seeded = await fetch(`${stack.superofficeOrigin}/_emulator/seed`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(seed),
  });
  expect(seeded.status).toBe(200);
  const document: MappingDocument = demoMappingDocument();
  document.smartSync.markSaleSold = true;
  await stack.service.store.setMappingDocument(document);
}

const sale = async () => (await stack.superoffice()).sales.find((s) => s.SaleId === 2001)!;
const today = () => new Date().toISOString().slice(0, 10);

describe('smartSync.markSaleSold, end to end', () => {
  it('leaves the Sale of a signed contract Sold on the date of signing, reported like any property', async () => {
    await seedSuperOffice('Open');
    const before = today();
    const { result } = await stack.signAndWait();
    const after = today();
    expect(result.outcome).toBe('succeeded');

    const s = await sale();
    expect(s.Status).toBe('Sold');
    expect([before, after]).toContain(String(s.Saledate).slice(0, 10));

    const saleResult = result.resources.find((r) => r.type === 'Sale')!;
    expect(saleResult.properties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ property: 'Status', status: 'written', display: 'Sold' }),
        expect.objectContaining({ property: 'Saledate', status: 'written' }),
      ]),
    );
    const activities = (await stack.superoffice()).appointments.filter(
      (a) => (a.Sale as { SaleId?: number } | undefined)?.SaleId === 2001,
    );
    expect(activities.map((a) => a.Description).join('\n')).toContain('Status = "Sold"');
  });

  it('leaves a Sale that is Sold already alone, reporting it unchanged', async () => {
    await seedSuperOffice('Sold');
    const { result } = await stack.signAndWait();

    const s = await sale();
    expect(s.Status).toBe('Sold');
    expect(s.Saledate).toBe('2026-12-31T00:00:00');
    const saleResult = result.resources.find((r) => r.type === 'Sale')!;
    expect(saleResult.properties).toEqual(
      expect.arrayContaining([expect.objectContaining({ property: 'Status', status: 'unchanged' })]),
    );
    expect(saleResult.properties.some((p) => p.property === 'Saledate')).toBe(false);
  });

  it('leaves a Lost Sale Lost and says so', async () => {
    await seedSuperOffice('Lost');
    const { result } = await stack.signAndWait();

    const s = await sale();
    expect(s.Status).toBe('Lost');
    expect(s.Saledate).toBe('2026-12-31T00:00:00');
    const saleResult = result.resources.find((r) => r.type === 'Sale')!;
    expect(saleResult.properties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          property: 'Status',
          status: 'skipped',
          reason: expect.stringContaining('the Sale is Lost in SuperOffice, so it was not marked Sold'),
        }),
      ]),
    );
    expect(saleResult.properties.some((p) => p.property === 'Saledate')).toBe(false);
    const activities = (await stack.superoffice()).appointments.filter(
      (a) => (a.Sale as { SaleId?: number } | undefined)?.SaleId === 2001,
    );
    expect(activities.map((a) => a.Description).join('\n')).toContain('so it was not marked Sold');
  });
});
