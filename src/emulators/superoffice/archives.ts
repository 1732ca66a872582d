import type { ArchiveColumn, ArchiveProvider } from './archive-query';
import { carrierId, personFullName } from './carriers';
import { isPlainObject } from './prop-values';
import type { JsonRecord, SuperOfficeStore } from './store';

/**
 * The archive providers behind the list endpoints the emulator serves. Column names are those of
 * SuperOffice's archive provider reference (SuperOfficeDocs, docs/en/api/archive-providers/
 * reference/{person,saleactivity,findappointment}.md); each provider offers the subset listed here.
 *   Person          → GET /v1/Person, GET /v1/Contact/{id}/Persons
 *   SaleActivity    → GET /v1/Sale/{id}/Activities (follow-ups only; documents are not emulated)
 *   FindAppointment → GET /v1/Appointment
 */

interface Row {
  id: number;
  doc: JsonRecord;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function elementValues(value: unknown): string[] {
  return Array.isArray(value) ? value.filter(isPlainObject).map((e) => text(e.Value)) : [];
}

function column(
  name: string,
  type: ArchiveColumn<Row>['type'],
  get: (row: Row) => unknown,
): ArchiveColumn<Row> {
  return { name, type, get };
}

export function personRows(store: SuperOfficeStore): Row[] {
  return [...store.entities.Person].map(([id, p]) => ({ id, doc: p.doc }));
}

export function personArchive(store: SuperOfficeStore): ArchiveProvider<Row> {
  const contactName = (row: Row) => {
    const id = carrierId('Contact', row.doc.Contact);
    return id ? text(store.entity('Contact', id)?.doc.Name) : '';
  };
  return {
    entityName: 'person',
    primaryKey: (row) => row.id,
    columns: [
      column('personId', 'int', (r) => r.id),
      column('firstName', 'string', (r) => text(r.doc.Firstname)),
      column('middleName', 'string', (r) => text(r.doc.MiddleName)),
      column('lastName', 'string', (r) => text(r.doc.Lastname)),
      column('fullName', 'string', (r) => personFullName(r.doc)),
      column('mrMrs', 'string', (r) => text(r.doc.Mrmrs)),
      column('title', 'string', (r) => text(r.doc.Title)),
      column('personNumber', 'string', (r) => text(r.doc.PersonNumber)),
      column('contactId', 'int', (r) => carrierId('Contact', r.doc.Contact)),
      column('personContact/name', 'string', contactName),
      column('retired', 'bool', (r) => r.doc.Retired === true),
      column('rank', 'int', (r) => (typeof r.doc.Rank === 'number' ? r.doc.Rank : 0)),
      // Every address of the person: a filter matches any of them, the row shows the first.
      column('email/emailAddress', 'string', (r) => elementValues(r.doc.Emails)),
      column('personUpdatedDate', 'date', (r) => r.doc.UpdatedDate ?? null),
      column('personRegisteredDate', 'date', (r) => r.doc.CreatedDate ?? null),
    ],
    // The emulator's choice: SuperOffice's docs name no default column set.
    defaultColumns: ['personId', 'fullName', 'firstName', 'lastName', 'title', 'contactId', 'email'],
    // "email" is shorthand for email/emailAddress here (so that `$filter=email eq 'x'` works).
    aliases: { email: 'email/emailAddress', contactName: 'personContact/name' },
  };
}

function activityColumns(): ArchiveColumn<Row>[] {
  return [
    column('date', 'date', (r) => r.doc.StartDate ?? null),
    column('endDate', 'date', (r) => r.doc.EndDate ?? null),
    column('type', 'string', (r) => (isPlainObject(r.doc.Task) ? text(r.doc.Task.Value) : '')),
    column('text', 'string', (r) => text(r.doc.Description)),
    column('associateId', 'int', (r) => carrierId('Associate', r.doc.Associate)),
    column('contactId', 'int', (r) => carrierId('Contact', r.doc.Contact)),
    column('personId', 'int', (r) => carrierId('Person', r.doc.Person)),
    column('saleId', 'int', (r) => carrierId('Sale', r.doc.Sale)),
    column('completed', 'bool', (r) => r.doc.Completed === 'Completed'),
    column('location', 'string', (r) => text(r.doc.Location)),
    column('registeredDate', 'date', (r) => r.doc.CreatedDate ?? null),
    column('updatedDate', 'date', (r) => r.doc.UpdatedDate ?? null),
  ];
}

const ACTIVITY_DEFAULTS = [
  'date',
  'type',
  'text',
  'associateId',
  'contactId',
  'personId',
  'saleId',
  'completed',
];

export function appointmentRows(store: SuperOfficeStore, ids?: number[]): Row[] {
  const all = [...store.entities.Appointment].map(([id, a]) => ({ id, doc: a.doc }));
  return ids === undefined ? all : all.filter((r) => ids.includes(r.id));
}

/** The follow-ups of one sale; linked through Links or through their Sale, saleId shows the sale. */
export function saleActivityArchive(saleId: number): ArchiveProvider<Row> {
  return {
    entityName: 'appointment',
    primaryKey: (row) => row.id,
    columns: [
      column('appointmentId', 'int', (r) => r.id),
      ...activityColumns().map((c) => (c.name === 'saleId' ? column('saleId', 'int', () => saleId) : c)),
    ],
    defaultColumns: ACTIVITY_DEFAULTS,
    // The provider's entities; documents are not emulated, so `$entities=document` finds none.
    entities: ['document', 'appointment'],
  };
}

export function findAppointmentArchive(): ArchiveProvider<Row> {
  return {
    entityName: 'appointment',
    primaryKey: (row) => row.id,
    columns: [column('appointmentId', 'int', (r) => r.id), ...activityColumns()],
    defaultColumns: ['appointmentId', ...ACTIVITY_DEFAULTS],
  };
}
