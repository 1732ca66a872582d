import type { OutcomeStatus, PropertyResult, ResourceResult } from '../mapping/outcome';
import type { PropertyChange } from '../mapping/plan';
import type { QuoteLineChanges } from '../mapping/quote-matching';

/**
 * The data a Smart Sync run passes between its steps and returns. Plain JSON only:
 * everything here is recorded in the workflow's history.
 */

export type Trigger = 'webhook' | 'manual';

/** The steps whose activity options can be overridden per run. */
export type StepName = 'fetchContract' | 'plan' | 'sale' | 'company' | 'contact' | 'products' | 'outcome';

export interface StepOptions {
  startToCloseTimeoutMs?: number;
  initialIntervalMs?: number;
  maximumIntervalMs?: number;
  backoffCoefficient?: number;
  maximumAttempts?: number;
}

export interface SmartSyncInput {
  contractId: number;
  trigger: Trigger;
  /** The Oneflow event that caused a webhook run. */
  eventId?: number;
  callbackId?: string;
  /** Who asked for a manual run, for the record. */
  requestedBy?: string;
  /** Retry and timeout overrides per step, from the service's configuration. */
  steps?: Partial<Record<StepName, StepOptions>>;
}

export type { ResourceResult, PropertyResult, ResourceType } from '../mapping/outcome';

/** How a run ended; also the SmartSyncOutcome search attribute (with "running" while it runs). */
export type Outcome = OutcomeStatus | 'not_signed';

export interface RecordedActivities {
  /** Appointment ids of the Activities recorded in SuperOffice, in the order recorded. */
  appointmentIds: number[];
  /** Set when no Activity could be recorded, e.g. the contract links to no Sale. */
  notRecordedReason?: string;
}

export interface SmartSyncResult {
  contractId: number;
  saleId?: number;
  trigger: Trigger;
  outcome: Outcome;
  resources: ResourceResult[];
  notes: string[];
  activities?: RecordedActivities;
}

export type SyncPhase = 'fetching-contract' | 'planning' | 'updating' | 'recording-outcome' | 'done';

export interface SyncProgress {
  phase: SyncPhase;
  contractId: number;
  saleId?: number;
  resources: ResourceResult[];
  outcome?: Outcome;
}

/** What one entity update activity gets: the record and its changes. */
export interface EntityUpdate {
  type: 'Sale' | 'Company' | 'Contact';
  id: number;
  name?: string | null;
  participant?: number;
  changes: PropertyChange[];
  /** Properties already skipped or failed while planning (not ready, not convertible…). */
  planned: PropertyResult[];
}

/** One quote line to change: absolute values, so that a retry writes the same thing. */
export interface QuoteLineWrite {
  quoteLineId: number;
  /** The product's name, as reported. */
  name: string;
  changes: QuoteLineChanges;
  /** Plain field names for RecalculateQuoteLine: "Quantity", "DiscountPercent"… */
  changedFields: Array<keyof QuoteLineChanges>;
  display: string;
  source: string;
}

export interface ProductsUpdate {
  saleId: number;
  quoteAlternativeId: number;
  lines: QuoteLineWrite[];
  /** Products already settled while planning: unchanged, unmatched, unreadable. */
  planned: PropertyResult[];
}

/** Everything the update steps need, resolved against SuperOffice by the plan step. */
export interface ResolvedPlan {
  saleId?: number;
  companyId?: number;
  sale?: EntityUpdate;
  company?: EntityUpdate;
  contacts: EntityUpdate[];
  products?: ProductsUpdate;
  /** Resources settled before any write: failed (unmatched participant…) or skipped. */
  settled: ResourceResult[];
  notes: string[];
  /** Set when there is nothing to sync at all, with the reason. */
  nothingToSync?: string;
  /** SuperOffice persons to link the outcome Activity to. */
  personIds: number[];
}
