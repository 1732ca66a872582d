import {
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  AWAIT_SYNCS_OPTIONS,
  AWAIT_SYNCS_WAIT_MS,
  type BackfillActivities,
  type BackfillInput,
  type BackfillPhase,
  type BackfillResult,
  backfillProgress,
  backfillProgressQuery,
  DEFAULT_BACKFILL_IN_FLIGHT,
  initialBackfillState,
  MAX_BACKFILL_IN_FLIGHT,
  ONEFLOW_PRIORITY,
  oneflowTaskQueue,
  recordEndedSyncs,
  recordListedPage,
  recordStartAnswer,
  recordStartFailure,
  type SigningSyncActivities,
  signingSyncActivityOptions,
  stopBackfillSignal,
} from '../workflow-contract';

/** Continue-as-new at the next page boundary past this many events, to keep the history bounded. */
const HISTORY_LIMIT = 5_000;

/**
 * The backfill of one period (see src/workflow-contract/backfill.ts): page through the
 * contracts Oneflow lists as signed in it, newest first, and start each one's sync, never
 * more than maxInFlight at a time; then wait for the last ones. A dry run only lists.
 */
export async function backfill(input: BackfillInput): Promise<BackfillResult> {
  const { carried, historyLimit = HISTORY_LIMIT, ...request }: BackfillInput = input;
  const info = workflowInfo();
  const maxInFlight = Math.min(
    MAX_BACKFILL_IN_FLIGHT,
    Math.max(1, Math.floor(request.maxInFlight ?? DEFAULT_BACKFILL_IN_FLIGHT)),
  );
  // Oneflow calls share the rate-limited queue with live syncs; the lowest priority lets a
  // live sync's fetch go first wherever the server honours task priorities.
  const { listSignedContracts, startSigningSync } = proxyActivities<SigningSyncActivities>(
    signingSyncActivityOptions({
      taskQueue: oneflowTaskQueue(info.taskQueue),
      priorityKey: ONEFLOW_PRIORITY.backfill,
      // A backfill is not in a hurry: an Oneflow outage of up to an hour is waited out.
      scheduleToCloseTimeout: '1h',
    }),
  );
  const { awaitSyncs } = proxyActivities<BackfillActivities>(AWAIT_SYNCS_OPTIONS);

  const state = carried ?? initialBackfillState(request, new Date().toISOString());
  let phase: BackfillPhase = request.dryRun ? 'listing' : 'syncing';
  let stopping = false;
  const progress = () =>
    backfillProgress({
      backfillId: info.workflowId,
      request: { ...request, maxInFlight },
      state,
      phase,
      now: new Date().toISOString(),
    });
  setHandler(backfillProgressQuery, progress);
  setHandler(stopBackfillSignal, () => {
    stopping = true;
  });

  const waitForSome = async () => {
    const ended = await awaitSyncs({
      workflowIds: state.inFlight.map((s) => s.workflowId),
      waitMs: AWAIT_SYNCS_WAIT_MS,
    });
    recordEndedSyncs(state, ended);
  };

  try {
    while (state.cursor !== null && !stopping) {
      const cursor = state.cursor;
      const page = await listSignedContracts({
        signedSince: request.signedSince,
        signedUntil: cursor.signedUntil,
        offset: cursor.offset,
        ...(request.pageSize !== undefined ? { limit: request.pageSize } : {}),
      });
      recordListedPage(state, page, request.dryRun);
      if (!request.dryRun) {
        for (const contract of page.contracts) {
          while (state.inFlight.length >= maxInFlight) await waitForSome();
          if (stopping) break;
          try {
            recordStartAnswer(
              state,
              await startSigningSync({ contractId: contract.contractId, trigger: 'backfill' }),
            );
          } catch (err) {
            if (isCancellation(err)) throw err;
            // Retried for an hour already, or refused for good: counted, and the rest go on.
            recordStartFailure(state, contract.contractId, failureMessage(err));
          }
        }
      }
      if (stopping) state.cursor = null;
      const now = workflowInfo();
      if (state.cursor !== null && (now.continueAsNewSuggested || now.historyLength > historyLimit)) {
        await continueAsNew<typeof backfill>({
          ...request,
          historyLimit,
          carried: { ...state, continuedAsNew: state.continuedAsNew + 1 },
        });
      }
    }
    phase = 'draining';
    while (state.inFlight.length > 0) await waitForSome();
    phase = stopping ? 'cancelled' : 'completed';
    return progress();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled: nothing more is started; syncs already started belong to their contracts'
    // queues and finish on their own. The run ends with what it did, so GET can show it.
    phase = 'cancelled';
    return progress();
  }
}

function failureMessage(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return (e.cause?.message ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
}
