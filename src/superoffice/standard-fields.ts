import type { MappingObject } from '../config/mapping-document';

/**
 * The standard (non-custom) fields of SaleEntity, ContactEntity (our Company) and
 * PersonEntity (our Contact), from SuperOffice's published Swagger definitions
 * (Swagger-v1-Sale.json, Swagger-v1-Contact.json, Swagger-v1-Person.json).
 *
 * Every field a user might think of mapping is listed, also the ones Smart Sync must not
 * write, so that the catalog can say why. Left out on purpose: the carrier plumbing
 * (UserDefinedFields, ExtraFields, CustomFields: custom fields are listed by ProgId
 * instead; TableRight, FieldProperties) and fields used only in Japanese versions
 * (Kananame, Kanafname, Kanalname, Post1..3).
 */

export type PropertyType =
  'text' | 'integer' | 'decimal' | 'date' | 'datetime' | 'checkbox' | 'list' | 'unsupported';

export interface StandardFieldDefinition {
  property: string;
  label: string;
  type: PropertyType;
  /** Only where the swagger states a limit. */
  maxLength?: number;
  range?: { min: number; max: number };
  /** Set for every field Smart Sync does not write. */
  notReadyReason?: string;
}

export const NOT_READY = {
  savedBySystem: 'system-controlled: set by SuperOffice when the record is saved',
  maintainedBySystem: 'system-controlled: maintained by SuperOffice',
  computed: 'computed: SuperOffice derives it from other fields',
  readOnly: 'read-only in SuperOffice',
  integration: 'system-controlled: kept by the integration (ERP/eJournal) that created the record',
  listReference: 'list reference not supported yet',
  recordReference: 'unsupported type: a reference to another record',
  collection: 'unsupported type: a collection of entries',
  address: 'unsupported type: a structured address',
  workflowState: 'unsupported type: a state that SuperOffice changes through its own workflow',
  publishing: 'not supported: publishing settings are not synced',
  readOnlyCustomField: 'read-only custom field',
} as const;

const text = (property: string, label: string, maxLength?: number): StandardFieldDefinition =>
  maxLength === undefined ? { property, label, type: 'text' } : { property, label, type: 'text', maxLength };
const notReady = (
  property: string,
  label: string,
  reason: string,
  type: PropertyType = 'unsupported',
): StandardFieldDefinition => ({ property, label, type, notReadyReason: reason });

const common = {
  created: [
    notReady('CreatedDate', 'Created', NOT_READY.savedBySystem, 'datetime'),
    notReady('UpdatedDate', 'Updated', NOT_READY.savedBySystem, 'datetime'),
    notReady('CreatedBy', 'Created by', NOT_READY.savedBySystem),
    notReady('UpdatedBy', 'Updated by', NOT_READY.savedBySystem),
  ],
};

const SALE: StandardFieldDefinition[] = [
  text('Heading', 'Heading'),
  text('Number', 'Number'),
  { property: 'Saledate', label: 'Sale date', type: 'datetime' },
  { property: 'Amount', label: 'Amount', type: 'decimal' },
  { property: 'Earning', label: 'Earning', type: 'decimal' },
  { property: 'EarningPercent', label: 'Earning %', type: 'decimal' },
  { property: 'Probability', label: 'Probability %', type: 'integer', range: { min: 0, max: 100 } },
  text('SaleText', 'Sale text'),
  text('Postit', 'Postit note', 2047),
  { property: 'ReopenDate', label: 'Reopen date (stalled sales)', type: 'datetime' },
  notReady('SaleId', 'Sale ID', NOT_READY.savedBySystem, 'integer'),
  ...common.created,
  notReady('NextDueDate', 'Next due date', NOT_READY.maintainedBySystem, 'datetime'),
  notReady('ActiveLinks', 'Active links', NOT_READY.maintainedBySystem, 'integer'),
  notReady('ActiveErpLinks', 'Active ERP links', NOT_READY.maintainedBySystem, 'integer'),
  notReady('Appointment', 'Appointment', NOT_READY.readOnly),
  notReady('Status', 'Status', NOT_READY.workflowState),
  notReady('Completed', 'Completed', NOT_READY.workflowState),
  notReady('Currency', 'Currency', NOT_READY.listReference, 'list'),
  notReady('Competitor', 'Competitor', NOT_READY.listReference, 'list'),
  notReady('Credited', 'Credited', NOT_READY.listReference, 'list'),
  notReady('Rating', 'Rating', NOT_READY.listReference, 'list'),
  notReady('Reason', 'Reason', NOT_READY.listReference, 'list'),
  notReady('Source', 'Source', NOT_READY.listReference, 'list'),
  notReady('SaleType', 'Sale type', NOT_READY.listReference, 'list'),
  notReady('ReasonSold', 'Reason sold', NOT_READY.listReference, 'list'),
  notReady('ReasonStalled', 'Reason stalled', NOT_READY.listReference, 'list'),
  notReady('Associate', 'Owner', NOT_READY.recordReference),
  notReady('Contact', 'Company', NOT_READY.recordReference),
  notReady('Person', 'Contact', NOT_READY.recordReference),
  notReady('Project', 'Project', NOT_READY.recordReference),
  notReady('Links', 'Links', NOT_READY.collection),
  notReady('SaleStakeholders', 'Stakeholders', NOT_READY.collection),
  notReady('VisibleFor', 'Visible for', NOT_READY.collection),
  notReady('PublishEventDate', 'Publish event date', NOT_READY.publishing, 'datetime'),
  notReady('PublishFrom', 'Published from', NOT_READY.publishing, 'datetime'),
  notReady('PublishTo', 'Published to', NOT_READY.publishing, 'datetime'),
  notReady('IsPublished', 'Published', NOT_READY.publishing, 'checkbox'),
];

