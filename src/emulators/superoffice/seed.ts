import { z } from 'zod';
import { carrierId } from './carriers';
import type { CustomFieldDef } from './custom-fields';
import { carrierOf, ENTITY_KINDS, ENTITY_NAMES, type EntityKind, type EntityName } from './entity-kinds';
import { entityView } from './entity-views';
import { buildStoredEntity } from './entity-writes';
import { SoApiError } from './errors';
import { recalculatedAlternative, recalculatedLine, recordOf } from './quote-book';
import { PRODUCT, QUOTE, QUOTE_ALTERNATIVE, QUOTE_LINE, QUOTE_VERSION } from './quote-schemas';
import { superOfficeSeedSchema, type ParsedSuperOfficeSeed } from './seed-schema';
import { SuperOfficeStore, type JsonRecord } from './store';

/**
 * Loading a seed document into the store, and the state document the control plane shows.
 * A seed is all or nothing: it is built into a fresh store and adopted only when every part of
 * it is valid; problems are reported as a ZodError (the control plane answers 400 with them).
 */

type Issue = { path: (string | number)[]; message: string };

const UDEF_OWNER_INDEX: Record<EntityName, number> = { Contact: 1, Person: 2, Sale: 4, Appointment: 6 };

function fieldDefs(
  name: EntityName,
  seeded: ParsedSuperOfficeSeed['customFields'][EntityName],
): CustomFieldDef[] {
  return seeded.map((d, index) => {
    const kind = d.fieldName.startsWith('x_') ? 'extra' : 'udef';
    const identity = kind === 'udef' ? Number(d.fieldName.split(':').pop()) : 0;
    return {
      fieldName: d.fieldName,
      kind,
      label: d.label,
      shortLabel: d.shortLabel,
      tooltip: d.tooltip,
      type: d.type,
      textLength: d.textLength ?? (d.type === 'LongText' ? 200 : 40),
      listId: d.listId ?? null,
      isReadOnly: d.isReadOnly,
      isMandatory: d.isMandatory,
      isIndexed: d.isIndexed,
      hideField: d.hideField,
      rank: d.rank ?? index + 1,
      // Unique per owner table when not given: SuperOffice numbers udefs across all tables.
      udefFieldId: d.udefFieldId ?? UDEF_OWNER_INDEX[name] * 1000 + identity,
      udefIdentity: identity,
    };
  });
}

function seedEntities(
  store: SuperOfficeStore,
  kind: EntityKind,
  records: JsonRecord[],
  issues: Issue[],
): void {
  const now = new Date().toISOString();
  records.forEach((record, index) => {
    const path = [kind.seedCollection, index];
    const id = Number(record[kind.idField]);
    if (store.entity(kind.name, id)) {
      issues.push({ path: [...path, kind.idField], message: `duplicate ${kind.idField} ${id}` });
      return;
    }
    try {
      const stored = buildStoredEntity(store, kind, record, undefined, {
        mode: 'seed',
        checkReferences: false,
      });
      stored.doc[kind.idField] = id;
      stored.doc.CreatedDate ??= now;
      stored.doc.UpdatedDate ??= stored.doc.CreatedDate;
      store.entities[kind.name].set(id, stored);
      store.noteId(kind.name, id);
    } catch (err) {
      if (!(err instanceof SoApiError)) throw err;
      issues.push({ path, message: err.message });
    }
  });
}

/** References between seeded entities are checked once everything is in (a Company may name its support Person). */
function checkReferences(store: SuperOfficeStore, doc: ParsedSuperOfficeSeed, issues: Issue[]): void {
  for (const name of ENTITY_NAMES) {
    const kind = ENTITY_KINDS[name];
    const records = doc[kind.seedCollection] as JsonRecord[];
    records.forEach((record, index) => {
      const stored = store.entity(name, Number(record[kind.idField]));
      if (!stored) return;
      for (const prop of Object.keys(kind.props)) {
        const carrier = carrierOf(kind, prop);
        if (!carrier || carrier === 'Project' || carrier === 'Appointment') continue;
        const refId = carrierId(carrier, stored.doc[prop]);
        if (!refId) continue;
        const exists =
          carrier === 'Associate' ? store.associates.has(refId) : store.entity(carrier, refId) !== undefined;
        if (!exists)
          issues.push({
            path: [kind.seedCollection, index, prop],
            message: `${carrier} id ${refId} is not in the seed`,
          });
      }
    });
  }
}

