import type { QuoteLineChanges, QuoteLineWrite } from '../workflow-contract';
import type { ProductPlan } from './plan';
import type { QuoteLineUpdate } from './quote-matching';

/**
 * The quote line writes of the products step, and the wording the outcome Activity shows
 * for them. A write carries absolute values and its own display text, so that a retried
 * update writes and reports exactly what the plan decided.
 */

/** Whole numbers as they are, others with two decimals: "12", "4050.00", "10.50". */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** "quantity 12, unit price 4500, discount 10 %": the changed values, in a fixed order. */
export function describeLine(changes: QuoteLineChanges): string {
  const parts: string[] = [];
  if (changes.Quantity !== undefined) parts.push(`quantity ${formatNumber(changes.Quantity)}`);
  if (changes.UnitListPrice !== undefined) parts.push(`unit price ${formatNumber(changes.UnitListPrice)}`);
  if (changes.DiscountPercent !== undefined)
    parts.push(`discount ${formatNumber(changes.DiscountPercent)} %`);
  if (changes.DiscountAmount !== undefined) parts.push(`discount ${formatNumber(changes.DiscountAmount)}`);
  return parts.join(', ');
}

/** `Oneflow product "DESK-01"` by its custom id, else `Oneflow product 801` by its Oneflow id. */
export function productSource(product: Pick<ProductPlan, 'oneflowProductId' | 'customId'>): string {
  return `Oneflow product ${product.customId ? `"${product.customId}"` : product.oneflowProductId}`;
}

/** What the products step writes for a matched line that differs from the contract. */
export function quoteLineWrite(update: QuoteLineUpdate): QuoteLineWrite {
  return {
    quoteLineId: update.quoteLineId,
    name: update.product.name,
    changes: update.changes,
    // The client's recalculation call takes plain field names and adds the prefix itself.
    changedFields: update.changedFields.map((f) => f.replace(/^QuoteLine\./, '') as keyof QuoteLineChanges),
    display: describeLine(update.changes),
    source: productSource(update.product),
  };
}
