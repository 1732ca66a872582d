import { z } from 'zod';

/**
 * The mapping document: the user-facing configuration of Smart Sync, accepted by the admin API
 * and from SMART_SYNC_CONFIG at start-up. It is written by sales-ops admins, so every error message
 * names the place (`mappings[3].participant`) and says what to write instead.
 *
 * Mapping indices in messages count from 0, as in JSON Pointer / JavaScript.
 */

export const MAPPING_OBJECTS = ['Sale', 'Company', 'Contact'] as const;
/** Our names, as in the SuperOffice UI: Company is the API's `Contact`, Contact is the API's `Person`. */
export type MappingObject = (typeof MAPPING_OBJECTS)[number];

export const PARTICIPANT_FIELDS = ['name', 'email', 'phone_number', 'title'] as const;
/** Attributes of a Oneflow participant a Contact mapping can read. */
export type ParticipantField = (typeof PARTICIPANT_FIELDS)[number];

export type PropertyKind = 'standard' | 'udef' | 'extra';

const STANDARD_PROPERTY = /^[A-Za-z][A-Za-z0-9]*$/;
/** A udef ProgId is `text:number`; SuperOffice's default is `SuperOffice:N`, but admins can choose the text. */
const PROG_ID = /^[A-Za-z][A-Za-z0-9_.-]*:\d+$/;
const EXTRA_FIELD = /^x_[A-Za-z0-9_]+$/;

/** Which kind of SuperOffice property a mapping's `property` names, by its form; null when it names none. */
export function classifyProperty(property: string): PropertyKind | null {
  if (EXTRA_FIELD.test(property)) return 'extra';
  if (PROG_ID.test(property)) return 'udef';
  if (STANDARD_PROPERTY.test(property)) return 'standard';
  return null;
}

export interface SaleOrCompanyMapping {
  object: 'Sale' | 'Company';
  property: string;
  dataField: string;
}

export interface ContactDataFieldMapping {
  object: 'Contact';
  property: string;
  /** 1-based number of the participant among all counterparty parties' participants. */
  participant: number;
  dataField: string;
}

export interface ContactParticipantFieldMapping {
  object: 'Contact';
  property: string;
  participant: number;
  participantField: ParticipantField;
}

export type Mapping = SaleOrCompanyMapping | ContactDataFieldMapping | ContactParticipantFieldMapping;

/** The signed PDF limit when smartSync.signedPdfMaxBytes is not set: 25 MB. */
export const DEFAULT_SIGNED_PDF_MAX_BYTES = 25 * 1024 * 1024;
/** The most signedPdfMaxBytes may be: 100 MB, which one activity attempt can still carry. */
export const SIGNED_PDF_MAX_BYTES_CEILING = 100 * 1024 * 1024;

export interface SmartSyncSwitches {
  dataFields: boolean;
  products: boolean;
  // The switches below are optional so that documents written before them keep their meaning (off).
  /** A signed contract marks its Sale Sold on the date of signing. */
  markSaleSold?: boolean;
  /** The signed PDF is filed as a Document on the Sale, of type signedPdfDocumentTypeId. */
  attachSignedPdf?: boolean;
  /** The SuperOffice document template (document type) of the filed PDF. */
  signedPdfDocumentTypeId?: number;
  /** A signed PDF larger than this many bytes is refused; DEFAULT_SIGNED_PDF_MAX_BYTES when unset. */
  signedPdfMaxBytes?: number;
  /** A contract product no quote line matches becomes a new quote line. */
  addProducts?: boolean;
  /** A quote line no contract product matches is deleted. */
  removeProducts?: boolean;
}

export const SMART_SYNC_KEYS = [
  'dataFields',
  'products',
  'markSaleSold',
  'attachSignedPdf',
  'signedPdfDocumentTypeId',
  'signedPdfMaxBytes',
  'addProducts',
  'removeProducts',
] as const satisfies ReadonlyArray<keyof SmartSyncSwitches>;

export interface MappingDocument {
  smartSync: SmartSyncSwitches;
  links: { sale: string; company?: string };
  mappings: Mapping[];
}

const MAPPING_KEYS = ['object', 'property', 'dataField', 'participant', 'participantField'] as const;
const EXAMPLE_MAPPING = '{ "object": "Sale", "property": "Number", "dataField": "po_number" }';

