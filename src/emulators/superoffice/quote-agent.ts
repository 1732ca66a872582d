import express, { type Router } from 'express';
import { badRequest, SoApiError } from './errors';
import { isPlainObject } from './prop-values';
import { overrideFromChangedFields } from './quote-arithmetic';
import { recalculatedLine, recordOf, type QuoteBook } from './quote-book';
import { QUOTE_ALTERNATIVE, QUOTE_LINE } from './quote-schemas';
import type { JsonRecord, SuperOfficeStore } from './store';

/**
 * POST /v1/Agents/Quote/{Method}: the RPC-style Quote agent (request and response carriers from
 * SuperOffice's Swagger-v1-QuoteAgent.json). Agent habits, as
 * docs.superoffice.com/en/api/web-services/endpoints/agents-webapi describes them:
 * - "a failed call will return NULL instead": an unknown id answers 200 with `null`
 *   (list methods answer `[]`: an unknown parent simply has no children);
 * - a malformed request (no JSON object body) is a 400;
 * - a bad parameter (a word where an id belongs, a line that cannot be read) answers 200 with
 *   {"Message":"The request is invalid.","MessageDetail":"..."}.
 * Missing ids count as 0, as JSON.NET leaves them, and so find nothing.
 */

type Answer = { status: 200; body: unknown } | { status: 204 };

class BadParameter extends Error {}

interface CallContext {
  body: JsonRecord;
  query: Record<string, unknown>;
  associateId: number;
}

