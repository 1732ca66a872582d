import { z } from 'zod';
import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import type { OneflowClient } from '../oneflow/client';
import { latestSigning, signedInWindow } from '../mapping/signed-window';
import { activityLogger } from './activity-logger';
import { currentAttempt } from './attempt';
import { nonRetryable, toActivityFailure } from './failures';
import {
  FAILURE,
  type SignedContractsPage,
  type SignedContractsPageInput,
  type SigningSyncActivities,
  type StartSigningSyncInput,
  type StartSigningSyncResult,
} from '../workflow-contract';

/** What starting a found signing needs of Temporal (TemporalSyncStarter.startFoundSigning). */
export interface FoundSigningStarter {
  startFoundSigning(
    contractId: number,
    eventId: number,
    trigger: StartSigningSyncInput['trigger'],
  ): Promise<{ workflowId: string; duplicate: boolean }>;
}

const isoTime = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z` });

const pageInputSchema = z
  .strictObject({
    signedSince: isoTime('signedSince'),
    signedUntil: isoTime('signedUntil').optional(),
    offset: z
      .number()
      .int()
      .min(0, 'offset must be 0 or more')
      .max(19_900, "offset must be at most 19900 (Oneflow's deepest)"),
    limit: z.number().int().min(1, 'limit must be 1–100').max(100, 'limit must be 1–100').optional(),
  })
  .refine((i) => i.signedUntil === undefined || Date.parse(i.signedUntil) > Date.parse(i.signedSince), {
    message: 'signedUntil must be later than signedSince',
  });

const startInputSchema = z.strictObject({
  contractId: z.number().int().positive('contractId must be a positive integer'),
  trigger: z.enum(['reconcile', 'backfill'], { error: 'trigger must be "reconcile" or "backfill"' }),
});

function parsed<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw nonRetryable(FAILURE.Rejected, `${what}: ${issue.message}`);
  }
  return result.data;
}

/**
 * The activities reconciliation and backfill share, on the Oneflow task queue: one page
 * of the contracts Oneflow lists as signed in a window, and starting one signing's sync
 * exactly as its webhook would have (same run id, same contract queue).
 */
export function createSigningSyncActivities(deps: {
  oneflow: OneflowClient;
  starter: FoundSigningStarter;
  logger: Logger;
  /** The clock the window's open end is read from (tests pin it). */
  now?: () => number;
}): SigningSyncActivities {
  const now = deps.now ?? Date.now;

  async function listSignedContracts(input: SignedContractsPageInput): Promise<SignedContractsPage> {
    const { signedSince, signedUntil, offset, limit } = parsed(pageInputSchema, input, 'listSignedContracts');
    const oneflow = deps.oneflow.forAttempt(currentAttempt().scope);
    const untilMs = signedUntil ? Date.parse(signedUntil) : now();
    let page;
    try {
      page = await oneflow.listContracts({
        states: ['signed'],
        sort: '-state_updated_time',
        // A contract signed before the window's end was published before it too: with an
        // end given, the contracts published after it are left out of the listing
        // (fewer pages to read past) without losing any signing.
        ...(signedUntil ? { publishedTime: { to: new Date(untilMs) } } : {}),
        offset,
        ...(limit !== undefined ? { limit } : {}),
      });
    } catch (err) {
      throw toActivityFailure(err, 'listing the signed contracts in Oneflow');
    }
    const result = signedInWindow(
      { rows: page.data, offset, count: page.count, hasMore: page.hasMore },
      { sinceMs: Date.parse(signedSince), untilMs },
    );
    activityLogger(deps.logger, { offset }).info(
      { listed: page.data.length, inWindow: result.contracts.length, more: result.nextOffset !== undefined },
      'signed contracts listed from Oneflow',
    );
    return result;
  }

  async function startSigningSync(input: StartSigningSyncInput): Promise<StartSigningSyncResult> {
    const { contractId, trigger } = parsed(startInputSchema, input, 'startSigningSync');
    const attempt = currentAttempt();
    const oneflow = deps.oneflow.forAttempt(attempt.scope);
    const log = activityLogger(deps.logger, { contractId, trigger });
    let events;
    try {
      // Newest first, stopping at the first signing or reset: one page for almost every contract.
      events = await oneflow.listContractEvents(contractId, {
        sort: '-id',
        until: (e) => e.type === 'contract:sign' || e.type === 'contract:signature_reset',
      });
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') {
        log.warn('listed as signed, but Oneflow has no such contract now');
        return { outcome: 'not-found', contractId };
      }
      throw toActivityFailure(err, `listing the events of Oneflow contract ${contractId}`);
    }
    const signing = latestSigning(contractId, events);
    if (!signing.signed) {
      log.info({ reason: signing.reason }, 'no standing signing: nothing started');
      return { outcome: 'not-signed', contractId };
    }
    let started;
    try {
      started = await deps.starter.startFoundSigning(contractId, signing.eventId, trigger);
    } catch (err) {
      throw toActivityFailure(
        err,
        `starting the sync of contract ${contractId}'s signing ${signing.eventId}`,
      );
    }
    attempt.scope.onCall();
    const outcome = started.duplicate ? 'already-synced' : 'started';
    log.info({ eventId: signing.eventId, workflowId: started.workflowId, outcome }, 'signing checked');
    return { outcome, contractId, eventId: signing.eventId, workflowId: started.workflowId };
  }

  return { listSignedContracts, startSigningSync };
}
