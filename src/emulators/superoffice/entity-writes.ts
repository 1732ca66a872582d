import { carrierId } from './carriers';
import {
  CUSTOM_DICTIONARIES,
  dictionaryAccepts,
  emptyValue,
  encodeValue,
  findFieldDef,
  isSiblingKey,
} from './custom-fields';
import {
  CARRIER_ID_FIELD,
  carrierOf,
  entityTemplate,
  type CarrierName,
  type EntityKind,
} from './entity-kinds';
import { validationError } from './errors';
import { canonicalKey, coerceValue, isPlainObject } from './prop-values';
import type { JsonRecord, StoredEntity, SuperOfficeStore } from './store';

/**
 * Turns a written entity (POST/PUT body, or the entity after a PATCH) into what is stored.
 *
 * - Properties are matched case-insensitively; unknown ones are ignored, as JSON.NET does on the
 *   real API (PATCH differs: a path to an unknown property is a 400, see json-patch.ts).
 * - A property missing from the body gets its default: PUT "replaces the entire entity".
 * - Documented read-only properties keep their stored value; computed ones are never stored.
 * - Carriers are stored by id; any other property of a written carrier is ignored. A reference to
 *   a Contact/Person/Associate/Sale that does not exist is a 400.
 * - Custom fields: each of UserDefinedFields, ExtraFields and CustomFields may carry values; a
 *   dictionary MERGES by key (fields not named keep their value; SuperOffice's docs leave this open,
 *   and its own Person.http sample sends a partial dictionary). Sibling keys
 *   (":DisplayText", ":DisplayTooltip", ":org") are ignored, read-only fields keep their value,
 *   an unknown field or a value that does not fit its type is a 400 ValidationException.
 *   Only values that differ from the stored one count, so a GET body PUT back unchanged is a no-op
 *   even though the same field appears in two dictionaries.
 * Every problem in the body is collected and reported in one 400; nothing is stored then.
 */

export interface WriteOptions {
  /** 'seed' also sets read-only stored properties and read-only custom fields. */
  mode: 'write' | 'seed';
  /** Custom fields a JSON Patch `remove` of "CustomFields/<name>" cleared. */
  clearedCustomFields?: readonly string[];
  /** false while a seed is loading: references are checked once everything is in. */
  checkReferences?: boolean;
}

/** Carriers whose ids the store can check. */
const CHECKED_CARRIERS: ReadonlySet<CarrierName> = new Set(['Contact', 'Person', 'Associate', 'Sale']);

function carrierExists(store: SuperOfficeStore, carrier: CarrierName, id: number): boolean {
  if (carrier === 'Associate') return store.associates.has(id);
  if (carrier === 'Contact' || carrier === 'Person' || carrier === 'Sale')
    return store.entity(carrier, id) !== undefined;
  return true;
}

function normaliseElement(value: unknown, where: string): JsonRecord {
  if (!isPlainObject(value))
    throw validationError(`${where}: expected an object, got ${JSON.stringify(value)}`);
  const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  const entry = text(value.Value);
  const stripped = text(value.StrippedValue);
  return {
    Value: entry,
    StrippedValue: stripped || entry.replace(/\s+/g, ''),
    Description: text(value.Description),
  };
}

function normaliseLink(store: SuperOfficeStore, value: unknown, where: string): JsonRecord {
  if (!isPlainObject(value))
    throw validationError(`${where}: expected an object, got ${JSON.stringify(value)}`);
  const id = Number(value.Id ?? 0);
  const linkId = Number(value.LinkId ?? 0);
  if (!Number.isInteger(id)) throw validationError(`${where}.Id: expected an integer`);
  return {
    EntityName: typeof value.EntityName === 'string' ? value.EntityName : '',
    Id: id,
    Description: typeof value.Description === 'string' ? value.Description : '',
    ExtraInfo: typeof value.ExtraInfo === 'string' ? value.ExtraInfo : '',
    LinkId: Number.isInteger(linkId) && linkId > 0 ? linkId : store.nextId('Link'),
  };
}

function storedCarrier(
  store: SuperOfficeStore,
  carrier: CarrierName,
  value: unknown,
  where: string,
  checkReference: boolean,
): JsonRecord | null {
  if (value === null || value === undefined) return null;
  if (!isPlainObject(value)) {
    throw validationError(`${where}: expected a ${carrier} carrier object, got ${JSON.stringify(value)}`);
  }
  const idField = CARRIER_ID_FIELD[carrier];
  const raw = value[idField];
  if (raw !== undefined && raw !== null && !/^\d+$/.test(String(raw).trim())) {
    throw validationError(`${where}.${idField}: expected an integer, got ${JSON.stringify(raw)}`);
  }
  const id = carrierId(carrier, value);
  if (!id) return null;
  if (checkReference && CHECKED_CARRIERS.has(carrier) && !carrierExists(store, carrier, id)) {
    throw validationError(`${where}: ${carrier} id ${id} does not exist`);
  }
  return { [idField]: id };
}

