/**
 * User-defined fields (udefs, keyed by ProgId "SuperOffice:N") and extra fields ("x_name"):
 * their metadata, the three dictionaries an entity shows them in, and the value encoding.
 *
 * Sources: docs.superoffice.com/en/custom-objects/reference (dictionaries, sibling keys),
 * en/api/archive-providers/encoded-values (encoded values) and SuperOffice's Swagger definitions
 * (metadata shapes); the wire format decided in docs/decisions.md "Custom-field values on
 * the wire": writes may be plain ("43", "12.5", "2026-12-15", "1", list item id "3") or encoded
 * ("[I:43]", "[F:12.5]", "[D:2026.12.15]"); reads are always encoded, text plain.
 */

export const UDEF_TYPES = [
  'Number',
  'ShortText',
  'LongText',
  'Date',
  'UnlimitedDate',
  'Checkbox',
  'List',
  'Decimal',
] as const;
export type UdefType = (typeof UDEF_TYPES)[number];

export interface CustomFieldDef {
  /** ProgId ("SuperOffice:2") for a udef, DB name ("x_invoice_email") for an extra field. */
  fieldName: string;
  kind: 'udef' | 'extra';
  label: string;
  shortLabel: string;
  tooltip: string;
  type: UdefType;
  /** Maximum length of a text value. */
  textLength: number;
  /** UDListDefinitionId of a List field. */
  listId: number | null;
  isReadOnly: boolean;
  isMandatory: boolean;
  isIndexed: boolean;
  hideField: boolean;
  rank: number;
  udefFieldId: number;
  udefIdentity: number;
}

export interface ListItemDef {
  id: number;
  name: string;
  tooltip: string;
  deleted: boolean;
  rank: number;
}

export interface ListDef {
  id: number;
  name: string;
  tooltip: string;
  items: ListItemDef[];
}

export type ListLookup = (listId: number) => ListDef | undefined;

export const CUSTOM_DICTIONARIES = ['UserDefinedFields', 'ExtraFields', 'CustomFields'] as const;
export type CustomDictionary = (typeof CUSTOM_DICTIONARIES)[number];

const SIBLING_SUFFIXES = [':DisplayText', ':DisplayTooltip', ':org'];

/** "SuperOffice:3:DisplayText" and friends are shown on read and ignored on write. */
export function isSiblingKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SIBLING_SUFFIXES.some((s) => lower.endsWith(s.toLowerCase()));
}

/** Which dictionary may carry which kind of field: CustomFields carries both. */
export function dictionaryAccepts(dict: CustomDictionary, def: CustomFieldDef): boolean {
  if (dict === 'CustomFields') return true;
  return dict === 'UserDefinedFields' ? def.kind === 'udef' : def.kind === 'extra';
}

export function findFieldDef(defs: readonly CustomFieldDef[], key: string): CustomFieldDef | undefined {
  const lower = key.toLowerCase();
  return defs.find((d) => d.fieldName === key) ?? defs.find((d) => d.fieldName.toLowerCase() === lower);
}

/** The stored value of a field nobody has set. */
export function emptyValue(def: CustomFieldDef): string {
  switch (def.type) {
    case 'Number':
    case 'Checkbox':
    case 'List':
      return '[I:0]';
    case 'Decimal':
      return '[F:0]';
    default:
      return '';
  }
}

export type EncodeResult = { ok: true; value: string } | { ok: false; message: string };

const INT_RE = /^-?\d+$/;
const DECIMAL_RE = /^-?(\d+(\.\d+)?|\.\d+)$/;

