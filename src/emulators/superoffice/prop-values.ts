import { z } from 'zod';
import type { PropTable, PropType } from './entity-schemas';
import { validationError } from './errors';

/**
 * Default values and write-time coercion of carrier properties, by their swagger type.
 *
 * The real Web API binds request bodies with JSON.NET, which matches property names
 * case-insensitively, converts numeric strings to numbers, accepts an enum by name (any case) or
 * by index, and ignores properties the carrier does not have. The emulator does the same, and
 * rejects what JSON.NET could not convert (a word where a number belongs) with a 400.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function defaultFor(type: PropType): unknown {
  switch (type.kind) {
    case 'string':
      return '';
    case 'int':
    case 'double':
      return 0;
    case 'bool':
      return false;
    case 'date':
      // The swagger carriers use DateTime; an unset one is shown as null here (see README).
      return null;
    case 'enum':
      return type.values[0];
    case 'ref':
      return null;
    case 'array':
      return [];
    case 'dict':
      return {};
  }
}

/** A record with every property of `table` at its default, in swagger order. */
export function defaultsOf(table: PropTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(table)) out[name] = defaultFor(type);
  return out;
}

/** The table's own spelling of `key`, matched case-insensitively; undefined when unknown. */
export function canonicalKey(keys: Iterable<string>, key: string): string | undefined {
  const lower = key.toLowerCase();
  for (const k of keys) if (k === key) return k;
  for (const k of keys) if (k.toLowerCase() === lower) return k;
  return undefined;
}

const INT_RE = /^-?\d+$/;
const NUMBER_RE = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const DATE_ONLY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** ISO date or date-time; a bare date becomes midnight, as the real API shows it. */
export function normaliseDateTime(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (DATE_ONLY_RE.test(trimmed)) {
    return Number.isNaN(Date.parse(`${trimmed}T00:00:00Z`)) ? undefined : `${trimmed}T00:00:00`;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed) || Number.isNaN(Date.parse(trimmed))) return undefined;
  return trimmed;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Converts a written value to the property's JSON type, or throws a 400 naming `where`. */
export function coerceValue(type: PropType, value: unknown, where: string): unknown {
  const fail = (expected: string) =>
    validationError(`${where}: expected ${expected}, got ${describe(value)}`);
  if (value === undefined || value === null) return type.kind === 'date' ? null : defaultFor(type);
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw fail('a string');
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && INT_RE.test(value.trim())) return Number(value.trim());
      throw fail('an integer');
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && NUMBER_RE.test(value.trim())) return Number(value.trim());
      throw fail('a number');
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
        return value.trim().toLowerCase() === 'true';
      }
      throw fail('true or false');
    case 'date': {
      if (typeof value !== 'string') throw fail('an ISO date-time string');
      if (value.trim() === '') return null;
      const normalised = normaliseDateTime(value);
      if (normalised === undefined) throw fail('an ISO date-time string');
      return normalised;
    }
    case 'enum': {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < type.values.length) {
        return type.values[value];
      }
      if (typeof value === 'string') {
        const match = canonicalKey(type.values, value.trim());
        if (match !== undefined) return match;
      }
      throw fail(`one of ${type.values.join(', ')}`);
    }
    case 'ref':
      if (isPlainObject(value)) return value;
      throw fail('an object');
    case 'array':
      if (Array.isArray(value)) return value;
      throw fail('an array');
    case 'dict':
      if (isPlainObject(value)) return value;
      throw fail('an object');
  }
}

/**
 * A strict zod schema for a (partial) record of `table`, for seed documents: every property
 * optional, of its swagger JSON type; unknown properties are errors, so typos in a seed show.
 */
export function zodForTable<Extra extends z.ZodRawShape>(
  table: PropTable,
  extra: Extra,
): z.ZodType<
  Record<string, unknown> & z.output<z.ZodObject<Extra>>,
  Record<string, unknown> & z.input<z.ZodObject<Extra>>
> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, type] of Object.entries(table)) shape[name] = zodForType(type).optional();
  // The table's properties are only known at run time; the typed part is `extra`.
  return z.object({ ...shape, ...extra }).strict() as never;
}

function zodForType(type: PropType): z.ZodType {
  switch (type.kind) {
    case 'string':
      return z.string().nullable();
    case 'int':
      return z.number().int();
    case 'double':
      return z.number();
    case 'bool':
      return z.boolean();
    case 'date':
      return z
        .string()
        .nullable()
        .refine(
          (v) => v === null || v === '' || normaliseDateTime(v) !== undefined,
          'expected an ISO date-time',
        );
    case 'enum':
      return z.enum(type.values as [string, ...string[]]);
    case 'ref':
      return z.record(z.string(), z.unknown()).nullable();
    case 'array':
      return z.array(z.unknown()).nullable();
    case 'dict':
      return z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
