import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import type { SuperOfficeClient } from '../superoffice/client';
import { activityLogger } from './activity-logger';
import { currentAttempt } from './attempt';
import { mapBounded } from './early-reads';
import type { QuoteLine } from '../superoffice/entities';
import { addQuoteLines, removeQuoteLines } from './quote-line-changes';
import { nonRetryable, toActivityFailure } from './failures';
import {
  FAILURE,
  type PropertyResult,
  type ResourceResult,
  resourceStatus,
  type ProductsUpdate,
} from '../workflow-contract';

/**
 * Step 3, the Sale's products: each planned quote line gets its new quantity, unit price
 * and discount, is recalculated by SuperOffice (RecalculateQuoteLine), and all are saved
 * together (SaveQuoteLines); then
 * the alternative is recalculated, which also moves the Sale's amount when the quote
 * drives it. Values are absolute, so a retry after a lost answer writes the same thing.
 * With smartSync.removeProducts and addProducts, lines no product matched are deleted and
 * products no line matched are added (quote-line-changes.ts) before that recalculation.
 */
/** Lines recalculated at once: a quote has a few; a long one must not flood SuperOffice. */
const LINE_CALLS_AT_ONCE = 4;

export function updateProductsActivity(deps: { superoffice: SuperOfficeClient; logger: Logger }) {
  return async function updateProducts(update: ProductsUpdate): Promise<ResourceResult> {
    const so = deps.superoffice.forAttempt(currentAttempt().scope);
    try {
      const current = await so.getQuoteLines(update.quoteAlternativeId);
      const lines = new Map(current.map((l) => [l.QuoteLineId, l]));
      // Each line is recalculated by SuperOffice on its own (there is no batch recalculation),
      // side by side, then all are saved in one SaveQuoteLines.
      const found = update.lines.map((write) => ({ write, line: lines.get(write.quoteLineId) }));
      const recalculating = mapBounded(
        found.filter((f) => f.line !== undefined),
        LINE_CALLS_AT_ONCE,
        ({ write, line }) => so.recalculateQuoteLine({ ...line!, ...write.changes }, write.changedFields),
      );
      const recalculated: QuoteLine[] = [];
      for (const pending of recalculating) recalculated.push(await pending);
      if (recalculated.length > 0) await so.saveQuoteLines(recalculated);
      const properties: PropertyResult[] = found.map(({ write, line }) =>
        line
          ? { property: write.name, status: 'written', display: write.display, source: write.source }
          : {
              property: write.name,
              status: 'failed',
              source: write.source,
              reason: `quote line ${write.quoteLineId} was removed from the quote while the sync ran`,
            },
      );
      properties.push(...(await removeQuoteLines(so, update, current)));
      properties.push(...(await addQuoteLines(so, update, current)));
      if (properties.some((p) => p.status === 'written'))
        await so.recalculateQuoteAlternative(update.quoteAlternativeId);
      const all = [...properties, ...update.planned];
      const anyWritten = all.some((p) => p.status === 'written');
      activityLogger(deps.logger, { saleId: update.saleId }).info(
        { linesWritten: properties.filter((p) => p.status === 'written').length },
        `products of Sale ${update.saleId} ${anyWritten ? 'updated' : 'not updated'}`,
      );
      return {
        type: 'Products',
        id: update.saleId,
        status: resourceStatus(all),
        properties: all,
      };
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') {
        throw nonRetryable(
          FAILURE.NotFound,
          `the quote of Sale ${update.saleId} changed in SuperOffice: ${err.message}`,
        );
      }
      throw toActivityFailure(err, `updating the products of Sale ${update.saleId}`);
    }
  };
}
