import { z } from 'zod';
import { MAPPING_OBJECTS, type MappingObject, type PropertyKind } from '../config/mapping-document';
import { NOT_READY, STANDARD_FIELDS, type PropertyType } from './standard-fields';

export { NOT_READY, type PropertyType } from './standard-fields';

/** The SuperOffice REST entity behind each of our objects. */
export const SUPEROFFICE_ENTITY: Readonly<Record<MappingObject, 'Sale' | 'Contact' | 'Person'>> = {
  Sale: 'Sale',
  Company: 'Contact',
  Contact: 'Person',
};

// --- SuperOffice metadata shapes (swagger definitions; loose, strict only where read) ---

/**
 * `FieldInfoBase`, an item of `GET /v1/{Entity}/CustomField`: published udefs (FieldName =
 * ProgId) and extra fields (FieldName = `x_…`). FieldType is one of Unknown, Integer,
 * ShortText, LongText, Date, Blob, Checkbox, MdoList, Decimal, DateTime, Time, TimeSpan,
 * RelationTo, Attachment, DynamicLink, ListText; kept as a string so that a type SuperOffice
 * adds later shows up as "unsupported" instead of breaking the whole catalog.
 */
export const fieldInfoBaseSchema = z.looseObject({
  FieldName: z.string(),
  FieldType: z.string(),
  DisplayName: z.string().nullish(),
  IsReadOnly: z.boolean().nullish(),
  /** Not in the swagger's FieldInfoBase; text field infos may carry it, and it is used when present. */
  MaxLength: z.number().int().nullish(),
});
export type FieldInfoBase = z.infer<typeof fieldInfoBaseSchema>;

/** `UserDefinedFieldInfo`, an item of `GET /v1/{Entity}/UdefLayout/Published`. */
export const userDefinedFieldInfoSchema = z.looseObject({
  /** Number, ShortText, LongText, Date, UnlimitedDate, Checkbox, List, Decimal. */
  FieldType: z.string(),
  FieldLabel: z.string().nullish(),
  ProgId: z.string().nullish(),
  UdefIdentity: z.number().int().nullish(),
  IsReadOnly: z.boolean().nullish(),
  TextLength: z.number().int().nullish(),
  /** e.g. "udlist12": the MDO list holding a List field's items. */
  MdoListName: z.string().nullish(),
});
export type UserDefinedFieldInfo = z.infer<typeof userDefinedFieldInfoSchema>;

/** `MDOListItem`, an item of `GET /v1/MDOList/{listname}`. */
export const mdoListItemSchema = z.looseObject({
  Id: z.number().int(),
  Name: z.string().nullish(),
  Deleted: z.boolean().nullish(),
});
export type MdoListItem = z.infer<typeof mdoListItemSchema>;

/**
 * What the lead fetches from SuperOffice for one object. Structural, so that the
 * SuperOffice client's own parsed types fit as long as they carry these fields.
 */
export interface ObjectFieldMetadata {
  customFields: ReadonlyArray<
    Pick<FieldInfoBase, 'FieldName' | 'FieldType'> &
      Partial<Pick<FieldInfoBase, 'DisplayName' | 'IsReadOnly' | 'MaxLength'>>
  >;
  udefs: ReadonlyArray<
    Pick<UserDefinedFieldInfo, 'FieldType'> &
      Partial<
        Pick<
          UserDefinedFieldInfo,
          'FieldLabel' | 'ProgId' | 'UdefIdentity' | 'IsReadOnly' | 'TextLength' | 'MdoListName'
        >
      >
  >;
  /** Items of the MDO lists the udefs refer to, by MdoListName ("udlist12"). */
  lists: Readonly<
    Record<string, ReadonlyArray<{ Id: number; Name?: string | null; Deleted?: boolean | null }>>
  >;
}
export type PropertyCatalogInput = Record<MappingObject, ObjectFieldMetadata>;