const COMPANY: StandardFieldDefinition[] = [
  text('Name', 'Name'),
  text('Department', 'Department'),
  text('OrgNr', 'Organisation number (VAT number)'),
  text('Number1', 'Number 1'),
  text('Number2', 'Number 2'),
  text('Description', 'Description (postit note)'),
  { property: 'NoMailing', label: 'No mailing', type: 'checkbox' },
  { property: 'Xstop', label: 'STOP flag', type: 'checkbox' },
  notReady('ContactId', 'Company ID', NOT_READY.savedBySystem, 'integer'),
  ...common.created,
  notReady('ActiveInterests', 'Active interests', NOT_READY.maintainedBySystem, 'integer'),
  notReady('ActiveErpLinks', 'Active ERP links', NOT_READY.maintainedBySystem, 'integer'),
  notReady('ActiveStatusMonitorId', 'Active status monitor', NOT_READY.maintainedBySystem, 'integer'),
  notReady('GroupId', 'Group of original owner', NOT_READY.savedBySystem, 'integer'),
  notReady('UtmParameters', 'UTM parameters', NOT_READY.readOnly),
  notReady('Deleted', 'Deleted', NOT_READY.workflowState, 'integer'),
  notReady('DbiAgentId', 'Integration agent', NOT_READY.integration, 'integer'),
  notReady('DbiKey', 'Integration key', NOT_READY.integration, 'text'),
  notReady('DbiLastModified', 'Integration last modified', NOT_READY.integration, 'datetime'),
  notReady('DbiLastSyncronized', 'Integration last synchronised', NOT_READY.integration, 'datetime'),
  notReady('Business', 'Business', NOT_READY.listReference, 'list'),
  notReady('Category', 'Category', NOT_READY.listReference, 'list'),
  notReady('Country', 'Country', NOT_READY.listReference, 'list'),
  notReady('Interests', 'Interests', NOT_READY.listReference, 'list'),
  notReady('TicketPriority', 'Ticket priority', NOT_READY.listReference, 'list'),
  notReady('CustomerLanguage', 'Customer language', NOT_READY.listReference, 'list'),
  notReady('Associate', 'Our contact (owner)', NOT_READY.recordReference),
  notReady('SupportAssociate', 'Support user', NOT_READY.recordReference),
  notReady('SupportPerson', 'Support contact', NOT_READY.recordReference),
  notReady('Emails', 'Emails', NOT_READY.collection),
  notReady('Phones', 'Phones', NOT_READY.collection),
  notReady('Faxes', 'Faxes', NOT_READY.collection),
  notReady('Urls', 'Web sites', NOT_READY.collection),
  notReady('Persons', 'Contacts', NOT_READY.collection),
  notReady('BounceEmails', 'Bounced emails', NOT_READY.collection),
  notReady('Domains', 'Web domains', NOT_READY.collection),
  notReady('Address', 'Address', NOT_READY.address),
];

