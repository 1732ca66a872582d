import { badRequest } from './errors';

/**
 * The OData-style archive queries of GET /v1/{Entity} and /v1/{Entity}/{id}/{Sub}, as SuperOffice
 * documents them (docs.superoffice.com/en/api/search/odata), limited to what Smart Sync needs and
 * answered in the slim format:
 *   { "odata.metadata": ..., "odata.nextLink": null, "value": [ {PrimaryKey, EntityName, <columns>} ] }
 *
 * Supported: $select (column names), $filter, $orderby (col [asc|desc], ...), $top, $skip,
 * $entities (entity names of the provider, comma-separated), $mode=slim, $format=json. $filter is SuperOffice's own syntax: `col op value` terms joined by
 * `and`/`or`, parentheses, and the functions startswith(col,'x'), endswith(col,'x'),
 * substringof('x',col). Operators:
 *   strings: eq = equals is | ne unequals isNot | begins notBegins | contains notContains
 *   ints:    eq = equals | ne unequals | lt less | le | gt greater | ge | between (a,b) | oneOf (a,b) | notOneOf (a,b)
 *   bools:   eq = equals | ne unequals   with 1/0/true/false
 * String comparisons ignore case (SuperOffice searches the database's case-insensitive collation).
 * Anything else is a 400 naming what is not supported.
 */

export type ColumnType = 'int' | 'string' | 'bool' | 'date';

export interface ArchiveColumn<Row> {
  name: string;
  type: ColumnType;
  /** A multi-valued column (a person's e-mail addresses) matches a filter if any value does. */
  get(row: Row): unknown;
}

export interface ArchiveProvider<Row> {
  /** The archive's entity name in each row ("person", "appointment"). */
  entityName: string;
  primaryKey(row: Row): number;
  columns: ArchiveColumn<Row>[];
  /** Columns shown when the query has no $select. */
  defaultColumns: string[];
  /** Extra spellings of a column: alias → column name. */
  aliases?: Record<string, string>;
  /**
   * The entity names `$entities` may ask for (SuperOffice's "Supported Entities" of the
   * provider); the rows are all of `entityName`. Without it, only `entityName` itself.
   */
  entities?: string[];
}

export interface SlimResponse {
  'odata.metadata': string;
  'odata.nextLink': null;
  value: Record<string, unknown>[];
}

