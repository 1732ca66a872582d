import type { ActivityOptions, Duration } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES } from './failure-types';

/**
 * Finding signings that no webhook brought, and starting their syncs: the activities the
 * scheduled reconciliation (reconcileSignings) and the operator's backfill share. Both
 * call Oneflow, so both run on the rate-limited Oneflow task queue (oneflowTaskQueue),
 * beside the webhook syncs' fetchSignedContract, and spend the same budget.
 */

/** One page of the contracts Oneflow lists as signed in [signedSince, signedUntil). ISO-8601 strings. */
export interface SignedContractsPageInput {
  signedSince: string;
  /** Exclusive; unset: up to now. */
  signedUntil?: string;
  /** Where Oneflow's list is read from: 0 first, then the page's `nextOffset`. */
  offset: number;
  /** Rows asked of Oneflow per page: 1–100 (Oneflow's maximum), default 100. */
  limit?: number;
}

export interface SignedContract {
  contractId: number;
  /** When Oneflow says the contract became signed (its state_updated_time), as ISO 8601 in UTC. */
  signedAt: string;
}

export interface SignedContractsPage {
  /** The contracts of this page signed inside the window, newest signing first. */
  contracts: SignedContract[];
  /**
   * Oneflow's `count` for the query asked: every signed contract it matched, inside the
   * window or not (Oneflow documents no filter on the signing time, see listSignedContracts),
   * so an upper bound of what the window holds, for progress.
   */
  total: number;
  /** Set when there may be more signings in the window: the offset of the next page. */
  nextOffset?: number;
  /**
   * Set when the window goes on beyond the deepest offset Oneflow lets a list be read to
   * (19,900): the signings older than `reachedBack` in the window were not listed. A
   * narrower `signedUntil` reaches them.
   */
  reachedBack?: string;
}

/** Starts (or finds) the sync of one signing, by the same dedupe key as the webhook path. */
export interface StartSigningSyncInput {
  contractId: number;
  trigger: 'reconcile' | 'backfill';
}

/**
 * - started: the signing had no sync; one was asked of the contract's queue (the queue
 *   itself starts nothing for a signing it took already, so two callers at once start one).
 * - already-synced: the signing has a run (from a webhook, reconciliation or backfill), in
 *   whatever state: a failed or terminated run is left for an operator to re-run, so that
 *   a sync that fails for good is not started again every reconciliation.
 * - not-signed: Oneflow's events say the contract's last signing was reset (or there is none).
 * - not-found: Oneflow has no such contract now (deleted, or the token cannot see it).
 */
export type StartSigningSyncOutcome = 'started' | 'already-synced' | 'not-signed' | 'not-found';

export interface StartSigningSyncResult {
  outcome: StartSigningSyncOutcome;
  contractId: number;
  /** The signing's contract:sign event: the dedupe key the webhook carries. */
  eventId?: number;
  /** The signing's run: signingWorkflowId(contractId, eventId). */
  workflowId?: string;
}

export interface SigningSyncActivities {
  listSignedContracts(input: SignedContractsPageInput): Promise<SignedContractsPage>;
  startSigningSync(input: StartSigningSyncInput): Promise<StartSigningSyncResult>;
}

export const SIGNING_SYNC_ACTIVITY = {
  listSignedContracts: 'listSignedContracts',
  startSigningSync: 'startSigningSync',
} as const satisfies Record<keyof SigningSyncActivities, string>;

/**
 * Task priorities on the shared Oneflow queue (Temporal's priorityKey: lower goes first,
 * 3 is the default a webhook sync's fetch gets). When the queue has a backlog under its
 * rate limit, live webhook syncs are handed out first, reconciliation next, backfill last.
 */
export const ONEFLOW_PRIORITY = { webhook: 3, reconcile: 4, backfill: 5 } as const;

export interface SigningSyncActivityOptions {
  /** The Oneflow task queue: oneflowTaskQueue(workflowInfo().taskQueue). */
  taskQueue: string;
  priorityKey: number;
  /** How long one call keeps retrying in all; default 10 minutes. */
  scheduleToCloseTimeout?: Duration;
}

/**
 * Both activities make a few HTTP calls per attempt (a page of Oneflow's list; a
 * contract's events and two Temporal calls), heartbeating after each. Transient failures
 * are retried for ten minutes by default, less than the default reconciliation interval,
 * so that a run does not outlive the next one's turn by much; what retrying cannot fix
 * stops at once, by the same failure table as every step.
 */
export function signingSyncActivityOptions(options: SigningSyncActivityOptions): ActivityOptions {
  return {
    taskQueue: options.taskQueue,
    scheduleToCloseTimeout: options.scheduleToCloseTimeout ?? '10m',
    startToCloseTimeout: '30s',
    heartbeatTimeout: '20s',
    priority: { priorityKey: options.priorityKey },
    retry: {
      initialInterval: '2s',
      maximumInterval: '1m',
      backoffCoefficient: 2,
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
    },
  };
}
