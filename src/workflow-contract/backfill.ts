import type { ActivityOptions } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SignedContract, SignedContractsPage, StartSigningSyncResult } from './signed-contracts';

/**
 * The backfill of past signings: an operator names a period ("signed since 1 November"),
 * and one `backfill` run lists the contracts Oneflow shows as signed in it and starts each
 * one's sync (trigger `backfill`) through startSigningSync, the same dedupe key and the
 * same per-contract queue as a webhook, so that a signing is synced once whatever happens
 * to the backfill (a worker killed, an activity retried, a second backfill over the same
 * period). At most `maxInFlight` of its syncs run at a time: the run holds only their ids
 * and its counters, so 10,000 contracts cost no more memory than 100, and the Oneflow
 * queue never holds more than a handful of backfill tasks ahead of a live webhook's.
 */
export const BACKFILL_WORKFLOW = 'backfill';

export function backfillWorkflowId(unique: string): string {
  return `smart-sync-backfill-${unique}`;
}

/** A workflow id this service gave a backfill: what GET /api/backfills/{id} accepts. */
export const BACKFILL_ID_PATTERN = /^smart-sync-backfill-[A-Za-z0-9-]{1,64}$/;

/** Syncs of one backfill running at once, unless the request says otherwise. */
export const DEFAULT_BACKFILL_IN_FLIGHT = 8;
/** The most a request may ask for: beyond it a backfill would crowd live syncs out. */
export const MAX_BACKFILL_IN_FLIGHT = 20;
/** A dry run reports this many of the contracts it would sync and counts the rest. */
export const MAX_BACKFILL_LISTED = 1000;
/** Failures to start a sync are counted; this many are kept with their reason. */
export const MAX_BACKFILL_ERRORS = 20;

export interface BackfillRequest {
  /** ISO 8601: the period is [signedSince, signedUntil). */
  signedSince: string;
  /** ISO 8601, exclusive. Fixed when the backfill is asked for (now, when left out). */
  signedUntil: string;
  /** List what would be synced; start nothing, write nothing. */
  dryRun: boolean;
  /** Backfill syncs running at once: 1–MAX_BACKFILL_IN_FLIGHT. */
  maxInFlight?: number;
  /** Rows per page of Oneflow's list (1–100); default 100. */
  pageSize?: number;
  /** Who asked, for the record. */
  requestedBy?: string;
}

export interface BackfillInput extends BackfillRequest {
  /** Carried over a continue-as-new: where the run is and what it did so far. */
  carried?: BackfillState;
  /** Continue-as-new at the next page past this many history events (default 5,000; tests set it low). */
  historyLimit?: number;
}

/** A sync this backfill started and waits for. */
export interface InFlightSync {
  contractId: number;
  workflowId: string;
}

export interface BackfillCounts {
  /** Signed contracts Oneflow listed in the period so far. */
  listed: number;
  /** Syncs this backfill started. */
  started: number;
  /** Signings that had a sync already (webhook, reconciliation, an earlier backfill). */
  alreadySynced: number;
  /** Listed as signed, but the signing was reset by the time its turn came. */
  notSigned: number;
  /** Listed, but Oneflow no longer has the contract (deleted, or the token cannot see it). */
  notFound: number;
  /** startSigningSync failed for good for these; see `errors`. */
  failedToStart: number;
  /** Started syncs that have ended (in any state). */
  finished: number;
  /** Of those, the ones that ended failed, timed out, cancelled or terminated. */
  syncsFailed: number;
}

export interface BackfillState {
  /** Oneflow's list is read newest signing first; this is where the reading stands. */
  cursor: { signedUntil: string; offset: number } | null;
  counts: BackfillCounts;
  inFlight: InFlightSync[];
  /** When the run began (workflow time, ISO), for the rate and the ETA. */
  startedAt: string;
  /** The oldest signing listed so far: how far back into the period the reading got. */
  oldestListed?: string;
  /** Contracts listed before the window being read now began (a narrower window starts anew). */
  listedBeforeWindow: number;
  /** No more than this many can be in the period: Oneflow's count for the window, plus those before it. */
  upperBound?: number;
  /** A dry run's contracts that would be synced (the first MAX_BACKFILL_LISTED). */
  wouldSync: SignedContract[];
  errors: Array<{ contractId: number; error: string }>;
  pages: number;
  continuedAsNew: number;
}

export const BACKFILL_PHASES = ['listing', 'syncing', 'draining', 'completed', 'cancelled'] as const;
export type BackfillPhase = (typeof BACKFILL_PHASES)[number];

