import { CUSTOM_DICTIONARIES, emptyValue, findFieldDef, sameFieldValue } from './custom-fields';
import { entityTemplate, type EntityKind } from './entity-kinds';
import { entityView } from './entity-views';
import { buildStoredEntity } from './entity-writes';
import { badRequest, notFound, SoApiError } from './errors';
import { applyPatch, patchOperations } from './json-patch';
import { deepEqual, isPlainObject } from './prop-values';
import type { JsonRecord, StoredEntity, SuperOfficeStore } from './store';

/**
 * The REST verbs on one entity, over the store: create, replace, patch, delete, with the
 * system-maintained fields (UpdatedDate/UpdatedBy move on every write that changes
 * something, CreatedDate/CreatedBy on create) and If-Unmodified-Since.
 */

/** SuperOffice dates are UTC; a seed value without an offset is read as UTC too. */
export function parseUtc(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  return Date.parse(hasZone ? value : `${value}Z`);
}

export interface Preconditions {
  /** The If-Unmodified-Since header, if any. */
  ifUnmodifiedSince?: string;
}

export class EntityRepository {
  constructor(private readonly store: SuperOfficeStore) {}

  get(kind: EntityKind, id: number): StoredEntity {
    const stored = this.store.entity(kind.name, id);
    if (!stored) throw notFound(kind.name, id);
    return stored;
  }

  /**
   * GET /v1/{Entity}/default: "NetServer calculates default values on the entity, which is
   * required when creating/storing a new instance" (swagger). The dates start now, the owner is
   * the caller. POST starts from the same values, so a property the body leaves out has them.
   */
  private defaultDoc(kind: EntityKind, associateId: number): JsonRecord {
    const doc = entityTemplate(kind);
    const now = new Date().toISOString();
    if (kind.name === 'Sale') doc.Saledate = now;
    if (kind.name === 'Appointment') {
      doc.StartDate = now;
      doc.EndDate = new Date(Date.now() + 60 * 60 * 1000).toISOString();
      doc.ActiveDate = now;
    }
    // SuperOffice: "if you don't assign an associate ... the current user will become the owner".
    if (associateId && this.store.associates.has(associateId)) doc.Associate = { AssociateId: associateId };
    return doc;
  }

  defaults(kind: EntityKind, associateId: number): JsonRecord {
    const custom: Record<string, string> = {};
    for (const def of this.store.customFields[kind.name]) custom[def.fieldName] = emptyValue(def);
    return entityView(this.store, kind, { doc: this.defaultDoc(kind, associateId), custom });
  }

  create(kind: EntityKind, body: unknown, associateId: number): number {
    const entity = { ...this.defaultDoc(kind, associateId), ...requireEntityBody(body) };
    const next = buildStoredEntity(this.store, kind, entity, undefined, { mode: 'write' });
    const id = this.store.nextId(kind.name);
    const now = new Date().toISOString();
    const actor = associateId ? { AssociateId: associateId } : null;
    Object.assign(next.doc, {
      [kind.idField]: id,
      CreatedDate: now,
      UpdatedDate: now,
      CreatedBy: actor,
      UpdatedBy: actor,
    });
    this.store.entities[kind.name].set(id, next);
    return id;
  }

  replace(kind: EntityKind, id: number, body: unknown, associateId: number, pre: Preconditions): void {
    const stored = this.get(kind, id);
    checkUnmodifiedSince(kind, stored, pre);
    const entity = requireEntityBody(body);
    this.commit(
      kind,
      id,
      stored,
      buildStoredEntity(this.store, kind, entity, stored, { mode: 'write' }),
      associateId,
    );
  }

  patch(
    kind: EntityKind,
    id: number,
    body: unknown,
    associateId: number,
    pre: Preconditions,
    apiBase: string,
  ): void {
    const stored = this.get(kind, id);
    checkUnmodifiedSince(kind, stored, pre);
    if (body === undefined)
      throw badRequest('The PATCH body is missing: send a JSON Patch array or a merge patch object');
    const view = entityView(this.store, kind, stored, { apiBase });
    const ops = patchOperations(body, view);
    const { removed } = applyPatch(view, ops, (path, actual, expected) =>
      this.testEquals(kind, path, actual, expected),
    );
    const cleared = removed
      .filter(
        (p) => p.length === 2 && CUSTOM_DICTIONARIES.some((d) => d.toLowerCase() === p[0]?.toLowerCase()),
      )
      .map((p) => p[1] as string);
    const next = buildStoredEntity(this.store, kind, view, stored, {
      mode: 'write',
      clearedCustomFields: cleared,
    });
    this.commit(kind, id, stored, next, associateId);
  }

