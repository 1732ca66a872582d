import { classifyProperty } from '../config/mapping-document';
import {
  isFailedResource,
  outcomeStatus,
  FAILURE,
  type PlanFailure,
  type PropertyResult,
  RESOURCE_TYPES,
  type ResourceResult,
  type ResourceType,
  type UpdatesOutcome,
} from '../workflow-contract';

/**
 * The texts of the outcome Activities recorded in SuperOffice. The first line of each is
 * the fixed wording admins and reports search for; the lines after it list each resource
 * with the properties and values, so a salesperson can see in the CRM what the contract
 * changed.
 */

/** What describeOutcome reads: the run's resources and notes. */
export interface OutcomeFacts {
  contractId: number;
  saleId: number | null;
  resources: ResourceResult[];
  /** Plan notes worth showing ("Products are off: …"). */
  notes?: string[];
  /** Set when there was nothing to sync at all, with the reason. */
  nothingToSync?: string;
  /** Set when planning failed: nothing was written. */
  planFailure?: PlanFailure;
}

/** One Activity (a SuperOffice Appointment) to record: its kind and its Description. */
export interface OutcomeAppointment {
  kind: 'success' | 'failure' | 'info';
  description: string;
}

/** What a run's resources amount to, and the Activities that say so in SuperOffice. */
export interface OutcomeReport {
  status: UpdatesOutcome;
  updatedTypes: ResourceType[];
  failedTypes: ResourceType[];
  /** In the order to record them: success first, then failure (the "second Activity"). */
  appointments: OutcomeAppointment[];
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

/**
 * Why nothing was written, in words a sales rep can act on or pass on: what went wrong
 * and who can fix it, with SuperOffice's own message last for whoever fixes it.
 */
export function describePlanFailure(failure: PlanFailure): string {
  const detail = failure.message;
  switch (failure.type) {
    case FAILURE.Forbidden:
      return `Smart Sync's SuperOffice user is not allowed to read what the sync needs. An administrator must grant it access in SuperOffice; then re-run the sync. (${detail})`;
    case FAILURE.Unauthorized:
      return `Smart Sync could not sign in to SuperOffice. An administrator must reconnect SuperOffice in Smart Sync's settings page; then re-run the sync. (${detail})`;
    case FAILURE.RateLimited:
    case FAILURE.ServerError:
    case FAILURE.Timeout:
    case FAILURE.Network:
      return `SuperOffice could not be reached for a long time, so Smart Sync gave up. Re-run the sync once SuperOffice works again. (${detail})`;
    case FAILURE.NotFound:
      return `a record the contract points to is missing in SuperOffice. Check the contract's SuperOffice ids; then re-run the sync. (${detail})`;
    default:
      return `Smart Sync could not work out what to update. An administrator can see why in the run's details. (${detail})`;
  }
}

export function describeOutcome(result: OutcomeFacts): OutcomeReport {
  if (result.planFailure) {
    const types =
      result.planFailure.types.length > 0 ? result.planFailure.types : (['Sale'] as ResourceType[]);
    return {
      status: 'failed',
      updatedTypes: [],
      failedTypes: types,
      appointments: [
        {
          kind: 'failure',
          description: [
            `${FAILURE_PREFIX} ${types.join(', ')}.`,
            `Nothing was written: ${describePlanFailure(result.planFailure)}`,
          ].join('\n'),
        },
      ],
    };
  }
  const resources = sortResources(result.resources);
  const updated = resources.filter((r) => r.status === 'updated');
  const failed = resources.filter(isFailedResource);
  const updatedTypes = byTypeOrder(updated.map((r) => r.type));
  const failedTypes = byTypeOrder(failed.map((r) => r.type));
  const appointments: OutcomeAppointment[] = [];

  if (updated.length > 0) {
    const lines = [
      `${SUCCESS_PREFIX} ${updatedTypes.join(', ')}.`,
      ...updated.map(successLine),
      ...skippedLines(resources),
      ...noteLines(result.notes),
    ];
    appointments.push({ kind: 'success', description: lines.join('\n') });
  }
  if (failed.length > 0) {
    const lines = [`${FAILURE_PREFIX} ${failedTypes.join(', ')}.`, ...failed.map(failureLine)];
    if (updated.length === 0) lines.push(...skippedLines(resources), ...noteLines(result.notes));
    appointments.push({ kind: 'failure', description: lines.join('\n') });
  }

  const status = outcomeStatus(resources, result.nothingToSync);
  if (status === 'nothing_to_sync') {
    appointments.push({ kind: 'info', description: `${NOTHING_TO_SYNC_PREFIX} ${result.nothingToSync}.` });
  } else if (status === 'unchanged') {
    const lines = [UNCHANGED_TEXT, ...skippedLines(resources), ...noteLines(result.notes)];
    appointments.push({ kind: 'info', description: lines.join('\n') });
  }
  return { status, updatedTypes, failedTypes, appointments };
}