function seedQuotes(store: SuperOfficeStore, quotes: ParsedSuperOfficeSeed['quotes'], issues: Issue[]): void {
  quotes.forEach((seeded, qi) => {
    const path: (string | number)[] = ['quotes', qi];
    const { versions, ...quoteFields } = seeded;
    if (!store.entity('Sale', seeded.SaleId))
      issues.push({ path: [...path, 'SaleId'], message: `Sale id ${seeded.SaleId} is not in the seed` });
    if ([...store.quotes.values()].some((q) => q.SaleId === seeded.SaleId)) {
      issues.push({
        path: [...path, 'SaleId'],
        message: `Sale ${seeded.SaleId} already has a quote: at most one per Sale`,
      });
    }
    if (store.quotes.has(seeded.QuoteId))
      issues.push({ path: [...path, 'QuoteId'], message: `duplicate QuoteId ${seeded.QuoteId}` });
    const quote = recordOf(QUOTE, quoteFields, 'Quote');
    versions.forEach((seededVersion, vi) => {
      const { alternatives, ...versionFields } = seededVersion;
      const version = recordOf(QUOTE_VERSION, { ...versionFields, QuoteId: seeded.QuoteId }, 'QuoteVersion');
      if (store.quoteVersions.has(seededVersion.QuoteVersionId)) {
        issues.push({
          path: [...path, 'versions', vi],
          message: `duplicate QuoteVersionId ${seededVersion.QuoteVersionId}`,
        });
      }
      alternatives.forEach((seededAlt, ai) => {
        const { lines, ...altFields } = seededAlt;
        const altId = seededAlt.QuoteAlternativeId;
        if (store.quoteAlternatives.has(altId)) {
          issues.push({
            path: [...path, 'versions', vi, 'alternatives', ai],
            message: `duplicate QuoteAlternativeId ${altId}`,
          });
        }
        const lineRecords = lines.map((seededLine, li) => {
          if (store.quoteLines.has(seededLine.QuoteLineId)) {
            issues.push({
              path: [...path, 'versions', vi, 'alternatives', ai, 'lines', li],
              message: `duplicate QuoteLineId ${seededLine.QuoteLineId}`,
            });
          }
          const line = recordOf(QUOTE_LINE, { ...seededLine, QuoteAlternativeId: altId }, 'QuoteLine');
          if (!line.Rank) line.Rank = li + 1;
          const given = seededLine as JsonRecord;
          const complete = given.SubTotal !== undefined && given.TotalPrice !== undefined;
          const stored = complete ? line : recalculatedLine(line);
          store.quoteLines.set(seededLine.QuoteLineId, stored);
          store.noteId('QuoteLine', seededLine.QuoteLineId);
          return stored;
        });
        let alternative = recordOf(
          QUOTE_ALTERNATIVE,
          { ...altFields, QuoteVersionId: seededVersion.QuoteVersionId },
          'QuoteAlternative',
        );
        const givenAlt = altFields as JsonRecord;
        if (givenAlt.SubTotal === undefined || givenAlt.TotalPrice === undefined) {
          alternative = recalculatedAlternative(alternative, lineRecords);
        }
        store.quoteAlternatives.set(altId, alternative);
        store.noteId('QuoteAlternative', altId);
      });
      if (!version.LikelyQuoteAlternativeId && alternatives[0])
        version.LikelyQuoteAlternativeId = alternatives[0].QuoteAlternativeId;
      store.quoteVersions.set(seededVersion.QuoteVersionId, version);
      store.noteId('QuoteVersion', seededVersion.QuoteVersionId);
    });
    if (!quote.ActiveQuoteVersionId && versions[0]) quote.ActiveQuoteVersionId = versions[0].QuoteVersionId;
    store.quotes.set(seeded.QuoteId, quote);
    store.noteId('Quote', seeded.QuoteId);
  });
}

function checkFieldDefs(doc: ParsedSuperOfficeSeed, issues: Issue[]): void {
  const listIds = new Set(doc.lists.map((l) => l.id));
  for (const name of ENTITY_NAMES) {
    const seen = new Set<string>();
    doc.customFields[name].forEach((def, index) => {
      const key = def.fieldName.toLowerCase();
      if (seen.has(key))
        issues.push({
          path: ['customFields', name, index, 'fieldName'],
          message: `duplicate field ${def.fieldName}`,
        });
      seen.add(key);
      if (def.listId !== undefined && !listIds.has(def.listId)) {
        issues.push({
          path: ['customFields', name, index, 'listId'],
          message: `list ${def.listId} is not in lists`,
        });
      }
    });
  }
}

