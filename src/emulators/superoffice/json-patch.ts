import { patchError } from './errors';
import { deepEqual, isPlainObject } from './prop-values';

/**
 * PATCH as SuperOffice documents it (docs.superoffice.com/en/api/web-services/endpoints/rest-webapi):
 * - a JSON Patch (RFC 6902) array with ops add, replace, remove, test; move and copy are not
 *   supported (400); a failed `test` is a 409 and nothing of the request is applied;
 * - or a JSON Merge Patch (RFC 7396) object, "converted to a list of JSON-PATCH operations",
 *   where an object sent for an array is appended to it and an array replaces it;
 * - paths are case-insensitive and the leading "/" is optional ("/department", "Department"),
 *   nested paths work ("Category/Id", "Address/Street"), "/Phones/-" appends.
 * Operations apply to a copy of the entity as GET shows it; the caller decides what of the result
 * it stores (read-only properties are not).
 */

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string[];
  value?: unknown;
}

/** Compares a `test` value; lets the caller treat "43" and "[I:43]" as equal in CustomFields. */
export type TestComparator = (path: string[], actual: unknown, expected: unknown) => boolean;

export function parsePath(raw: unknown): string[] {
  if (typeof raw !== 'string') throw patchError('Every operation needs a string "path"');
  const trimmed = raw.startsWith('/') ? raw.slice(1) : raw;
  if (trimmed === '') throw patchError('The path "" (the whole entity) cannot be patched; name a property');
  return trimmed.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function showPath(path: string[]): string {
  return '/' + path.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** Validates a JSON Patch array. */
export function parseJsonPatch(body: unknown[]): PatchOperation[] {
  return body.map((raw, index) => {
    if (!isPlainObject(raw)) throw patchError(`Operation ${index} is not an object`);
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : raw.op;
    if (op === 'move' || op === 'copy') {
      throw patchError(`Operation ${index}: '${op}' is not supported; use add, replace, remove or test`);
    }
    if (op !== 'add' && op !== 'remove' && op !== 'replace' && op !== 'test') {
      throw patchError(
        `Operation ${index}: unknown op ${JSON.stringify(raw.op)}; use add, replace, remove or test`,
      );
    }
    const path = parsePath(raw.path);
    if (op !== 'remove' && !Object.hasOwn(raw, 'value')) {
      throw patchError(`Operation ${index} (${op} ${showPath(path)}) has no "value"`);
    }
    return op === 'remove' ? { op, path } : { op, path, value: raw.value };
  });
}

/** The key of `obj` matching `segment`: exactly, else case-insensitively. */
export function resolveKey(obj: Record<string, unknown>, segment: string): string | undefined {
  if (Object.hasOwn(obj, segment)) return segment;
  const lower = segment.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/**
 * RFC 7396 merge patch → operations, against the current document (needed to know where an
 * array is expected). null removes; an object meeting an object merges into it.
 */
export function mergePatchToOperations(
  patch: Record<string, unknown>,
  target: unknown,
  prefix: string[] = [],
) {
  const ops: PatchOperation[] = [];
  const current = isPlainObject(target) ? target : {};
  for (const [rawKey, value] of Object.entries(patch)) {
    const key = resolveKey(current, rawKey) ?? rawKey;
    const existing = current[key];
    const path = [...prefix, key];
    if (value === null) {
      if (existing !== undefined) ops.push({ op: 'remove', path });
    } else if (Array.isArray(existing) && isPlainObject(value)) {
      ops.push({ op: 'add', path: [...path, '-'], value });
    } else if (isPlainObject(value) && isPlainObject(existing)) {
      ops.push(...mergePatchToOperations(value, existing, path));
    } else {
      ops.push({ op: 'add', path, value });
    }
  }
  return ops;
}

/** A PATCH body as operations: an array is JSON Patch, an object merge patch. */
export function patchOperations(body: unknown, current: Record<string, unknown>): PatchOperation[] {
  if (Array.isArray(body)) return parseJsonPatch(body);
  if (isPlainObject(body)) return mergePatchToOperations(body, current);
  throw patchError('The PATCH body must be a JSON Patch array or a JSON Merge Patch object');
}

type Container = Record<string, unknown> | unknown[];

function notFound(path: string[], depth: number): never {
  throw patchError(
    `The target location specified by path segment '${path[depth]}' of ${showPath(path)} was not found`,
  );
}

function arrayIndex(
  arr: unknown[],
  segment: string,
  path: string[],
  depth: number,
  allowEnd: boolean,
): number {
  if (segment === '-' && allowEnd) return arr.length;
  if (!/^\d+$/.test(segment)) notFound(path, depth);
  const index = Number(segment);
  if (index > arr.length || (!allowEnd && index === arr.length)) notFound(path, depth);
  return index;
}

/**
 * Walks to the parent of the path's last segment. add/replace create an object where a null
 * stands in the way (an unset carrier such as Category in "Category/Id").
 */
function parentOf(doc: Record<string, unknown>, op: PatchOperation, created: WeakSet<object>): Container {
  let cur: Container = doc;
  for (let depth = 0; depth < op.path.length - 1; depth++) {
    const segment = op.path[depth] as string;
    let key: string | number;
    if (Array.isArray(cur)) {
      key = arrayIndex(cur, segment, op.path, depth, false);
    } else {
      const found = resolveKey(cur, segment);
      if (found === undefined) notFound(op.path, depth);
      key = found;
    }
    const container: Container = cur;
    let next = Array.isArray(container) ? container[key as number] : container[key as string];
    if (next === null && (op.op === 'add' || op.op === 'replace')) {
      next = {};
      created.add(next as object);
      if (Array.isArray(container)) container[key as number] = next;
      else container[key as string] = next;
    }
    if (!isPlainObject(next) && !Array.isArray(next)) notFound(op.path, depth + 1);
    cur = next as Container;
  }
  return cur;
}

export interface PatchResult {
  /** Paths (as resolved keys) that `remove` operations removed. */
  removed: string[][];
}

/**
 * Applies the operations to `doc` in place. The first failing operation throws (400, or 409 for a
 * `test`), so apply to a copy and keep it only when this returns.
 */
export function applyPatch(
  doc: Record<string, unknown>,
  ops: PatchOperation[],
  equals: TestComparator = (_p, a, b) => deepEqual(a, b),
): PatchResult {
  const removed: string[][] = [];
  const created = new WeakSet<object>();
  for (const op of ops) {
    const parent = parentOf(doc, op, created);
    const depth = op.path.length - 1;
    const last = op.path[depth] as string;
    const resolvedParentPath = op.path.slice(0, depth);
    if (Array.isArray(parent)) {
      const index = arrayIndex(parent, last, op.path, depth, op.op === 'add');
      switch (op.op) {
        case 'add':
          parent.splice(index, 0, op.value);
          break;
        case 'replace':
          parent[index] = op.value;
          break;
        case 'remove':
          parent.splice(index, 1);
          removed.push([...resolvedParentPath, String(index)]);
          break;
        case 'test':
          if (!equals(op.path, parent[index], op.value)) testFailed(op, parent[index]);
          break;
      }
      continue;
    }
    const key = resolveKey(parent, last);
    // Adding a new key is allowed below the top level only: the entity's own properties are
    // fixed. A replace may fill an object that stood in for a null ("Category/Id").
    const mayCreate = (op.op === 'add' && depth > 0) || (op.op === 'replace' && created.has(parent));
    if (key === undefined && !mayCreate) {
      if (op.op === 'test') testFailed(op, undefined);
      notFound(op.path, depth);
    }
    switch (op.op) {
      case 'add':
      case 'replace':
        parent[key ?? last] = op.value;
        break;
      case 'remove':
        delete parent[key as string];
        removed.push([...resolvedParentPath, key as string]);
        break;
      case 'test':
        if (!equals([...resolvedParentPath, key as string], parent[key as string], op.value)) {
          testFailed(op, parent[key as string]);
        }
        break;
    }
  }
  return { removed };
}

function testFailed(op: PatchOperation, actual: unknown): never {
  throw patchError(
    `The current value ${JSON.stringify(actual) ?? 'undefined'} at path ${showPath(op.path)} is not equal to the test value ${JSON.stringify(op.value)}`,
    409,
  );
}