function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // JSON.stringify throws on a value nested deeper than the stack (a body can be), and
    // String() recurses through arrays the same way: name the kind of value instead.
    if (Array.isArray(value)) return 'a list nested too deep to show';
    if (typeof value === 'object' && value !== null) return 'an object nested too deep to show';
    return String(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "unknown key "datafield" (did you mean "dataField"?); allowed keys: …" */
function unknownKeysMessage(keys: readonly PropertyKey[], allowed: readonly string[]): string {
  const normalize = (name: string) => name.toLowerCase().replace(/[-_ ]/g, '');
  const parts = keys.map((key) => {
    const name = String(key);
    const suggestion = allowed.find((a) => normalize(a) === normalize(name));
    return suggestion ? `"${name}" (did you mean "${suggestion}"?)` : `"${name}"`;
  });
  const noun = keys.length === 1 ? 'unknown key' : 'unknown keys';
  return `${noun} ${parts.join(', ')}; allowed keys: ${allowed.join(', ')}`;
}

function strictError(whatItIs: string, allowed: readonly string[]) {
  return (issue: z.core.$ZodRawIssue): string | undefined => {
    if (issue.code === 'unrecognized_keys') return unknownKeysMessage(issue.keys, allowed);
    if (issue.code === 'invalid_type') {
      return issue.input === undefined
        ? `missing: ${whatItIs}`
        : `must be ${whatItIs}, got ${quote(issue.input)}`;
    }
    return undefined;
  };
}

const booleanToggle = (name: string) =>
  z.boolean({
    error: (issue) =>
      issue.input === undefined
        ? `missing: true to sync ${name}, false to leave them alone`
        : `must be true or false, got ${quote(issue.input)}`,
  });

/** A switch added after 0.1: absent means off. */
const optionalSwitch = (whenTrue: string, whenFalse: string) =>
  z
    .boolean({
      error: (issue) => `must be true (${whenTrue}) or false (${whenFalse}), got ${quote(issue.input)}`,
    })
    .optional();

/** A signed PDF filed with no document type would land in SuperOffice untyped: ask for one. */
function checkSignedPdfSettings(raw: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  if (!isRecord(raw) || !isRecord(raw.smartSync)) return;
  if (raw.smartSync.attachSignedPdf === true && raw.smartSync.signedPdfDocumentTypeId === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['smartSync', 'signedPdfDocumentTypeId'],
      message:
        'missing: the document type to file the signed PDF as (pick one on the Smart sync tab; GET /api/document-types lists them), needed when attachSignedPdf is true',
    });
  }
}

const customId = (whatFor: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `missing: the custom_id of the contract data field ${whatFor}`
          : `must be the custom_id of the contract data field ${whatFor} (text), got ${quote(issue.input)}`,
    })
    .refine((s) => s.trim().length > 0, {
      message: `is empty: give the custom_id of the contract data field ${whatFor}`,
    })
    .refine((s) => s.trim() === '' || s.trim() === s, {
      message: 'has spaces at the start or end; a custom_id must match the data field exactly',
    });

const objectSchema = z.enum(MAPPING_OBJECTS, {
  error: (issue) => {
    if (issue.input === undefined) return 'missing: "Sale", "Company" or "Contact"';
    const hint =
      issue.input === 'Person'
        ? ' (a person is a "Contact" here, as in the SuperOffice screens)'
        : typeof issue.input === 'string' && MAPPING_OBJECTS.some((o) => o.toLowerCase() === issue.input)
          ? ' (the name starts with a capital letter)'
          : '';
    return `must be "Sale", "Company" or "Contact", got ${quote(issue.input)}${hint}`;
  },
});

const PROPERTY_HELP =
  'a standard field such as "Number", a custom field ProgId such as "SuperOffice:2" or an extra field such as "x_invoice_email"';

const propertySchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `missing: the SuperOffice property to write, ${PROPERTY_HELP}`
        : `must be ${PROPERTY_HELP}, got ${quote(issue.input)}`,
  })
  .refine((p) => classifyProperty(p) !== null, {
    error: (issue) => `${quote(issue.input)} is not a property name: use ${PROPERTY_HELP}`,
  });

const participantSchema = z
  .number({
    error: (issue) =>
      `must be the number (1, 2, …) of the counterparty participant, got ${quote(issue.input)}` +
      (typeof issue.input === 'string' ? ' (write the number without quotes)' : ''),
  })
  .refine((n) => Number.isInteger(n) && n >= 1, {
    error: (issue) =>
      `must be a whole number from 1 (the first counterparty participant) upwards, got ${quote(issue.input)}`,
  });

const participantFieldSchema = z.enum(PARTICIPANT_FIELDS, {
  error: (issue) => `must be "name", "email", "phone_number" or "title", got ${quote(issue.input)}`,
});

/**
 * Rules that span several keys. They run even when a key has the wrong type (zod's
 * `when`), so an admin sees every mistake in one answer; hence the untyped input.
 */