/** What the progress query answers while the run lasts, and the run's result once it ended. */
export interface BackfillProgress {
  backfillId: string;
  signedSince: string;
  signedUntil: string;
  dryRun: boolean;
  maxInFlight: number;
  phase: BackfillPhase;
  counts: BackfillCounts;
  /** Syncs of this backfill running now. */
  inFlight: number;
  /** Contracts whose turn is over: known already synced, not signed, not found, failed to start, or their sync ended. */
  done: number;
  /**
   * How many contracts the period holds: exact once the listing is complete, until then
   * an estimate from how far back into the period the listing got (null before any page).
   */
  total: number | null;
  totalIsEstimate: boolean;
  /** Contracts done per minute since the start. */
  perMinute: number;
  /** Seconds left at that pace; null until there is a pace to go by. */
  etaSeconds: number | null;
  startedAt: string;
  updatedAt: string;
  wouldSync?: SignedContract[];
  errors: Array<{ contractId: number; error: string }>;
}

export type BackfillResult = BackfillProgress;

export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');

/**
 * Stops starting syncs, lets the started ones finish, and ends with phase `cancelled`.
 * Cancelling the workflow itself (Temporal's cancel) does the same without waiting.
 */
export const stopBackfillSignal = defineSignal('stop');

export type BackfillWorkflow = (input: BackfillInput) => Promise<BackfillResult>;

// ---- the activity the backfill waits with -------------------------------------------------

export interface AwaitSyncsInput {
  workflowIds: string[];
  /** Answer after this long even if none has ended, so the history shows the wait. */
  waitMs: number;
}

export interface EndedSync {
  workflowId: string;
  /** Temporal's status name: COMPLETED, FAILED, TIMED_OUT, CANCELLED, TERMINATED, CONTINUED_AS_NEW. */
  status: string;
  /** The SmartSyncOutcome search attribute, when the run set one. */
  outcome?: string;
}

export interface BackfillActivities {
  /** Resolves once at least one of the runs has ended, or after waitMs with none. */
  awaitSyncs(input: AwaitSyncsInput): Promise<EndedSync[]>;
}

/** How long one awaitSyncs call waits before it answers with nothing ended. */
export const AWAIT_SYNCS_WAIT_MS = 60_000;

/**
 * awaitSyncs polls Temporal (not Oneflow), so it runs on the main task queue. It heartbeats
 * every poll, so a lost worker's wait is picked up by another within the heartbeat timeout.
 */
export const AWAIT_SYNCS_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  heartbeatTimeout: '15s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', maximumInterval: '30s', backoffCoefficient: 2 },
};

// ---- pure rules the workflow follows --------------------------------------------------------

export function emptyBackfillCounts(): BackfillCounts {
  return {
    listed: 0,
    started: 0,
    alreadySynced: 0,
    notSigned: 0,
    notFound: 0,
    failedToStart: 0,
    finished: 0,
    syncsFailed: 0,
  };
}

export function initialBackfillState(request: BackfillRequest, now: string): BackfillState {
  return {
    cursor: { signedUntil: request.signedUntil, offset: 0 },
    counts: emptyBackfillCounts(),
    inFlight: [],
    startedAt: now,
    wouldSync: [],
    errors: [],
    pages: 0,
    listedBeforeWindow: 0,
    continuedAsNew: 0,
  };
}

/**
 * Takes in one page of Oneflow's list and says where the reading goes next: the next
 * offset, or, when Oneflow's deepest offset (19,900) stopped the page short of the period's
 * start, a narrower window ending where the reading got (`reachedBack`) read from offset 0,
 * or null when the period is read through.
 */
export function advanceCursor(
  cursor: { signedUntil: string; offset: number },
  page: SignedContractsPage,
): { signedUntil: string; offset: number } | null {
  if (page.nextOffset !== undefined) return { signedUntil: cursor.signedUntil, offset: page.nextOffset };
  if (page.reachedBack !== undefined && page.reachedBack < cursor.signedUntil)
    return { signedUntil: page.reachedBack, offset: 0 };
  return null;
}

/**
 * Records one page's contracts as listed (and, in a dry run, as what would be synced) and
 * moves the cursor on, so that the listing is known complete as soon as its last page is in.
 */
export function recordListedPage(state: BackfillState, page: SignedContractsPage, dryRun: boolean): void {
  if (state.cursor?.offset === 0) state.listedBeforeWindow = state.counts.listed;
  state.upperBound = state.listedBeforeWindow + page.total;
  if (state.cursor) state.cursor = advanceCursor(state.cursor, page);
  state.pages += 1;
  state.counts.listed += page.contracts.length;
  for (const c of page.contracts) {
    if (state.oldestListed === undefined || c.signedAt < state.oldestListed) state.oldestListed = c.signedAt;
    if (dryRun && state.wouldSync.length < MAX_BACKFILL_LISTED) state.wouldSync.push(c);
  }
}