type Token =
  | { t: 'ident'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'punct'; v: '(' | ')' | ',' | '=' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw badRequest(`$filter: unterminated string in ${text}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ t: 'string', v: value });
    } else if (c === '(' || c === ')' || c === ',' || c === '=') {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else if (/[-\d]/.test(c) && /^-?\d/.test(text.slice(i, i + 2))) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ t: 'number', v: Number(m[0]) });
      i += m[0].length;
    } else {
      const m = /^[^\s(),='"]+/.exec(text.slice(i));
      if (!m) throw badRequest(`$filter: unexpected character '${c}' in ${text}`);
      tokens.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

type Literal = string | number | boolean;
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'term'; column: string; op: string; values: Literal[] };

const LIST_OPS = new Set(['oneof', 'notoneof', 'between']);
const STRING_OPS = new Set([
  'eq',
  '=',
  'equals',
  'is',
  'ne',
  'unequals',
  'isnot',
  'begins',
  'notbegins',
  'contains',
  'notcontains',
  'startswith',
  'endswith',
  'substringof',
]);
const INT_OPS = new Set([
  'eq',
  '=',
  'equals',
  'ne',
  'unequals',
  'lt',
  'less',
  'le',
  'gt',
  'greater',
  'ge',
  'between',
  'oneof',
  'notoneof',
]);
const BOOL_OPS = new Set(['eq', '=', 'equals', 'ne', 'unequals']);

class FilterParser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.pos < this.tokens.length) this.fail('unexpected text after the end of the expression');
    return node;
  }

  private fail(why: string): never {
    throw badRequest(`$filter: ${why} in "${this.text}"`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos++];
    if (!token) this.fail('unexpected end of the expression');
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.t === 'ident' && token.v.toLowerCase() === word;
  }

  private expectPunct(p: string): void {
    const token = this.next();
    if (token.t !== 'punct' || token.v !== p) this.fail(`expected '${p}'`);
  }

  private or(): Node {
    let left = this.and();
    while (this.isWord('or')) {
      this.pos++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.primary();
    while (this.isWord('and')) {
      this.pos++;
      left = { kind: 'and', left, right: this.primary() };
    }
    return left;
  }

  private literal(): Literal {
    const token = this.next();
    if (token.t === 'string' || token.t === 'number') return token.v;
    if (token.t === 'ident' && /^(true|false)$/i.test(token.v)) return token.v.toLowerCase() === 'true';
    return this.fail(`expected a value, found ${JSON.stringify(token.v)}`);
  }

  private primary(): Node {
    const token = this.next();
    if (token.t === 'punct' && token.v === '(') {
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    if (token.t !== 'ident') this.fail(`expected a column name, found ${JSON.stringify(token.v)}`);
    const name = token.v;
    const following = this.peek();
    if (following?.t === 'punct' && following.v === '(') {
      // Functions: startswith(col,'x'), endswith(col,'x'), substringof('x',col).
      const fn = name.toLowerCase();
      this.pos++;
      if (fn === 'startswith' || fn === 'endswith') {
        const column = this.next();
        if (column.t !== 'ident') this.fail(`${name}(): the first argument must be a column`);
        this.expectPunct(',');
        const value = this.literal();
        this.expectPunct(')');
        return { kind: 'term', column: column.v, op: fn, values: [value] };
      }
      if (fn === 'substringof') {
        const value = this.literal();
        this.expectPunct(',');
        const column = this.next();
        if (column.t !== 'ident') this.fail('substringof(): the second argument must be a column');
        this.expectPunct(')');
        return { kind: 'term', column: column.v, op: fn, values: [value] };
      }
      this.fail(`the function ${name}() is not supported by the emulator`);
    }
    const opToken = this.next();
    if (opToken.t !== 'ident' && !(opToken.t === 'punct' && opToken.v === '=')) {
      this.fail(`expected an operator after ${name}`);
    }
    const op = String(opToken.v).toLowerCase();
    if (LIST_OPS.has(op)) {
      this.expectPunct('(');
      const values = [this.literal()];
      while (this.peek()?.t === 'punct' && this.peek()?.v === ',') {
        this.pos++;
        values.push(this.literal());
      }
      this.expectPunct(')');
      return { kind: 'term', column: name, op, values };
    }
    return { kind: 'term', column: name, op, values: [this.literal()] };
  }
}

function findColumn<Row>(provider: ArchiveProvider<Row>, name: string): ArchiveColumn<Row> {
  const lower = name.toLowerCase();
  const alias = Object.entries(provider.aliases ?? {}).find(([a]) => a.toLowerCase() === lower)?.[1];
  const target = (alias ?? name).toLowerCase();
  const column = provider.columns.find((c) => c.name.toLowerCase() === target);
  if (!column) {
    throw badRequest(
      `Unknown column '${name}' for the ${provider.entityName} archive; the emulator knows ${provider.columns
        .map((c) => c.name)
        .join(', ')}`,
    );
  }
  return column;
}

function valuesOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function toInt(literal: Literal, column: string): number {
  const n = typeof literal === 'number' ? literal : Number(literal);
  if (typeof literal === 'boolean' || !Number.isFinite(n))
    throw badRequest(`$filter: ${column} needs a number`);
  return n;
}

function toBool(literal: Literal): boolean {
  if (typeof literal === 'boolean') return literal;
  return literal === 1 || String(literal) === '1' || String(literal).toLowerCase() === 'true';
}

const NEGATED: Record<string, string> = {
  ne: 'eq',
  unequals: 'eq',
  isnot: 'eq',
  notbegins: 'begins',
  notcontains: 'contains',
  notoneof: 'oneof',
};

function matchOne(type: ColumnType, op: string, actual: unknown, values: Literal[], column: string): boolean {
  if (type === 'string') {
    const a = String(actual ?? '').toLowerCase();
    const v = String(values[0] ?? '').toLowerCase();
    switch (op) {
      case 'eq':
      case '=':
      case 'equals':
      case 'is':
        return a === v;
      case 'begins':
      case 'startswith':
        return a.startsWith(v);
      case 'endswith':
        return a.endsWith(v);
      case 'contains':
      case 'substringof':
        return a.includes(v);
    }
  } else if (type === 'int') {
    const a = Number(actual ?? 0);
    const [first, second] = values.map((v) => toInt(v, column));
    switch (op) {
      case 'eq':
      case '=':
      case 'equals':
        return a === first;
      case 'lt':
      case 'less':
        return a < (first as number);
      case 'le':
        return a <= (first as number);
      case 'gt':
      case 'greater':
        return a > (first as number);
      case 'ge':
        return a >= (first as number);
      case 'between':
        if (second === undefined) throw badRequest(`$filter: ${column} between needs two values`);
        return a >= (first as number) && a <= second;
      case 'oneof':
        return values.map((v) => toInt(v, column)).includes(a);
    }
  } else if (type === 'bool') {
    return Boolean(actual) === toBool(values[0] ?? false);
  }
  throw badRequest(`$filter: the operator '${op}' is not supported on ${column}`);
}

function evaluate<Row>(provider: ArchiveProvider<Row>, node: Node, row: Row): boolean {
  if (node.kind !== 'term') {
    const left = evaluate(provider, node.left, row);
    return node.kind === 'and'
      ? left && evaluate(provider, node.right, row)
      : left || evaluate(provider, node.right, row);
  }
  const column = findColumn(provider, node.column);
  const negatedOf = NEGATED[node.op];
  const op = negatedOf ?? node.op;
  const any = valuesOf(column.get(row)).some((v) => matchOne(column.type, op, v, node.values, column.name));
  return negatedOf ? !any : any;
}

function checkOperators<Row>(provider: ArchiveProvider<Row>, node: Node): void {
  if (node.kind !== 'term') {
    checkOperators(provider, node.left);
    checkOperators(provider, node.right);
    return;
  }
  const column = findColumn(provider, node.column);
  const allowed =
    column.type === 'string'
      ? STRING_OPS
      : column.type === 'int'
        ? INT_OPS
        : column.type === 'bool'
          ? BOOL_OPS
          : new Set<string>();
  if (!allowed.has(node.op)) {
    throw badRequest(
      `$filter: the operator '${node.op}' is not supported on the ${column.type} column ${column.name} by the emulator` +
        (allowed.size ? ` (supported: ${[...allowed].join(', ')})` : ''),
    );
  }
}

export function parseFilter<Row>(provider: ArchiveProvider<Row>, text: string): Node {
  const node = new FilterParser(tokenize(text), text).parse();
  checkOperators(provider, node);
  return node;
}

const SUPPORTED_OPTIONS = [
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$entities',
  '$mode',
  '$format',
];

function option(query: Record<string, unknown>, name: string): string | undefined {
  const entry = Object.entries(query).find(([k]) => k.toLowerCase() === name);
  if (!entry) return undefined;
  if (typeof entry[1] !== 'string') throw badRequest(`${name} was given more than once`);
  return entry[1];
}

function nonNegativeInt(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw badRequest(`${name} must be a non-negative integer, got '${text}'`);
  return Number(text.trim());
}

function displayValue(value: unknown): unknown {
  return Array.isArray(value) ? (value[0] ?? '') : value;
}

/** Runs an archive query over `rows` and answers it in the slim format. */
export function runArchiveQuery<Row>(
  provider: ArchiveProvider<Row>,
  rows: Row[],
  query: Record<string, unknown>,
  apiBase: string,
): SlimResponse {
  for (const key of Object.keys(query)) {
    if (key.startsWith('$') && !SUPPORTED_OPTIONS.includes(key.toLowerCase())) {
      throw badRequest(
        `The query option ${key} is not supported by the emulator (supported: ${SUPPORTED_OPTIONS.join(', ')})`,
      );
    }
  }
  const mode = option(query, '$mode');
  if (mode !== undefined && mode.toLowerCase() !== 'slim') {
    throw badRequest(`$mode=${mode} is not supported by the emulator; only the slim format is`);
  }
  const format = option(query, '$format');
  if (format !== undefined && format.toLowerCase() !== 'json') {
    throw badRequest(`$format=${format} is not supported by the emulator; only json is`);
  }
  // $entities keeps the rows of the entities it names; an empty one means all of them.
  const entitiesText = option(query, '$entities');
  const supportedEntities = (provider.entities ?? [provider.entityName]).map((e) => e.toLowerCase());
  const entities = (entitiesText ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const unknownEntity = entities.find((e) => !supportedEntities.includes(e));
  if (unknownEntity !== undefined) {
    throw badRequest(
      `$entities: the ${provider.entityName} archive has no entity '${unknownEntity}' (it has ${supportedEntities.join(', ')})`,
    );
  }
  const rowsOfEntities =
    entities.length === 0 || entities.includes(provider.entityName.toLowerCase()) ? rows : [];

  const select = option(query, '$select');
  const columnNames =
    select === undefined
      ? provider.defaultColumns
      : select
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const columns = columnNames.map((name) => ({ name, column: findColumn(provider, name) }));

  const filterText = option(query, '$filter');
  const filter =
    filterText === undefined || filterText.trim() === '' ? undefined : parseFilter(provider, filterText);
  let selected = filter
    ? rowsOfEntities.filter((row) => evaluate(provider, filter, row))
    : [...rowsOfEntities];

  const orderBy = option(query, '$orderby');
  const order = (orderBy ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const [name = '', direction = 'asc', ...rest] = part.split(/\s+/);
      if (rest.length > 0 || !/^(asc|desc)$/i.test(direction))
        throw badRequest(`$orderby: cannot read '${part}'`);
      return { column: findColumn(provider, name), descending: direction.toLowerCase() === 'desc' };
    });
  selected.sort((a, b) => {
    for (const { column, descending } of order) {
      const x = displayValue(column.get(a));
      const y = displayValue(column.get(b));
      const cmp =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x ?? '').localeCompare(String(y ?? ''));
      if (cmp !== 0) return descending ? -cmp : cmp;
    }
    return provider.primaryKey(a) - provider.primaryKey(b);
  });

  const skip = nonNegativeInt(option(query, '$skip'), '$skip') ?? 0;
  const top = nonNegativeInt(option(query, '$top'), '$top');
  selected = selected.slice(skip, top === undefined ? undefined : skip + top);

  return {
    'odata.metadata': `${apiBase}/v1/Archive/$metadata`,
    // Every example in SuperOffice's docs shows null; clients page with $top/$skip.
    'odata.nextLink': null,
    value: selected.map((row) => {
      // Slim rows show PrimaryKey as a string, as in SuperOffice's documented example.
      const out: Record<string, unknown> = {
        PrimaryKey: String(provider.primaryKey(row)),
        EntityName: provider.entityName,
      };
      for (const { name, column } of columns) out[name] = displayValue(column.get(row));
      return out;
    }),
  };
}
