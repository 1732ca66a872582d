import type { QuoteLineChanges } from '../workflow-contract';
import type { ProductPlan } from './plan';

/**
 * Pairs each Oneflow product with a line of the Sale's quote (active version, most likely
 * alternative) and works out what to change on it. Matching is by the product's custom_id
 * against ERPProductKey for all products first, then by name for the rest, so that a name
 * match never takes a line another product claims by key. Both comparisons ignore case and
 * surrounding spaces. Each quote line is used at most once, in quote order.
 *
 * Discounts: a percent discount is written as DiscountPercent, an amount discount as the
 * line's DiscountAmount (per unit × quantity), and "no discount" clears a discounted line
 * with DiscountPercent 0. Whenever anything on a line changes, its discount is sent too and
 * named in ChangedFields, so that SuperOffice's recalculation keeps the contract's discount
 * rather than whichever discount field was set last.
 */

export interface QuoteLineSnapshot {
  QuoteLineId: number;
  ERPProductKey?: string | null;
  Name?: string | null;
  Quantity?: number | null;
  UnitListPrice?: number | null;
  DiscountPercent?: number | null;
  DiscountAmount?: number | null;
}

export type QuoteLineField = 'Quantity' | 'UnitListPrice' | 'DiscountPercent' | 'DiscountAmount';

export interface QuoteLineUpdate<L extends QuoteLineSnapshot = QuoteLineSnapshot> {
  quoteLineId: number;
  quoteLine: L;
  product: ProductPlan;
  matchedBy: 'key' | 'name';
  changes: QuoteLineChanges;
  /** For RecalculateQuoteLine: "QuoteLine.Quantity", … */
  changedFields: string[];
}

export interface QuoteLineUnchanged<L extends QuoteLineSnapshot = QuoteLineSnapshot> {
  quoteLineId: number;
  quoteLine: L;
  product: ProductPlan;
  matchedBy: 'key' | 'name';
}

export interface UnmatchedProduct {
  product: ProductPlan;
  reason: string;
}

export interface ProductMatchResult<L extends QuoteLineSnapshot = QuoteLineSnapshot> {
  updates: QuoteLineUpdate<L>[];
  unchanged: QuoteLineUnchanged<L>[];
  unmatched: UnmatchedProduct[];
  /** Quote lines no product matched; they are left as they are. */
  untouchedLines: L[];
}

const norm = (s: string | null | undefined) => (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
const same = (a: number | null | undefined, b: number) => typeof a === 'number' && Math.abs(a - b) < 1e-6;

function lineChanges(product: ProductPlan, line: QuoteLineSnapshot): QuoteLineChanges {
  const changes: QuoteLineChanges = {};
  if (!same(line.Quantity, product.quantity)) changes.Quantity = product.quantity;
  if (!same(line.UnitListPrice, product.unitListPrice)) changes.UnitListPrice = product.unitListPrice;
  const somethingElseChanges = Object.keys(changes).length > 0;
  const d = product.discount;
  switch (d.type) {
    case 'percent':
      if (somethingElseChanges || !same(line.DiscountPercent ?? 0, d.percent))
        changes.DiscountPercent = d.percent;
      break;
    case 'amount':
      if (somethingElseChanges || !same(line.DiscountAmount ?? 0, d.lineTotal))
        changes.DiscountAmount = d.lineTotal;
      break;
    case 'none':
      if (!same(line.DiscountPercent ?? 0, 0) || !same(line.DiscountAmount ?? 0, 0))
        changes.DiscountPercent = 0;
      break;
  }
  return changes;
}

export function matchProductsToQuoteLines<L extends QuoteLineSnapshot>(
  productLines: readonly ProductPlan[],
  quoteLines: readonly L[],
): ProductMatchResult<L> {
  const used = new Set<number>();
  const matches = new Map<ProductPlan, { line: L; index: number; by: 'key' | 'name' }>();

  const claim = (product: ProductPlan, by: 'key' | 'name', wanted: string, pick: (l: L) => string) => {
    const index = quoteLines.findIndex((l, i) => !used.has(i) && pick(l) !== '' && pick(l) === wanted);
    const line = quoteLines[index];
    if (index < 0 || line === undefined) return;
    used.add(index);
    matches.set(product, { line, index, by });
  };
  for (const product of productLines) {
    if (norm(product.customId) !== '')
      claim(product, 'key', norm(product.customId), (l) => norm(l.ERPProductKey));
  }
  for (const product of productLines) {
    if (!matches.has(product) && norm(product.name) !== '')
      claim(product, 'name', norm(product.name), (l) => norm(l.Name));
  }

  const result: ProductMatchResult<L> = { updates: [], unchanged: [], unmatched: [], untouchedLines: [] };
  for (const product of productLines) {
    const match = matches.get(product);
    if (!match) {
      const keyText = product.customId ? `ERP product key "${product.customId}" or ` : '';
      const taken = quoteLines.some(
        (l) =>
          (norm(product.customId) !== '' && norm(l.ERPProductKey) === norm(product.customId)) ||
          norm(l.Name) === norm(product.name),
      );
      result.unmatched.push({
        product,
        reason: taken
          ? `the quote lines with ${keyText}name "${product.name}" are already matched to other products`
          : `no line of the Sale's quote has ${keyText}name "${product.name}"`,
      });
      continue;
    }
    const changes = lineChanges(product, match.line);
    const fields = Object.keys(changes) as QuoteLineField[];
    const base = { quoteLineId: match.line.QuoteLineId, quoteLine: match.line, product, matchedBy: match.by };
    if (fields.length === 0) result.unchanged.push(base);
    else result.updates.push({ ...base, changes, changedFields: fields.map((f) => `QuoteLine.${f}`) });
  }
  result.untouchedLines = quoteLines.filter((_, i) => !used.has(i));
  return result;
}
