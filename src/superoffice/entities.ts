import { z } from 'zod';

/**
 * Shapes of the SuperOffice Web API answers Smart Sync reads, from the published Swagger
 * files (superoffice-openapi/*.json). Every object is loose: only the fields Smart Sync
 * uses are typed, the rest pass through untouched, so that an object read here (a quote
 * line above all) can be sent back whole, as the Agents API expects.
 *
 * .NET serialises an unset string or carrier as null, so optional fields are nullish.
 */

/** `UserDefinedFields`, `ExtraFields`, `CustomFields`: ProgId or x_name → string value. */
export const fieldDictionarySchema = z.record(z.string(), z.string().nullable());
export type FieldDictionary = z.infer<typeof fieldDictionarySchema>;

const id = z.number().int();
const text = z.string().nullish();
const dateTime = z.string().nullish();

export const saleStatusSchema = z.enum(['Unknown', 'Open', 'Sold', 'Lost', 'Stalled', 'SaintAll']);
export const completedSchema = z.enum(['Unknown', 'NotStarted', 'Started', 'Completed']);

const customFieldBuckets = {
  UserDefinedFields: fieldDictionarySchema.nullish(),
  ExtraFields: fieldDictionarySchema.nullish(),
  CustomFields: fieldDictionarySchema.nullish(),
};

/** `{Value, StrippedValue, Description}`: one e-mail address, phone number or URL. */
export const entityElementSchema = z.looseObject({
  Value: text,
  StrippedValue: text,
  Description: text,
});

// Carriers: the short forms of an entity embedded in another one.

export const contactCarrierSchema = z.looseObject({
  ContactId: id,
  Name: text,
  OrgNr: text,
  Department: text,
  FullName: text,
});

export const personCarrierSchema = z.looseObject({
  PersonId: id,
  Firstname: text,
  MiddleName: text,
  Lastname: text,
  FullName: text,
  Title: text,
  Email: text,
  ContactId: id.nullish(),
});

export const associateCarrierSchema = z.looseObject({
  AssociateId: id,
  Name: text,
  FullName: text,
  PersonId: id.nullish(),
});

export const saleCarrierSchema = z.looseObject({
  SaleId: id,
  Title: text,
  Number: text,
});

export const linkSchema = z.looseObject({
  EntityName: text,
  Id: id,
  Description: text,
  LinkId: id.nullish(),
});

// Entities (GET/PATCH /v1/{Entity}/{id})

/** `SaleEntity` (Sale). */
export const saleEntitySchema = z.looseObject({
  SaleId: id,
  Heading: text,
  Number: text,
  Saledate: dateTime,
  Amount: z.number().nullish(),
  Earning: z.number().nullish(),
  EarningPercent: z.number().nullish(),
  Status: saleStatusSchema.nullish(),
  Contact: contactCarrierSchema.nullish(),
  Person: personCarrierSchema.nullish(),
  Associate: associateCarrierSchema.nullish(),
  CreatedDate: dateTime,
  UpdatedDate: dateTime,
  ...customFieldBuckets,
});
export type SaleEntity = z.infer<typeof saleEntitySchema>;

/** `ContactEntity`: a Company in the UI and in Smart Sync. */
export const contactEntitySchema = z.looseObject({
  ContactId: id,
  Name: text,
  Department: text,
  OrgNr: text,
  Emails: z.array(entityElementSchema).nullish(),
  Associate: associateCarrierSchema.nullish(),
  Persons: z.array(personCarrierSchema).nullish(),
  CreatedDate: dateTime,
  UpdatedDate: dateTime,
  ...customFieldBuckets,
});
export type ContactEntity = z.infer<typeof contactEntitySchema>;

/** `PersonEntity`: a Contact in the UI and in Smart Sync. */
export const personEntitySchema = z.looseObject({
  PersonId: id,
  Firstname: text,
  MiddleName: text,
  Lastname: text,
  FullName: text,
  Title: text,
  Emails: z.array(entityElementSchema).nullish(),
  Contact: contactCarrierSchema.nullish(),
  Associate: associateCarrierSchema.nullish(),
  CreatedDate: dateTime,
  UpdatedDate: dateTime,
  ...customFieldBuckets,
});
export type PersonEntity = z.infer<typeof personEntitySchema>;

