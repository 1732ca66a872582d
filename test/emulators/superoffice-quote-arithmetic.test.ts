import {
  calculateAlternative,
  calculateLine,
  overrideFromChangedFields,
  type AlternativeFigures,
  type LineFigures,
} from '../../src/emulators/superoffice/quote-arithmetic';

function lineOf(figures: Partial<LineFigures>): LineFigures {
  return {
    Quantity: 0,
    UnitListPrice: 0,
    UnitCost: 0,
    VAT: 0,
    ERPDiscountPercent: 0,
    ERPDiscountAmount: 0,
    DiscountPercent: 0,
    DiscountAmount: 0,
    UserValueOverride: 'None',
    EarningPercent: 0,
    EarningAmount: 0,
    SubTotal: 0,
    TotalPrice: 0,
    ...figures,
  };
}

const alternativeOf = (figures: Partial<AlternativeFigures>): AlternativeFigures => ({
  ERPDiscountPercent: 0,
  ERPDiscountAmount: 0,
  DiscountPercent: 0,
  DiscountAmount: 0,
  UserValueOverride: 'None',
  EarningPercent: 0,
  EarningAmount: 0,
  SubTotal: 0,
  TotalPrice: 0,
  VAT: 0,
  ...figures,
});

describe('a quote line', () => {
  it('percent changed last: 12 × 4500 at 10 % → 54000 − 5400 = 48600', () => {
    const line = calculateLine(
      lineOf({ Quantity: 12, UnitListPrice: 4500, DiscountPercent: 10, DiscountAmount: 1 }),
      'DiscountPercent',
    );
    expect(line).toMatchObject({
      SubTotal: 54000,
      DiscountAmount: 5400,
      TotalPrice: 48600,
      UserValueOverride: 'DiscountPercent',
    });
  });

  it('amount changed last: 10 × 2200 less 1100 → 5 %, 20900', () => {
    const line = calculateLine(
      lineOf({ Quantity: 10, UnitListPrice: 2200, DiscountAmount: 1100, DiscountPercent: 50 }),
      'DiscountAmount',
    );
    expect(line).toMatchObject({ SubTotal: 22000, DiscountPercent: 5, TotalPrice: 20900 });
  });

  it('total changed last: the discount follows the total', () => {
    const line = calculateLine(
      lineOf({ Quantity: 4, UnitListPrice: 250, TotalPrice: 900, UserValueOverride: 'Total' }),
    );
    expect(line).toMatchObject({ SubTotal: 1000, DiscountAmount: 100, DiscountPercent: 10, TotalPrice: 900 });
  });

  it('earning: EarningAmount = total − cost, EarningPercent of the total', () => {
    const line = calculateLine(lineOf({ Quantity: 2, UnitListPrice: 100, UnitCost: 60 }));
    expect(line).toMatchObject({ TotalPrice: 200, EarningAmount: 80, EarningPercent: 40 });
    const byAmount = calculateLine(
      lineOf({ Quantity: 2, UnitListPrice: 100, UnitCost: 60, EarningAmount: 20 }),
      'EarningAmount',
    );
    expect(byAmount).toMatchObject({ TotalPrice: 140, DiscountAmount: 60, DiscountPercent: 30 });
    const byPercent = calculateLine(
      lineOf({ Quantity: 2, UnitListPrice: 100, UnitCost: 60, EarningPercent: 25 }),
      'EarningPercent',
    );
    expect(byPercent).toMatchObject({ TotalPrice: 160, EarningAmount: 40, DiscountAmount: 40 });
  });

  it('no override: the ERP discount percent is applied', () => {
    const line = calculateLine(
      lineOf({ Quantity: 3, UnitListPrice: 100, ERPDiscountPercent: 10, DiscountPercent: 40 }),
    );
    expect(line).toMatchObject({ DiscountPercent: 10, DiscountAmount: 30, TotalPrice: 270 });
  });

  it('rounds amounts to cents and a zero subtotal to a zero percent', () => {
    expect(
      calculateLine(lineOf({ Quantity: 3, UnitListPrice: 0.1, DiscountPercent: 0 }), 'DiscountPercent')
        .SubTotal,
    ).toBe(0.3);
    expect(
      calculateLine(lineOf({ Quantity: 0, UnitListPrice: 100, DiscountAmount: 5 }), 'DiscountAmount')
        .DiscountPercent,
    ).toBe(0);
  });
});

describe('ChangedFields', () => {
  it('takes the last price field named, with or without the table prefix', () => {
    expect(overrideFromChangedFields(['QuoteLine.Quantity'])).toBeUndefined();
    expect(overrideFromChangedFields(['QuoteLine.DiscountPercent', 'quoteline.discountamount'])).toBe(
      'DiscountAmount',
    );
    expect(overrideFromChangedFields(['DiscountPercent', 'Quantity'])).toBe('DiscountPercent');
    expect(overrideFromChangedFields(['QuoteLine.TotalPrice'])).toBe('Total');
  });
});

describe('an alternative', () => {
  const lines = [
    calculateLine(lineOf({ Quantity: 12, UnitListPrice: 4500, DiscountPercent: 10 }), 'DiscountPercent'),
    calculateLine(lineOf({ Quantity: 12, UnitListPrice: 2200 })),
  ];

  it('sums the lines’ total prices, not their subtotals', () => {
    const alt = calculateAlternative(alternativeOf({}), lines);
    expect(alt).toMatchObject({ SubTotal: 48600 + 26400, TotalPrice: 75000 });
  });

  it('takes its own discount off: percent or amount, whichever was set last', () => {
    expect(
      calculateAlternative(
        alternativeOf({ DiscountPercent: 2, UserValueOverride: 'DiscountPercent' }),
        lines,
      ),
    ).toMatchObject({
      DiscountAmount: 1500,
      TotalPrice: 73500,
    });
    expect(
      calculateAlternative(
        alternativeOf({ DiscountAmount: 7500, UserValueOverride: 'DiscountAmount' }),
        lines,
      ),
    ).toMatchObject({
      DiscountPercent: 10,
      TotalPrice: 67500,
    });
  });

  it('computes VAT as an amount from the lines’ percentages', () => {
    const vatLines = [calculateLine(lineOf({ Quantity: 1, UnitListPrice: 1000, VAT: 25 }))];
    expect(calculateAlternative(alternativeOf({}), vatLines).VAT).toBe(250);
  });
});
