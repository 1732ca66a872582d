import type { MappingObject } from '../config/mapping-document';
import { findCatalogProperty, type PropertyCatalog } from '../superoffice/field-catalog';
import { decodeCustomFieldValue, readCurrentValue } from '../superoffice/value-conversion';
import type {
  EntityUpdate,
  PropertyChange,
  PropertyResult,
  QuoteLineChanges,
  ResolvedPlan,
  ResourceResult,
} from '../workflow-contract';
import { describeLine } from './product-lines';
import type { QuoteLineSnapshot } from './quote-matching';

/**
 * What a sync of a contract would do, shaped for an admin before anything is written:
 * per record and property the current value and the one a sync would write, what is
 * already so, what is skipped and why, and what would fail. Built from the plan step's
 * own result, so the preview and the sync cannot disagree about what is planned.
 */

export type PreviewStatus = 'would_write' | 'unchanged' | 'skipped' | 'would_fail';

export interface PreviewProperty {
  property: string;
  label?: string;
  status: PreviewStatus;
  /** What SuperOffice has now, as a person reads it; null when it is empty. Only for would_write. */
  current?: string | null;
  /** The value a sync would write (would_write) or that is already there (unchanged). */
  value?: string;
  source?: string;
  reason?: string;
}

export interface PreviewRecord {
  type: 'Sale' | 'Company' | 'Contact';
  id: number | null;
  name?: string | null;
  participant?: number;
  status: PreviewStatus;
  /** Why the record as a whole would not be updated. */
  error?: string;
  properties: PreviewProperty[];
}

export interface PreviewProductLine {
  product: string;
  status: PreviewStatus;
  quoteLineId?: number;
  /** The line's values now, for the fields a sync would change. */
  current?: string;
  value?: string;
  source?: string;
  reason?: string;
}

export interface ContractPreview {
  contractId: number;
  /** Oneflow's state: only a "signed" contract is synced. */
  contractState: string | null;
  signed: boolean;
  /** Said first, for a contract a sync would not touch yet. */
  notice?: string;
  saleId?: number;
  companyId?: number;
  /** would_write: at least one value would change. */
  summary: 'would_write' | 'unchanged' | 'would_fail' | 'nothing_to_sync';
  records: PreviewRecord[];
  products: { status: PreviewStatus; error?: string; lines: PreviewProductLine[] } | null;
  notes: string[];
  /** Set when the plan step itself would fail: then nothing at all would be written. */
  failure?: { type?: string; message: string };
}

/** What SuperOffice has now, as read for the preview. */
export interface PreviewCurrentState {
  /** The records a sync would write to, keyed `Sale:2001`, `Company:101`, `Contact:301`. */
  records: Record<string, Record<string, unknown>>;
  /** The quote lines of the alternative a sync would write to. */
  quoteLines: QuoteLineSnapshot[];
  catalog?: PropertyCatalog;
}

export const recordKey = (type: string, id: number): string => `${type}:${id}`;

const OBJECT_OF: Record<EntityUpdate['type'], MappingObject> = {
  Sale: 'Sale',
  Company: 'Company',
  Contact: 'Contact',
};

/** The current value the way the plan's `display` reads a new one. */
export function displayCurrent(
  change: Pick<PropertyChange, 'property' | 'kind' | 'type' | 'patchPath'>,
  entity: Record<string, unknown> | undefined,
  catalog?: PropertyCatalog,
  object?: MappingObject,
): string | null {
  if (!entity) return null;
  let raw = readCurrentValue(entity, change.patchPath);
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'object') {
    // Standard list fields come as the item: its name is what a person reads.
    const item = raw as Record<string, unknown>;
    const name = item.Name ?? item.Value ?? item.Id;
    return name === undefined || name === null ? null : String(name);
  }
  if (change.kind !== 'standard' && typeof raw === 'string') raw = decodeCustomFieldValue(raw);
  const text = String(raw);
  if (text.trim() === '') return null;
  switch (change.type) {
    case 'checkbox':
      return raw === true || text === '1' || text.toLowerCase() === 'true' ? 'checked' : 'unchecked';
    case 'date':
      return text.slice(0, 10);
    case 'list': {
      const items =
        catalog && object ? findCatalogProperty(catalog, object, change.property)?.listItems : undefined;
      const item = items?.find((i) => String(i.id) === text);
      if (item) return item.name;
      return text === '0' ? null : `item ${text}`;
    }
    default:
      return text;
  }
}

const fromResult = (p: PropertyResult): PreviewProperty => ({
  property: p.property,
  ...(p.label !== undefined ? { label: p.label } : {}),
  status: p.status === 'written' ? 'would_write' : p.status === 'failed' ? 'would_fail' : p.status,
  ...(p.display !== undefined ? { value: p.display } : {}),
  ...(p.source !== undefined ? { source: p.source } : {}),
  ...(p.reason !== undefined ? { reason: p.reason } : {}),
});

