import type { SuperOfficeClient } from '../superoffice/client';
import type { QuoteLine } from '../superoffice/entities';
import { lineMatchesAddition } from '../mapping/product-changes';
import type { ProductsUpdate, PropertyResult } from '../workflow-contract';

/**
 * The products step's adds and deletes (smartSync.addProducts, removeProducts). Both are
 * safe to retry: a deleted line that is already gone is reported deleted, and a line an
 * earlier attempt added (one the plan did not see, with the product's key or name) is
 * taken for this addition instead of adding it twice.
 */

/** DeleteQuoteLine for each planned removal; a line already gone counts as removed. */
export async function removeQuoteLines(
  so: SuperOfficeClient,
  update: ProductsUpdate,
  current: readonly QuoteLine[],
): Promise<PropertyResult[]> {
  const results: PropertyResult[] = [];
  for (const removal of update.removals ?? []) {
    const source = `quote line ${removal.quoteLineId}`;
    if (current.some((l) => l.QuoteLineId === removal.quoteLineId))
      await so.deleteQuoteLine(removal.quoteLineId);
    results.push({
      property: removal.name,
      status: 'written',
      display: 'removed from the quote: no longer in the contract',
      source,
    });
  }
  return results;
}

/**
 * Each planned addition: a catalog product by ERPProductKey (CreateQuoteLine), or a
 * free-text line, with the contract's quantity, price and discount, recalculated by
 * SuperOffice (RecalculateQuoteLine) and saved. A key the catalog does not know fails that
 * product with a reason; nothing is guessed.
 */
export async function addQuoteLines(
  so: SuperOfficeClient,
  update: ProductsUpdate,
  current: readonly QuoteLine[],
): Promise<PropertyResult[]> {
  const results: PropertyResult[] = [];
  const known = new Set(update.knownLineIds ?? current.map((l) => l.QuoteLineId));
  const claimed = new Set<number>();
  for (const addition of update.additions ?? []) {
    const earlier = current.find(
      (l) => !known.has(l.QuoteLineId) && !claimed.has(l.QuoteLineId) && lineMatchesAddition(l, addition),
    );
    if (earlier) {
      claimed.add(earlier.QuoteLineId);
      results.push({
        property: addition.name,
        status: 'written',
        display: addition.display,
        source: addition.source,
      });
      continue;
    }
    let line: QuoteLine;
    if (addition.erpProductKey !== null) {
      const fromCatalog = await so.createQuoteLine(update.quoteAlternativeId, addition.erpProductKey);
      if (!fromCatalog) {
        results.push({
          property: addition.name,
          status: 'failed',
          source: addition.source,
          reason: `SuperOffice's product catalog has no product with ERP product key "${addition.erpProductKey}", so it was not added to the quote; add the product to the price list, or the line by hand`,
        });
        continue;
      }
      line = { ...fromCatalog, ...addition.changes };
    } else {
      // A free-text line: SuperOffice's QuoteLine takes a line without a product key; the
      // contract's name stands for the product. (Assumed from the QuoteLine carrier, whose
      // ERPProductKey is optional text; no source says a tenant may forbid it.)
      line = {
        QuoteLineId: 0,
        QuoteAlternativeId: update.quoteAlternativeId,
        ERPProductKey: '',
        Name: addition.name,
        Quantity: 0,
        UnitListPrice: 0,
        DiscountPercent: 0,
        DiscountAmount: 0,
        SubTotal: 0,
        TotalPrice: 0,
        UserValueOverride: 'None',
        ...addition.changes,
      };
    }
    const recalculated = await so.recalculateQuoteLine(line, addition.changedFields);
    await so.saveQuoteLine(recalculated);
    results.push({
      property: addition.name,
      status: 'written',
      display: addition.display,
      source: addition.source,
    });
  }
  return results;
}
