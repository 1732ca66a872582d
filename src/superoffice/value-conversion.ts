import type { CatalogProperty } from './field-catalog';

/**
 * Turns a Oneflow value (data fields are strings as the user typed them; checkboxes
 * "0"/"1") into the JSON value to PATCH into a SuperOffice property.
 *
 * Wire format (docs/decisions.md, "Custom-field values on the wire"): custom fields
 * (udefs and extra fields) take plain strings: text as is, Number "43", Decimal "12.5",
 * Date "2026-12-15", Checkbox "1"/"0", List the item id ("3"); a DateTime extra field the
 * ISO date-time. Standard fields keep their JSON types: numbers for Amount/Probability,
 * booleans for NoMailing, ISO date-time strings for Saledate/BirthDate.
 *
 * Accepted input, per type (values are trimmed first; an empty value is never written,
 * so an empty data field cannot wipe CRM data — the result says `empty: true`):
 * - text: any text up to the field's length (counted in UTF-16 units, as .NET does);
 *   longer text is rejected, never truncated.
 * - integer / decimal: "43", "-5", "12.5", "12,5" (decimal comma), "1 234,50",
 *   "1.234,50", "1,234.50", "1.234.567". A single separator followed by exactly three
 *   digits ("1,234", "12.500") is rejected as ambiguous: thousands or decimals?
 *   Integers must be whole ("43.0" is fine, "43.5" is not) and fit in 32 bits.
 * - date / datetime: 2026-12-15 (ISO), 2026-12-15T10:30[:00][Z|+01:00], 15.12.2026 and
 *   2026.12.15 / 2026/12/15. Day-month orders that read differently in the US
 *   (15/12/2026, 12-15-2026) are rejected as ambiguous, even when the day is over 12, so
 *   that a format does not work one day and fail the next. A date-time given for a date
 *   field keeps the date as written (no time-zone shifting).
 * - checkbox: 1/0, true/false, yes/no, ja/nej/nei, checked/unchecked, on/off (any case).
 * - list: the item's name, case-insensitive; deleted items do not count.
 */

export type PatchValue = string | number | boolean;
export type RawValue = string | number | boolean | null | undefined;

export type ConversionResult =
  { ok: true; value: PatchValue; display: string } | { ok: false; reason: string; empty?: true };

export type ConversionTarget = Pick<CatalogProperty, 'kind' | 'type' | 'label'> &
  Partial<Pick<CatalogProperty, 'maxLength' | 'range' | 'listItems'>>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** Beyond this, doubles stop holding every cent, and JavaScript starts writing exponents. */
const DECIMAL_LIMIT = 1e15;

const fail = (reason: string): ConversionResult => ({ ok: false, reason });
const show = (value: string): string => JSON.stringify(value);

export function convertValue(raw: RawValue, target: ConversionTarget): ConversionResult {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
    return { ok: false, reason: 'the value is empty', empty: true };
  }
  const custom = target.kind !== 'standard';
  switch (target.type) {
    case 'text':
      return toText(raw, target);
    case 'integer':
      return toInteger(raw, target, custom);
    case 'decimal':
      return toDecimal(raw, custom);
    case 'date':
    case 'datetime':
      return toDate(raw, target.type);
    case 'checkbox':
      return toCheckbox(raw, custom);
    case 'list':
      return toListItem(raw, target, custom);
    default:
      return fail(`"${target.label}" has a type Smart Sync cannot write`);
  }
}

function toText(raw: string | number | boolean, target: ConversionTarget): ConversionResult {
  const value = String(raw).trim();
  if (target.maxLength !== undefined && value.length > target.maxLength) {
    return fail(
      `the text is ${value.length} characters long; "${target.label}" holds at most ${target.maxLength} characters`,
    );
  }
  return { ok: true, value, display: value };
}

// --- numbers ---

export type NumberParse = { ok: true; value: number } | { ok: false; reason: string };

const GROUP_SPACES = /[ \u00a0\u2009\u202f]/g;
const HAS_SPACE = /[ \u00a0\u2009\u202f]/;

