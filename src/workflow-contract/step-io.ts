import type { PropertyKind } from '../config/mapping-document';
import type { PropertyType } from '../superoffice/standard-fields';
import type { PatchValue } from '../superoffice/value-conversion';
import type { LegacyStepKey, StepName, SyncPhase } from './steps';
import type {
  PropertyResult,
  ResourceResult,
  ResourceType,
  SyncOutcome,
  Trigger,
  UpdatesOutcome,
} from './sync-results';

/**
 * What the workflow and its activities hand each other. Plain JSON only: every value
 * here is recorded in the workflow's history, so a field may be added but never renamed
 * or given another meaning without a patch (see README, "Changing the workflow").
 */

/** Timeout and retry overrides for one step, in milliseconds (SMART_SYNC_RETRY_POLICIES). */
export interface StepOptions {
  /** How long the step keeps retrying in all, its attempts and the waits between them. */
  scheduleToCloseTimeoutMs?: number;
  /** How long one attempt may take. */
  startToCloseTimeoutMs?: number;
  /** An attempt that has not reported progress for this long is taken for lost. */
  heartbeatTimeoutMs?: number;
  initialIntervalMs?: number;
  maximumIntervalMs?: number;
  backoffCoefficient?: number;
  /** 0: no limit but the schedule-to-close timeout. */
  maximumAttempts?: number;
}

/** Keyed by activity name; runs started before the rename may carry the legacy keys. */
export type StepOverrides = Partial<Record<StepName | LegacyStepKey, StepOptions>>;

export interface SmartSyncInput {
  contractId: number;
  trigger: Trigger;
  /** The Oneflow event that caused a webhook run. */
  eventId?: number;
  callbackId?: string;
  /** Who asked for a manual run, for the record. */
  requestedBy?: string;
  steps?: StepOverrides;
}

/** A run of one contract to be made: a signing (webhook), or a re-run (manual). */
export interface SigningRequest {
  /** The run's workflow id: signingWorkflowId for a signing, manualRunWorkflowId for a re-run. */
  workflowId: string;
  trigger: Trigger;
  eventId?: number;
  callbackId?: string;
  requestedBy?: string;
}

export interface ContractSyncsInput {
  contractId: number;
  steps?: StepOverrides;
  /** Requests not run yet, carried over a continue-as-new. */
  pending?: SigningRequest[];
  /** Workflow ids this queue accepted lately, so that a redelivery starts nothing. */
  recent?: string[];
}

export interface ContractSyncsResult {
  contractId: number;
  /** The runs this execution started, in order. */
  runs: string[];
}

export interface SyncProgress {
  phase: SyncPhase;
  contractId: number;
  saleId?: number;
  resources: ResourceResult[];
  outcome?: SyncOutcome;
}

// fetchSignedContract → ContractFacts

/** Runs started before 0.2 pass the contract id alone. */
export interface FetchContractInput {
  contractId: number;
  /** The signing event that started the run: it must be a contract:sign event of this contract. */
  eventId?: number;
  /**
   * false: the event is not checked here. Since 0.5 a webhook's event is checked by its own
   * step (checkSigningEvent), so that every Oneflow activity makes one request, and a found
   * signing (reconcile, backfill) was read from Oneflow by the run that started it.
   */
  checkSigning?: false;
}

// checkSigningEvent → nothing: it fails (SigningNotFound, ContractNotFound) or passes.

export interface SigningEventCheck {
  contractId: number;
  /** The webhook's event: it must be a contract:sign event of this contract. */
  eventId: number;
}

export interface CounterpartyParticipant {
  /** 1-based, over all counterparty parties' participants in API order: what `participant: N` refers to. */
  number: number;
  name: string | null;
  email: string | null;
  phoneNumber: string | null;
  title: string | null;
  partyName: string | null;
  signatory: boolean | null;
  signState: string | null;
}

export interface ProductFact {
  oneflowProductId: string;
  customId: string | null;
  name: string;
  quantity: number | null;
  /** quantity | single_choice | multiple_choice */
  quantityType: string | null;
  /** Per unit, before discount (price_1.base_amount). */
  unitListPrice: number | null;
  /** 10 means 10 %; null when there is none. */
  discountPercent: number | null;
  /** Per unit, as Oneflow gives it; null when there is none. */
  discountAmountPerUnit: number | null;
  /** Per unit, after discount (price_1.amount), for reports. */
  unitFinalPrice: number | null;
  /** Why this product cannot be written, e.g. an unreadable quantity. */
  problems: string[];
}

/** The parts of a signed Oneflow contract that Smart Sync uses. */
export interface ContractFacts {
  contractId: number;
  state: string | null;
  /** When the contract was signed (ISO 8601 date-time, as Oneflow gives it); absent when unknown or not signed. */
  signedAt?: string;
  /** custom_id → value (strings as typed; null when unset). First occurrence wins. */
  dataFields: Record<string, string | null>;
  counterpartyParticipants: CounterpartyParticipant[];
  products: ProductFact[];
}

// resolvePlan → ResolvedPlan

export interface ResolvePlanInput {
  contractId: number;
  facts: ContractFacts;
}

export interface PropertyChange {
  property: string;
  label: string;
  kind: PropertyKind;
  type: PropertyType;
  patchPath: string;
  /** The JSON value to PATCH (custom fields: plain strings; standard fields: their JSON type). */
  value: PatchValue;
  /** The value as a person reads it: "2026-12-15", "Freight", "checked". */
  display: string;
  /** Where the value came from: `data field "po_number"`, `participant #1's title`. */
  source: string;
}