  /** A system-side change of some properties (the quote pushing its totals to the Sale). */
  updateFields(kind: EntityKind, id: number, fields: JsonRecord, associateId: number): boolean {
    const stored = this.get(kind, id);
    const next: StoredEntity = { doc: { ...stored.doc, ...fields }, custom: stored.custom };
    return this.commit(kind, id, stored, next, associateId);
  }

  remove(kind: EntityKind, id: number, pre: Preconditions): void {
    const stored = this.get(kind, id);
    checkUnmodifiedSince(kind, stored, pre);
    this.store.entities[kind.name].delete(id);
  }

  /** Stores `next` only if it differs; a real change moves UpdatedDate/UpdatedBy. */
  private commit(
    kind: EntityKind,
    id: number,
    stored: StoredEntity,
    next: StoredEntity,
    associateId: number,
  ): boolean {
    if (deepEqual(next.doc, stored.doc) && deepEqual(next.custom, stored.custom)) return false;
    const previous = parseUtc(stored.doc.UpdatedDate);
    // Strictly later than before, so that two quick writes still order.
    const at = Number.isNaN(previous) ? Date.now() : Math.max(Date.now(), previous + 1);
    next.doc.UpdatedDate = new Date(at).toISOString();
    next.doc.UpdatedBy = associateId ? { AssociateId: associateId } : stored.doc.UpdatedBy;
    next.doc[kind.idField] = id;
    this.store.entities[kind.name].set(id, next);
    return true;
  }

  /** A `test` on a custom field compares meanings ("43" equals "[I:43]"), elsewhere JSON. */
  private testEquals(kind: EntityKind, path: string[], actual: unknown, expected: unknown): boolean {
    if (deepEqual(actual, expected)) return true;
    const [dictionary, field] = path;
    if (
      path.length !== 2 ||
      !CUSTOM_DICTIONARIES.some((d) => d.toLowerCase() === dictionary?.toLowerCase())
    ) {
      return false;
    }
    const def = findFieldDef(this.store.customFields[kind.name], field ?? '');
    return def !== undefined && sameFieldValue(def, actual, expected, (listId) => this.store.list(listId));
  }
}

function requireEntityBody(body: unknown): JsonRecord {
  // Swagger PUT 400: "Bad request. Entity to save is not in request body."
  if (body === undefined || body === null) throw badRequest('Entity to save is not in request body');
  if (!isPlainObject(body)) throw badRequest('Entity to save must be a JSON object');
  return body;
}

/** If-Unmodified-Since on PUT/PATCH/DELETE → 412 when the entity changed after that time. */
function checkUnmodifiedSince(kind: EntityKind, stored: StoredEntity, pre: Preconditions): void {
  if (pre.ifUnmodifiedSince === undefined) return;
  const since = Date.parse(pre.ifUnmodifiedSince);
  const updated = parseUtc(stored.doc.UpdatedDate);
  if (Number.isNaN(since) || Number.isNaN(updated)) return;
  // HTTP dates have whole seconds.
  if (Math.floor(updated / 1000) > Math.floor(since / 1000)) {
    throw new SoApiError(
      412,
      'PreconditionFailedException',
      `${kind.name} id ${String(stored.doc[kind.idField])} has changed since ${pre.ifUnmodifiedSince}`,
    );
  }
}

/** If-Modified-Since on GET → 304 when the entity has not changed since. */
export function notModifiedSince(stored: StoredEntity, header: string | undefined): boolean {
  if (header === undefined) return false;
  const since = Date.parse(header);
  const updated = parseUtc(stored.doc.UpdatedDate);
  if (Number.isNaN(since) || Number.isNaN(updated)) return false;
  return Math.floor(updated / 1000) <= Math.floor(since / 1000);
}
