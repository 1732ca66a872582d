import { z } from 'zod';
import { UDEF_TYPES } from './custom-fields';
import { ENTITY_KINDS, type EntityKind } from './entity-kinds';
import { ASSOCIATE_CARRIER, type PropTable } from './entity-schemas';
import { zodForTable } from './prop-values';
import { PRODUCT, QUOTE, QUOTE_ALTERNATIVE, QUOTE_LINE, QUOTE_VERSION } from './quote-schemas';

/**
 * The seed document POSTed to /_emulator/seed (and given to createSuperOfficeEmulator). It
 * replaces the whole state. Entities are written in the REST shape (PascalCase, carriers id-only
 * such as {"ContactId": 101}, custom field values plain or encoded in CustomFields /
 * UserDefinedFields / ExtraFields), and every property is checked against the swagger carrier,
 * so a misspelt property is an error rather than silently ignored. README.md has an example.
 */

const id = z.number().int().positive();

function withoutKeys(table: PropTable, keys: string[]): PropTable {
  return Object.fromEntries(Object.entries(table).filter(([k]) => !keys.includes(k)));
}

/** Properties a GET shows that a seed may carry back (they are ignored), so state() can be re-seeded. */
const SHOWN_ONLY = {
  TableRight: z.unknown().optional(),
  FieldProperties: z.unknown().optional(),
  _Links: z.unknown().optional(),
};

function entitySchema(kind: EntityKind) {
  return zodForTable(kind.props, { [kind.idField]: id, ...SHOWN_ONLY });
}

export const customFieldDefSchema = z
  .object({
    /** "SuperOffice:N" (a udef's ProgId, "text:number") or "x_name" (an extra field). */
    fieldName: z
      .string()
      .regex(
        /^(x_[A-Za-z0-9_]+|[^:\s]+:\d+)$/,
        'expected a ProgId such as "SuperOffice:2" or an extra field "x_name"',
      ),
    label: z.string().min(1),
    type: z.enum(UDEF_TYPES),
    /** Longest text value; defaults to 40 for ShortText and 200 for LongText (udefs are String[40]/[200]). */
    textLength: z.number().int().positive().optional(),
    /** UDListDefinitionId of the list a List field picks from (one of `lists`). */
    listId: id.optional(),
    isReadOnly: z.boolean().default(false),
    isMandatory: z.boolean().default(false),
    isIndexed: z.boolean().default(false),
    hideField: z.boolean().default(false),
    tooltip: z.string().default(''),
    shortLabel: z.string().default(''),
    rank: z.number().int().nonnegative().optional(),
    udefFieldId: id.optional(),
  })
  .strict()
  .refine((d) => (d.type === 'List') === (d.listId !== undefined), {
    message: 'a List field needs listId, and only a List field may have one',
    path: ['listId'],
  });

export const listSchema = z
  .object({
    id,
    name: z.string().min(1),
    tooltip: z.string().default(''),
    items: z
      .array(
        z
          .object({
            id,
            name: z.string().min(1),
            tooltip: z.string().default(''),
            deleted: z.boolean().default(false),
            rank: z.number().int().nonnegative().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

const NESTED = ['ActiveQuoteVersion', 'FavoriteQuoteAlternative', 'QuoteVersions', 'QuoteAlternatives'];

const quoteLineSchema = zodForTable(QUOTE_LINE, { QuoteLineId: id, ...SHOWN_ONLY });
const quoteAlternativeSchema = zodForTable(withoutKeys(QUOTE_ALTERNATIVE, NESTED), {
  QuoteAlternativeId: id,
  ...SHOWN_ONLY,
  /** The alternative's lines; SubTotal/TotalPrice left out are calculated (quote-arithmetic.ts). */
  lines: z.array(quoteLineSchema).default([]),
});
const quoteVersionSchema = zodForTable(withoutKeys(QUOTE_VERSION, NESTED), {
  QuoteVersionId: id,
  ...SHOWN_ONLY,
  alternatives: z.array(quoteAlternativeSchema).default([]),
});
export const quoteSeedSchema = zodForTable(withoutKeys(QUOTE, NESTED), {
  QuoteId: id,
  SaleId: id,
  ...SHOWN_ONLY,
  versions: z.array(quoteVersionSchema).default([]),
});

const perEntity = <T extends z.ZodType>(schema: T) =>
  z
    .object({
      Sale: z.array(schema).default([]),
      Contact: z.array(schema).default([]),
      Person: z.array(schema).default([]),
      Appointment: z.array(schema).default([]),
    })
    .strict();

const seedObjectSchema = z
  .object({
    /** Extra bearer access tokens, each acting as an associate (UpdatedBy of what it writes). */
    tokens: z.array(z.object({ token: z.string().min(1), associateId: id }).strict()).default([]),
    /** System-user tickets: "Authorization: SOTicket <ticket>" together with "SO-AppToken: <appToken>". */
    tickets: z
      .array(z.object({ ticket: z.string().min(1), appToken: z.string().min(1), associateId: id }).strict())
      .default([]),
    associates: z.array(zodForTable(ASSOCIATE_CARRIER, { AssociateId: id, ...SHOWN_ONLY })).default([]),
    lists: z.array(listSchema).default([]),
    /** Published udefs and extra fields per entity (Contact = Company, Person = Contact). */
    customFields: perEntity(customFieldDefSchema).default({
      Sale: [],
      Contact: [],
      Person: [],
      Appointment: [],
    }),
    /** Companies (REST `Contact`). */
    companies: z.array(entitySchema(ENTITY_KINDS.Contact)).default([]),
    /** Contact persons (REST `Person`). */
    persons: z.array(entitySchema(ENTITY_KINDS.Person)).default([]),
    sales: z.array(entitySchema(ENTITY_KINDS.Sale)).default([]),
    /** Follow-ups (REST `Appointment`, UI "Activity"). */
    appointments: z.array(entitySchema(ENTITY_KINDS.Appointment)).default([]),
    /** Price-list products CreateQuoteLine copies from, by ERPProductKey. */
    products: z.array(zodForTable(PRODUCT, { ERPProductKey: z.string().min(1), ...SHOWN_ONLY })).default([]),
    quotes: z.array(quoteSeedSchema).default([]),
  })
  .strict();

/**
 * The state document (GET /_emulator/state) uses REST names: `contacts` for the companies, and a
 * flat `quoteLines` beside the nested quotes. A seed accepts both, so that a state can be
 * loaded back: `contacts` stands for `companies`, `quoteLines` is ignored.
 */
export const superOfficeSeedSchema = z.preprocess((raw) => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const { contacts, quoteLines: _derived, ...rest } = raw as Record<string, unknown>;
  if (contacts === undefined || 'companies' in rest) return contacts === undefined ? rest : raw;
  return { ...rest, companies: contacts };
}, seedObjectSchema);

export type SuperOfficeSeed = z.input<typeof seedObjectSchema>;
export type ParsedSuperOfficeSeed = z.output<typeof seedObjectSchema>;