/** What one record update gets: the record and its changes. */
export interface EntityUpdate {
  type: 'Sale' | 'Company' | 'Contact';
  id: number;
  name?: string | null;
  participant?: number;
  changes: PropertyChange[];
  /** Properties already skipped or failed while planning (not ready, not convertible…). */
  planned: PropertyResult[];
}

export interface QuoteLineChanges {
  Quantity?: number;
  UnitListPrice?: number;
  DiscountPercent?: number;
  DiscountAmount?: number;
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

/**
 * smartSync.addProducts: a product of the contract that no quote line matched, to become a
 * new line: from the product catalog by ERPProductKey when it has a custom_id, else free text.
 */
export interface QuoteLineAddition {
  name: string;
  /** The product's custom_id, looked up as the catalog's ERPProductKey; null: a free-text line. */
  erpProductKey: string | null;
  /** Absolute values, as for a matched line. */
  changes: QuoteLineChanges;
  changedFields: Array<keyof QuoteLineChanges>;
  display: string;
  source: string;
}

/** smartSync.removeProducts: a quote line no product of the contract matched, to be deleted. */
export interface QuoteLineRemoval {
  quoteLineId: number;
  /** The line's name (or ERP product key), as reported. */
  name: string;
}

export interface ProductsUpdate {
  saleId: number;
  quoteAlternativeId: number;
  lines: QuoteLineWrite[];
  /** Products already settled while planning: unchanged, unmatched, unreadable. */
  planned: PropertyResult[];
  /** 0.3, smartSync.addProducts. */
  additions?: QuoteLineAddition[];
  /** 0.3, smartSync.removeProducts. */
  removals?: QuoteLineRemoval[];
  /**
   * The quote's line ids when the plan read them: a line outside these that matches an
   * addition was added by an earlier attempt of this step, so a retry does not add it twice.
   */
  knownLineIds?: number[];
}

/**
 * smartSync.attachSignedPdf: what the attach step needs to file the signed contract's PDF as
 * a Document. Ids and words only: the bytes are downloaded and uploaded inside one attempt.
 */
export interface SignedPdfAttachment {
  contractId: number;
  saleId: number;
  companyId?: number;
  /** The first matched Contact (SuperOffice Person). */
  personId?: number;
  /** The document type (SuperOffice document template) chosen in the settings. */
  documentTemplateId: number;
  /** Written into the Document's Description: how a retry finds the Document it created. */
  marker: string;
  /** A PDF larger than this is refused before anything is created in SuperOffice. */
  maxBytes: number;
  /** The Document's date: the day of signing. */
  date?: string;
}

/** Everything the update steps need, resolved against SuperOffice by the plan step. */
export interface ResolvedPlan {
  saleId?: number;
  companyId?: number;
  sale?: EntityUpdate;
  company?: EntityUpdate;
  contacts: EntityUpdate[];
  products?: ProductsUpdate;
  /** 0.3: set when smartSync.attachSignedPdf is on and the contract links to a Sale. */
  signedPdf?: SignedPdfAttachment;
  /** Resources settled before any write: failed (unmatched participant…) or skipped. */
  settled: ResourceResult[];
  notes: string[];
  /** Set when there is nothing to sync at all, with the reason. */
  nothingToSync?: string;
  /** SuperOffice persons to link the outcome Activity to. */
  personIds: number[];
}

/**
 * What a failed plan step knows, carried in its failure's details: enough for the
 * workflow to tell the rep on the Sale that nothing was written, and why.
 */
export interface PlanFailureDetails {
  /** Set once the contract's link names a Sale not known to be missing. */
  saleId?: number;
  companyId?: number;
  /** The record types the mapping document would have updated, in outcome order. */
  types: ResourceType[];
}

/** A plan step that failed for good: nothing was written. */
export interface PlanFailure {
  /** The failure type (FAILURE_TYPES), which decides the words the rep reads. */
  type?: string;
  message: string;
  types: ResourceType[];
}

// recordOutcome

export interface RecordOutcomeInput {
  contractId: number;
  saleId: number;
  companyId?: number;
  personIds: number[];
  resources: ResourceResult[];
  notes: string[];
  nothingToSync?: string;
  /** Set when planning failed: the outcome is a failure Activity saying nothing was written. */
  planFailure?: PlanFailure;
  run: { workflowId: string; runId: string; trigger: Trigger };
}

export interface RecordedOutcome {
  status: UpdatesOutcome;
  appointmentIds: number[];
}

/** The activities on the Oneflow task queue, which a task-queue rate limit paces. */
export interface OneflowActivities {
  fetchSignedContract(input: number | FetchContractInput): Promise<ContractFacts>;
  checkSigningEvent(input: SigningEventCheck): Promise<void>;
}

/** The activities on the main task queue. */
export interface SuperOfficeActivities {
  resolvePlan(input: ResolvePlanInput): Promise<ResolvedPlan>;
  updateSale(update: EntityUpdate): Promise<ResourceResult>;
  updateCompany(update: EntityUpdate): Promise<ResourceResult>;
  updateContact(update: EntityUpdate): Promise<ResourceResult>;
  updateProducts(update: ProductsUpdate): Promise<ResourceResult>;
  attachSignedPdf(attachment: SignedPdfAttachment): Promise<ResourceResult>;
  recordOutcome(input: RecordOutcomeInput): Promise<RecordedOutcome>;
}

export type SmartSyncActivities = OneflowActivities & SuperOfficeActivities;

// Every step is an activity and every activity a step: a name added to one and not the
// other fails the type check here.
type SameKeys<A, B> = [Exclude<keyof A, B>, Exclude<B, keyof A>] extends [never, never] ? true : never;
export const STEPS_ARE_THE_ACTIVITIES: SameKeys<SmartSyncActivities, StepName> = true;
