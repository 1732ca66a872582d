import {
  ActivityFailure,
  continueAsNew,
  metricMeter,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import {
  addFailureToReconcileResult,
  addToReconcileResult,
  emptyReconcileResult,
  ONEFLOW_PRIORITY,
  oneflowTaskQueue,
  RECONCILE_IN_FLIGHT,
  type ReconcileInput,
  type ReconcileResult,
  type SigningSyncActivities,
  signingSyncActivityOptions,
} from '../workflow-contract';

/** `work` for every item, at most `limit` at a time, each settled in the items' order. */
async function atMostAtOnce<T, R>(
  limit: number,
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const settled: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      settled[i] = await work(items[i]!).then(
        (value): PromiseFulfilledResult<R> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return settled;
}

/**
 * One reconciliation: page through the contracts Oneflow lists as signed in the window
 * (the last `windowMs` up to the run's start) and start a sync, trigger `reconcile`, for
 * every signing that has none, by the same run id a webhook would have used. A few checks
 * run at once (RECONCILE_IN_FLIGHT), paced by the Oneflow task queue's rate limit, so a
 * live webhook's fetch waits behind a handful of them at most; their lower task priority
 * lets it go first outright where the server honours priorities.
 */
export async function reconcileSignings(input: ReconcileInput): Promise<ReconcileResult> {
  const { listSignedContracts, startSigningSync } = proxyActivities<SigningSyncActivities>(
    signingSyncActivityOptions({
      taskQueue: oneflowTaskQueue(workflowInfo().taskQueue),
      priorityKey: ONEFLOW_PRIORITY.reconcile,
    }),
  );
  // Exported with the SDK's metrics (GET /metrics) as smart_sync_reconciled_total{outcome}.
  const reconciled = metricMeter.createCounter(
    'smart_sync_reconciled',
    'signings',
    'Signings reconciliation found in its window, by outcome',
  );
  const until = new Date(Date.now());
  const signedUntil = input.carried?.signedUntil ?? until.toISOString();
  const signedSince = input.carried?.signedSince ?? new Date(until.getTime() - input.windowMs).toISOString();
  const result = input.carried?.result ?? emptyReconcileResult(signedSince, signedUntil);
  let offset = input.carried?.offset ?? 0;

  for (;;) {
    const page = await listSignedContracts({
      signedSince,
      signedUntil,
      offset,
      ...(input.pageSize !== undefined ? { limit: input.pageSize } : {}),
    });
    result.pages += 1;
    result.listed += page.contracts.length;
    if (page.reachedBack !== undefined) result.reachedBack = page.reachedBack;
    const answers = await atMostAtOnce(input.maxInFlight ?? RECONCILE_IN_FLIGHT, page.contracts, (c) =>
      startSigningSync({ contractId: c.contractId, trigger: 'reconcile' }),
    );
    answers.forEach((answer, i) => {
      if (answer.status === 'fulfilled') {
        addToReconcileResult(result, answer.value);
        reconciled.add(1, { outcome: answer.value.outcome });
      } else {
        const err: unknown = answer.reason;
        const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
        addFailureToReconcileResult(
          result,
          page.contracts[i]!.contractId,
          cause instanceof Error ? cause.message : String(cause),
        );
        reconciled.add(1, { outcome: 'failed' });
      }
    });
    if (page.nextOffset === undefined) break;
    offset = page.nextOffset;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof reconcileSignings>({
        ...input,
        carried: { signedSince, signedUntil, offset, result },
      });
    }
  }
  return result;
}
