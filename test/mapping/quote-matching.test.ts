import { toContractFacts } from '../../src/mapping/contract-facts';
import { planSync, type ProductPlan } from '../../src/mapping/plan';
import { matchProductsToQuoteLines, type QuoteLineSnapshot } from '../../src/mapping/quote-matching';
import { buildPropertyCatalog } from '../../src/superoffice/field-catalog';
import { exampleDocument, demoCatalogInput, demoContract, demoQuoteLines } from './demo-fixtures';

const product = (over: Partial<ProductPlan> & Pick<ProductPlan, 'name'>): ProductPlan => ({
  oneflowProductId: over.name,
  customId: null,
  quantity: 1,
  unitListPrice: 100,
  discount: { type: 'none' },
  ...over,
});

const line = (
  over: Partial<QuoteLineSnapshot> & Pick<QuoteLineSnapshot, 'QuoteLineId'>,
): QuoteLineSnapshot => ({
  ERPProductKey: '',
  Name: '',
  Quantity: 1,
  UnitListPrice: 100,
  DiscountPercent: 0,
  DiscountAmount: 0,
  ...over,
});

describe('matchProductsToQuoteLines with the demo contract and quote', () => {
  const plan = planSync({
    facts: toContractFacts(demoContract()),
    document: exampleDocument(),
    catalog: buildPropertyCatalog(demoCatalogInput()),
  });
  const result = matchProductsToQuoteLines(plan.productLines, demoQuoteLines());

  it('matches all three by ERP product key and writes quantity and discount', () => {
    expect(result.updates.map((u) => [u.quoteLineId, u.matchedBy, u.changes, u.changedFields])).toEqual([
      [
        7301,
        'key',
        { Quantity: 12, DiscountPercent: 10 },
        ['QuoteLine.Quantity', 'QuoteLine.DiscountPercent'],
      ],
      [7302, 'key', { Quantity: 12 }, ['QuoteLine.Quantity']],
      [7303, 'key', { Quantity: 8, DiscountAmount: 400 }, ['QuoteLine.Quantity', 'QuoteLine.DiscountAmount']],
    ]);
    expect(result.unmatched).toEqual([]);
    expect(result.unchanged).toEqual([]);
    expect(result.untouchedLines).toEqual([]);
  });

  it('hands back the original quote line, for SaveQuoteLine', () => {
    expect(result.updates[0]?.quoteLine).toEqual(demoQuoteLines()[0]);
    expect(result.updates[0]?.product.name).toBe('Standing desk');
  });

  it('finds nothing to change once the quote has the contract values', () => {
    const synced = demoQuoteLines().map((l) => ({ ...l, Quantity: l.QuoteLineId === 7303 ? 8 : 12 }));
    const first = synced[0];
    const third = synced[2];
    if (first) first.DiscountPercent = 10;
    if (third) third.DiscountAmount = 400;
    const again = matchProductsToQuoteLines(plan.productLines, synced);
    expect(again.updates).toEqual([]);
    expect(again.unchanged.map((u) => u.quoteLineId)).toEqual([7301, 7302, 7303]);
  });
});

