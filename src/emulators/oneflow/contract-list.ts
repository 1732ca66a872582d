import type { OneflowApiContract } from './contract-shape';

/**
 * GET /v1/contracts as Oneflow documents it (developer.oneflow.com/reference/get-contracts,
 * /docs/filtering, /docs/pagination, /docs/sorting):
 * - `filter[states]=signed,pending`: several values comma-separated, any of them matches;
 * - `filter[published_time]=<from>|<to>`: a datetime range, either end may be left out;
 * - `filter[data_field_match]=<custom_id>:<value>`;
 * - different filters are ANDed; a filter given twice, or one not known, is a 400;
 * - `sort`: name, state, state_updated_time, published_time, `-` first for descending;
 * - `offset` 0–19900, `limit` 1–100 (default 100); `count` ignores offset and limit.
 *
 * Assumed where the docs are silent: both ends of a datetime range are inclusive; without
 * `sort` contracts come in id order; the "sign or decline timestamp" range filter the
 * filtering page mentions is not emulated, because its parameter name is not documented
 * (asking for it by any name is a 400 here, as an unknown filter is); the items are the
 * contracts as GET /v1/contracts/{id} answers them.
 */

export const CONTRACT_SORT_KEYS = ['name', 'state', 'state_updated_time', 'published_time'] as const;
export const CONTRACT_STATES = ['draft', 'pending', 'overdue', 'signed', 'declined'] as const;
const KNOWN_FILTERS = ['states', 'published_time', 'data_field_match'] as const;

export interface ContractListQuery {
  states?: string[];
  publishedFrom?: number;
  publishedTo?: number;
  dataFieldMatch?: { customId: string; value: string };
  order?: (a: OneflowApiContract, b: OneflowApiContract) => number;
}

/** Problems per parameter, in Oneflow's parameter_problems shape. */
export type ParameterProblems = Record<string, string[]>;

/** Oneflow's datetimes: ISO 8601 with an offset, with or without a colon in it. */
function parseTime(text: string): number | undefined {
  const normal = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.test(normal))
    return undefined;
  const ms = Date.parse(normal);
  return Number.isNaN(ms) ? undefined : ms;
}

function sortValue(c: OneflowApiContract, key: (typeof CONTRACT_SORT_KEYS)[number]): string {
  if (key === 'name') return c._private.name;
  if (key === 'state') return c.state;
  // Oneflow datetimes here are all UTC in one format, so comparing the text compares the times.
  return (key === 'published_time' ? c.published_time : c.state_updated_time) ?? '';
}

/** Reads the list's query; `problems` is non-empty when Oneflow would answer 400. */
export function parseContractListQuery(query: Record<string, unknown>): {
  parsed: ContractListQuery;
  problems: ParameterProblems;
} {
  const parsed: ContractListQuery = {};
  const problems: ParameterProblems = {};
  for (const [name, raw] of Object.entries(query)) {
    const match = /^filter\[(.*)\]$/.exec(name);
    if (!match) continue;
    const filter = match[1]!;
    if (Array.isArray(raw)) {
      problems[name] = ['A filter can be given only once; give several values comma-separated.'];
      continue;
    }
    const value = String(raw);
    if (!(KNOWN_FILTERS as readonly string[]).includes(filter)) {
      problems[name] = [
        `"${filter.slice(0, 40)}" is not a valid filter (valid: ${KNOWN_FILTERS.join(', ')}).`,
      ];
    } else if (filter === 'states') {
      const states = value.split(',').map((s) => s.trim());
      const bad = states.filter((s) => !(CONTRACT_STATES as readonly string[]).includes(s));
      if (bad.length > 0) {
        problems[name] = [
          `"${bad[0]!.slice(0, 40)}" is not a valid state (valid: ${CONTRACT_STATES.join(', ')}).`,
        ];
      } else parsed.states = states;
    } else if (filter === 'published_time') {
      const parts = value.split('|');
      const from = parts[0] ? parseTime(parts[0]) : undefined;
      const to = parts[1] ? parseTime(parts[1]) : undefined;
      if (parts.length !== 2 || (parts[0] && from === undefined) || (parts[1] && to === undefined)) {
        problems[name] = ['Must be a datetime range "<from>|<to>", e.g. "2021-07-19T11:32:40+00:00|".'];
      } else {
        if (from !== undefined) parsed.publishedFrom = from;
        if (to !== undefined) parsed.publishedTo = to;
      }
    } else {
      const at = value.indexOf(':');
      if (at <= 0) problems[name] = ['Must be "<custom_id>:<value>".'];
      else parsed.dataFieldMatch = { customId: value.slice(0, at), value: value.slice(at + 1) };
    }
  }
  if (Array.isArray(query.sort)) {
    problems.sort = ['Give sort once, keys comma-separated.'];
  } else if (query.sort !== undefined && query.sort !== '') {
    const keys = String(query.sort).split(',');
    const order: Array<{ key: (typeof CONTRACT_SORT_KEYS)[number]; dir: 1 | -1 }> = [];
    for (const k of keys) {
      const key = k.replace(/^-/, '');
      if (!(CONTRACT_SORT_KEYS as readonly string[]).includes(key)) {
        problems.sort = [
          `"${k.slice(0, 40)}" is not a valid sort attribute (valid: ${CONTRACT_SORT_KEYS.join(', ')}).`,
        ];
        break;
      }
      order.push({ key: key as (typeof CONTRACT_SORT_KEYS)[number], dir: k.startsWith('-') ? -1 : 1 });
    }
    parsed.order = (a, b) => {
      for (const { key, dir } of order) {
        const x = sortValue(a, key);
        const y = sortValue(b, key);
        if (x !== y) return (x < y ? -1 : 1) * dir;
      }
      return a.id - b.id;
    };
  }
  return { parsed, problems };
}

/** The contracts the query matches, in its order. */
export function listContracts(all: OneflowApiContract[], q: ContractListQuery): OneflowApiContract[] {
  const published = (c: OneflowApiContract) => (c.published_time ? parseTime(c.published_time) : undefined);
  const matched = all.filter((c) => {
    if (q.states && !q.states.includes(c.state)) return false;
    if (q.publishedFrom !== undefined || q.publishedTo !== undefined) {
      const at = published(c);
      if (at === undefined) return false;
      if (q.publishedFrom !== undefined && at < q.publishedFrom) return false;
      if (q.publishedTo !== undefined && at > q.publishedTo) return false;
    }
    if (q.dataFieldMatch) {
      const { customId, value } = q.dataFieldMatch;
      const field = c.data_fields.find((f) => f._private_ownerside.custom_id === customId);
      if (!field || String(field.value ?? '') !== value) return false;
    }
    return true;
  });
  return matched.sort(q.order ?? ((a, b) => a.id - b.id));
}
