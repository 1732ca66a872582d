import type { StartSigningSyncOutcome, StartSigningSyncResult } from './signed-contracts';

/**
 * The reconciliation of lost webhooks: a Temporal Schedule (RECONCILE_SCHEDULE_ID) starts
 * a reconcileSignings run every SMART_SYNC_RECONCILE_EVERY; each run lists the contracts
 * Oneflow shows as signed within the last SMART_SYNC_RECONCILE_WINDOW and starts a sync,
 * trigger `reconcile`, for every signing that has none yet. The dedupe key is the signing's
 * own event id, as on the webhook path, so neither path ever syncs a signing twice.
 */
export const RECONCILE_WORKFLOW = 'reconcileSignings';

/**
 * One schedule per deployment: `smart-sync-reconcile` on the default task queue
 * (`smart-sync`), `smart-sync-reconcile-<queue>` beside it, so that deployments (and test
 * runs) sharing a namespace each keep their own.
 */
export function reconcileScheduleId(taskQueue: string): string {
  return taskQueue === 'smart-sync' ? 'smart-sync-reconcile' : `smart-sync-reconcile-${taskQueue}`;
}

export interface ReconcileInput {
  /** How far back a run looks, in milliseconds (SMART_SYNC_RECONCILE_WINDOW). */
  windowMs: number;
  /** Rows per page of Oneflow's list (1–100); default 100. */
  pageSize?: number;
  /** How many signings are checked at once; default RECONCILE_IN_FLIGHT. */
  maxInFlight?: number;
  /** Carried over a continue-as-new: the window being worked through and what was done so far. */
  carried?: ReconcileProgress;
}

export interface ReconcileProgress {
  signedSince: string;
  signedUntil: string;
  offset: number;
  result: ReconcileResult;
}

/** A contract that got a sync from this run. */
export interface ReconciledSigning {
  contractId: number;
  eventId?: number;
  workflowId?: string;
}

/** Per outcome of startSigningSync, and `failed` for a check that failed for good. */
export type ReconcileCounts = Record<StartSigningSyncOutcome | 'failed', number>;

/** What a run looked at and what it started: the run's result in the Web UI. */
export interface ReconcileResult {
  /** The window looked at: [signedSince, signedUntil), ISO 8601. */
  signedSince: string;
  signedUntil: string;
  /** Signed contracts Oneflow listed in the window. */
  listed: number;
  /** Pages of Oneflow's list read. */
  pages: number;
  /** Per outcome: how many of the listed signings were started, already synced, … */
  counts: ReconcileCounts;
  /** The signings this run started syncs for (the first MAX_LISTED_STARTED of them). */
  started: ReconciledSigning[];
  /**
   * Signings whose check failed for good (after the activity's retries): the next run
   * tries them again while they are inside its window. The first MAX_LISTED_STARTED.
   */
  failed: Array<{ contractId: number; error: string }>;
  /** Set when Oneflow's paging limit stopped the run before the window's oldest signing. */
  reachedBack?: string;
}

/**
 * Checks a run has on the Oneflow task queue at once. Few, so that a live webhook's fetch
 * waits behind a handful of reconciliation tasks at most, whether or not the server honours
 * task priorities; the queue's rate limit sets the pace either way.
 */
export const RECONCILE_IN_FLIGHT = 4;

/** A run that starts thousands of syncs lists the first ones and counts the rest. */
export const MAX_LISTED_STARTED = 200;

export function emptyReconcileCounts(): ReconcileCounts {
  return { started: 0, 'already-synced': 0, 'not-signed': 0, 'not-found': 0, failed: 0 };
}

/** A run's result before it looked at anything. */
export function emptyReconcileResult(signedSince: string, signedUntil: string): ReconcileResult {
  return {
    signedSince,
    signedUntil,
    listed: 0,
    pages: 0,
    counts: emptyReconcileCounts(),
    started: [],
    failed: [],
  };
}

/** Adds a signing whose check failed for good. */
export function addFailureToReconcileResult(
  result: ReconcileResult,
  contractId: number,
  error: string,
): void {
  result.counts.failed += 1;
  if (result.failed.length < MAX_LISTED_STARTED) result.failed.push({ contractId, error });
}

/** Adds one signing's answer to a run's result (pure, so the workflow stays small). */
export function addToReconcileResult(result: ReconcileResult, answer: StartSigningSyncResult): void {
  result.counts[answer.outcome] += 1;
  if (answer.outcome === 'started' && result.started.length < MAX_LISTED_STARTED) {
    result.started.push({
      contractId: answer.contractId,
      ...(answer.eventId !== undefined ? { eventId: answer.eventId } : {}),
      ...(answer.workflowId !== undefined ? { workflowId: answer.workflowId } : {}),
    });
  }
}

export type ReconcileSigningsWorkflow = (input: ReconcileInput) => Promise<ReconcileResult>;