describe('matchProductsToQuoteLines rules', () => {
  it('falls back to the name, ignoring case and spaces, when the key matches nothing', () => {
    const result = matchProductsToQuoteLines(
      [product({ name: '  standing   DESK ', customId: 'NEW-KEY', quantity: 2 })],
      [line({ QuoteLineId: 1, ERPProductKey: 'DESK-01', Name: 'Standing desk' })],
    );
    expect(result.updates.map((u) => [u.quoteLineId, u.matchedBy, u.changes])).toEqual([
      [1, 'name', { Quantity: 2 }],
    ]);
  });

  it('matches keys case-insensitively', () => {
    const result = matchProductsToQuoteLines(
      [product({ name: 'Desk', customId: 'desk-01' })],
      [line({ QuoteLineId: 1, ERPProductKey: 'DESK-01', Name: 'Something else' })],
    );
    expect(result.unchanged.map((u) => [u.quoteLineId, u.matchedBy])).toEqual([[1, 'key']]);
  });

  it('matches by key before any name match, so a name never takes a line another product owns by key', () => {
    const result = matchProductsToQuoteLines(
      [product({ name: 'Chair' }), product({ name: 'Office chair', customId: 'CH-1' })],
      [
        line({ QuoteLineId: 1, ERPProductKey: 'CH-1', Name: 'Chair' }),
        line({ QuoteLineId: 2, Name: 'Chair' }),
      ],
    );
    expect(result.unchanged.map((u) => [u.product.name, u.quoteLineId, u.matchedBy])).toEqual([
      ['Chair', 2, 'name'],
      ['Office chair', 1, 'key'],
    ]);
  });

  it('uses each quote line once: a second product with the same key takes the next such line, or none', () => {
    const result = matchProductsToQuoteLines(
      [
        product({ name: 'A', customId: 'K', quantity: 1 }),
        product({ name: 'B', customId: 'K', quantity: 2 }),
        product({ name: 'C', customId: 'K', quantity: 3 }),
      ],
      [line({ QuoteLineId: 1, ERPProductKey: 'K' }), line({ QuoteLineId: 2, ERPProductKey: 'K' })],
    );
    expect([...result.unchanged, ...result.updates].map((u) => [u.product.name, u.quoteLineId])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
    expect(result.unmatched).toEqual([
      {
        product: expect.objectContaining({ name: 'C' }),
        reason: 'the quote lines with ERP product key "K" or name "C" are already matched to other products',
      },
    ]);
  });

  it('reports products with no line, and leaves lines no product matched alone', () => {
    const result = matchProductsToQuoteLines(
      [product({ name: 'Whiteboard', customId: 'WB-9' }), product({ name: 'Plant' })],
      [line({ QuoteLineId: 5, ERPProductKey: 'DESK-01', Name: 'Standing desk' })],
    );
    expect(result.unmatched.map((u) => u.reason)).toEqual([
      'no line of the Sale\'s quote has ERP product key "WB-9" or name "Whiteboard"',
      'no line of the Sale\'s quote has name "Plant"',
    ]);
    expect(result.untouchedLines.map((l) => l.QuoteLineId)).toEqual([5]);
  });

  it('never matches on empty keys or names', () => {
    const result = matchProductsToQuoteLines(
      [product({ name: 'Thing', customId: '' })],
      [
        line({ QuoteLineId: 1, ERPProductKey: '', Name: '' }),
        line({ QuoteLineId: 2, ERPProductKey: null, Name: null }),
      ],
    );
    expect(result.unmatched).toHaveLength(1);
  });

  it('writes the unit list price when it differs', () => {
    const result = matchProductsToQuoteLines(
      [product({ name: 'Desk', unitListPrice: 4200 })],
      [line({ QuoteLineId: 1, Name: 'Desk', UnitListPrice: 4500 })],
    );
    expect(result.updates[0]).toMatchObject({
      changes: { UnitListPrice: 4200 },
      changedFields: ['QuoteLine.UnitListPrice'],
    });
  });

  it('clears a discount the contract no longer has, with DiscountPercent 0', () => {
    for (const discounted of [
      { DiscountPercent: 5, DiscountAmount: 5 },
      { DiscountPercent: 0, DiscountAmount: 20 },
    ]) {
      const result = matchProductsToQuoteLines(
        [product({ name: 'Desk' })],
        [line({ QuoteLineId: 1, Name: 'Desk', ...discounted })],
      );
      expect(result.updates[0]).toMatchObject({
        changes: { DiscountPercent: 0 },
        changedFields: ['QuoteLine.DiscountPercent'],
      });
    }
  });

  it('re-sends an unchanged discount when something else on the line changes, so recalculation keeps it', () => {
    const result = matchProductsToQuoteLines(
      [
        product({ name: 'P', quantity: 5, discount: { type: 'percent', percent: 10 } }),
        product({ name: 'A', quantity: 5, discount: { type: 'amount', perUnit: 2, lineTotal: 10 } }),
      ],
      [
        line({ QuoteLineId: 1, Name: 'P', Quantity: 4, DiscountPercent: 10, DiscountAmount: 40 }),
        line({ QuoteLineId: 2, Name: 'A', Quantity: 4, DiscountAmount: 10 }),
      ],
    );
    expect(result.updates.map((u) => u.changes)).toEqual([
      { Quantity: 5, DiscountPercent: 10 },
      { Quantity: 5, DiscountAmount: 10 },
    ]);
  });

  it('treats missing numbers on a quote line as different, and tiny float noise as equal', () => {
    const result = matchProductsToQuoteLines(
      [product({ name: 'X', quantity: 0.3, unitListPrice: 100 }), product({ name: 'Y', quantity: 2 })],
      [
        line({ QuoteLineId: 1, Name: 'X', Quantity: 0.1 + 0.2 }),
        line({ QuoteLineId: 2, Name: 'Y', Quantity: null }),
      ],
    );
    expect(result.unchanged.map((u) => u.quoteLineId)).toEqual([1]);
    expect(result.updates.map((u) => [u.quoteLineId, u.changes])).toEqual([[2, { Quantity: 2 }]]);
  });
});
