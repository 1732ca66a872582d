import type { EntityRepository } from './entity-repository';
import { ENTITY_KINDS } from './entity-kinds';
import type { PropTable, PropType } from './entity-schemas';
import {
  calculateAlternative,
  calculateLine,
  type AlternativeFigures,
  type LineFigures,
  type UserValueOverride,
} from './quote-arithmetic';
import { PRODUCT, QUOTE, QUOTE_ALTERNATIVE, QUOTE_ENTITY, QUOTE_LINE, QUOTE_VERSION } from './quote-schemas';
import { canonicalKey, coerceValue, defaultFor } from './prop-values';
import type { JsonRecord, SuperOfficeStore } from './store';

/**
 * The quote model behind the Quote agent: Sale 1—0..1 Quote 1—n QuoteVersion
 * 1—n QuoteAlternative 1—n QuoteLine. Records are stored flat with their parent ids and nested
 * on the way out, in the carrier shapes of Swagger-v1-QuoteAgent.json.
 */

const RIGHTS = { TableRight: { Mask: 'Select, Update, Insert, Delete', Reason: '' }, FieldProperties: {} };

/** Properties that are nested children, not stored on the record. */
const NESTED = new Set([
  'ActiveQuoteVersion',
  'FavoriteQuoteAlternative',
  'QuoteVersions',
  'QuoteAlternatives',
]);

/**
 * A full record of `table` from a written (partial) one: known properties matched
 * case-insensitively and converted to their JSON type, the rest at their defaults (or at `base`).
 * Throws a 400 SoApiError naming the first property that cannot be converted.
 */