function writeProperty(
  store: SuperOfficeStore,
  kind: EntityKind,
  prop: string,
  value: unknown,
  options: WriteOptions,
): unknown {
  const where = `${kind.name}.${prop}`;
  const carrier = carrierOf(kind, prop);
  if (carrier) return storedCarrier(store, carrier, value, where, options.checkReferences !== false);
  const type = kind.props[prop];
  if (!type) return value;
  const coerced = coerceValue(type, value, where);
  if (type.kind === 'array' && Array.isArray(coerced)) {
    if (type.items === 'EntityElement') return coerced.map((e, i) => normaliseElement(e, `${where}[${i}]`));
    if (type.items === 'Link') return coerced.map((e, i) => normaliseLink(store, e, `${where}[${i}]`));
  }
  return coerced;
}

function writeCustomFields(
  store: SuperOfficeStore,
  kind: EntityKind,
  input: Map<string, unknown>,
  base: StoredEntity | undefined,
  options: WriteOptions,
  errors: string[],
): Record<string, string> {
  const defs = store.customFields[kind.name];
  const lists = (id: number) => store.list(id);
  const original: Record<string, string> = {};
  for (const def of defs) original[def.fieldName] = base?.custom[def.fieldName] ?? emptyValue(def);
  const custom = { ...original };
  const writable = (readOnly: boolean) => options.mode === 'seed' || !readOnly;

  for (const dictionary of CUSTOM_DICTIONARIES) {
    const raw = input.get(dictionary);
    if (raw === undefined || raw === null) continue;
    if (!isPlainObject(raw)) {
      errors.push(`${kind.name}.${dictionary}: expected an object of field name → value`);
      continue;
    }
    for (const [key, value] of Object.entries(raw)) {
      if (isSiblingKey(key)) continue;
      const def = findFieldDef(defs, key);
      if (!def || !dictionaryAccepts(dictionary, def)) {
        errors.push(`${kind.name}.${dictionary}: there is no custom field '${key}'`);
        continue;
      }
      if (!writable(def.isReadOnly)) continue;
      const encoded = encodeValue(def, value, lists);
      if (!encoded.ok) errors.push(encoded.message);
      else if (encoded.value !== original[def.fieldName]) custom[def.fieldName] = encoded.value;
    }
  }
  for (const name of options.clearedCustomFields ?? []) {
    const def = findFieldDef(defs, name);
    if (def && writable(def.isReadOnly)) custom[def.fieldName] = emptyValue(def);
  }
  return custom;
}

/** "A sale may also be connected to a person - this must be a contact person registered on the current contact" (SaleEntity.Person, swagger). */
function checkSalePerson(store: SuperOfficeStore, doc: JsonRecord, errors: string[]): void {
  const personId = carrierId('Person', doc.Person);
  const contactId = carrierId('Contact', doc.Contact);
  // A missing person or company is reported as such, not as a mismatch.
  if (!personId || !contactId || !store.entity('Contact', contactId) || !store.entity('Person', personId))
    return;
  const personContact = carrierId('Contact', store.entity('Person', personId)?.doc.Contact);
  if (personContact !== contactId) {
    errors.push(`Sale.Person: person ${personId} is not a contact person of company (Contact) ${contactId}`);
  }
}

export function buildStoredEntity(
  store: SuperOfficeStore,
  kind: EntityKind,
  body: JsonRecord,
  base: StoredEntity | undefined,
  options: WriteOptions,
): StoredEntity {
  const names = Object.keys(kind.props);
  const input = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    const name = canonicalKey(names, key);
    if (name !== undefined) input.set(name, value);
  }
  const template = entityTemplate(kind);
  const errors: string[] = [];
  const doc: JsonRecord = {};
  for (const prop of names) {
    if (kind.computed.has(prop) || (CUSTOM_DICTIONARIES as readonly string[]).includes(prop)) continue;
    const keepStored = kind.readOnly.has(prop) && (options.mode === 'write' || !input.has(prop));
    if (keepStored) {
      doc[prop] = base ? base.doc[prop] : template[prop];
      continue;
    }
    try {
      doc[prop] = writeProperty(
        store,
        kind,
        prop,
        input.has(prop) ? input.get(prop) : template[prop],
        options,
      );
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      errors.push(err.message);
    }
  }
  const custom = writeCustomFields(store, kind, input, base, options, errors);
  if (kind.name === 'Sale') checkSalePerson(store, doc, errors);
  if (errors.length > 0) throw validationError(errors.join('; '));
  return { doc, custom };
}