/** A product's result: the plan names it in `property`. */
const productFromResult = (p: PropertyResult): PreviewProductLine => {
  const { property, status, source, reason } = fromResult(p);
  return {
    product: property,
    status,
    ...(source !== undefined ? { source } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
};

function recordStatus(properties: ReadonlyArray<{ status: PreviewStatus }>, error?: string): PreviewStatus {
  if (error !== undefined || properties.some((p) => p.status === 'would_fail')) return 'would_fail';
  if (properties.some((p) => p.status === 'would_write')) return 'would_write';
  if (properties.some((p) => p.status === 'unchanged')) return 'unchanged';
  return 'skipped';
}

function fromUpdate(update: EntityUpdate, current: PreviewCurrentState): PreviewRecord {
  const entity = current.records[recordKey(update.type, update.id)];
  const writes: PreviewProperty[] = update.changes.map((c) => ({
    property: c.property,
    label: c.label,
    status: 'would_write',
    current: displayCurrent(c, entity, current.catalog, OBJECT_OF[update.type]),
    value: c.display,
    source: c.source,
  }));
  const properties = [...writes, ...update.planned.map(fromResult)];
  return {
    type: update.type,
    id: update.id,
    ...(update.name !== undefined ? { name: update.name } : {}),
    ...(update.participant !== undefined ? { participant: update.participant } : {}),
    status: recordStatus(properties),
    properties,
  };
}

function fromSettled(resource: ResourceResult): PreviewRecord {
  const properties = resource.properties.map(fromResult);
  return {
    type: resource.type as PreviewRecord['type'],
    id: resource.id,
    ...(resource.name !== undefined ? { name: resource.name } : {}),
    ...(resource.participant !== undefined ? { participant: resource.participant } : {}),
    status: recordStatus(properties, resource.error),
    ...(resource.error !== undefined ? { error: resource.error } : {}),
    properties,
  };
}

function lineValues(line: QuoteLineSnapshot | undefined, fields: Array<keyof QuoteLineChanges>): string {
  if (!line) return '';
  const values: QuoteLineChanges = {};
  for (const f of fields) {
    const v = line[f];
    if (typeof v === 'number') values[f] = v;
  }
  return describeLine(values);
}

const RECORD_ORDER = { Sale: 0, Company: 1, Contact: 2 } as const;

/** A sync's plan (the plan step's result) + what SuperOffice has now → the preview. */
export function shapePreview(input: {
  contractId: number;
  contractState: string | null;
  plan?: ResolvedPlan;
  failure?: { type?: string; message: string };
  current?: PreviewCurrentState;
}): ContractPreview {
  const signed = input.contractState === 'signed';
  const base = {
    contractId: input.contractId,
    contractState: input.contractState,
    signed,
    ...(signed
      ? {}
      : {
          notice: `contract ${input.contractId} is "${input.contractState ?? 'unknown'}" in Oneflow, not signed by all parties: a sync would write nothing until it is; this is what it would write if it were signed as it stands now`,
        }),
  };
  const plan = input.plan;
  if (!plan) {
    return {
      ...base,
      summary: 'would_fail',
      records: [],
      products: null,
      notes: [],
      failure: input.failure ?? { message: 'the sync could not be planned' },
    };
  }
  const current: PreviewCurrentState = input.current ?? { records: {}, quoteLines: [] };
  const records: PreviewRecord[] = [
    ...[plan.sale, plan.company, ...plan.contacts].flatMap((u) => (u ? [fromUpdate(u, current)] : [])),
    ...plan.settled.filter((r) => r.type !== 'Products').map(fromSettled),
  ].sort(
    (a, b) => RECORD_ORDER[a.type] - RECORD_ORDER[b.type] || (a.participant ?? 0) - (b.participant ?? 0),
  );

  let products: ContractPreview['products'] = null;
  const settledProducts = plan.settled.find((r) => r.type === 'Products');
  if (plan.products) {
    const byId = new Map(current.quoteLines.map((l) => [l.QuoteLineId, l]));
    const lines: PreviewProductLine[] = [
      ...plan.products.lines.map((w) => ({
        product: w.name,
        status: 'would_write' as const,
        quoteLineId: w.quoteLineId,
        current: lineValues(byId.get(w.quoteLineId), w.changedFields),
        value: w.display,
        source: w.source,
      })),
      // smartSync.removeProducts and addProducts: the lines a sync would delete and add.
      ...(plan.products.removals ?? []).map((r) => ({
        product: r.name,
        status: 'would_write' as const,
        quoteLineId: r.quoteLineId,
        value: 'removed from the quote: no longer in the contract',
        source: `quote line ${r.quoteLineId}`,
      })),
      ...(plan.products.additions ?? []).map((a) => ({
        product: a.name,
        status: 'would_write' as const,
        value: a.display,
        source: a.source,
      })),
      ...plan.products.planned.map(productFromResult),
    ];
    products = { status: recordStatus(lines), lines };
  } else if (settledProducts) {
    const lines = settledProducts.properties.map(productFromResult);
    products = {
      status: recordStatus(lines, settledProducts.error),
      ...(settledProducts.error !== undefined ? { error: settledProducts.error } : {}),
      lines,
    };
  }

  // Without a Sale a sync writes nothing at all: the plan's first note says why.
  if (plan.saleId === undefined && plan.nothingToSync === undefined) {
    return {
      ...base,
      summary: 'would_fail',
      records,
      products,
      notes: plan.notes,
      failure: { message: plan.notes[0] ?? 'the contract links to no SuperOffice Sale' },
    };
  }
  const statuses = [...records.map((r) => r.status), ...(products ? [products.status] : [])];
  const summary: ContractPreview['summary'] =
    plan.nothingToSync !== undefined
      ? 'nothing_to_sync'
      : statuses.includes('would_fail')
        ? 'would_fail'
        : statuses.includes('would_write')
          ? 'would_write'
          : 'unchanged';
  return {
    ...base,
    ...(plan.saleId !== undefined ? { saleId: plan.saleId } : {}),
    ...(plan.companyId !== undefined ? { companyId: plan.companyId } : {}),
    summary,
    records,
    products,
    notes: plan.signedPdf
      ? [
          ...plan.notes,
          `The signed PDF would be filed as a Document on Sale ${plan.signedPdf.saleId} (document type ${plan.signedPdf.documentTemplateId}), unless this signing's is filed already`,
        ]
      : plan.notes,
  };
}