/** Parses a number as people type it in Europe and the US; see the module comment for the rules. */
export function parseNumber(raw: string | number | boolean): NumberParse {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, reason: `${raw} is not a number` };
  }
  if (typeof raw === 'boolean') return { ok: false, reason: `${raw} is not a number` };
  const text = raw.trim();
  const notANumber: NumberParse = { ok: false, reason: `${show(text)} is not a number` };

  let t = text;
  let spaceGrouped = false;
  if (HAS_SPACE.test(t)) {
    // Spaces are allowed only as thousands separators: "1 234 567,50".
    if (!/^[+-]?\d{1,3}([ \u00a0\u2009\u202f]\d{3})+([.,]\d+)?$/.test(t)) return notANumber;
    t = t.replace(GROUP_SPACES, '');
    spaceGrouped = true;
  }

  let normalized: string;
  if (/^[+-]?\d+$/.test(t)) {
    normalized = t;
  } else if (/^[+-]?\d*[.,]\d+$/.test(t)) {
    const match = /^([+-]?)(\d*)[.,](\d+)$/.exec(t);
    if (!match) return notANumber;
    const [, sign = '', whole = '', fraction = ''] = match;
    const looksGrouped = /^[1-9]\d{0,2}$/.test(whole) && fraction.length === 3;
    if (looksGrouped && !spaceGrouped) {
      const asThousands = `${sign}${whole}${fraction}`;
      const asDecimal = `${sign}${whole}.${fraction.replace(/0+$/, '') || '0'}`;
      return {
        ok: false,
        reason: `${show(text)} is ambiguous: is it ${asThousands} or ${asDecimal}? Write ${asThousands} or ${asDecimal}`,
      };
    }
    normalized = `${sign}${whole || '0'}.${fraction}`;
  } else if (/^[+-]?\d{1,3}(\.\d{3})+,\d+$/.test(t)) {
    normalized = t.replace(/\./g, '').replace(',', '.');
  } else if (/^[+-]?\d{1,3}(,\d{3})+\.\d+$/.test(t)) {
    normalized = t.replace(/,/g, '');
  } else if (/^[+-]?\d{1,3}([.,])\d{3}(\1\d{3})+$/.test(t)) {
    normalized = t.replace(/[.,]/g, '');
  } else {
    return notANumber;
  }
  const value = Number(normalized);
  return Number.isFinite(value) ? { ok: true, value } : notANumber;
}

/** Plain decimal notation with a dot, never an exponent: "12.5", "0.0000001". */
export function formatDecimal(value: number): string {
  const plain = String(value);
  if (!/e/i.test(plain)) return plain;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

function toInteger(
  raw: string | number | boolean,
  target: ConversionTarget,
  custom: boolean,
): ConversionResult {
  const parsed = parseNumber(raw);
  if (!parsed.ok) return fail(parsed.reason);
  const shown = typeof raw === 'string' ? show(raw.trim()) : String(raw);
  if (!Number.isInteger(parsed.value)) return fail(`${shown} is not a whole number`);
  if (parsed.value < INT32_MIN || parsed.value > INT32_MAX)
    return fail(`${shown} is too large for a whole-number field`);
  const range = target.range;
  if (range && (parsed.value < range.min || parsed.value > range.max)) {
    return fail(`${shown} is outside ${range.min}–${range.max}, the range of "${target.label}"`);
  }
  const value = parsed.value === 0 ? 0 : parsed.value; // no "-0"
  return { ok: true, value: custom ? String(value) : value, display: String(value) };
}

function toDecimal(raw: string | number | boolean, custom: boolean): ConversionResult {
  const parsed = parseNumber(raw);
  if (!parsed.ok) return fail(parsed.reason);
  if (Math.abs(parsed.value) >= DECIMAL_LIMIT) return fail(`${formatDecimal(parsed.value)} is too large`);
  const value = parsed.value === 0 ? 0 : parsed.value;
  const text = formatDecimal(value);
  return { ok: true, value: custom ? text : value, display: text };
}

// --- dates ---

export interface ParsedDate {
  year: number;
  month: number;
  day: number;
  time?: { hour: number; minute: number; second: number };
  /** "Z" or "+01:00", when the input had one. */
  offset?: string;
}

export type DateParse = { ok: true; value: ParsedDate } | { ok: false; reason: string };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses the date formats listed in the module comment and checks the date exists. */
export function parseDate(raw: string | number | boolean): DateParse {
  const text = String(raw).trim();
  const formats = 'as 2026-12-15 (year-month-day) or 15.12.2026 (day.month.year)';
  let year: number;
  let month: number;
  let day: number;
  let time: ParsedDate['time'];
  let offset: string | undefined;

  let m: RegExpExecArray | null;
  if (
    (m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)) ||
    (m = /^(\d{4})[./](\d{1,2})[./](\d{1,2})$/.exec(text))
  ) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text))) {
    [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if (
    (m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text,
    ))
  ) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    time = { hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0) };
    const zone = m[7];
    if (zone !== undefined) offset = /^z$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  } else if (/^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}$/.test(text)) {
    return {
      ok: false,
      reason: `${show(text)} is ambiguous (day/month or month/day?): write it ${formats}`,
    };
  } else {
    return { ok: false, reason: `${show(text)} is not a date: write it ${formats}` };
  }

  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `${show(text)} is not a date that exists` };
  }
  if (time && (time.hour > 23 || time.minute > 59 || time.second > 59)) {
    return { ok: false, reason: `${show(text)} is not a time that exists` };
  }
  const value: ParsedDate = { year, month, day };
  if (time) value.time = time;
  if (offset) value.offset = offset;
  return { ok: true, value };
}