function checkMappingCombination(raw: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  if (!isRecord(raw)) return;
  const object = typeof raw.object === 'string' ? raw.object : undefined;
  const isContact = object === 'Contact';
  const knownObject = MAPPING_OBJECTS.includes(object as MappingObject);
  const hasDataField = raw.dataField !== undefined;
  const hasParticipantField = raw.participantField !== undefined;
  const hasParticipant = raw.participant !== undefined;

  if (hasDataField && hasParticipantField) {
    ctx.addIssue({
      code: 'custom',
      message:
        'give either "dataField" (a contract data field) or "participantField" (an attribute of the participant), not both',
    });
  } else if (!hasDataField && !hasParticipantField) {
    ctx.addIssue({
      code: 'custom',
      message: isContact
        ? 'needs a value source: "dataField" (the custom_id of a contract data field) or "participantField" ("name", "email", "phone_number" or "title")'
        : 'needs a value source: "dataField", the custom_id of the contract data field whose value is written',
    });
  }
  if (knownObject && !isContact && hasParticipantField) {
    ctx.addIssue({
      code: 'custom',
      message: `"participantField" is only for Contact mappings; for a ${object} use "dataField"`,
    });
  }
  if (isContact && !hasParticipant) {
    ctx.addIssue({
      code: 'custom',
      path: ['participant'],
      message: 'a Contact mapping needs "participant": the number (1, 2, …) of the counterparty participant',
    });
  }
  if (knownObject && !isContact && hasParticipant) {
    ctx.addIssue({
      code: 'custom',
      path: ['participant'],
      message:
        object === 'Sale'
          ? 'only Contact mappings take "participant"; a Sale mapping always writes to the contract\'s Sale'
          : 'only Contact mappings take "participant"; a Company mapping always writes to the Sale\'s Company (or the one in links.company)',
    });
  }
}

const mappingSchema = z
  .strictObject(
    {
      object: objectSchema,
      property: propertySchema,
      dataField: customId('whose value is written').optional(),
      participant: participantSchema.optional(),
      participantField: participantFieldSchema.optional(),
    },
    { error: strictError(`a mapping such as ${EXAMPLE_MAPPING}`, MAPPING_KEYS) },
  )
  .check(z.superRefine(checkMappingCombination, { when: (payload) => isRecord(payload.value) }))
  .transform((m): Mapping => {
    // The checks above guarantee the combination; the fallbacks only satisfy the type checker.
    if (m.object !== 'Contact')
      return { object: m.object, property: m.property, dataField: m.dataField ?? '' };
    const participant = m.participant ?? 1;
    if (m.participantField !== undefined) {
      return { object: 'Contact', property: m.property, participant, participantField: m.participantField };
    }
    return { object: 'Contact', property: m.property, participant, dataField: m.dataField ?? '' };
  });

/** Two mappings writing the same property of the same record would race; property names are case-insensitive in SuperOffice. */
function checkDuplicates(raw: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  if (!isRecord(raw) || !Array.isArray(raw.mappings)) return;
  const seen = new Map<string, number>();
  raw.mappings.forEach((m: unknown, index: number) => {
    if (!isRecord(m) || typeof m.object !== 'string' || typeof m.property !== 'string') return;
    // quote(), not String(): a participant nested deep, or an object whose "toString" is
    // data, makes String() throw.
    const participant = quote(m.participant);
    const who = m.object === 'Contact' ? `#${participant}` : '';
    const key = `${m.object}${who}|${m.property.toLowerCase()}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    const target = m.object === 'Contact' ? `participant ${participant}'s Contact` : `the ${m.object}`;
    ctx.addIssue({
      code: 'custom',
      path: ['mappings', index],
      message: `maps "${m.property}" of ${target} again (already in mappings[${first}]); a property can be mapped only once per record`,
    });
  });
}

