/**
 * What a Smart Sync run reports: per SuperOffice record and property, what happened, and
 * how the run ended. Plain JSON: all of it is recorded in the workflow's history, read by
 * the admin API and shown on the settings page.
 */

/**
 * What started a run; also the SmartSyncTrigger search attribute. `reconcile`: the
 * scheduled reconciliation found a signing no webhook had synced; `backfill`: an
 * operator's backfill of past signings.
 */
export const TRIGGERS = ['webhook', 'manual', 'reconcile', 'backfill'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** In the order the outcome Activity lists them. */
export const RESOURCE_TYPES = ['Sale', 'Company', 'Contact', 'Products', 'Document'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * updated: at least one property was written. unchanged: everything already had the value.
 * failed: the record could not be updated at all (see error). skipped: nothing to do.
 */
export const RESOURCE_STATUSES = ['updated', 'unchanged', 'failed', 'skipped'] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

export const PROPERTY_STATUSES = ['written', 'unchanged', 'skipped', 'failed'] as const;
export type PropertyStatus = (typeof PROPERTY_STATUSES)[number];

/**
 * How a run ended; also the SmartSyncOutcome search attribute, which reads `running`
 * until the run ends. Every value but not_signed follows from the resources' statuses.
 */
export const SYNC_OUTCOMES = [
  'succeeded',
  'partially_failed',
  'failed',
  'unchanged',
  'nothing_to_sync',
  'not_signed',
] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];
/** The outcome the resources' statuses decide (a contract that is not signed has none). */
export type UpdatesOutcome = Exclude<SyncOutcome, 'not_signed'>;
/** The SmartSyncOutcome search attribute while a run has not ended. */
export const RUNNING_OUTCOME = 'running';

export interface PropertyResult {
  /** "Number", "SuperOffice:2"; for Products, the product's name. */
  property: string;
  label?: string;
  status: PropertyStatus;
  /** The value written or found, as a person reads it. */
  display?: string;
  /** `data field "po_number"` */
  source?: string;
  /** Why it was skipped or failed. */
  reason?: string;
}

/** One record the run tried to update (or the Products of the Sale). */
export interface ResourceResult {
  type: ResourceType;
  /**
   * SaleId, ContactId (Company), PersonId (Contact), for Products the SaleId, for the
   * Document (the signed PDF) its DocumentId; null when not found or not filed.
   */
  id: number | null;
  /** "Nordlys Interiør AS", "Anna Berg". */
  name?: string | null;
  /** For a Contact: the counterparty participant number it was matched from. */
  participant?: number;
  /** Properties that failed inside an updated record make the record count as failed too. */
  status: ResourceStatus;
  error?: string;
  properties: PropertyResult[];
}

/** The SuperOffice Activities (Appointments) a run recorded, or why it recorded none. */
export interface OutcomeAppointments {
  /** Appointment ids, in the order recorded. */
  appointmentIds: number[];
  /** Set when no Activity could be recorded, e.g. the contract links to no Sale. */
  notRecordedReason?: string;
}

export interface SmartSyncResult {
  contractId: number;
  saleId?: number;
  trigger: Trigger;
  outcome: SyncOutcome;
  resources: ResourceResult[];
  notes: string[];
  appointments?: OutcomeAppointments;
}

/**
 * Runs that ended before the field was renamed carry `activities` in their recorded
 * result; readers of a result from history go through this.
 */
export function normalizeRecordedResult(
  result: SmartSyncResult & { activities?: OutcomeAppointments },
): SmartSyncResult {
  const { activities, ...rest } = result;
  if (rest.appointments === undefined && activities !== undefined)
    return { ...rest, appointments: activities };
  return rest;
}