/** `AppointmentEntity`: an Activity (follow-up) in Smart Sync. */
export const appointmentEntitySchema = z.looseObject({
  AppointmentId: id,
  Description: text,
  Title: text,
  StartDate: dateTime,
  EndDate: dateTime,
  Type: text,
  Completed: completedSchema.nullish(),
  Associate: associateCarrierSchema.nullish(),
  Contact: contactCarrierSchema.nullish(),
  Person: personCarrierSchema.nullish(),
  Sale: saleCarrierSchema.nullish(),
  Links: z.array(linkSchema).nullish(),
  CreatedDate: dateTime,
  UpdatedDate: dateTime,
  ...customFieldBuckets,
});
export type AppointmentEntity = z.infer<typeof appointmentEntitySchema>;

/**
 * What Smart Sync sends to `POST /v1/Appointment`. References need only their id, as in
 * SuperOffice's own sample (`"Contact": {"ContactId": 17}`); anything else the API accepts
 * may be added.
 */
export interface AppointmentDraft {
  Description: string;
  Title?: string;
  StartDate?: string;
  EndDate?: string;
  Type?: 'inDiary' | 'inChecklist' | 'Note';
  Completed?: z.infer<typeof completedSchema>;
  Associate?: { AssociateId: number };
  Contact?: { ContactId: number };
  Person?: { PersonId: number };
  Sale?: { SaleId: number };
  Task?: { TaskListItemId: number };
  Links?: Array<{ EntityName: string; Id: number; Description?: string }>;
  [field: string]: unknown;
}

// OData archive lists (GET /v1/{Entity}, /v1/{Entity}/{id}/{Sub})

/**
 * Archive ids come as numbers in Full mode and generated samples but as strings in slim
 * examples ("PrimaryKey": "25"); accept both. An empty cell (a person with no company)
 * reads as undefined.
 */
export const archiveIdSchema = z
  .union([id, z.string().regex(/^\d*$/)])
  .nullish()
  .transform((v) => (v === '' || v === null || v === undefined ? undefined : Number(v)));

export function odataListSchema<Row extends z.ZodType>(row: Row) {
  return z.looseObject({
    'odata.nextLink': z.string().nullish(),
    value: z.array(row),
  });
}

/** One row of the `Person` archive with the columns Smart Sync selects. */
export const personArchiveRowSchema = z.looseObject({
  PrimaryKey: archiveIdSchema,
  personId: archiveIdSchema,
  contactId: archiveIdSchema,
  fullName: text,
  'email/emailAddress': text,
});

/** The small, typed answer of the person look-ups. */
export interface PersonMatch {
  personId: number;
  contactId?: number;
  fullName: string;
  email: string;
}

/** One row of the `SaleActivity` archive (documents and follow-ups linked to a sale). */
export const saleActivityRowSchema = z.looseObject({
  PrimaryKey: archiveIdSchema,
  EntityName: text,
  text: text,
  date: text,
  saleId: archiveIdSchema,
  appointmentId: archiveIdSchema,
});

export interface SaleActivity {
  /** Appointment id when `entityName` is "appointment", document id for "document". */
  id: number;
  entityName: string;
  text: string;
  date?: string;
}

// Field metadata: the schemas are the field catalog's, so that both read the same shapes.

export {
  fieldInfoBaseSchema,
  type FieldInfoBase,
  userDefinedFieldInfoSchema,
  type UserDefinedFieldInfo,
  mdoListItemSchema,
  type MdoListItem,
} from './field-catalog';

// Quote agent (POST /v1/Agents/Quote/*). Field names as in Swagger-v1-QuoteAgent.json.

const quoteStatusSchema = z.enum(['Ok', 'OkWithInfo', 'Warning', 'Error']);
const userValueOverrideSchema = z.enum([
  'None',
  'Total',
  'DiscountPercent',
  'DiscountAmount',
  'EarningPercent',
  'EarningAmount',
]);

