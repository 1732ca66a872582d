import {
  APPOINTMENT_CARRIER,
  ASSOCIATE_CARRIER,
  CONTACT_CARRIER,
  PERSON_CARRIER,
  PROJECT_CARRIER,
  SALE_CARRIER,
} from './entity-schemas';
import { CARRIER_ID_FIELD, type CarrierName } from './entity-kinds';
import { defaultsOf, isPlainObject } from './prop-values';
import type { JsonRecord, SuperOfficeStore } from './store';

/**
 * The short "carrier" objects that stand for a referenced entity inside another one (SuperOffice's
 * swagger: Contact {ContactId, Name, ...}, Person {PersonId, ...}, Associate {AssociateId, ...},
 * Sale {SaleId, Title, ...}). They are stored id-only and filled from the store on every read, so
 * a renamed Company shows its new name inside its Sales at once.
 */

const RIGHTS = { TableRight: { Mask: 'Select', Reason: '' }, FieldProperties: {} };

/** The id a written carrier refers to; 0/absent means none. */
export function carrierId(carrier: CarrierName, value: unknown): number {
  if (!isPlainObject(value)) return 0;
  const raw = value[CARRIER_ID_FIELD[carrier]];
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) return Number(raw.trim());
  return 0;
}

function firstElement(value: unknown): JsonRecord | undefined {
  if (!Array.isArray(value)) return undefined;
  const first: unknown = value[0];
  return isPlainObject(first) ? first : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function nested(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const key of path) cur = isPlainObject(cur) ? cur[key] : undefined;
  return cur;
}

export function personFullName(doc: JsonRecord): string {
  return [doc.Firstname, doc.MiddleName, doc.Lastname]
    .map(text)
    .filter((s) => s !== '')
    .join(' ');
}

export function associateCarrier(store: SuperOfficeStore, id: number): JsonRecord {
  const known = store.associates.get(id);
  return { ...defaultsOf(ASSOCIATE_CARRIER), ...known, AssociateId: id, ...RIGHTS };
}

function associateFullName(store: SuperOfficeStore, ref: unknown): string {
  const id = carrierId('Associate', ref);
  return id ? text(store.associates.get(id)?.FullName) : '';
}

export function contactCarrier(store: SuperOfficeStore, id: number): JsonRecord {
  const doc = store.entity('Contact', id)?.doc;
  if (!doc) return { ...defaultsOf(CONTACT_CARRIER), ContactId: id, ...RIGHTS };
  const name = text(doc.Name);
  const department = text(doc.Department);
  return {
    ...defaultsOf(CONTACT_CARRIER),
    ContactId: id,
    Name: name,
    OrgNr: text(doc.OrgNr),
    Department: department,
    URL: text(firstElement(doc.Urls)?.Value),
    City: text(nested(doc.Address, 'Postal', 'City')),
    DirectPhone: text(firstElement(doc.Phones)?.Value),
    AssociateId: carrierId('Associate', doc.Associate),
    CountryId: Number(nested(doc.Country, 'CountryId') ?? 0) || 0,
    EmailAddress: text(firstElement(doc.Emails)?.Value),
    Kananame: text(doc.Kananame),
    EmailAddressName: text(firstElement(doc.Emails)?.Description),
    URLName: text(firstElement(doc.Urls)?.Description),
    AssociateFullName: associateFullName(store, doc.Associate),
    BusinessName: text(nested(doc.Business, 'Value')),
    CategoryName: text(nested(doc.Category, 'Value')),
    CountryName: text(nested(doc.Country, 'Name')),
    Address: doc.Address ?? null,
    FormattedAddress: text(nested(doc.Address, 'Formatted')),
    FullName: department ? `${name} ${department}` : name,
    IsOwnerContact: false,
    ActiveErpLinks: doc.ActiveErpLinks ?? 0,
    Number1: text(doc.Number1),
    Number2: text(doc.Number2),
    ...RIGHTS,
  };
}

