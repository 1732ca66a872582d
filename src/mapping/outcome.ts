import { classifyProperty } from '../config/mapping-document';
import { isFailedResource, outcomeStatus } from './outcome-status';

/**
 * The texts of the outcome Activities recorded in SuperOffice (product brief, "The flow",
 * step 4). The first line of each is fixed by the brief; the lines after it are ours: one
 * line per resource, naming the properties and values, so a salesperson can see in the CRM
 * what the contract changed.
 */

export const RESOURCE_TYPES = ['Sale', 'Company', 'Contact', 'Products'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export type ResourceStatus = 'updated' | 'unchanged' | 'failed' | 'skipped';
export type PropertyStatus = 'written' | 'unchanged' | 'skipped' | 'failed';

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

/** Filled by the workflow, one per record it tried to update (or the Products of the Sale). */
export interface ResourceResult {
  type: ResourceType;
  /** SaleId, ContactId (Company), PersonId (Contact), or for Products the SaleId; null when not found. */
  id: number | null;
  /** "Nordlys Interiør AS", "Anna Berg". */
  name?: string | null;
  /** For a Contact: the counterparty participant number it was matched from. */
  participant?: number;
  /**
   * updated: at least one property was written. unchanged: everything already had the value.
   * failed: the record could not be updated at all (see error). skipped: nothing to do.
   * Properties that failed inside an updated record make the record count as failed too.
   */
  status: ResourceStatus;
  error?: string;
  properties: PropertyResult[];
}

export interface SyncResult {
  contractId: number;
  saleId: number | null;
  resources: ResourceResult[];
  /** Plan notes worth showing ("Products are off: …"). */
  notes?: string[];
  /** Set when there was nothing to sync at all, with the reason (SyncPlan.nothingToSyncReason). */
  nothingToSync?: string;
}

export type OutcomeStatus = 'succeeded' | 'partially_failed' | 'failed' | 'unchanged' | 'nothing_to_sync';

export interface OutcomeActivity {
  kind: 'success' | 'failure' | 'info';
  description: string;
}

export interface Outcome {
  status: OutcomeStatus;
  updatedTypes: ResourceType[];
  failedTypes: ResourceType[];
  /** In the order to record them: success first, then failure (the "second Activity"). */
  activities: OutcomeActivity[];
}

export const SUCCESS_PREFIX =
  '[Smart sync] Successfully updated the properties of the following SuperOffice resource types:';
export const FAILURE_PREFIX =
  '[Smart sync] Failed to update the properties of the following SuperOffice resource types:';
export const NOTHING_TO_SYNC_PREFIX = '[Smart sync] Nothing to sync:';
export const UNCHANGED_TEXT =
  "[Smart sync] Nothing to update: SuperOffice already had the contract's values.";

function byTypeOrder(types: Iterable<ResourceType>): ResourceType[] {
  const set = new Set(types);
  return RESOURCE_TYPES.filter((t) => set.has(t));
}

function sortResources(resources: readonly ResourceResult[]): ResourceResult[] {
  // Contacts by participant number; otherwise the workflow's order is kept (the sort is stable).
  const participant = (r: ResourceResult) => r.participant ?? Number.MAX_SAFE_INTEGER;
  return [...resources].sort(
    (a, b) =>
      RESOURCE_TYPES.indexOf(a.type) - RESOURCE_TYPES.indexOf(b.type) || participant(a) - participant(b),
  );
}

/** "Sale 2001", "Company 101 (Nordlys Interiør AS)", "Contact 301 (Anna Berg, participant #1)". */
export function describeResource(r: ResourceResult): string {
  const extras = [r.name, r.participant !== undefined ? `participant #${r.participant}` : null].filter(
    (x): x is string => typeof x === 'string' && x !== '',
  );
  const suffix = extras.length > 0 ? ` (${extras.join(', ')})` : '';
  if (r.type === 'Products') return r.id !== null ? `Products of Sale ${r.id}` : 'Products';
  if (r.id === null) return r.type === 'Contact' ? `Contact${suffix}` : `${r.type}${suffix}`;
  return `${r.type} ${r.id}${suffix}`;
}

function propertyName(p: PropertyResult, type: ResourceType): string {
  if (type === 'Products') return p.property;
  if (p.label && p.label !== p.property && classifyProperty(p.property) !== 'standard') {
    return `${p.label} (${p.property})`;
  }
  return p.property;
}

function successLine(r: ResourceResult): string {
  const written = r.properties
    .filter((p) => p.status === 'written')
    .map((p) =>
      p.display !== undefined ? `${propertyName(p, r.type)} = "${p.display}"` : propertyName(p, r.type),
    );
  const unchanged = r.properties.filter((p) => p.status === 'unchanged').map((p) => propertyName(p, r.type));
  const parts = [written.join('; ')];
  if (unchanged.length > 0) parts.push(`already up to date: ${unchanged.join(', ')}`);
  return `${describeResource(r)}: ${parts.filter((s) => s !== '').join('; ')}`;
}

function skippedLines(resources: readonly ResourceResult[]): string[] {
  return resources.flatMap((r) =>
    r.properties
      .filter((p) => p.status === 'skipped')
      .map(
        (p) =>
          `Skipped on ${describeResource(r)}: ${propertyName(p, r.type)}${p.reason ? `: ${p.reason}` : ''}`,
      ),
  );
}

function failureLine(r: ResourceResult): string {
  const reasons: string[] = [];
  if (r.status === 'failed') reasons.push(r.error ?? 'the update failed');
  for (const p of r.properties.filter((x) => x.status === 'failed')) {
    const from = p.source ? ` from ${p.source}` : '';
    reasons.push(`${propertyName(p, r.type)}${from}: ${p.reason ?? 'failed'}`);
  }
  return `${describeResource(r)}: ${reasons.join('; ')}`;
}

const noteLines = (notes: readonly string[] | undefined) => (notes ?? []).map((n) => `Note: ${n}`);

export function describeOutcome(result: SyncResult): Outcome {
  const resources = sortResources(result.resources);
  const updated = resources.filter((r) => r.status === 'updated');
  const failed = resources.filter(isFailedResource);
  const updatedTypes = byTypeOrder(updated.map((r) => r.type));
  const failedTypes = byTypeOrder(failed.map((r) => r.type));
  const activities: OutcomeActivity[] = [];

  if (updated.length > 0) {
    const lines = [
      `${SUCCESS_PREFIX} ${updatedTypes.join(', ')}.`,
      ...updated.map(successLine),
      ...skippedLines(resources),
      ...noteLines(result.notes),
    ];
    activities.push({ kind: 'success', description: lines.join('\n') });
  }
  if (failed.length > 0) {
    const lines = [`${FAILURE_PREFIX} ${failedTypes.join(', ')}.`, ...failed.map(failureLine)];
    if (updated.length === 0) lines.push(...skippedLines(resources), ...noteLines(result.notes));
    activities.push({ kind: 'failure', description: lines.join('\n') });
  }

  const status = outcomeStatus(resources, result.nothingToSync);
  if (status === 'nothing_to_sync') {
    activities.push({ kind: 'info', description: `${NOTHING_TO_SYNC_PREFIX} ${result.nothingToSync}.` });
  } else if (status === 'unchanged') {
    const lines = [UNCHANGED_TEXT, ...skippedLines(resources), ...noteLines(result.notes)];
    activities.push({ kind: 'info', description: lines.join('\n') });
  }
  return { status, updatedTypes, failedTypes, activities };
}
