import {
  ADDRESS,
  APPOINTMENT_ENTITY,
  CONTACT_ENTITY,
  PERSON_ENTITY,
  SALE_ENTITY,
  STRUCTURED_ADDRESS,
  type PropTable,
} from './entity-schemas';
import { defaultsOf } from './prop-values';

/**
 * The four REST entities the emulator serves, and what SuperOffice documents about each.
 * The API's names differ from the UI's: Contact = Company, Person = Contact, Appointment = Activity.
 */

export const ENTITY_NAMES = ['Sale', 'Contact', 'Person', 'Appointment'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

/** Nested references (SuperOffice's "carriers", e.g. {"ContactId": 17}) resolved from the store on read. */
export const CARRIER_NAMES = ['Contact', 'Person', 'Associate', 'Sale', 'Project', 'Appointment'] as const;
export type CarrierName = (typeof CARRIER_NAMES)[number];

export const CARRIER_ID_FIELD: Record<CarrierName, string> = {
  Contact: 'ContactId',
  Person: 'PersonId',
  Associate: 'AssociateId',
  Sale: 'SaleId',
  Project: 'ProjectId',
  Appointment: 'AppointmentId',
};

export interface EntityKind {
  name: EntityName;
  idField: string;
  props: PropTable;
  /** Documented read-only: kept from the stored record on PUT/PATCH/POST; a seed may set them. */
  readOnly: ReadonlySet<string>;
  /** Derived from other data on every read; never stored. */
  computed: ReadonlySet<string>;
  /** Template defaults that differ from the plain type defaults. */
  defaults: Readonly<Record<string, unknown>>;
  /** Seed document collection holding this entity. */
  seedCollection: 'sales' | 'companies' | 'persons' | 'appointments';
}

/**
 * System-maintained on every entity, besides its primary key: created/updated date and user.
 * The per-entity lists below quote SuperOffice's Swagger property descriptions.
 */
const COMMON_READ_ONLY = ['CreatedDate', 'UpdatedDate', 'CreatedBy', 'UpdatedBy'];

function structuredAddress(atype: string): Record<string, unknown> {
  return { ...defaultsOf(STRUCTURED_ADDRESS), AtypeIdx: atype };
}

function address(postal: string, street: string): Record<string, unknown> {
  return {
    ...defaultsOf(ADDRESS),
    LocalizedAddress: [],
    Street: structuredAddress(street),
    Postal: structuredAddress(postal),
  };
}

export const ENTITY_KINDS: Record<EntityName, EntityKind> = {
  Sale: {
    name: 'Sale',
    idField: 'SaleId',
    props: SALE_ENTITY,
    // Read-only on Sale: NextDueDate ("Maintained by the system"), ActiveLinks, ActiveErpLinks, Appointment.
    readOnly: new Set([
      'SaleId',
      ...COMMON_READ_ONLY,
      'NextDueDate',
      'ActiveLinks',
      'ActiveErpLinks',
      'Appointment',
    ]),
    computed: new Set(['NextDueDate', 'ActiveLinks', 'Appointment']),
    defaults: { Status: 'Open', Completed: 'NotStarted' },
    seedCollection: 'sales',
  },
  Contact: {
    name: 'Contact',
    idField: 'ContactId',
    props: CONTACT_ENTITY,
    // Read-only on Contact: UtmParameters ("readonly field"), ActiveInterests, ActiveErpLinks.
    readOnly: new Set([
      'ContactId',
      ...COMMON_READ_ONLY,
      'UtmParameters',
      'ActiveInterests',
      'ActiveErpLinks',
      'Persons',
    ]),
    computed: new Set(['ActiveInterests', 'Persons']),
    defaults: { Address: address('ContactPostalAddress', 'ContactStreetAddress') },
    seedCollection: 'companies',
  },
  Person: {
    name: 'Person',
    idField: 'PersonId',
    props: PERSON_ENTITY,
    // Read-only on Person: IsAssociate ("The property is read-only"), UtmParameters.
    readOnly: new Set([
      'PersonId',
      ...COMMON_READ_ONLY,
      'IsAssociate',
      'UtmParameters',
      'FullName',
      'ActiveInterests',
    ]),
    computed: new Set(['IsAssociate', 'FullName', 'ActiveInterests']),
    defaults: { Address: address('PersonPrivateAddress', 'PersonPrivateAddress') },
    seedCollection: 'persons',
  },
  Appointment: {
    name: 'Appointment',
    idField: 'AppointmentId',
    props: APPOINTMENT_ENTITY,
    // Read-only on Appointment: CreatedBy ("The property is read-only"), PreferredTZLocationData.
    readOnly: new Set(['AppointmentId', ...COMMON_READ_ONLY, 'PreferredTZLocationData', 'ActiveLinks']),
    computed: new Set(['ActiveLinks']),
    defaults: {
      Type: 'inDiary',
      Completed: 'NotStarted',
      Private: 'Public',
      AssignmentStatus: 'None',
      InvitationStatus: 'None',
      BookingType: 'None',
      CautionWarning: 'OK',
      OwnedExternally: 'None',
    },
    seedCollection: 'appointments',
  },
};

/** The entity's JSON with every property at its template default. */
export function entityTemplate(kind: EntityKind): Record<string, unknown> {
  return { ...defaultsOf(kind.props), ...structuredClone(kind.defaults) };
}

/** The carrier type of a property, when it is a reference the store resolves. */
export function carrierOf(kind: EntityKind, prop: string): CarrierName | undefined {
  const type = kind.props[prop];
  if (type?.kind !== 'ref') return undefined;
  return (CARRIER_NAMES as readonly string[]).includes(type.ref) ? (type.ref as CarrierName) : undefined;
}

export function entityKindByName(name: string): EntityKind | undefined {
  const match = ENTITY_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
  return match ? ENTITY_KINDS[match] : undefined;
}