export const objectFieldMetadataSchema = z.object({
  customFields: z.array(fieldInfoBaseSchema),
  udefs: z.array(userDefinedFieldInfoSchema),
  lists: z.record(z.string(), z.array(mdoListItemSchema)),
});

// --- The catalog ---

export interface ListItem {
  id: number;
  name: string;
}

export interface CatalogProperty {
  object: MappingObject;
  /** The key used in mappings: "Number", "SuperOffice:2", "x_invoice_email". */
  property: string;
  label: string;
  kind: PropertyKind;
  type: PropertyType;
  maxLength?: number;
  range?: { min: number; max: number };
  /** For list properties: the items a value can be, deleted ones left out. */
  listItems?: ListItem[];
  /** Smart-sync-ready: Smart Sync writes it when mapped. */
  ready: boolean;
  notReadyReason?: string;
  /** JSON Patch path: "Number", "CustomFields/SuperOffice:2". */
  patchPath: string;
}

export type PropertyCatalog = Record<MappingObject, CatalogProperty[]>;

type Typing = { type: PropertyType; maxLength?: number; unsupportedReason?: string };
type CustomFieldInput = ObjectFieldMetadata['customFields'][number];
type UdefInput = ObjectFieldMetadata['udefs'][number];

function positive(n: number | null | undefined): number | undefined {
  return typeof n === 'number' && n > 0 ? n : undefined;
}

function udefTyping(fieldType: string, textLength: number | null | undefined): Typing {
  switch (fieldType) {
    case 'Number':
      return { type: 'integer' };
    case 'Decimal':
      return { type: 'decimal' };
    case 'ShortText':
    case 'LongText': {
      const maxLength = positive(textLength);
      return maxLength === undefined ? { type: 'text' } : { type: 'text', maxLength };
    }
    case 'Date':
    case 'UnlimitedDate':
      return { type: 'date' };
    case 'Checkbox':
      return { type: 'checkbox' };
    case 'List':
      return { type: 'list' };
    default:
      return { type: 'unsupported', unsupportedReason: `unsupported type: ${fieldType || 'unknown'}` };
  }
}

function customFieldTyping(field: CustomFieldInput): Typing {
  switch (field.FieldType) {
    case 'Integer':
      return { type: 'integer' };
    case 'Decimal':
      return { type: 'decimal' };
    case 'ShortText':
    case 'LongText': {
      const maxLength = positive(field.MaxLength);
      return maxLength === undefined ? { type: 'text' } : { type: 'text', maxLength };
    }
    case 'Date':
      return { type: 'date' };
    case 'DateTime':
      return { type: 'datetime' };
    case 'Checkbox':
      return { type: 'checkbox' };
    // The list an MdoList/ListText extra field draws from is not in FieldInfoBase.
    case 'MdoList':
    case 'ListText':
      return { type: 'unsupported', unsupportedReason: NOT_READY.listReference };
    case 'RelationTo':
    case 'DynamicLink':
      return { type: 'unsupported', unsupportedReason: NOT_READY.recordReference };
    case 'Blob':
    case 'Attachment':
      return { type: 'unsupported', unsupportedReason: 'unsupported type: a file' };
    case 'Time':
    case 'TimeSpan':
      return { type: 'unsupported', unsupportedReason: 'unsupported type: a time of day or duration' };
    default:
      return { type: 'unsupported', unsupportedReason: `unsupported type: ${field.FieldType || 'unknown'}` };
  }
}

/** The key SuperOffice uses in CustomFields: the ProgId, or SuperOffice:{UdefIdentity} when the ProgId is empty. */
function udefKey(udef: UdefInput): string | undefined {
  if (udef.ProgId && udef.ProgId.trim() !== '') return udef.ProgId.trim();
  if (typeof udef.UdefIdentity === 'number') return `SuperOffice:${udef.UdefIdentity}`;
  return undefined;
}