const CONTACT: StandardFieldDefinition[] = [
  text('Firstname', 'First name'),
  text('MiddleName', 'Middle name'),
  text('Lastname', 'Last name'),
  text('Title', 'Title'),
  text('Mrmrs', 'Mr/Mrs'),
  text('Salutation', 'Academic title'),
  text('PersonNumber', 'Number'),
  text('Description', 'Description', 2047),
  { property: 'BirthDate', label: 'Birth date', type: 'datetime' },
  { property: 'NoMailing', label: 'No mailing', type: 'checkbox' },
  notReady('PersonId', 'Contact ID', NOT_READY.savedBySystem, 'integer'),
  ...common.created,
  notReady('FullName', 'Full name', NOT_READY.computed, 'text'),
  notReady('FormalName', 'Formal name', NOT_READY.computed, 'text'),
  notReady('Leadstatus', 'Lead status name', NOT_READY.computed, 'text'),
  notReady('IsAssociate', 'Is a user', NOT_READY.readOnly, 'checkbox'),
  notReady('UtmParameters', 'UTM parameters', NOT_READY.readOnly),
  notReady('UserInfo', 'User account', NOT_READY.readOnly),
  notReady('ActiveInterests', 'Active interests', NOT_READY.maintainedBySystem, 'integer'),
  notReady('ActiveErpLinks', 'Active ERP links', NOT_READY.maintainedBySystem, 'integer'),
  notReady('ActiveStatusMonitorId', 'Active status monitor', NOT_READY.maintainedBySystem, 'integer'),
  notReady('CreatedByFormId', 'Created by form', NOT_READY.savedBySystem, 'integer'),
  notReady('Retired', 'Retired', NOT_READY.workflowState, 'checkbox'),
  notReady('DbiAgentId', 'Integration agent', NOT_READY.integration, 'integer'),
  notReady('DbiKey', 'Integration key', NOT_READY.integration, 'text'),
  notReady('DbiLastModified', 'Integration last modified', NOT_READY.integration, 'datetime'),
  notReady('DbiLastSyncronized', 'Integration last synchronised', NOT_READY.integration, 'datetime'),
  notReady('Position', 'Position', NOT_READY.listReference, 'list'),
  notReady('Country', 'Country', NOT_READY.listReference, 'list'),
  notReady('Category', 'Category', NOT_READY.listReference, 'list'),
  notReady('Business', 'Business', NOT_READY.listReference, 'list'),
  notReady('LeadstatusId', 'Lead status', NOT_READY.listReference, 'list'),
  notReady('Interests', 'Interests', NOT_READY.listReference, 'list'),
  notReady('ShipmentTypes', 'Shipment types', NOT_READY.listReference, 'list'),
  notReady('TicketPriority', 'Ticket priority', NOT_READY.listReference, 'list'),
  notReady('CustomerLanguage', 'Customer language', NOT_READY.listReference, 'list'),
  notReady('Contact', 'Company', NOT_READY.recordReference),
  notReady('Associate', 'Owner', NOT_READY.recordReference),
  notReady('SupportAssociate', 'Support user', NOT_READY.recordReference),
  notReady('CorrespondingAssociate', 'Corresponding user', NOT_READY.recordReference),
  notReady('Emails', 'Emails', NOT_READY.collection),
  notReady('OfficePhones', 'Office phones', NOT_READY.collection),
  notReady('MobilePhones', 'Mobile phones', NOT_READY.collection),
  notReady('PrivatePhones', 'Private phones', NOT_READY.collection),
  notReady('OtherPhones', 'Other phones', NOT_READY.collection),
  notReady('Faxes', 'Faxes', NOT_READY.collection),
  notReady('Urls', 'Web sites', NOT_READY.collection),
  notReady('ChatEmails', 'Chat emails', NOT_READY.collection),
  notReady('InternetPhones', 'Internet phones', NOT_READY.collection),
  notReady('Consents', 'Consents', NOT_READY.collection),
  notReady('BounceEmails', 'Bounced emails', NOT_READY.collection),
  notReady('Address', 'Address', NOT_READY.address),
];

export const STANDARD_FIELDS: Readonly<Record<MappingObject, readonly StandardFieldDefinition[]>> = {
  Sale: SALE,
  Company: COMPANY,
  Contact: CONTACT,
};