function toDate(raw: string | number | boolean, type: 'date' | 'datetime'): ConversionResult {
  const parsed = parseDate(raw);
  if (!parsed.ok) return fail(parsed.reason);
  const { year, month, day, time, offset } = parsed.value;
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (type === 'date') return { ok: true, value: date, display: date };
  const t = time ?? { hour: 0, minute: 0, second: 0 };
  const value = `${date}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${offset ?? ''}`;
  const display = time ? `${date} ${pad(t.hour)}:${pad(t.minute)}${offset ? ` ${offset}` : ''}` : date;
  return { ok: true, value, display };
}

// --- checkbox and list ---

const CHECKED = new Set(['1', 'true', 'yes', 'ja', 'checked', 'on']);
const UNCHECKED = new Set(['0', 'false', 'no', 'nej', 'nei', 'unchecked', 'off']);

function toCheckbox(raw: string | number | boolean, custom: boolean): ConversionResult {
  const word = String(raw).trim().toLowerCase();
  let checked: boolean;
  if (CHECKED.has(word)) checked = true;
  else if (UNCHECKED.has(word)) checked = false;
  else {
    return fail(
      `${show(String(raw).trim())} is not a checkbox value: use 1 or 0 (also true/false, yes/no, ja/nej)`,
    );
  }
  return {
    ok: true,
    value: custom ? (checked ? '1' : '0') : checked,
    display: checked ? 'checked' : 'unchecked',
  };
}

const normalizeName = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

function toListItem(
  raw: string | number | boolean,
  target: ConversionTarget,
  custom: boolean,
): ConversionResult {
  const items = target.listItems;
  if (items === undefined) return fail(`the items of the list "${target.label}" are not known`);
  const name = String(raw).trim();
  const item = items.find((i) => normalizeName(i.name) === normalizeName(name));
  if (!item) {
    const available = items.length > 0 ? items.map((i) => i.name).join(', ') : 'none (the list is empty)';
    return fail(`${show(name)} is not an item of the list "${target.label}"; the items are: ${available}`);
  }
  return { ok: true, value: custom ? String(item.id) : item.id, display: item.name };
}

// --- comparing with what SuperOffice has ---

/**
 * SuperOffice answers custom fields in its encoded form ("[I:43]", "[F:12.5]",
 * "[D:2026.12.15]"); text comes plain. Returns the plain form we write.
 */
export function decodeCustomFieldValue(value: string): string {
  const m = /^\[([A-Z]{1,2}):(.*)\]$/s.exec(value);
  if (!m) return value;
  const [, code, inner = ''] = m;
  if (code === 'D') {
    const d = /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(inner);
    if (d) return `${d[1]}-${d[2]}-${d[3]}`;
  }
  return inner;
}

/** The current value at a patch path ("Number", "CustomFields/SuperOffice:2"), keys matched case-insensitively. */
export function readCurrentValue(entity: Record<string, unknown>, patchPath: string): unknown {
  let node: unknown = entity;
  for (const segment of patchPath.split('/').filter((s) => s !== '')) {
    if (typeof node !== 'object' || node === null) return undefined;
    const record = node as Record<string, unknown>;
    const key =
      Object.keys(record).find((k) => k === segment) ??
      Object.keys(record).find((k) => k.toLowerCase() === segment.toLowerCase());
    node = key === undefined ? undefined : record[key];
  }
  return node;
}

const sameNumber = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** True when writing `planned` would not change `current`, so the property can be reported as unchanged. */
export function currentValueMatches(
  target: ConversionTarget,
  planned: PatchValue,
  current: unknown,
): boolean {
  if (current === null || current === undefined) return false;
  const cur =
    target.kind === 'standard' || typeof current !== 'string' ? current : decodeCustomFieldValue(current);
  switch (target.type) {
    case 'integer':
    case 'decimal':
    case 'list': {
      const a = Number(cur);
      const b = Number(planned);
      return String(cur).trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && sameNumber(a, b);
    }
    case 'checkbox': {
      const asBool = (v: unknown) =>
        v === true || v === 1 || v === '1' || (typeof v === 'string' && v.toLowerCase() === 'true');
      return asBool(cur) === asBool(planned);
    }
    case 'date':
      return String(cur).slice(0, 10) === String(planned).slice(0, 10);
    case 'datetime':
      return String(cur).slice(0, 19) === String(planned).slice(0, 19);
    default:
      return cur === planned;
  }
}
