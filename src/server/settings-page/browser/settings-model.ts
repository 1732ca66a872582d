import type {
  Mapping,
  MappingDocument,
  MappingObject,
  ParticipantField,
} from '../../../config/mapping-document';
import type { CatalogProperty, PropertyCatalog } from '../../../superoffice/field-catalog';
import type { RunSummary } from '../../../temporal/sync-starter';
import type { PropertyResult, ResourceResult } from '../../../workflow-contract';

/**
 * What the settings page shows and how its edits change the mapping document, without
 * the DOM: the browser runs this file, and the unit tests check it. It runs in the
 * browser as it is, so it imports types only; the few constants it shares with the
 * server are repeated here, and a unit test keeps them equal.
 */

export const OBJECTS: readonly MappingObject[] = ['Sale', 'Company', 'Contact'];
export const PARTICIPANT_FIELDS: readonly ParticipantField[] = ['name', 'email', 'phone_number', 'title'];

export const PARTICIPANT_FIELD_LABELS: Readonly<Record<ParticipantField, string>> = {
  name: 'Name',
  email: 'Email',
  phone_number: 'Phone number',
  title: 'Title',
};

export const OBJECT_HELP: Readonly<Record<MappingObject, string>> = {
  Sale: 'the Sale the contract was created from',
  Company: "the Sale's Company",
  Contact: 'the Contact (person) who signed as that participant',
};

export const TABS = [
  { id: 'smart-sync', label: 'Smart sync' },
  { id: 'mappings', label: 'Mapping SuperOffice properties' },
  { id: 'runs', label: 'Runs' },
  { id: 'connection', label: 'Connection' },
] as const;
export type TabId = (typeof TABS)[number]['id'];

