import type { ProductPlan } from '../../src/mapping/plan';
import {
  lineMatchesAddition,
  newLineChanges,
  planProductChanges,
  quoteLineSource,
} from '../../src/mapping/product-changes';
import { matchProductsToQuoteLines, type QuoteLineSnapshot } from '../../src/mapping/quote-matching';

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

const desk = product({ name: 'Standing desk', customId: 'DESK-01', quantity: 12, unitListPrice: 4500 });
const arm = product({
  name: 'Monitor arm',
  customId: 'ARM-04',
  quantity: 6,
  unitListPrice: 900,
  discount: { type: 'percent', percent: 5 },
});
const assembly = product({ name: 'Assembly service', quantity: 1, unitListPrice: 3500 });
const lines = [
  line({
    QuoteLineId: 7301,
    ERPProductKey: 'DESK-01',
    Name: 'Standing desk',
    Quantity: 12,
    UnitListPrice: 4500,
  }),
  line({ QuoteLineId: 7303, ERPProductKey: 'LAMP-03', Name: 'Desk lamp' }),
];
const match = matchProductsToQuoteLines([desk, arm, assembly], lines);

describe('planProductChanges', () => {
  it('with addProducts, a catalog line by ERP product key for a product with a custom_id, free text for one without', () => {
    const changes = planProductChanges(match, { addProducts: true, removeProducts: false });
    expect(changes.additions).toEqual([
      {
        name: 'Monitor arm',
        erpProductKey: 'ARM-04',
        changes: { Quantity: 6, UnitListPrice: 900, DiscountPercent: 5 },
        changedFields: ['Quantity', 'UnitListPrice', 'DiscountPercent'],
        display: 'added to the quote: quantity 6, unit price 900, discount 5 %',
        source: 'Oneflow product "ARM-04"',
      },
      {
        name: 'Assembly service',
        erpProductKey: null,
        changes: { Quantity: 1, UnitListPrice: 3500 },
        changedFields: ['Quantity', 'UnitListPrice'],
        display: 'added to the quote: quantity 1, unit price 3500',
        source: 'Oneflow product Assembly service',
      },
    ]);
    expect(changes.removals).toEqual([]);
    expect(changes.planned).toEqual([
      {
        property: 'Desk lamp',
        status: 'skipped',
        source: 'quote line 7303 ("LAMP-03")',
        reason: 'no product of the contract matches this quote line; it was left on the quote',
      },
    ]);
  });

  it('with removeProducts, the line no product matched is deleted; without addProducts the unmatched products fail with their reason', () => {
    const changes = planProductChanges(match, { addProducts: false, removeProducts: true });
    expect(changes.removals).toEqual([{ quoteLineId: 7303, name: 'Desk lamp' }]);
    expect(changes.additions).toEqual([]);
    expect(changes.planned.map((p) => [p.property, p.status, p.reason])).toEqual([
      [
        'Monitor arm',
        'failed',
        `no line of the Sale's quote has ERP product key "ARM-04" or name "Monitor arm"`,
      ],
      ['Assembly service', 'failed', `no line of the Sale's quote has name "Assembly service"`],
    ]);
  });

  it('with both off, nothing is added or deleted and every unpaired line and product is listed', () => {
    const changes = planProductChanges(match, {});
    expect(changes.additions).toEqual([]);
    expect(changes.removals).toEqual([]);
    expect(changes.planned.map((p) => `${p.property}:${p.status}`)).toEqual([
      'Monitor arm:failed',
      'Assembly service:failed',
      'Desk lamp:skipped',
    ]);
  });

  it('names a line without a name by its key, and one without either by its id', () => {
    const bare = matchProductsToQuoteLines(
      [],
      [line({ QuoteLineId: 1, ERPProductKey: 'X-1' }), line({ QuoteLineId: 2 })],
    );
    expect(planProductChanges(bare, { removeProducts: true }).removals).toEqual([
      { quoteLineId: 1, name: 'X-1' },
      { quoteLineId: 2, name: 'quote line 2' },
    ]);
    expect(quoteLineSource(line({ QuoteLineId: 2 }))).toBe('quote line 2');
  });
});

describe('newLineChanges', () => {
  it('writes an amount discount as the line total, and no discount field when there is none', () => {
    expect(
      newLineChanges(
        product({
          name: 'Lamp',
          quantity: 8,
          unitListPrice: 450,
          discount: { type: 'amount', perUnit: 50, lineTotal: 400 },
        }),
      ),
    ).toEqual({ Quantity: 8, UnitListPrice: 450, DiscountAmount: 400 });
    expect(newLineChanges(assembly)).toEqual({ Quantity: 1, UnitListPrice: 3500 });
  });
});

describe('lineMatchesAddition (how a retry recognises a line its earlier attempt added)', () => {
  const [armAddition, assemblyAddition] = planProductChanges(match, { addProducts: true }).additions;

  it('matches a catalog addition by ERP product key, ignoring case and spaces', () => {
    expect(lineMatchesAddition(line({ QuoteLineId: 9, ERPProductKey: ' arm-04 ' }), armAddition!)).toBe(true);
    expect(
      lineMatchesAddition(
        line({ QuoteLineId: 9, ERPProductKey: 'ARM-05', Name: 'Monitor arm' }),
        armAddition!,
      ),
    ).toBe(false);
  });

  it('matches a free-text addition by name only on a line without a key', () => {
    expect(lineMatchesAddition(line({ QuoteLineId: 9, Name: 'assembly  service' }), assemblyAddition!)).toBe(
      true,
    );
    expect(
      lineMatchesAddition(
        line({ QuoteLineId: 9, ERPProductKey: 'SVC', Name: 'Assembly service' }),
        assemblyAddition!,
      ),
    ).toBe(false);
  });
});