export function personCarrier(store: SuperOfficeStore, id: number): JsonRecord {
  const doc = store.entity('Person', id)?.doc;
  if (!doc) return { ...defaultsOf(PERSON_CARRIER), PersonId: id, ...RIGHTS };
  const contactId = carrierId('Contact', doc.Contact);
  const contact = contactId ? store.entity('Contact', contactId)?.doc : undefined;
  const fullName = personFullName(doc);
  const contactName = text(contact?.Name);
  return {
    ...defaultsOf(PERSON_CARRIER),
    Position: text(nested(doc.Position, 'Value')),
    PersonId: id,
    Mrmrs: text(doc.Mrmrs),
    Firstname: text(doc.Firstname),
    Lastname: text(doc.Lastname),
    MiddleName: text(doc.MiddleName),
    Title: text(doc.Title),
    Description: text(doc.Description),
    Email: text(firstElement(doc.Emails)?.Value),
    FullName: fullName,
    DirectPhone: text(firstElement(doc.OfficePhones)?.Value),
    FormalName: text(doc.FormalName),
    CountryId: Number(nested(doc.Country, 'CountryId') ?? 0) || 0,
    ContactId: contactId,
    ContactName: contactName,
    Retired: doc.Retired === true ? 1 : 0,
    ContactDepartment: text(contact?.Department),
    ContactOrgNr: text(contact?.OrgNr),
    MobilePhone: text(firstElement(doc.MobilePhones)?.Value),
    ContactPhone: text(firstElement(contact?.Phones)?.Value),
    AssociateName: associateFullName(store, doc.Associate),
    AssociateId: carrierId('Associate', doc.Associate),
    UsePersonAddress: doc.UsePersonAddress === true,
    EmailName: text(firstElement(doc.Emails)?.Description),
    ContactFullName: contactName,
    PersonNumber: text(doc.PersonNumber),
    CategoryName: text(nested(doc.Category, 'Value')),
    ...RIGHTS,
  };
}

export function saleCarrier(store: SuperOfficeStore, id: number): JsonRecord {
  const doc = store.entity('Sale', id)?.doc;
  if (!doc) return { ...defaultsOf(SALE_CARRIER), SaleId: id, ...RIGHTS };
  const contactId = carrierId('Contact', doc.Contact);
  const personId = carrierId('Person', doc.Person);
  const person = personId ? store.entity('Person', personId)?.doc : undefined;
  const amount = typeof doc.Amount === 'number' ? doc.Amount : 0;
  const probability = typeof doc.Probability === 'number' ? doc.Probability : 0;
  return {
    ...defaultsOf(SALE_CARRIER),
    ContactName: text(contactId ? store.entity('Contact', contactId)?.doc.Name : ''),
    SaleDate: doc.Saledate ?? null,
    SaleId: id,
    Probability: probability,
    Title: text(doc.Heading),
    Amount: amount,
    Currency: text(nested(doc.Currency, 'Value')),
    AssociateFullName: associateFullName(store, doc.Associate),
    Description: text(doc.SaleText),
    Status: doc.Status,
    WeightedAmount: (amount * probability) / 100,
    ProjectId: carrierId('Project', doc.Project),
    EarningPercent: doc.EarningPercent ?? 0,
    Earning: doc.Earning ?? 0,
    ContactId: contactId,
    AssociateId: carrierId('Associate', doc.Associate),
    PersonId: personId,
    SaleTypeId: Number(nested(doc.SaleType, 'Id') ?? 0) || 0,
    SaleTypeName: text(nested(doc.SaleType, 'Value')),
    PersonFullName: person ? personFullName(person) : '',
    Completed: doc.Completed,
    ActiveErpLinks: doc.ActiveErpLinks ?? 0,
    Number: text(doc.Number),
    ...RIGHTS,
  };
}

function appointmentCarrier(store: SuperOfficeStore, id: number): JsonRecord {
  const doc = store.entity('Appointment', id)?.doc;
  const base = { ...defaultsOf(APPOINTMENT_CARRIER), AppointmentId: id, ...RIGHTS };
  if (!doc) return base;
  return {
    ...base,
    StartDate: doc.StartDate ?? null,
    EndDate: doc.EndDate ?? null,
    Type: doc.Type,
    Description: text(doc.Description),
    PersonId: carrierId('Person', doc.Person),
    ContactId: carrierId('Contact', doc.Contact),
    SaleId: carrierId('Sale', doc.Sale),
    AssociateId: carrierId('Associate', doc.Associate),
    Completed: doc.Completed,
    Title: text(doc.Title),
  };
}

/** The filled carrier for a stored reference, or null when there is none. */
export function fillCarrier(
  store: SuperOfficeStore,
  carrier: CarrierName,
  stored: unknown,
): JsonRecord | null {
  const id = carrierId(carrier, stored);
  if (!id) return null;
  switch (carrier) {
    case 'Contact':
      return contactCarrier(store, id);
    case 'Person':
      return personCarrier(store, id);
    case 'Associate':
      return associateCarrier(store, id);
    case 'Sale':
      return saleCarrier(store, id);
    case 'Project':
      return { ...defaultsOf(PROJECT_CARRIER), ProjectId: id, ...RIGHTS };
    case 'Appointment':
      return appointmentCarrier(store, id);
  }
}
