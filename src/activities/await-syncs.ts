import { heartbeat, sleep } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type AwaitSyncsInput, type EndedSync, OUTCOME } from '../workflow-contract';

/** How often the runs are looked at while none has ended. */
const DEFAULT_POLL_MS = 1_000;

/**
 * How a backfill learns that its syncs ended: it does not start them itself (the
 * contract's queue does, as for a webhook), so it cannot await them as children. One
 * describe per run per poll: a backfill holds a handful in flight, so that is a few cheap
 * calls a second against Temporal, and the activity's memory does not grow with the
 * backfill's size. A run not found yet is waiting its turn in its contract's queue.
 */
export function awaitSyncsActivity(deps: { client: Client; pollMs?: number }) {
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  return async function awaitSyncs(input: AwaitSyncsInput): Promise<EndedSync[]> {
    const deadline = Date.now() + input.waitMs;
    for (;;) {
      const ended: EndedSync[] = [];
      for (const workflowId of input.workflowIds) {
        try {
          const desc = await deps.client.workflow.getHandle(workflowId).describe();
          if (desc.status.name === 'RUNNING') continue;
          const outcome = desc.typedSearchAttributes.get(OUTCOME);
          ended.push({ workflowId, status: desc.status.name, ...(outcome !== undefined ? { outcome } : {}) });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      heartbeat();
      if (ended.length > 0 || Date.now() >= deadline) return ended;
      // Cancellable: a cancelled backfill's wait ends here.
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  };
}
