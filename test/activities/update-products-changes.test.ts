import { updateProductsActivity } from '../../src/activities/update-products';
import { withCallRetries } from '../../src/activities/retry-transient-calls';
import { createLogger } from '../../src/logging/logger';
import type { ProductsUpdate } from '../../src/workflow-contract';
import { useEmulator } from '../superoffice/client-harness';
import { activityEnv } from './activity-env';

/**
 * updateProducts with smartSync.addProducts and removeProducts, against the SuperOffice
 * emulator: lines added (from the catalog or as free text) and deleted, the quote
 * recalculated once, and a retry that neither adds a line twice nor fails on a deleted one.
 */
const so = useEmulator();
const updateProducts = () =>
  updateProductsActivity({ superoffice: withCallRetries(so.client), logger: createLogger('silent') });

const update = (over: Partial<ProductsUpdate> = {}): ProductsUpdate => ({
  saleId: 2001,
  quoteAlternativeId: 7201,
  lines: [],
  planned: [],
  knownLineIds: [7301, 7302, 7303],
  removals: [{ quoteLineId: 7303, name: 'Desk lamp' }],
  additions: [
    {
      name: 'Standing desk, second',
      erpProductKey: 'DESK-01',
      changes: { Quantity: 2, UnitListPrice: 4000 },
      changedFields: ['Quantity', 'UnitListPrice'],
      display: 'added to the quote: quantity 2, unit price 4000',
      source: 'Oneflow product "DESK-01"',
    },
    {
      name: 'Assembly service',
      erpProductKey: null,
      changes: { Quantity: 1, UnitListPrice: 3500 },
      changedFields: ['Quantity', 'UnitListPrice'],
      display: 'added to the quote: quantity 1, unit price 3500',
      source: 'Oneflow product 905',
    },
    {
      name: 'Unlisted widget',
      erpProductKey: 'NOPE-99',
      changes: { Quantity: 3, UnitListPrice: 100 },
      changedFields: ['Quantity', 'UnitListPrice'],
      display: 'added to the quote: quantity 3, unit price 100',
      source: 'Oneflow product "NOPE-99"',
    },
  ],
  ...over,
});

const lines = () => so.client.getQuoteLines(7201);

describe('updateProducts: adding and removing quote lines', () => {
  it('deletes the dropped line, adds a catalog line and a free-text one, reports the unknown key, and recalculates the Sale', async () => {
    const result = await activityEnv().run(updateProducts(), update());
    expect(result.properties.map((p) => [p.property, p.status])).toEqual([
      ['Desk lamp', 'written'],
      ['Standing desk, second', 'written'],
      ['Assembly service', 'written'],
      ['Unlisted widget', 'failed'],
    ]);
    expect(result.properties[3]!.reason).toContain('no product with ERP product key "NOPE-99"');
    const now = await lines();
    expect(now.map((l) => [l.ERPProductKey || l.Name, l.Quantity, l.UnitListPrice, l.TotalPrice])).toEqual([
      ['DESK-01', 10, 4500, 45000],
      ['CHAIR-02', 10, 2200, 22000],
      ['DESK-01', 2, 4000, 8000],
      ['Assembly service', 1, 3500, 3500],
    ]);
    const sale = await so.client.getSale(2001);
    expect(sale.Amount).toBe(45000 + 22000 + 8000 + 3500);
  });

  it('run again (a retry after a lost answer), adds nothing twice and takes the deleted line as deleted', async () => {
    await activityEnv().run(updateProducts(), update());
    const again = await activityEnv({ attempt: 2 }).run(updateProducts(), update());
    expect(again.properties.filter((p) => p.status === 'written').map((p) => p.property)).toEqual([
      'Desk lamp',
      'Standing desk, second',
      'Assembly service',
    ]);
    expect(await lines()).toHaveLength(4);
  });
});