export const quoteLineSchema = z.looseObject({
  QuoteLineId: id,
  QuoteAlternativeId: id,
  ERPProductKey: text,
  Status: quoteStatusSchema.nullish(),
  Reason: text,
  Name: text,
  Description: text,
  Code: text,
  Rank: id.nullish(),
  Quantity: z.number(),
  UnitCost: z.number().nullish(),
  UnitListPrice: z.number(),
  /** A percentage: 12 % is 12, not 0.12. */
  DiscountPercent: z.number(),
  DiscountAmount: z.number(),
  UserValueOverride: userValueOverrideSchema.nullish(),
  EarningPercent: z.number().nullish(),
  EarningAmount: z.number().nullish(),
  /** Quantity × UnitListPrice. */
  SubTotal: z.number(),
  /** SubTotal − DiscountAmount (or cost + earning, per what was changed last). */
  TotalPrice: z.number(),
});
export type QuoteLine = z.infer<typeof quoteLineSchema>;

/** Quote line fields whose change `RecalculateQuoteLine` must be told about. */
export type QuoteLineChangedField =
  | 'Quantity'
  | 'UnitListPrice'
  | 'DiscountPercent'
  | 'DiscountAmount'
  | 'EarningPercent'
  | 'EarningAmount'
  | 'TotalPrice'
  | 'UnitCost';

export const quoteAlternativeSchema = z.looseObject({
  QuoteAlternativeId: id,
  QuoteVersionId: id,
  Name: text,
  Description: text,
  Status: quoteStatusSchema.nullish(),
  Reason: text,
  DiscountPercent: z.number().nullish(),
  DiscountAmount: z.number().nullish(),
  EarningPercent: z.number().nullish(),
  EarningAmount: z.number().nullish(),
  /** Sum of the lines' TotalPrice. */
  SubTotal: z.number().nullish(),
  /** SubTotal − the alternative's discount. */
  TotalPrice: z.number().nullish(),
});
export type QuoteAlternative = z.infer<typeof quoteAlternativeSchema>;

export const quoteVersionStateSchema = z.enum([
  'Unknown',
  'Draft',
  'DraftNotCalculated',
  'DraftNeedsApproval',
  'DraftApproved',
  'DraftNotApproved',
  'Sent',
  'Archived',
  'Lost',
  'Sold',
]);

export const quoteVersionSchema = z.looseObject({
  QuoteVersionId: id,
  QuoteId: id,
  Description: text,
  Number: text,
  State: quoteVersionStateSchema.nullish(),
  Status: quoteStatusSchema.nullish(),
  /** The alternative "most likely to be accepted": the one whose lines are the Sale's products. */
  LikelyQuoteAlternativeId: id,
  QuoteAlternatives: z.array(quoteAlternativeSchema).nullish(),
});
export type QuoteVersion = z.infer<typeof quoteVersionSchema>;

export const quoteEntitySchema = z.looseObject({
  QuoteId: id,
  SaleId: id,
  QuoteConnectionId: id.nullish(),
  /** The latest version, the only one that may be worked on. */
  ActiveQuoteVersionId: id,
  AcceptedQuoteAlternativeId: id.nullish(),
  /** 1: the Sale's Amount, Earning and EarningPercent follow the likely alternative. */
  UseValuesFromQuote: z.number().int().nullish(),
  PoNumber: text,
  QuoteVersions: z.array(quoteVersionSchema).nullish(),
});
export type QuoteEntity = z.infer<typeof quoteEntitySchema>;

const changedDataItemSchema = z.looseObject({ Tablename: text, RecordId: id });

export const quoteAlternativeRecalculatedSchema = z.looseObject({
  QuoteLinesHasChanged: z.boolean().nullish(),
  ChangedQuoteAlternative: quoteAlternativeSchema.nullish(),
  Changes: z
    .looseObject({
      AddedRecords: z.array(changedDataItemSchema).nullish(),
      UpdatedRecords: z.array(changedDataItemSchema).nullish(),
      DeletedRecords: z.array(changedDataItemSchema).nullish(),
    })
    .nullish(),
});
export type QuoteAlternativeRecalculated = z.infer<typeof quoteAlternativeRecalculatedSchema>;

// Error bodies

/** The REST error body, e.g. `{Error: true, ErrorType: "SoNotFoundException", ErrorMessage: "Contact id 99999 not found", ErrorSource: ...}`. */
export const restErrorBodySchema = z.looseObject({
  Error: z.boolean().nullish(),
  ErrorType: text,
  ErrorMessage: z.string(),
  ErrorSource: text,
});

/** The Agents' "bad parameter" answer, sent with 200 (or with 400 for a malformed request). */
export const agentsInvalidRequestSchema = z.looseObject({
  Message: z.string(),
  MessageDetail: text,
});