export const mappingDocumentSchema = z
  .strictObject(
    {
      smartSync: z.strictObject(
        {
          dataFields: booleanToggle('data fields'),
          products: booleanToggle('products'),
          markSaleSold: optionalSwitch(
            'mark the Sale Sold when the contract is signed',
            'leave its status alone',
          ),
          attachSignedPdf: optionalSwitch(
            'file the signed PDF as a Document on the Sale',
            'file no document',
          ),
          signedPdfDocumentTypeId: z
            .number({
              error: (issue) =>
                `must be the id of a SuperOffice document type (a number, as GET /api/document-types lists them), got ${quote(issue.input)}`,
            })
            .int({ error: (issue) => `must be a whole number, got ${quote(issue.input)}` })
            .positive({ error: (issue) => `must be a document type id from 1 up, got ${quote(issue.input)}` })
            .optional(),
          signedPdfMaxBytes: z
            .number({
              error: (issue) =>
                `must be the largest signed PDF to file, in bytes (e.g. ${DEFAULT_SIGNED_PDF_MAX_BYTES} for 25 MB), got ${quote(issue.input)}`,
            })
            .int({ error: (issue) => `must be a whole number of bytes, got ${quote(issue.input)}` })
            .min(1, { error: (issue) => `must be at least 1 byte, got ${quote(issue.input)}` })
            .max(SIGNED_PDF_MAX_BYTES_CEILING, {
              error: (issue) =>
                `must be at most ${SIGNED_PDF_MAX_BYTES_CEILING} (100 MB), got ${quote(issue.input)}`,
            })
            .optional(),
          addProducts: optionalSwitch(
            "add the contract's products that the Sale's quote lacks",
            'add no quote lines',
          ),
          removeProducts: optionalSwitch(
            'delete the quote lines whose product is no longer in the contract',
            'delete no quote lines',
          ),
        },
        { error: strictError('{ "dataFields": true, "products": true }', SMART_SYNC_KEYS) },
      ),
      links: z.strictObject(
        {
          sale: customId('that holds the SuperOffice Sale id (e.g. "superoffice_sale_id")'),
          company: customId(
            'that holds the SuperOffice Company id (e.g. "superoffice_company_id")',
          ).optional(),
        },
        { error: strictError('{ "sale": "superoffice_sale_id" }', ['sale', 'company']) },
      ),
      mappings: z.array(mappingSchema, {
        error: (issue) =>
          issue.input === undefined
            ? `missing: a list of mappings such as [${EXAMPLE_MAPPING}] ([] for none)`
            : `must be a list of mappings such as [${EXAMPLE_MAPPING}], got ${quote(issue.input)}`,
      }),
    },
    {
      error: strictError('a JSON object with "smartSync", "links" and "mappings"', [
        'smartSync',
        'links',
        'mappings',
      ]),
    },
  )
  .check(z.superRefine(checkDuplicates, { when: (payload) => isRecord(payload.value) }))
  .check(z.superRefine(checkSignedPdfSettings, { when: (payload) => isRecord(payload.value) }));

/** `['mappings', 3, 'participant']` → `mappings[3].participant` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    const name = String(part);
    return out === '' ? name : `${out}.${name}`;
  }, '');
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function parseMappingDocument(input: unknown): ParseResult<MappingDocument> {
  const result = mappingDocumentSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const errors = result.error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return `${where === '' ? 'the mapping document' : where}: ${issue.message}`;
  });
  return { ok: false, errors: [...new Set(errors)] };
}

/** For the file named by SMART_SYNC_CONFIG: JSON syntax errors are reported the same way. */
export function parseMappingDocumentText(text: string): ParseResult<MappingDocument> {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`the mapping document is not valid JSON: ${(err as Error).message}`] };
  }
  return parseMappingDocument(input);
}

export interface MappingWarning {
  mappingIndex: number;
  /** e.g. `mappings[2].property` */
  path: string;
  message: string;
}

/**
 * The structural part of a catalog that `checkMappingsAgainstCatalog` needs. Declared here
 * rather than imported so the config room does not depend on the SuperOffice room; the
 * PropertyCatalog of src/superoffice/field-catalog.ts fits it.
 */
export interface CatalogForChecks {
  readonly [object: string]: ReadonlyArray<{
    property: string;
    label: string;
    ready: boolean;
    notReadyReason?: string;
  }>;
}

/**
 * Problems a mapping will hit with today's SuperOffice set-up. Warnings, not errors: the
 * catalog changes when an admin edits custom fields, and the document must stay loadable.
 */
export function checkMappingsAgainstCatalog(
  document: MappingDocument,
  catalog: CatalogForChecks,
): MappingWarning[] {
  const warnings: MappingWarning[] = [];
  document.mappings.forEach((mapping, index) => {
    const path = `mappings[${index}].property`;
    const properties = catalog[mapping.object] ?? [];
    const found = properties.find((p) => p.property.toLowerCase() === mapping.property.toLowerCase());
    if (!found) {
      // Suggest ready properties whose label is the name written together ("Deliverydate" →
      // "Delivery date") or whose name contains it or is contained in it.
      const squash = (t: string) => t.toLowerCase().replace(/[^a-z0-9]/g, '');
      const w = squash(mapping.property);
      const near = properties
        .filter((p) => p.ready)
        .filter(
          (p) =>
            squash(p.label) === w ||
            (w.length >= 3 && (squash(p.property).includes(w) || w.includes(squash(p.property)))),
        )
        .slice(0, 3);
      const hint =
        near.length > 0 ? ` (did you mean ${near.map((p) => `"${p.property}"`).join(' or ')}?)` : '';
      warnings.push({
        mappingIndex: index,
        path,
        message: `${mapping.object} has no property "${mapping.property}" in SuperOffice${hint}; this mapping will fail until it exists`,
      });
      return;
    }
    if (!found.ready) {
      warnings.push({
        mappingIndex: index,
        path,
        message: `${mapping.object} "${found.property}" (${found.label}) is not smart-sync-ready: ${found.notReadyReason ?? 'not writable'}; it will be skipped`,
      });
    }
  });
  return warnings;
}