/** Replaces the store's content with the seed document, or throws a ZodError and changes nothing. */
export function loadSeed(store: SuperOfficeStore, raw: unknown): void {
  const doc = superOfficeSeedSchema.parse(raw);
  const next = new SuperOfficeStore();
  const issues: Issue[] = [];
  checkFieldDefs(doc, issues);
  for (const t of doc.tokens) next.bearerTokens.set(t.token, t.associateId);
  next.tickets.push(...doc.tickets);
  for (const a of doc.associates) next.associates.set(a.AssociateId, a as JsonRecord);
  for (const l of doc.lists) {
    next.lists.set(l.id, { ...l, items: l.items.map((item, i) => ({ ...item, rank: item.rank ?? i + 1 })) });
  }
  for (const name of ENTITY_NAMES) next.customFields[name] = fieldDefs(name, doc.customFields[name]);
  for (const p of doc.products)
    next.products.set(p.ERPProductKey.toLowerCase(), recordOf(PRODUCT, p, 'Product'));
  if (issues.length === 0) {
    seedEntities(next, ENTITY_KINDS.Contact, doc.companies as JsonRecord[], issues);
    seedEntities(next, ENTITY_KINDS.Person, doc.persons as JsonRecord[], issues);
    seedEntities(next, ENTITY_KINDS.Sale, doc.sales as JsonRecord[], issues);
    seedEntities(next, ENTITY_KINDS.Appointment, doc.appointments as JsonRecord[], issues);
    // A record that failed is not in the store: references to it would only repeat its problem.
    if (issues.length === 0) checkReferences(next, doc, issues);
    seedQuotes(next, doc.quotes, issues);
  }
  if (issues.length > 0) {
    throw new z.ZodError(
      issues.map((i) => ({ code: 'custom' as const, path: i.path, message: i.message, input: undefined })),
    );
  }
  store.adopt(next);
}

/** The whole state as JSON for GET /_emulator/state: entities as GET shows them, quotes nested. */
export function stateDocument(store: SuperOfficeStore): JsonRecord {
  const entities = (name: EntityName) =>
    [...store.entities[name].values()]
      .sort((a, b) => Number(a.doc[ENTITY_KINDS[name].idField]) - Number(b.doc[ENTITY_KINDS[name].idField]))
      .map((stored) => entityView(store, ENTITY_KINDS[name], stored));
  const customFields = Object.fromEntries(
    ENTITY_NAMES.map((name) => [
      name,
      store.customFields[name].map((d) => ({
        fieldName: d.fieldName,
        label: d.label,
        type: d.type,
        textLength: d.textLength,
        ...(d.listId === null ? {} : { listId: d.listId }),
        isReadOnly: d.isReadOnly,
        isMandatory: d.isMandatory,
        isIndexed: d.isIndexed,
        hideField: d.hideField,
        tooltip: d.tooltip,
        shortLabel: d.shortLabel,
        rank: d.rank,
        udefFieldId: d.udefFieldId,
      })),
    ]),
  );
  const quotes = [...store.quotes.values()].map((quote) => ({
    ...quote,
    versions: [...store.quoteVersions.values()]
      .filter((v) => v.QuoteId === quote.QuoteId)
      .map((version) => ({
        ...version,
        alternatives: [...store.quoteAlternatives.values()]
          .filter((a) => a.QuoteVersionId === version.QuoteVersionId)
          .map((alt) => ({
            ...alt,
            lines: [...store.quoteLines.values()].filter(
              (l) => l.QuoteAlternativeId === alt.QuoteAlternativeId,
            ),
          })),
      })),
  }));
  return {
    associates: [...store.associates.values()],
    lists: [...store.lists.values()],
    customFields,
    // REST names here (a seed accepts `contacts` for `companies`, and ignores the flat `quoteLines`).
    contacts: entities('Contact'),
    persons: entities('Person'),
    sales: entities('Sale'),
    appointments: entities('Appointment'),
    products: [...store.products.values()],
    quotes,
    quoteLines: [...store.quoteLines.values()],
  };
}