/** Adds one startSigningSync answer; a started sync joins the in-flight set. */
export function recordStartAnswer(state: BackfillState, answer: StartSigningSyncResult): void {
  switch (answer.outcome) {
    case 'started':
      state.counts.started += 1;
      if (answer.workflowId !== undefined)
        state.inFlight.push({ contractId: answer.contractId, workflowId: answer.workflowId });
      else state.counts.finished += 1; // nothing to wait for: the answer named no run
      return;
    case 'already-synced':
      state.counts.alreadySynced += 1;
      return;
    case 'not-signed':
      state.counts.notSigned += 1;
      return;
    case 'not-found':
      state.counts.notFound += 1;
      return;
  }
}

export function recordStartFailure(state: BackfillState, contractId: number, error: string): void {
  state.counts.failedToStart += 1;
  if (state.errors.length < MAX_BACKFILL_ERRORS) state.errors.push({ contractId, error });
}

const FAILED_STATUSES = new Set(['FAILED', 'TIMED_OUT', 'CANCELLED', 'TERMINATED']);

/** Takes the ended syncs out of the in-flight set and counts them. */
export function recordEndedSyncs(state: BackfillState, ended: EndedSync[]): void {
  const byId = new Map(ended.map((e) => [e.workflowId, e]));
  const still: InFlightSync[] = [];
  for (const sync of state.inFlight) {
    const end = byId.get(sync.workflowId);
    if (!end) {
      still.push(sync);
      continue;
    }
    state.counts.finished += 1;
    if (FAILED_STATUSES.has(end.status) || end.outcome === 'failed') state.counts.syncsFailed += 1;
  }
  state.inFlight = still;
}

/** Contracts whose turn is over. */
export function backfillDone(counts: BackfillCounts): number {
  return counts.alreadySynced + counts.notSigned + counts.notFound + counts.failedToStart + counts.finished;
}

/**
 * How many contracts the period holds. Read newest first, the listing has covered
 * [oldestListed, signedUntil) of the period: the count so far scaled by the share of the
 * period covered, but never more than Oneflow's count allows. Exact once the listing is complete.
 */
export function estimateTotal(
  request: Pick<BackfillRequest, 'signedSince' | 'signedUntil'>,
  state: Pick<BackfillState, 'counts' | 'oldestListed' | 'cursor' | 'pages' | 'upperBound'>,
): { total: number | null; estimate: boolean } {
  if (state.cursor === null) return { total: state.counts.listed, estimate: false };
  if (state.pages === 0 || state.oldestListed === undefined) return { total: null, estimate: true };
  const since = Date.parse(request.signedSince);
  const until = Date.parse(request.signedUntil);
  const covered = (until - Date.parse(state.oldestListed)) / (until - since);
  const byTime = covered > 0 ? Math.round(state.counts.listed / Math.min(1, covered)) : Infinity;
  const total = Math.min(byTime, state.upperBound ?? Infinity);
  if (!Number.isFinite(total)) return { total: null, estimate: true };
  return { total: Math.max(state.counts.listed, total), estimate: true };
}

export function backfillProgress(args: {
  backfillId: string;
  request: BackfillRequest;
  state: BackfillState;
  phase: BackfillPhase;
  now: string;
}): BackfillProgress {
  const { request, state, phase, now } = args;
  const { total, estimate } = estimateTotal(request, state);
  const done = request.dryRun ? state.counts.listed : backfillDone(state.counts);
  const minutes = (Date.parse(now) - Date.parse(state.startedAt)) / 60_000;
  const perMinute = minutes > 0 ? done / minutes : 0;
  const finished = phase === 'completed' || phase === 'cancelled';
  const etaSeconds = finished
    ? 0
    : total !== null && perMinute > 0
      ? Math.max(0, Math.round(((total - done) / perMinute) * 60))
      : null;
  return {
    backfillId: args.backfillId,
    signedSince: request.signedSince,
    signedUntil: request.signedUntil,
    dryRun: request.dryRun,
    maxInFlight: request.maxInFlight ?? DEFAULT_BACKFILL_IN_FLIGHT,
    phase,
    counts: { ...state.counts },
    inFlight: state.inFlight.length,
    done,
    total,
    totalIsEstimate: estimate,
    perMinute: Math.round(perMinute * 10) / 10,
    etaSeconds,
    startedAt: state.startedAt,
    updatedAt: now,
    ...(request.dryRun ? { wouldSync: [...state.wouldSync] } : {}),
    errors: [...state.errors],
  };
}