function finish(
  base: Omit<CatalogProperty, 'ready' | 'notReadyReason' | 'type' | 'maxLength'>,
  typing: Typing,
  readOnly: boolean,
  listProblem?: string,
): CatalogProperty {
  const reason = readOnly ? NOT_READY.readOnlyCustomField : (typing.unsupportedReason ?? listProblem);
  const property: CatalogProperty = { ...base, type: typing.type, ready: reason === undefined };
  if (typing.maxLength !== undefined) property.maxLength = typing.maxLength;
  if (reason !== undefined) property.notReadyReason = reason;
  return property;
}

function buildObject(object: MappingObject, input: ObjectFieldMetadata): CatalogProperty[] {
  const out: CatalogProperty[] = STANDARD_FIELDS[object].map((def) => {
    const p: CatalogProperty = {
      object,
      property: def.property,
      label: def.label,
      kind: 'standard',
      type: def.type,
      ready: def.notReadyReason === undefined,
      patchPath: def.property,
    };
    if (def.maxLength !== undefined) p.maxLength = def.maxLength;
    if (def.range !== undefined) p.range = { ...def.range };
    if (def.notReadyReason !== undefined) p.notReadyReason = def.notReadyReason;
    return p;
  });

  const customByName = new Map(input.customFields.map((f) => [f.FieldName.toLowerCase(), f]));
  const seen = new Set<string>();

  for (const udef of input.udefs) {
    const key = udefKey(udef);
    if (key === undefined || seen.has(key.toLowerCase())) continue;
    seen.add(key.toLowerCase());
    const info = customByName.get(key.toLowerCase());
    const typing = udefTyping(udef.FieldType, udef.TextLength);
    let listItems: ListItem[] | undefined;
    let listProblem: string | undefined;
    if (typing.type === 'list') {
      const items = udef.MdoListName ? input.lists[udef.MdoListName] : undefined;
      if (items === undefined) {
        listProblem = `the items of its list${udef.MdoListName ? ` (${udef.MdoListName})` : ''} could not be read`;
      } else {
        listItems = items
          .filter((i) => !i.Deleted && typeof i.Name === 'string' && i.Name.trim() !== '')
          .map((i) => ({ id: i.Id, name: i.Name ?? '' }));
      }
    }
    const property = finish(
      {
        object,
        property: key,
        label: udef.FieldLabel || info?.DisplayName || key,
        kind: 'udef',
        patchPath: `CustomFields/${key}`,
      },
      typing,
      Boolean(udef.IsReadOnly) || Boolean(info?.IsReadOnly),
      listProblem,
    );
    if (listItems !== undefined) property.listItems = listItems;
    out.push(property);
  }

  // Extra fields, and any udef the custom-field list knows but the published layout did not give.
  for (const field of input.customFields) {
    const key = field.FieldName;
    if (seen.has(key.toLowerCase())) continue;
    seen.add(key.toLowerCase());
    out.push(
      finish(
        {
          object,
          property: key,
          label: field.DisplayName || key,
          kind: key.toLowerCase().startsWith('x_') ? 'extra' : 'udef',
          patchPath: `CustomFields/${key}`,
        },
        customFieldTyping(field),
        Boolean(field.IsReadOnly),
      ),
    );
  }
  return out;
}

/** Sale ← SuperOffice `Sale`, Company ← `Contact`, Contact ← `Person`. Pure: the metadata is fetched elsewhere. */
export function buildPropertyCatalog(input: PropertyCatalogInput): PropertyCatalog {
  const catalog = {} as PropertyCatalog;
  for (const object of MAPPING_OBJECTS) catalog[object] = buildObject(object, input[object]);
  return catalog;
}

/** Property names are case-insensitive in SuperOffice (JSON Patch paths, ProgIds). */
export function findCatalogProperty(
  catalog: PropertyCatalog,
  object: MappingObject,
  property: string,
): CatalogProperty | undefined {
  const wanted = property.toLowerCase();
  const list = catalog[object];
  return list.find((p) => p.property === property) ?? list.find((p) => p.property.toLowerCase() === wanted);
}
