import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CALLBACK_ID,
  CONTRACT_ID,
  type ContractSyncsInput,
  type ContractSyncsResult,
  OUTCOME,
  queueQuery,
  requestRunUpdate,
  RUNNING_OUTCOME,
  type RunRequestAnswer,
  type SigningRequest,
  signingSignal,
  TRIGGER,
} from '../workflow-contract';
import { smartSync } from './smart-sync';

/** How long an idle queue stays open for more requests before it completes. */
const IDLE = '1 minute';
/** How long a run request waits for its run to start before it is answered as queued. */
const START_WAIT = '5 seconds';
/** How many recent workflow ids a queue carries over a continue-as-new. */
const RECENT_KEPT = 200;

/**
 * The runs of one contract, one at a time and in the order they were asked for. Each
 * run fetches the contract from Oneflow when its turn comes, so whichever signing's run
 * goes last writes what the contract says now: SuperOffice ends as the newest signing says.
 * A request for a workflow id this queue already took (a redelivered webhook) starts nothing.
 */
export async function contractSyncs(input: ContractSyncsInput): Promise<ContractSyncsResult> {
  const pending: SigningRequest[] = [...(input.pending ?? [])];
  // In the order taken, so the newest are the ones carried over a continue-as-new.
  const taken = new Set<string>([...(input.recent ?? []), ...pending.map((p) => p.workflowId)]);
  const started = new Map<string, string>();
  const runs: string[] = [];
  let active: string | undefined;

  const accept = (request: SigningRequest): boolean => {
    if (taken.has(request.workflowId)) return false;
    taken.add(request.workflowId);
    pending.push(request);
    return true;
  };
  setHandler(signingSignal, (request) => {
    accept(request);
  });
  setHandler(requestRunUpdate, async (request): Promise<RunRequestAnswer> => {
    const { workflowId } = request;
    if (!accept(request)) return { workflowId, duplicate: true, runId: started.get(workflowId) };
    // Answer with the run once it has started; a run that waits behind another is
    // answered as queued after a few seconds rather than when its turn comes.
    await condition(() => started.has(workflowId), START_WAIT);
    const runId = started.get(workflowId);
    if (runId) return { workflowId, duplicate: false, runId };
    const ahead = active ?? pending[pending.indexOf(request) - 1]?.workflowId;
    return { workflowId, duplicate: false, ...(ahead !== undefined ? { queuedBehind: ahead } : {}) };
  });
  setHandler(queueQuery, () => ({ active, pending: pending.map((p) => p.workflowId) }));

  for (;;) {
    if (!(await condition(() => pending.length > 0, IDLE))) break;
    const request = pending.shift()!;
    active = request.workflowId;
    await runOne(request);
    active = undefined;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof contractSyncs>({
        contractId: input.contractId,
        steps: input.steps,
        pending,
        recent: [...taken].slice(-RECENT_KEPT),
      });
    }
  }
  await condition(allHandlersFinished);
  return { contractId: input.contractId, runs };

  async function runOne(request: SigningRequest): Promise<void> {
    try {
      const child = await startChild(smartSync, {
        workflowId: request.workflowId,
        args: [
          {
            contractId: input.contractId,
            trigger: request.trigger,
            ...(request.eventId !== undefined ? { eventId: request.eventId } : {}),
            ...(request.callbackId !== undefined ? { callbackId: request.callbackId } : {}),
            ...(request.requestedBy !== undefined ? { requestedBy: request.requestedBy } : {}),
            ...(input.steps ? { steps: input.steps } : {}),
          },
        ],
        // A finished run of this signing is not repeated; a failed one may be, so that a
        // redelivery can recover it.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        // A run that has begun writing finishes even if its queue is terminated.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: CONTRACT_ID, value: input.contractId },
          { key: TRIGGER, value: request.trigger },
          { key: OUTCOME, value: RUNNING_OUTCOME },
          ...(request.callbackId !== undefined ? [{ key: CALLBACK_ID, value: request.callbackId }] : []),
        ],
        staticSummary: `Smart Sync of Oneflow contract ${input.contractId} (${request.trigger})`,
      });
      started.set(request.workflowId, child.firstExecutionRunId);
      runs.push(request.workflowId);
      // The run's outcome is its own (in its result and search attributes); the queue moves on.
      await child.result().catch(() => undefined);
    } catch (err) {
      // Synced before this queue existed (an earlier queue, or a run from before 0.2).
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        started.set(request.workflowId, '');
        return;
      }
      throw ApplicationFailure.fromError(err);
    }
  }
}