export function recordOf(table: PropTable, input: JsonRecord, where: string, base?: JsonRecord): JsonRecord {
  const names = Object.keys(table).filter((n) => !NESTED.has(n));
  const out: JsonRecord = {};
  for (const name of names) out[name] = structuredClone(base?.[name] ?? defaultFor(table[name] as PropType));
  for (const [key, value] of Object.entries(input)) {
    const name = canonicalKey(names, key);
    const type = name === undefined ? undefined : table[name];
    if (name === undefined || type === undefined) continue;
    out[name] = coerceValue(type, value, `${where}.${name}`);
  }
  return out;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function lineFigures(line: JsonRecord): LineFigures {
  return {
    Quantity: num(line.Quantity),
    UnitListPrice: num(line.UnitListPrice),
    UnitCost: num(line.UnitCost),
    VAT: num(line.VAT),
    ERPDiscountPercent: num(line.ERPDiscountPercent),
    ERPDiscountAmount: num(line.ERPDiscountAmount),
    DiscountPercent: num(line.DiscountPercent),
    DiscountAmount: num(line.DiscountAmount),
    UserValueOverride: (line.UserValueOverride as UserValueOverride) ?? 'None',
    EarningPercent: num(line.EarningPercent),
    EarningAmount: num(line.EarningAmount),
    SubTotal: num(line.SubTotal),
    TotalPrice: num(line.TotalPrice),
  };
}

function alternativeFigures(alt: JsonRecord): AlternativeFigures {
  return {
    ERPDiscountPercent: num(alt.ERPDiscountPercent),
    ERPDiscountAmount: num(alt.ERPDiscountAmount),
    DiscountPercent: num(alt.DiscountPercent),
    DiscountAmount: num(alt.DiscountAmount),
    UserValueOverride: (alt.UserValueOverride as UserValueOverride) ?? 'None',
    EarningPercent: num(alt.EarningPercent),
    EarningAmount: num(alt.EarningAmount),
    SubTotal: num(alt.SubTotal),
    TotalPrice: num(alt.TotalPrice),
    VAT: num(alt.VAT),
  };
}

/** A line recalculated by the SuperOffice arithmetic (quote-arithmetic.ts). */
export function recalculatedLine(line: JsonRecord, override?: UserValueOverride): JsonRecord {
  return { ...line, ...calculateLine(lineFigures(line), override) };
}

/** An alternative's totals recalculated from its lines. */
export function recalculatedAlternative(alternative: JsonRecord, lines: readonly JsonRecord[]): JsonRecord {
  return { ...alternative, ...calculateAlternative(alternativeFigures(alternative), lines.map(lineFigures)) };
}

export interface ChangedDataItem {
  Tablename: string;
  RecordId: number;
}

export interface AlternativeRecalculation {
  linesChanged: boolean;
  alternative: JsonRecord;
  updated: ChangedDataItem[];
}

export class QuoteBook {
  constructor(
    private readonly store: SuperOfficeStore,
    private readonly entities: EntityRepository,
  ) {}

  quoteOfSale(saleId: number): JsonRecord | undefined {
    return [...this.store.quotes.values()].find((q) => q.SaleId === saleId);
  }

  versionsOf(quoteId: number): JsonRecord[] {
    return [...this.store.quoteVersions.values()]
      .filter((v) => v.QuoteId === quoteId)
      .sort((a, b) => num(a.Rank) - num(b.Rank) || num(a.QuoteVersionId) - num(b.QuoteVersionId));
  }

  alternativesOf(versionId: number): JsonRecord[] {
    return [...this.store.quoteAlternatives.values()]
      .filter((a) => a.QuoteVersionId === versionId)
      .sort((a, b) => num(a.QuoteAlternativeId) - num(b.QuoteAlternativeId));
  }

  linesOf(alternativeId: number): JsonRecord[] {
    return [...this.store.quoteLines.values()]
      .filter((l) => l.QuoteAlternativeId === alternativeId)
      .sort((a, b) => num(a.Rank) - num(b.Rank) || num(a.QuoteLineId) - num(b.QuoteLineId));
  }

  lineView(line: JsonRecord): JsonRecord {
    return { ...structuredClone(line), ...RIGHTS };
  }

  alternativeView(alt: JsonRecord): JsonRecord {
    return { ...structuredClone(alt), ...RIGHTS };
  }

  versionView(version: JsonRecord): JsonRecord {
    const alternatives = this.alternativesOf(num(version.QuoteVersionId)).map((a) => this.alternativeView(a));
    return { ...structuredClone(version), QuoteAlternatives: alternatives, ...RIGHTS };
  }

  /** The Quote carrier: the quote with its active version and that version's likely alternative. */
  quoteView(quote: JsonRecord): JsonRecord {
    const active = this.store.quoteVersions.get(num(quote.ActiveQuoteVersionId));
    const favorite = active
      ? this.store.quoteAlternatives.get(num(active.LikelyQuoteAlternativeId))
      : undefined;
    const out: JsonRecord = {};
    for (const name of Object.keys(QUOTE)) out[name] = structuredClone(quote[name]);
    out.ActiveQuoteVersion = active ? this.versionView(active) : null;
    out.FavoriteQuoteAlternative = favorite ? this.alternativeView(favorite) : null;
    return { ...out, ...RIGHTS };
  }

  /** The QuoteEntity carrier: the quote with all its versions. */
  quoteEntityView(quote: JsonRecord): JsonRecord {
    const out: JsonRecord = {};
    for (const name of Object.keys(QUOTE_ENTITY)) out[name] = structuredClone(quote[name]);
    out.QuoteVersions = this.versionsOf(num(quote.QuoteId)).map((v) => this.versionView(v));
    return { ...out, ...RIGHTS };
  }

  /** CreateAndSaveQuote: a quote with one draft version and one alternative. */
  createQuote(
    saleId: number,
    connectionId: number,
    alternativeName: string,
    associateId: number,
  ): JsonRecord {
    const now = new Date().toISOString();
    const quoteId = this.store.nextId('Quote');
    const versionId = this.store.nextId('QuoteVersion');
    const alternativeId = this.store.nextId('QuoteAlternative');
    this.store.quotes.set(
      quoteId,
      recordOf(
        QUOTE,
        {
          QuoteId: quoteId,
          SaleId: saleId,
          QuoteConnectionId: connectionId,
          ActiveQuoteVersionId: versionId,
          UseValuesFromQuote: 1,
        },
        'Quote',
      ),
    );
    this.store.quoteVersions.set(
      versionId,
      recordOf(
        QUOTE_VERSION,
        {
          QuoteVersionId: versionId,
          QuoteId: quoteId,
          Number: '1',
          State: 'DraftNotCalculated',
          ArchivedState: 'Draft',
          Status: 'Ok',
          LikelyQuoteAlternativeId: alternativeId,
          Rank: 1,
          Registered: now,
          RegisteredAssociateId: associateId,
          Updated: now,
          UpdatedAssociateId: associateId,
        },
        'QuoteVersion',
      ),
    );
    this.store.quoteAlternatives.set(
      alternativeId,
      recordOf(
        QUOTE_ALTERNATIVE,
        {
          QuoteAlternativeId: alternativeId,
          QuoteVersionId: versionId,
          Name: alternativeName,
          Status: 'Ok',
          UserValueOverride: 'None',
        },
        'QuoteAlternative',
      ),
    );
    return this.store.quotes.get(quoteId) as JsonRecord;
  }

  /** CreateQuoteLine: an unsaved line (QuoteLineId 0) with the product's data copied in. */
  newLineFromProduct(alternativeId: number, product: JsonRecord): JsonRecord {
    const copied: JsonRecord = {};
    for (const name of Object.keys(PRODUCT)) {
      if (name in QUOTE_LINE && name !== 'ExtraInfo') copied[name] = product[name];
    }
    const line = recordOf(
      QUOTE_LINE,
      {
        ...copied,
        QuoteLineId: 0,
        QuoteAlternativeId: alternativeId,
        Status: 'Ok',
        Quantity: 1,
        Rank: this.nextRank(alternativeId),
        UserValueOverride: 'None',
      },
      'QuoteLine',
    );
    return recalculatedLine(line);
  }

  private nextRank(alternativeId: number): number {
    return this.linesOf(alternativeId).reduce((max, l) => Math.max(max, num(l.Rank)), 0) + 1;
  }

  /**
   * SaveQuoteLine: stores the line as sent (a new one when QuoteLineId is 0). Like the real
   * agent it does not recalculate; clients call RecalculateQuoteLine before and
   * RecalculateQuoteAlternative after (SuperOffice's CRMScript how-to quote/update).
   * Undefined when the alternative or the line does not exist.
   */
  saveLine(input: JsonRecord): JsonRecord | undefined {
    const probe = recordOf(QUOTE_LINE, input, 'QuoteLine');
    const lineId = num(probe.QuoteLineId);
    const existing = lineId ? this.store.quoteLines.get(lineId) : undefined;
    if (lineId && !existing) return undefined;
    const alternativeId = num(probe.QuoteAlternativeId) || num(existing?.QuoteAlternativeId);
    if (!this.store.quoteAlternatives.has(alternativeId)) return undefined;
    const line = recordOf(QUOTE_LINE, input, 'QuoteLine', existing);
    const id = lineId || this.store.nextId('QuoteLine');
    line.QuoteLineId = id;
    line.QuoteAlternativeId = alternativeId;
    if (!num(line.Rank)) line.Rank = this.nextRank(alternativeId);
    this.store.quoteLines.set(id, line);
    return line;
  }

  /**
   * RecalculateQuoteAlternative: every line by its own UserValueOverride, then the alternative.
   * When the quote has UseValuesFromQuote set and this is the likely alternative of the active
   * version, the Sale's Amount, Earning and EarningPercent follow it ("populated from the
   * QuoteVersion.QuoteAlternative (current revision, most-likely alternative)", says SuperOffice).
   */
  recalculateAlternative(alternativeId: number, associateId: number): AlternativeRecalculation | undefined {
    const alternative = this.store.quoteAlternatives.get(alternativeId);
    if (!alternative) return undefined;
    const updated: ChangedDataItem[] = [];
    let linesChanged = false;
    const lines = this.linesOf(alternativeId).map((line) => {
      const next = recalculatedLine(line);
      if (JSON.stringify(next) !== JSON.stringify(line)) {
        linesChanged = true;
        updated.push({ Tablename: 'quoteline', RecordId: num(line.QuoteLineId) });
        this.store.quoteLines.set(num(line.QuoteLineId), next);
      }
      return next;
    });
    const next = recalculatedAlternative(alternative, lines);
    this.store.quoteAlternatives.set(alternativeId, next);
    updated.push({ Tablename: 'quotealternative', RecordId: alternativeId });

    const version = this.store.quoteVersions.get(num(next.QuoteVersionId));
    if (version) {
      version.LastRecalculated = new Date().toISOString();
      if (version.State === 'DraftNotCalculated') version.State = 'Draft';
      const quote = this.store.quotes.get(num(version.QuoteId));
      const isLikely =
        quote !== undefined &&
        num(quote.ActiveQuoteVersionId) === num(version.QuoteVersionId) &&
        num(version.LikelyQuoteAlternativeId) === alternativeId;
      if (quote && isLikely && num(quote.UseValuesFromQuote) !== 0) {
        const saleId = num(quote.SaleId);
        if (this.store.entity('Sale', saleId)) {
          const changed = this.entities.updateFields(
            ENTITY_KINDS.Sale,
            saleId,
            { Amount: next.TotalPrice, Earning: next.EarningAmount, EarningPercent: next.EarningPercent },
            associateId,
          );
          if (changed) updated.push({ Tablename: 'sale', RecordId: saleId });
        }
      }
    }
    return { linesChanged, alternative: next, updated };
  }
}