/** The tab a URL fragment names ("#runs"), the first tab for anything else. */
export function tabFromHash(hash: string): TabId {
  const id = hash.replace(/^#/, '');
  return TABS.find((t) => t.id === id)?.id ?? TABS[0].id;
}

/** Arrow keys move between tabs and wrap around; Home and End jump to the ends (WAI-ARIA tabs pattern). */
export function nextTabIndex(current: number, key: string, count: number): number | null {
  switch (key) {
    case 'ArrowRight':
      return (current + 1) % count;
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** What a store with no document yet starts from; the links are the names the brief's example uses. */
export function emptyDocument(): MappingDocument {
  return {
    smartSync: { dataFields: true, products: true },
    links: { sale: 'superoffice_sale_id', company: 'superoffice_company_id' },
    mappings: [],
  };
}

// --- Edits: each returns a new document and leaves the one it was given alone ---

export type SmartSyncToggle =
  'dataFields' | 'products' | 'markSaleSold' | 'attachSignedPdf' | 'addProducts' | 'removeProducts';

/**
 * Turning attachSignedPdf on needs a document type: the one chosen in the picker is taken
 * when the document has none yet (`documentTypeId`).
 */
export function withToggle(
  doc: MappingDocument,
  key: SmartSyncToggle,
  on: boolean,
  documentTypeId?: number,
): MappingDocument {
  const next = structuredClone(doc);
  next.smartSync[key] = on;
  if (
    key === 'attachSignedPdf' &&
    on &&
    next.smartSync.signedPdfDocumentTypeId === undefined &&
    documentTypeId
  )
    next.smartSync.signedPdfDocumentTypeId = documentTypeId;
  return next;
}

export function withDocumentType(doc: MappingDocument, documentTypeId: number): MappingDocument {
  const next = structuredClone(doc);
  next.smartSync.signedPdfDocumentTypeId = documentTypeId;
  return next;
}

/** Adds the mapping at the end, or replaces the one at `index`. */
export function withMapping(doc: MappingDocument, mapping: Mapping, index?: number): MappingDocument {
  const next = structuredClone(doc);
  if (index === undefined) next.mappings.push(structuredClone(mapping));
  else next.mappings[index] = structuredClone(mapping);
  return next;
}

export function withoutMapping(doc: MappingDocument, index: number): MappingDocument {
  const next = structuredClone(doc);
  next.mappings.splice(index, 1);
  return next;
}

export function withLinks(doc: MappingDocument, sale: string, company: string): MappingDocument {
  const next = structuredClone(doc);
  next.links = company.trim() === '' ? { sale: sale.trim() } : { sale: sale.trim(), company: company.trim() };
  return next;
}

// --- The catalog and the ⚡ column ---

/** As SuperOffice does: property names are case-insensitive. */
export function findProperty(
  catalog: PropertyCatalog | null,
  object: MappingObject,
  property: string,
): CatalogProperty | undefined {
  const list = catalog?.[object] ?? [];
  const wanted = property.toLowerCase();
  return list.find((p) => p.property === property) ?? list.find((p) => p.property.toLowerCase() === wanted);
}

export type Readiness =
  | { state: 'ready'; property: CatalogProperty }
  | { state: 'not-ready'; property: CatalogProperty; message: string }
  | { state: 'unknown'; message: string }
  /** The catalog could not be loaded, so nothing can be said. */
  | { state: 'unchecked' };

export function readinessOf(
  mapping: Pick<Mapping, 'object' | 'property'>,
  catalog: PropertyCatalog | null,
): Readiness {
  if (catalog === null) return { state: 'unchecked' };
  const property = findProperty(catalog, mapping.object, mapping.property);
  if (!property) {
    return {
      state: 'unknown',
      message: `SuperOffice has no ${mapping.object} property "${mapping.property}": this mapping fails until it exists.`,
    };
  }
  if (!property.ready) {
    return {
      state: 'not-ready',
      property,
      message: `Not smart-sync-ready: ${property.notReadyReason ?? 'SuperOffice does not let it be written'}. Smart Sync skips it.`,
    };
  }
  return { state: 'ready', property };
}

export function describeSource(mapping: Mapping): string {
  return 'participantField' in mapping
    ? `Participant attribute: ${PARTICIPANT_FIELD_LABELS[mapping.participantField]}`
    : `Data field: ${mapping.dataField}`;
}

export interface MappingRow {
  index: number;
  object: MappingObject;
  /** "Delivery date" when the catalog knows the property, else its key. */
  propertyLabel: string;
  /** The key as mapped: "SuperOffice:2". */
  propertyKey: string;
  source: string;
  participant: string;
  readiness: Readiness;
}

export function mappingRows(doc: MappingDocument, catalog: PropertyCatalog | null): MappingRow[] {
  return doc.mappings.map((mapping, index) => {
    const readiness = readinessOf(mapping, catalog);
    const known =
      readiness.state === 'ready' || readiness.state === 'not-ready' ? readiness.property : undefined;
    return {
      index,
      object: mapping.object,
      propertyLabel: known?.label ?? mapping.property,
      propertyKey: mapping.property,
      source: describeSource(mapping),
      participant: mapping.object === 'Contact' ? String(mapping.participant) : '',
      readiness,
    };
  });
}

export interface PropertyOption {
  value: string;
  label: string;
  ready: boolean;
}

/**
 * The choices of the property list: ready ones first (⚡), then the others with their
 * reason, each group by label. The mapping's own property stays choosable even when
 * SuperOffice does not have it (any more), so editing a row never changes it by itself.
 */
export function propertyOptions(
  catalog: PropertyCatalog | null,
  object: MappingObject,
  current?: string,
): PropertyOption[] {
  const properties = [...(catalog?.[object] ?? [])].sort(
    (a, b) => Number(b.ready) - Number(a.ready) || a.label.localeCompare(b.label),
  );
  const options: PropertyOption[] = properties.map((p) => ({
    value: p.property,
    label: p.ready
      ? `⚡ ${p.label} (${p.property})`
      : `${p.label} (${p.property}) — not ready: ${p.notReadyReason ?? 'not writable'}`,
    ready: p.ready,
  }));
  if (current && !findProperty(catalog, object, current)) {
    options.unshift({ value: current, label: `${current} (not in SuperOffice)`, ready: false });
  }
  return options;
}

// --- The mapping form ---

export interface MappingFormValues {
  object: string;
  property: string;
  sourceKind: 'dataField' | 'participantField';
  dataField: string;
  participantField: string;
  participant: string;
}

export type MappingFormField = keyof MappingFormValues;

export function formValuesOf(mapping?: Mapping): MappingFormValues {
  if (!mapping) {
    return {
      object: 'Sale',
      property: '',
      sourceKind: 'dataField',
      dataField: '',
      participantField: 'title',
      participant: '1',
    };
  }
  return {
    object: mapping.object,
    property: mapping.property,
    sourceKind: 'participantField' in mapping ? 'participantField' : 'dataField',
    dataField: 'dataField' in mapping ? mapping.dataField : '',
    participantField: 'participantField' in mapping ? mapping.participantField : 'title',
    participant: mapping.object === 'Contact' ? String(mapping.participant) : '1',
  };
}

export type FormResult =
  { ok: true; mapping: Mapping } | { ok: false; errors: Array<{ field: MappingFormField; message: string }> };

/**
 * The form's values as a mapping, or what is missing. Only what the form itself can
 * know; the server checks the rest and its messages are shown as they come.
 */
export function mappingFromForm(values: MappingFormValues): FormResult {
  const errors: Array<{ field: MappingFormField; message: string }> = [];
  const object = OBJECTS.find((o) => o === values.object);
  if (!object) errors.push({ field: 'object', message: 'Choose Sale, Company or Contact.' });
  const property = values.property.trim();
  if (property === '')
    errors.push({ field: 'property', message: 'Choose the SuperOffice property to write.' });
  const isContact = object === 'Contact';
  const useParticipantField = isContact && values.sourceKind === 'participantField';
  const dataField = values.dataField.trim();
  if (!useParticipantField && dataField === '') {
    errors.push({
      field: 'dataField',
      message: 'Give the custom_id of the Oneflow data field, e.g. po_number.',
    });
  }
  const participantField = PARTICIPANT_FIELDS.find((f) => f === values.participantField);
  if (useParticipantField && !participantField) {
    errors.push({ field: 'participantField', message: 'Choose the participant attribute.' });
  }
  const participant = Number(values.participant.trim());
  if (isContact && !(/^\d+$/.test(values.participant.trim()) && participant >= 1)) {
    errors.push({
      field: 'participant',
      message: 'Give the participant number: 1, 2, … (a whole number from 1).',
    });
  }
  if (errors.length > 0 || !object) return { ok: false, errors };
  if (object !== 'Contact') return { ok: true, mapping: { object, property, dataField } };
  if (useParticipantField && participantField) {
    return { ok: true, mapping: { object, property, participant, participantField } };
  }
  return { ok: true, mapping: { object, property, participant, dataField } };
}

/**
 * The server's messages about mapping `index` ("mappings[3].dataField: …"), without the
 * prefix, and the ones about anything else, as they are.
 */
export function splitServerErrors(errors: string[], index: number): { mapping: string[]; other: string[] } {
  const prefix = `mappings[${index}]`;
  const mapping: string[] = [];
  const other: string[] = [];
  for (const e of errors) {
    if (e.startsWith(`${prefix}.`) || e.startsWith(`${prefix}:`)) {
      const rest = e.slice(prefix.length);
      mapping.push(rest.startsWith('.') ? rest.slice(1) : rest.replace(/^:\s*/, ''));
    } else other.push(e);
  }
  return { mapping, other };
}

// --- Runs ---

export type Tone = 'success' | 'warning' | 'danger' | 'neutral' | 'running';

const OUTCOMES: Record<string, { label: string; tone: Tone }> = {
  succeeded: { label: 'Succeeded', tone: 'success' },
  partially_failed: { label: 'Partially failed', tone: 'warning' },
  failed: { label: 'Failed', tone: 'danger' },
  unchanged: { label: 'Nothing changed', tone: 'neutral' },
  nothing_to_sync: { label: 'Nothing to sync', tone: 'neutral' },
  not_signed: { label: 'Not signed', tone: 'neutral' },
};

const CLOSED_WITHOUT_RESULT: Record<string, string> = {
  FAILED: 'Workflow failed',
  TERMINATED: 'Terminated',
  CANCELLED: 'Cancelled',
  CANCELED: 'Cancelled',
  TIMED_OUT: 'Timed out',
  CONTINUED_AS_NEW: 'Continued as new',
};

/** The badge of a run: the sync's outcome, or the workflow's state while there is none. */
export function outcomeOf(run: Pick<RunSummary, 'status' | 'outcome'>): { label: string; tone: Tone } {
  if (run.status === 'RUNNING') return { label: 'Running', tone: 'running' };
  const closed = CLOSED_WITHOUT_RESULT[run.status];
  if (closed) return { label: closed, tone: 'danger' };
  const key = (run.outcome ?? '').replace(/-/g, '_');
  return (
    OUTCOMES[key] ?? { label: run.outcome ? run.outcome.replace(/[_-]/g, ' ') : 'Unknown', tone: 'neutral' }
  );
}

export function isRunning(run: Pick<RunSummary, 'status'>): boolean {
  return run.status === 'RUNNING';
}

/** "0.8 s", "12 s", "3 min 5 s", "2 h 4 min"; empty while the run has not closed. */
export function formatDuration(startIso: string, closeIso?: string): string {
  if (!closeIso) return '';
  const ms = Date.parse(closeIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const RESOURCE_STATUS: Record<ResourceResult['status'], { label: string; tone: Tone }> = {
  updated: { label: 'Updated', tone: 'success' },
  unchanged: { label: 'Unchanged', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'danger' },
  skipped: { label: 'Skipped', tone: 'neutral' },
};

export const PROPERTY_STATUS: Record<PropertyResult['status'], { label: string; tone: Tone }> = {
  written: { label: 'Written', tone: 'success' },
  unchanged: { label: 'Unchanged', tone: 'neutral' },
  skipped: { label: 'Skipped', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'danger' },
};

/** "Sale 2001", "Company 101 · Nordlys Interiør AS", "Contact 301 · Anna Berg (participant 1)", "Products of Sale 2001". */
export function resourceTitle(resource: ResourceResult): string {
  const id = resource.id === null ? '(not found)' : String(resource.id);
  if (resource.type === 'Products') return `Products of Sale ${id}`;
  const name = resource.name ? ` · ${resource.name}` : '';
  // The signed PDF's Document has no id until it is filed.
  if (resource.type === 'Document' && resource.id === null) return `Document (not filed)${name}`;
  const participant = resource.participant !== undefined ? ` (participant ${resource.participant})` : '';
  return `${resource.type} ${id}${name}${participant}`;
}