function unwrap(text: string, tag: 'I' | 'F' | 'D'): string | undefined {
  const m = new RegExp(`^\\[${tag}:(.*)\\]$`, 'i').exec(text);
  return m ? m[1] : undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** yyyy-MM-dd (time ignored), yyyy.MM.dd or [D:yyyy.MM.dd] → [D:yyyy.MM.dd]. */
function encodeDate(text: string): string | undefined {
  const inner = unwrap(text, 'D') ?? text;
  const m = /^(\d{4})[-.](\d{2})[-.](\d{2})(T.*)?$/.exec(inner.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return `[D:${pad(y, 4)}.${pad(mo, 2)}.${pad(d, 2)}]`;
}

/**
 * Validates a written value against the field's type and returns the form it is stored (and
 * read back) in. null and "" clear the field.
 */
export function encodeValue(def: CustomFieldDef, raw: unknown, lists: ListLookup): EncodeResult {
  const fail = (why: string): EncodeResult => ({
    ok: false,
    message: `${def.fieldName} ("${def.label}", ${def.type}): ${why}, got ${JSON.stringify(raw)}`,
  });
  if (raw === null || raw === undefined) return { ok: true, value: emptyValue(def) };
  if (typeof raw === 'object') return fail('expected a string value');
  const text = String(raw);
  const trimmed = text.trim();
  switch (def.type) {
    case 'ShortText':
    case 'LongText':
      if (text.length > def.textLength) {
        return fail(`text of ${text.length} characters is longer than the field's ${def.textLength}`);
      }
      return { ok: true, value: text };
    case 'Number': {
      if (trimmed === '') return { ok: true, value: emptyValue(def) };
      const inner = (unwrap(trimmed, 'I') ?? trimmed).trim();
      if (!INT_RE.test(inner)) return fail('expected a whole number');
      const n = Number(inner);
      if (n > 2147483647 || n < -2147483648) return fail('number out of the 32-bit range');
      return { ok: true, value: `[I:${n}]` };
    }
    case 'Decimal': {
      if (trimmed === '') return { ok: true, value: emptyValue(def) };
      const inner = (unwrap(trimmed, 'F') ?? trimmed).trim();
      if (!DECIMAL_RE.test(inner)) return fail('expected a decimal number with a dot');
      return { ok: true, value: `[F:${Number(inner)}]` };
    }
    case 'Date':
    case 'UnlimitedDate': {
      if (trimmed === '') return { ok: true, value: '' };
      const encoded = encodeDate(trimmed);
      return encoded ? { ok: true, value: encoded } : fail('expected a date as yyyy-MM-dd or [D:yyyy.MM.dd]');
    }
    case 'Checkbox': {
      if (trimmed === '') return { ok: true, value: '[I:0]' };
      const inner = (unwrap(trimmed, 'I') ?? trimmed).trim().toLowerCase();
      if (inner === '1' || inner === 'true') return { ok: true, value: '[I:1]' };
      if (inner === '0' || inner === 'false') return { ok: true, value: '[I:0]' };
      return fail('expected "1" or "0"');
    }
    case 'List': {
      if (trimmed === '') return { ok: true, value: '[I:0]' };
      const inner = (unwrap(trimmed, 'I') ?? trimmed).trim();
      if (!INT_RE.test(inner)) return fail('expected a list item id');
      const id = Number(inner);
      if (id === 0) return { ok: true, value: '[I:0]' };
      const list = def.listId === null ? undefined : lists(def.listId);
      const item = list?.items.find((i) => i.id === id && !i.deleted);
      if (!item) return fail(`${id} is not an item of list udlist${def.listId ?? '?'}`);
      return { ok: true, value: `[I:${id}]` };
    }
  }
}

function listItemOf(def: CustomFieldDef, value: string, lists: ListLookup): ListItemDef | undefined {
  const id = Number(unwrap(value, 'I'));
  if (def.listId === null || !Number.isInteger(id) || id === 0) return undefined;
  return lists(def.listId)?.items.find((i) => i.id === id);
}

/**
 * The three dictionaries as GET shows them: UserDefinedFields has the udefs, ExtraFields
 * the extra fields, CustomFields both plus an ":org" sibling per field. List fields also get
 * ":DisplayText" (the item's name) and ":DisplayTooltip" siblings, in UserDefinedFields and
 * CustomFields.
 */
export function buildDictionaries(
  defs: readonly CustomFieldDef[],
  values: Readonly<Record<string, string>>,
  lists: ListLookup,
): Record<CustomDictionary, Record<string, string>> {
  const udefs: Record<string, string> = {};
  const extras: Record<string, string> = {};
  const custom: Record<string, string> = {};
  for (const def of defs) {
    const value = values[def.fieldName] ?? emptyValue(def);
    const own = def.kind === 'udef' ? udefs : extras;
    own[def.fieldName] = value;
    custom[def.fieldName] = value;
    custom[`${def.fieldName}:org`] = value;
    if (def.type === 'List') {
      const item = listItemOf(def, value, lists);
      const siblings = { DisplayText: item?.name ?? '', DisplayTooltip: item?.tooltip ?? '' };
      for (const [suffix, text] of Object.entries(siblings)) {
        custom[`${def.fieldName}:${suffix}`] = text;
        if (def.kind === 'udef') udefs[`${def.fieldName}:${suffix}`] = text;
      }
    }
  }
  return { UserDefinedFields: udefs, ExtraFields: extras, CustomFields: custom };
}

/** Two written values mean the same thing once encoded (used by JSON Patch `test`). */
export function sameFieldValue(def: CustomFieldDef, a: unknown, b: unknown, lists: ListLookup): boolean {
  const ea = encodeValue(def, a, lists);
  const eb = encodeValue(def, b, lists);
  return ea.ok && eb.ok && ea.value === eb.value;
}

const FIELD_INFO_TYPE: Record<UdefType, string> = {
  Number: 'Integer',
  ShortText: 'ShortText',
  LongText: 'LongText',
  Date: 'Date',
  UnlimitedDate: 'Date',
  Checkbox: 'Checkbox',
  List: 'MdoList',
  Decimal: 'Decimal',
};

const TEMPLATE_PREFIX: Record<UdefType, string> = {
  Number: 'cn',
  ShortText: 'cs',
  LongText: 'cl',
  Date: 'cd',
  UnlimitedDate: 'cu',
  Checkbox: 'cb',
  List: 'cli',
  Decimal: 'cdc',
};

/** FieldInfoBase, as GET /v1/{Entity}/CustomField answers it. */
export function fieldInfoBase(def: CustomFieldDef): Record<string, unknown> {
  return {
    FieldType: FIELD_INFO_TYPE[def.type],
    FieldName: def.fieldName,
    DisplayName: def.label,
    Description: def.tooltip,
    ShortLabel: def.shortLabel,
    HideLabel: false,
    HideField: def.hideField,
    IsIndexed: def.isIndexed,
    IsMandatory: def.isMandatory,
    IsReadOnly: def.isReadOnly,
    IsExternal: false,
    IsDisplayField: false,
    Rank: def.rank,
    // Swagger: "Template variable name: 'cs01', 'cl02' etc. Null for extra fields."
    TemplateVariableName: def.kind === 'udef' ? templateVariableName(def) : null,
  };
}

function templateVariableName(def: CustomFieldDef): string {
  return `${TEMPLATE_PREFIX[def.type]}${pad(def.udefIdentity, 2)}`;
}

/** UserDefinedFieldInfo, as GET /v1/{Entity}/UdefLayout/Published answers it. */
export function userDefinedFieldInfo(def: CustomFieldDef, ownerType: string): Record<string, unknown> {
  return {
    UDefFieldId: def.udefFieldId,
    ColumnId: def.udefFieldId,
    FieldDefault: '',
    FieldHeight: 0,
    FieldLabel: def.label,
    FieldLeft: 0,
    FieldTop: 0,
    FieldType: def.type,
    FieldWidth: 0,
    FormatMask: '',
    HideLabel: false,
    IsIndexed: def.isIndexed,
    LabelHeight: 0,
    LabelLeft: 0,
    LabelTop: 0,
    LabelWidth: 0,
    LastVersionId: 0,
    // Udef lists live in the udlist table; 0 when the field is not a list.
    ListTableId: def.type === 'List' ? 136 : 0,
    IsMandatory: def.isMandatory,
    Type: ownerType,
    Page1LineNo: 0,
    ProgId: def.fieldName,
    IsReadOnly: def.isReadOnly,
    ShortLabel: def.shortLabel,
    TabOrder: def.rank,
    TextLength: def.textLength,
    Tooltip: def.tooltip,
    UdefIdentity: def.udefIdentity,
    UDListDefinitionId: def.listId ?? 0,
    Justification: 'Default',
    Version: 1,
    TemplateVariableName: templateVariableName(def),
    HasBeenPublished: true,
    MdoListName: def.listId === null ? '' : `udlist${def.listId}`,
    TableRight: { Mask: 'Select', Reason: '' },
    FieldProperties: {},
  };
}
