/**
 * SuperOffice's quote arithmetic, from the QuoteLine / QuoteAlternative property descriptions in
 * SuperOffice's Swagger-v1-QuoteAgent.json:
 * - line SubTotal "is equal to 'Quantity * ListPrice'";
 * - "TotalPrice = SubTotal - DiscountAmount or TotalPrice = (UnitCost * Quantity) + EarningAmount,
 *   according to what the user changed last" (UserValueOverride, or the ChangedFields of
 *   RecalculateQuoteLine); percentages are given as 12 for 12 %;
 * - "If UserValueOverride is set to 'None' then the [ERP discount] is copied to DiscountPercent";
 * - alternative SubTotal is "computed by summing the totalprice of the quotelines, and NOT by
 *   summing their subtotals"; TotalPrice = "Sum of the QuoteLines.TotalPrice - AlternativeDiscount";
 * - EarningPercent is "the earning ... in percent of total".
 * Amounts are rounded to cents, percentages kept at full precision (float noise removed): the
 * emulator's choice, SuperOffice documents no rounding.
 */

export const USER_VALUE_OVERRIDES = [
  'None',
  'Total',
  'DiscountPercent',
  'DiscountAmount',
  'EarningPercent',
  'EarningAmount',
] as const;
export type UserValueOverride = (typeof USER_VALUE_OVERRIDES)[number];

export interface LineFigures {
  Quantity: number;
  UnitListPrice: number;
  UnitCost: number;
  VAT: number;
  ERPDiscountPercent: number;
  ERPDiscountAmount: number;
  DiscountPercent: number;
  DiscountAmount: number;
  UserValueOverride: UserValueOverride;
  EarningPercent: number;
  EarningAmount: number;
  SubTotal: number;
  TotalPrice: number;
}

export interface AlternativeFigures {
  ERPDiscountPercent: number;
  ERPDiscountAmount: number;
  DiscountPercent: number;
  DiscountAmount: number;
  UserValueOverride: UserValueOverride;
  EarningPercent: number;
  EarningAmount: number;
  SubTotal: number;
  TotalPrice: number;
  /** "Tax/VAT - THIS IS AN AMOUNT" on the alternative. */
  VAT: number;
}

export function roundMoney(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

function cleanPercent(value: number): number {
  return Number(value.toPrecision(12));
}

function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : cleanPercent((part / whole) * 100);
}

const CHANGED_FIELD_OVERRIDE: Record<string, UserValueOverride> = {
  discountpercent: 'DiscountPercent',
  discountamount: 'DiscountAmount',
  totalprice: 'Total',
  earningpercent: 'EarningPercent',
  earningamount: 'EarningAmount',
};

/**
 * The override implied by RecalculateQuoteLine's ChangedFields ("QuoteLine.DiscountPercent",
 * the table prefix optional, any case): the last listed price field wins. Quantity and
 * UnitListPrice changes keep the line's own override.
 */
export function overrideFromChangedFields(changed: readonly string[]): UserValueOverride | undefined {
  let found: UserValueOverride | undefined;
  for (const field of changed) {
    const name = field.split('.').pop()?.toLowerCase() ?? '';
    found = CHANGED_FIELD_OVERRIDE[name] ?? found;
  }
  return found;
}

/** Recalculates a line's derived figures; `override` (from ChangedFields) beats UserValueOverride. */
export function calculateLine(line: LineFigures, override?: UserValueOverride): LineFigures {
  const mode = override ?? line.UserValueOverride;
  const subTotal = roundMoney(line.Quantity * line.UnitListPrice);
  const cost = line.UnitCost * line.Quantity;
  let discountPercent = line.DiscountPercent;
  let discountAmount = line.DiscountAmount;
  let total: number;
  switch (mode) {
    case 'DiscountPercent':
      discountAmount = roundMoney((subTotal * discountPercent) / 100);
      total = subTotal - discountAmount;
      break;
    case 'DiscountAmount':
      discountPercent = percentOf(discountAmount, subTotal);
      total = subTotal - discountAmount;
      break;
    case 'Total':
      total = line.TotalPrice;
      discountAmount = roundMoney(subTotal - total);
      discountPercent = percentOf(discountAmount, subTotal);
      break;
    case 'EarningAmount':
      total = cost + line.EarningAmount;
      discountAmount = roundMoney(subTotal - total);
      discountPercent = percentOf(discountAmount, subTotal);
      break;
    case 'EarningPercent':
      // EarningPercent is earning in percent of the total: total = cost / (1 - pct/100).
      total = line.EarningPercent >= 100 ? subTotal : cost / (1 - line.EarningPercent / 100);
      discountAmount = roundMoney(subTotal - total);
      discountPercent = percentOf(discountAmount, subTotal);
      break;
    case 'None':
      discountPercent = line.ERPDiscountPercent;
      discountAmount = roundMoney((subTotal * discountPercent) / 100);
      total = subTotal - discountAmount;
      break;
  }
  const totalPrice = roundMoney(total);
  const earningAmount = roundMoney(totalPrice - cost);
  return {
    ...line,
    UserValueOverride: mode,
    SubTotal: subTotal,
    DiscountPercent: discountPercent,
    DiscountAmount: discountAmount,
    TotalPrice: totalPrice,
    EarningAmount: earningAmount,
    EarningPercent: percentOf(earningAmount, totalPrice),
  };
}

/** Totals of an alternative from its (recalculated) lines. */
export function calculateAlternative(
  alternative: AlternativeFigures,
  lines: readonly LineFigures[],
): AlternativeFigures {
  const subTotal = roundMoney(lines.reduce((sum, l) => sum + l.TotalPrice, 0));
  const cost = lines.reduce((sum, l) => sum + l.UnitCost * l.Quantity, 0);
  let discountPercent = alternative.DiscountPercent;
  let discountAmount = alternative.DiscountAmount;
  switch (alternative.UserValueOverride) {
    case 'DiscountPercent':
      discountAmount = roundMoney((subTotal * discountPercent) / 100);
      break;
    case 'DiscountAmount':
      discountPercent = percentOf(discountAmount, subTotal);
      break;
    case 'Total':
      discountAmount = roundMoney(subTotal - alternative.TotalPrice);
      discountPercent = percentOf(discountAmount, subTotal);
      break;
    case 'EarningAmount':
      discountAmount = roundMoney(subTotal - (cost + alternative.EarningAmount));
      discountPercent = percentOf(discountAmount, subTotal);
      break;
    case 'EarningPercent': {
      const total =
        alternative.EarningPercent >= 100 ? subTotal : cost / (1 - alternative.EarningPercent / 100);
      discountAmount = roundMoney(subTotal - total);
      discountPercent = percentOf(discountAmount, subTotal);
      break;
    }
    case 'None':
      discountPercent = alternative.ERPDiscountPercent;
      discountAmount = roundMoney((subTotal * discountPercent) / 100);
      break;
  }
  const totalPrice = roundMoney(subTotal - discountAmount);
  const earningAmount = roundMoney(totalPrice - cost);
  const lineVat = lines.reduce((sum, l) => sum + (l.TotalPrice * l.VAT) / 100, 0);
  return {
    ...alternative,
    SubTotal: subTotal,
    DiscountPercent: discountPercent,
    DiscountAmount: discountAmount,
    TotalPrice: totalPrice,
    EarningAmount: earningAmount,
    EarningPercent: percentOf(earningAmount, totalPrice),
    // The alternative discount reduces the VAT base in proportion.
    VAT: roundMoney(subTotal === 0 ? 0 : (lineVat * totalPrice) / subTotal),
  };
}
