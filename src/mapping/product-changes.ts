import type { SmartSyncSwitches } from '../config/mapping-document';
import type {
  PropertyResult,
  QuoteLineAddition,
  QuoteLineChanges,
  QuoteLineRemoval,
} from '../workflow-contract';
import type { ProductPlan } from './plan';
import { describeLine, productSource } from './product-lines';
import type { ProductMatchResult, QuoteLineSnapshot } from './quote-matching';

/**
 * smartSync.addProducts and smartSync.removeProducts: after matching, what happens to the
 * products no quote line matched and to the quote lines no product matched. With a switch
 * off they are left alone and listed in the outcome, so that a rep sees every line Smart
 * Sync could not pair, in either direction.
 */

export interface ProductChanges {
  additions: QuoteLineAddition[];
  removals: QuoteLineRemoval[];
  /** What the outcome says about the unmatched products and lines that are left alone. */
  planned: PropertyResult[];
}

/** "quote line 7303" with its ERP key when it has one, as the outcome names a line. */
export function quoteLineSource(line: QuoteLineSnapshot): string {
  const key = (line.ERPProductKey ?? '').trim();
  return `quote line ${line.QuoteLineId}${key !== '' ? ` ("${key}")` : ''}`;
}

function lineName(line: QuoteLineSnapshot): string {
  return (line.Name ?? '').trim() || (line.ERPProductKey ?? '').trim() || `quote line ${line.QuoteLineId}`;
}

/** The contract's values for a new line: quantity, unit price and the discount as matching writes it. */
export function newLineChanges(product: ProductPlan): QuoteLineChanges {
  const changes: QuoteLineChanges = { Quantity: product.quantity, UnitListPrice: product.unitListPrice };
  if (product.discount.type === 'percent') changes.DiscountPercent = product.discount.percent;
  if (product.discount.type === 'amount') changes.DiscountAmount = product.discount.lineTotal;
  return changes;
}

export function planProductChanges(
  match: Pick<ProductMatchResult, 'unmatched' | 'untouchedLines'>,
  switches: Pick<SmartSyncSwitches, 'addProducts' | 'removeProducts'>,
): ProductChanges {
  const result: ProductChanges = { additions: [], removals: [], planned: [] };
  for (const { product, reason } of match.unmatched) {
    if (switches.addProducts !== true) {
      result.planned.push({
        property: product.name,
        status: 'failed',
        source: productSource(product),
        reason,
      });
      continue;
    }
    const changes = newLineChanges(product);
    result.additions.push({
      name: product.name,
      erpProductKey: (product.customId ?? '').trim() || null,
      changes,
      changedFields: Object.keys(changes) as Array<keyof QuoteLineChanges>,
      display: `added to the quote: ${describeLine(changes)}`,
      source: productSource(product),
    });
  }
  for (const line of match.untouchedLines) {
    if (switches.removeProducts === true) {
      result.removals.push({ quoteLineId: line.QuoteLineId, name: lineName(line) });
      continue;
    }
    result.planned.push({
      property: lineName(line),
      status: 'skipped',
      source: quoteLineSource(line),
      reason: 'no product of the contract matches this quote line; it was left on the quote',
    });
  }
  return result;
}

/** A line of the quote now that matches an addition by its ERP key, or by name for a free-text one. */
export function lineMatchesAddition(line: QuoteLineSnapshot, addition: QuoteLineAddition): boolean {
  const norm = (s: string | null | undefined) => (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  if (addition.erpProductKey !== null) return norm(line.ERPProductKey) === norm(addition.erpProductKey);
  return norm(line.ERPProductKey) === '' && norm(line.Name) === norm(addition.name);
}