type Handler = (ctx: CallContext) => Answer;

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function param(body: JsonRecord, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

function intParam(body: JsonRecord, name: string): number {
  const value = param(body, name);
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  throw new BadParameter(`${name} must be an integer, got ${JSON.stringify(value)}`);
}

function stringParam(body: JsonRecord, name: string): string {
  const value = param(body, name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new BadParameter(`${name} must be a string, got ${JSON.stringify(value)}`);
}

function objectParam(body: JsonRecord, name: string): JsonRecord {
  const value = param(body, name);
  if (!isPlainObject(value))
    throw new BadParameter(`${name} must be an object, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

/** A written line, or a bad parameter naming the property that cannot be read. */
function lineParam(value: JsonRecord, where: string): JsonRecord {
  try {
    return recordOf(QUOTE_LINE, value, where);
  } catch (err) {
    if (err instanceof SoApiError) throw new BadParameter(err.message);
    throw err;
  }
}

function handlers(store: SuperOfficeStore, book: QuoteBook): Record<string, Handler> {
  const quoteById = (id: number) => store.quotes.get(id);
  return {
    GetQuoteFromSaleId: ({ body }) => {
      const quote = book.quoteOfSale(intParam(body, 'SaleId'));
      return ok(quote ? book.quoteView(quote) : null);
    },
    GetQuoteEntityFromSaleId: ({ body }) => {
      const quote = book.quoteOfSale(intParam(body, 'SaleId'));
      return ok(quote ? book.quoteEntityView(quote) : null);
    },
    GetQuote: ({ body }) => {
      const quote = quoteById(intParam(body, 'QuoteId'));
      return ok(quote ? book.quoteView(quote) : null);
    },
    GetQuoteEntity: ({ body }) => {
      const quote = quoteById(intParam(body, 'QuoteId'));
      return ok(quote ? book.quoteEntityView(quote) : null);
    },
    GetQuoteVersion: ({ body }) => {
      const version = store.quoteVersions.get(intParam(body, 'QuoteVersionId'));
      return ok(version ? book.versionView(version) : null);
    },
    GetQuoteVersions: ({ body }) =>
      ok(book.versionsOf(intParam(body, 'QuoteId')).map((v) => book.versionView(v))),
    GetQuoteAlternatives: ({ body }) =>
      ok(book.alternativesOf(intParam(body, 'QuoteVersionId')).map((a) => book.alternativeView(a))),
    GetQuoteAlternative: ({ query }) => {
      // The one method whose id is a query parameter (swagger: quoteAlternativeId, in: query).
      const raw = param(query, 'quoteAlternativeId');
      if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.trim())) {
        throw new BadParameter('The query parameter quoteAlternativeId must be an integer');
      }
      const alternative = store.quoteAlternatives.get(Number(raw));
      return ok(alternative ? book.alternativeView(alternative) : null);
    },
    GetQuoteLines: ({ body }) =>
      ok(book.linesOf(intParam(body, 'QuoteAlternativeId')).map((l) => book.lineView(l))),
    GetQuoteLine: ({ body }) => {
      const line = store.quoteLines.get(intParam(body, 'QuoteLineId'));
      return ok(line ? book.lineView(line) : null);
    },
    CreateQuoteLine: ({ body }) => {
      const alternativeId = intParam(body, 'QuoteAlternativeId');
      const product = store.product(stringParam(body, 'ERPProductKey'));
      if (!store.quoteAlternatives.has(alternativeId) || !product) return ok(null);
      return ok(book.lineView(book.newLineFromProduct(alternativeId, product)));
    },
    SaveQuoteLine: ({ body }) => {
      const line = lineParam(objectParam(body, 'QuoteLine'), 'QuoteLine');
      const saved = book.saveLine(line);
      return ok(saved ? book.lineView(saved) : null);
    },
    SaveQuoteLines: ({ body }) => {
      const raw = param(body, 'QuoteLines');
      if (!Array.isArray(raw)) throw new BadParameter('QuoteLines must be an array of QuoteLine');
      const lines = raw.map((l, i) => {
        if (!isPlainObject(l)) throw new BadParameter(`QuoteLines[${i}] must be an object`);
        return lineParam(l, `QuoteLines[${i}]`);
      });
      // All or nothing: one line that cannot be saved makes the call return null, saving none.
      const saveable = lines.every((l) => {
        const id = Number(l.QuoteLineId);
        const existing = id ? store.quoteLines.get(id) : undefined;
        const altId = Number(l.QuoteAlternativeId) || Number(existing?.QuoteAlternativeId ?? 0);
        return (id === 0 || existing !== undefined) && store.quoteAlternatives.has(altId);
      });
      if (!saveable) return ok(null);
      return ok(lines.map((l) => book.lineView(book.saveLine(l) as JsonRecord)));
    },
    RecalculateQuoteLine: ({ body }) => {
      const line = lineParam(objectParam(body, 'QuoteLine'), 'QuoteLine');
      const changed = param(body, 'ChangedFields') ?? [];
      if (!Array.isArray(changed) || changed.some((c) => typeof c !== 'string')) {
        throw new BadParameter('ChangedFields must be an array of field names such as "QuoteLine.Quantity"');
      }
      return ok(book.lineView(recalculatedLine(line, overrideFromChangedFields(changed as string[]))));
    },
    RecalculateQuoteAlternative: ({ body, associateId }) => {
      // Swagger: RecalculateQuoteAlternativeRequest { QuoteAlternative: integer } — the id.
      const result = book.recalculateAlternative(intParam(body, 'QuoteAlternative'), associateId);
      if (!result) return ok(null);
      const rights = { TableRight: { Mask: 'Select', Reason: '' }, FieldProperties: {} };
      return ok({
        QuoteLinesHasChanged: result.linesChanged,
        ChangedQuoteAlternative: book.alternativeView(result.alternative),
        Changes: {
          AddedRecords: [],
          UpdatedRecords: result.updated.map((u) => ({ ...u, ...rights })),
          DeletedRecords: [],
          ...rights,
        },
        ...rights,
      });
    },
    DeleteQuoteLine: ({ body }) => {
      // Swagger answers 204; deleting a line that is not there does nothing, also 204.
      store.quoteLines.delete(intParam(body, 'QuoteLineId'));
      return { status: 204 };
    },
    CreateAndSaveQuote: ({ body, associateId }) => {
      const saleId = intParam(body, 'SaleId');
      const connectionId = intParam(body, 'ConnectionId') || 1;
      const name = stringParam(body, 'FirstAlternativeName') || 'Alternative 1';
      if (!store.entity('Sale', saleId)) return ok(null);
      const existing = book.quoteOfSale(saleId);
      // SuperOffice allows a Sale "at most one" quote.
      if (existing)
        throw new BadParameter(`Sale ${saleId} already has a quote (QuoteId ${String(existing.QuoteId)})`);
      return ok(book.quoteEntityView(book.createQuote(saleId, connectionId, name, associateId)));
    },
    SaveQuoteAlternative: ({ body }) => {
      // The one method whose body is the raw carrier, not a request wrapper (per the swagger).
      let alternative: JsonRecord;
      try {
        alternative = recordOf(QUOTE_ALTERNATIVE, body, 'QuoteAlternative');
      } catch (err) {
        if (err instanceof SoApiError) throw new BadParameter(err.message);
        throw err;
      }
      const id = Number(alternative.QuoteAlternativeId);
      const existing = store.quoteAlternatives.get(id);
      if (!existing) return ok(null);
      const saved = recordOf(QUOTE_ALTERNATIVE, body, 'QuoteAlternative', existing);
      saved.QuoteAlternativeId = id;
      saved.QuoteVersionId = existing.QuoteVersionId;
      store.quoteAlternatives.set(id, saved);
      return ok(book.alternativeView(saved));
    },
  };
}

export function quoteAgentRouter(
  store: SuperOfficeStore,
  book: QuoteBook,
  associateOf: (res: express.Response) => number,
): Router {
  const table = handlers(store, book);
  const byLowerName = new Map(Object.entries(table).map(([name, h]) => [name.toLowerCase(), h]));
  const router = express.Router();
  router.post('/:method', (req, res) => {
    const method = req.params.method;
    const handler = byLowerName.get(method.toLowerCase());
    if (!handler) {
      throw new SoApiError(404, 'NotFoundException', `The Quote agent method '${method}' is not emulated`);
    }
    const bodyless = method.toLowerCase() === 'getquotealternative';
    const body: unknown = req.body;
    if (!bodyless && !isPlainObject(body)) {
      throw badRequest(`The request body of Agents/Quote/${method} must be a JSON object`);
    }
    let answer: Answer;
    try {
      answer = handler({
        body: isPlainObject(body) ? body : {},
        query: req.query as Record<string, unknown>,
        associateId: associateOf(res),
      });
    } catch (err) {
      if (!(err instanceof BadParameter)) throw err;
      answer = ok({ Message: 'The request is invalid.', MessageDetail: err.message });
    }
    if (answer.status === 204) res.status(204).end();
    else res.status(200).json(answer.body);
  });
  return router;
}
