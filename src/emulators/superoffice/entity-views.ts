import { fillCarrier, personCarrier, personFullName, carrierId } from './carriers';
import { buildDictionaries, CUSTOM_DICTIONARIES, type CustomDictionary } from './custom-fields';
import { carrierOf, type EntityKind } from './entity-kinds';
import { badRequest } from './errors';
import { canonicalKey, defaultFor, isPlainObject } from './prop-values';
import type { JsonRecord, StoredEntity, SuperOfficeStore } from './store';

/**
 * What GET /v1/{Entity}/{id} answers: the stored JSON with carriers filled from the store,
 * computed properties derived, the three custom field dictionaries built, and `_Links`
 * (SaleEntityWithLinks etc. in the swagger).
 */

export const FULL_TABLE_RIGHT = { Mask: 'Select, Update, Insert, Delete', Reason: '' };

function isLinkTo(link: unknown, entityName: string, id: number): boolean {
  if (!isPlainObject(link)) return false;
  return String(link.EntityName ?? '').toLowerCase() === entityName && Number(link.Id) === id;
}

/**
 * The follow-ups of a sale: those whose Sale is the sale, those with a Links entry to it, and those
 * the sale's own Links point at (SuperOffice's how-to,
 * docs.superoffice.com/en/api/web-services/howto/sale/link-sale-to-appointment).
 */
export function appointmentIdsOfSale(store: SuperOfficeStore, saleId: number): number[] {
  const sale = store.entity('Sale', saleId);
  const linkedFromSale = new Set<number>();
  for (const link of Array.isArray(sale?.doc.Links) ? sale.doc.Links : []) {
    if (isPlainObject(link) && String(link.EntityName ?? '').toLowerCase() === 'appointment') {
      linkedFromSale.add(Number(link.Id));
    }
  }
  const ids: number[] = [];
  for (const [id, appointment] of store.entities.Appointment) {
    const links = Array.isArray(appointment.doc.Links) ? appointment.doc.Links : [];
    if (
      carrierId('Sale', appointment.doc.Sale) === saleId ||
      links.some((l) => isLinkTo(l, 'sale', saleId)) ||
      linkedFromSale.has(id)
    ) {
      ids.push(id);
    }
  }
  return ids.sort((a, b) => a - b);
}

function countSelected(value: unknown): number {
  return Array.isArray(value) ? value.filter((i) => isPlainObject(i) && i.Selected === true).length : 0;
}

function computedValue(
  store: SuperOfficeStore,
  kind: EntityKind,
  prop: string,
  stored: StoredEntity,
): unknown {
  const doc = stored.doc;
  const id = Number(doc[kind.idField]);
  switch (`${kind.name}.${prop}`) {
    case 'Sale.ActiveLinks':
    case 'Appointment.ActiveLinks':
      return Array.isArray(doc.Links) ? doc.Links.length : 0;
    case 'Sale.Appointment':
      return null;
    case 'Sale.NextDueDate': {
      // "Maintained by the system": the earliest start of the sale's follow-ups not yet completed.
      const starts = appointmentIdsOfSale(store, id)
        .map((a) => store.entity('Appointment', a)?.doc)
        .filter((a) => a && a.Completed !== 'Completed' && typeof a.StartDate === 'string')
        .map((a) => a?.StartDate as string)
        .sort((a, b) => Date.parse(a) - Date.parse(b));
      return starts[0] ?? null;
    }
    case 'Contact.Persons':
      return [...store.entities.Person.values()]
        .filter((p) => carrierId('Contact', p.doc.Contact) === id)
        .map((p) => personCarrier(store, Number(p.doc.PersonId)));
    case 'Contact.ActiveInterests':
    case 'Person.ActiveInterests':
      return countSelected(doc.Interests);
    case 'Person.IsAssociate':
      return [...store.associates.values()].some((a) => a.PersonId === id);
    case 'Person.FullName':
      return personFullName(doc);
    default:
      return defaultFor(kind.props[prop] ?? { kind: 'string' });
  }
}

export interface ViewOptions {
  /** Base of the tenant's web API, e.g. http://127.0.0.1:4020/Cust12345/api; omit for no _Links. */
  apiBase?: string;
}

export function entityView(
  store: SuperOfficeStore,
  kind: EntityKind,
  stored: StoredEntity,
  options: ViewOptions = {},
): JsonRecord {
  const dictionaries = buildDictionaries(store.customFields[kind.name], stored.custom, (id) =>
    store.list(id),
  );
  const out: JsonRecord = {};
  for (const [prop, type] of Object.entries(kind.props)) {
    if (kind.computed.has(prop)) {
      out[prop] = computedValue(store, kind, prop, stored);
    } else if ((CUSTOM_DICTIONARIES as readonly string[]).includes(prop)) {
      out[prop] = dictionaries[prop as CustomDictionary];
    } else {
      const carrier = carrierOf(kind, prop);
      const value = stored.doc[prop];
      out[prop] = carrier ? fillCarrier(store, carrier, value) : structuredClone(value ?? defaultFor(type));
    }
  }
  out.TableRight = FULL_TABLE_RIGHT;
  out.FieldProperties = {};
  if (options.apiBase !== undefined) {
    const id = stored.doc[kind.idField];
    out._Links = {
      Self: `${options.apiBase}/v1/${kind.name}/${id}`,
      Archive: `${options.apiBase}/v1/${kind.name}`,
    };
  }
  return out;
}

/**
 * `$select=Name,Department`: "Other fields are then nulled out to reduce payload size" (swagger);
 * the listed ones keep their values. Unknown names are a 400.
 */
export function applySelect(view: JsonRecord, select: unknown): JsonRecord {
  if (select === undefined) return view;
  if (typeof select !== 'string')
    throw badRequest('$select must be a comma-separated list of property names');
  const wanted = new Set<string>();
  for (const raw of select.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const key = canonicalKey(Object.keys(view), name);
    if (key === undefined) throw badRequest(`$select: unknown property '${name}'`);
    wanted.add(key);
  }
  if (wanted.size === 0) return view;
  const out: JsonRecord = {};
  for (const [key, value] of Object.entries(view))
    out[key] = wanted.has(key) || key === '_Links' ? value : null;
  return out;
}
