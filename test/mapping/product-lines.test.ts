import type { ProductPlan } from '../../src/mapping/plan';
import { describeLine, formatNumber, productSource, quoteLineWrite } from '../../src/mapping/product-lines';
import { matchProductsToQuoteLines, type QuoteLineUpdate } from '../../src/mapping/quote-matching';

const product = (over: Partial<ProductPlan> = {}): ProductPlan => ({
  oneflowProductId: '801',
  customId: 'DESK-01',
  name: 'Standing desk',
  quantity: 12,
  unitListPrice: 4500,
  discount: { type: 'none' },
  ...over,
});

describe('formatNumber', () => {
  it('writes whole numbers as they are', () => {
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-5)).toBe('-5');
    expect(formatNumber(4500.0)).toBe('4500');
  });

  it('writes other numbers with two decimals', () => {
    expect(formatNumber(10.5)).toBe('10.50');
    expect(formatNumber(12.345)).toBe('12.35');
    expect(formatNumber(0.1)).toBe('0.10');
  });
});

describe('describeLine', () => {
  it('names quantity, unit price and a percent discount, in that order', () => {
    expect(describeLine({ DiscountPercent: 10, UnitListPrice: 4500, Quantity: 12 })).toBe(
      'quantity 12, unit price 4500, discount 10 %',
    );
  });

  it('writes an amount discount without a percent sign', () => {
    expect(describeLine({ Quantity: 8, DiscountAmount: 400 })).toBe('quantity 8, discount 400');
  });

  it('writes a cleared discount as a 0 % discount', () => {
    expect(describeLine({ DiscountPercent: 0 })).toBe('discount 0 %');
  });

  it('writes decimals with two places', () => {
    expect(describeLine({ UnitListPrice: 99.9, DiscountPercent: 12.5, DiscountAmount: 10.25 })).toBe(
      'unit price 99.90, discount 12.50 %, discount 10.25',
    );
  });

  it('is empty when nothing changes', () => {
    expect(describeLine({})).toBe('');
  });
});

describe('productSource', () => {
  it('names a product by its custom id, quoted', () => {
    expect(productSource({ oneflowProductId: '801', customId: 'DESK-01' })).toBe('Oneflow product "DESK-01"');
  });

  it('names a product without a custom id by its Oneflow id', () => {
    expect(productSource({ oneflowProductId: '801', customId: null })).toBe('Oneflow product 801');
    expect(productSource({ oneflowProductId: '801', customId: '' })).toBe('Oneflow product 801');
  });
});

describe('quoteLineWrite', () => {
  it('shapes a matched update into the write of the products step', () => {
    const update: QuoteLineUpdate = {
      quoteLineId: 7301,
      quoteLine: { QuoteLineId: 7301, Name: 'Standing desk', Quantity: 10, UnitListPrice: 4500 },
      product: product({ discount: { type: 'percent', percent: 10 } }),
      matchedBy: 'key',
      changes: { Quantity: 12, DiscountPercent: 10 },
      changedFields: ['QuoteLine.Quantity', 'QuoteLine.DiscountPercent'],
    };
    expect(quoteLineWrite(update)).toEqual({
      quoteLineId: 7301,
      name: 'Standing desk',
      changes: { Quantity: 12, DiscountPercent: 10 },
      changedFields: ['Quantity', 'DiscountPercent'],
      display: 'quantity 12, discount 10 %',
      source: 'Oneflow product "DESK-01"',
    });
  });

  it('strips the QuoteLine. prefix from the changed fields and leaves plain names as they are', () => {
    const match = matchProductsToQuoteLines(
      [
        product({
          customId: null,
          quantity: 8,
          unitListPrice: 450.5,
          discount: { type: 'amount', perUnit: 50, lineTotal: 400 },
        }),
      ],
      [{ QuoteLineId: 7303, Name: 'Standing desk', Quantity: 10, UnitListPrice: 450, DiscountAmount: 0 }],
    );
    const write = quoteLineWrite(match.updates[0]!);
    expect(write.changedFields).toEqual(['Quantity', 'UnitListPrice', 'DiscountAmount']);
    expect(write.display).toBe('quantity 8, unit price 450.50, discount 400');
    expect(write.source).toBe('Oneflow product 801');
    expect(quoteLineWrite({ ...match.updates[0]!, changedFields: ['Quantity'] }).changedFields).toEqual([
      'Quantity',
    ]);
  });
});
