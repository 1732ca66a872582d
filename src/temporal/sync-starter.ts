import { randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  CONTRACT_ID,
  normalizeRecordedResult,
  OUTCOME,
  progressQuery,
  RUNNING_OUTCOME,
  SALE_ID,
  SMART_SYNC_WORKFLOW,
  type SmartSyncInput,
  type SmartSyncResult,
  type SyncProgress,
  TRIGGER,
} from '../workflow-contract';

/** The start call must not hang while Temporal is down: Oneflow gets a 503 and retries. */
const START_DEADLINE_MS = 5_000;

/** Listing runs for a page must not hang either while Temporal is down. */
const LIST_DEADLINE_MS = 10_000;

export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
}

/** gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the server cannot be reached now. Other errors pass through. */
function asUnavailable(err: unknown): unknown {
  // The client wraps gRPC errors in a ServiceError whose cause carries the status code.
  const e = err as Error & { code?: number; cause?: { code?: number; message?: string } };
  const code = e.code ?? e.cause?.code;
  const text = `${e.message ?? ''} ${e.cause?.message ?? ''}`;
  // UNAVAILABLE (14), DEADLINE_EXCEEDED (4), CANCELLED (1), RESOURCE_EXHAUSTED (8): not now, maybe later.
  if (
    (code !== undefined && [1, 4, 8, 14].includes(code)) ||
    /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED/.test(text)
  ) {
    return new TemporalUnavailableError(
      `Temporal is not reachable: ${(e.cause?.message ?? e.message).split('\n')[0]}`,
    );
  }
  return err;
}

export interface StartedRun {
  workflowId: string;
  runId: string;
  link: string;
  /** True when this event's sync had already been started (a redelivery). */
  duplicate: boolean;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  contractId?: number;
  saleId?: number;
  status: string;
  outcome?: string;
  trigger?: string;
  startTime: string;
  closeTime?: string;
  link: string;
}

export interface RunDetail extends RunSummary {
  progress?: SyncProgress;
  result?: SmartSyncResult;
  failure?: string;
}

/**
 * Starts and finds Smart Sync runs. Workflow ids make redelivery safe: one id per
 * Oneflow event, so a redelivered event finds its run instead of starting another,
 * while a re-sign (a new event) and a manual re-run (a new id) start new runs.
 */
export class TemporalSyncStarter {
  constructor(
    private readonly deps: {
      client: Client;
      taskQueue: string;
      namespace: string;
      uiUrl: string;
      steps?: SmartSyncInput['steps'];
    },
  ) {}

  link(workflowId: string, runId?: string): string {
    const base = `${this.deps.uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(this.deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
    return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
  }

  static webhookWorkflowId(contractId: number, eventId: number): string {
    return `smart-sync-contract-${contractId}-event-${eventId}`;
  }

  async startFromWebhook(contractId: number, eventId: number, callbackId: string): Promise<StartedRun> {
    const workflowId = TemporalSyncStarter.webhookWorkflowId(contractId, eventId);
    try {
      const handle = await this.start(
        workflowId,
        { contractId, trigger: 'webhook', eventId, callbackId },
        {
          // A running sync of this event is reused; a finished one is not started again,
          // unless it failed, so that a redelivery can recover a failed run.
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        },
      );
      return {
        workflowId,
        runId: handle.firstExecutionRunId,
        link: this.link(workflowId, handle.firstExecutionRunId),
        duplicate: false,
      };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        return { workflowId, runId: '', link: this.link(workflowId), duplicate: true };
      }
      throw err;
    }
  }

  async startManual(contractId: number, requestedBy = 'admin'): Promise<StartedRun> {
    const workflowId = `smart-sync-contract-${contractId}-manual-${randomUUID()}`;
    const handle = await this.start(workflowId, { contractId, trigger: 'manual', requestedBy }, {});
    return {
      workflowId,
      runId: handle.firstExecutionRunId,
      link: this.link(workflowId, handle.firstExecutionRunId),
      duplicate: false,
    };
  }

  private async start(
    workflowId: string,
    input: SmartSyncInput,
    policies: {
      workflowIdConflictPolicy?: WorkflowIdConflictPolicy;
      workflowIdReusePolicy?: WorkflowIdReusePolicy;
    },
  ) {
    const { client } = this.deps;
    try {
      return await client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
        client.workflow.start<(input: SmartSyncInput) => Promise<SmartSyncResult>>(SMART_SYNC_WORKFLOW, {
          workflowId,
          taskQueue: this.deps.taskQueue,
          args: [{ ...input, steps: this.deps.steps }],
          typedSearchAttributes: [
            { key: CONTRACT_ID, value: input.contractId },
            { key: TRIGGER, value: input.trigger },
            { key: OUTCOME, value: RUNNING_OUTCOME },
          ],
          staticSummary: `Smart Sync of Oneflow contract ${input.contractId} (${input.trigger})`,
          ...policies,
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw err;
      throw asUnavailable(err);
    }
  }

  async listRuns(contractId: number, limit = 50): Promise<RunSummary[]> {
    return this.list(
      `WorkflowType = '${SMART_SYNC_WORKFLOW}' AND ${CONTRACT_ID.name} = ${contractId}`,
      limit,
    );
  }

  /**
   * The latest runs of every contract on this service's task queue, newest first: the
   * settings page's Runs tab. Other deployments sharing the namespace keep their own lists.
   */
  async listRecentRuns(limit = 25): Promise<RunSummary[]> {
    const queue = this.deps.taskQueue.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    return this.list(`WorkflowType = '${SMART_SYNC_WORKFLOW}' AND TaskQueue = '${queue}'`, limit);
  }

  private async list(query: string, limit: number): Promise<RunSummary[]> {
    const { client } = this.deps;
    const runs: RunSummary[] = [];
    try {
      await client.connection.withDeadline(Date.now() + LIST_DEADLINE_MS, () =>
        this.collect(query, limit, runs),
      );
    } catch (err) {
      throw asUnavailable(err);
    }
    // The dev server's SQLite visibility has no ORDER BY: sort here.
    return runs.sort((a, b) => b.startTime.localeCompare(a.startTime));
  }

  private async collect(query: string, limit: number, runs: RunSummary[]): Promise<void> {
    for await (const wf of this.deps.client.workflow.list({ query, pageSize: limit })) {
      runs.push({
        workflowId: wf.workflowId,
        runId: wf.runId,
        contractId: wf.typedSearchAttributes.get(CONTRACT_ID),
        saleId: wf.typedSearchAttributes.get(SALE_ID),
        status: wf.status.name,
        outcome: wf.typedSearchAttributes.get(OUTCOME),
        trigger: wf.typedSearchAttributes.get(TRIGGER),
        startTime: wf.startTime.toISOString(),
        closeTime: wf.closeTime?.toISOString(),
        link: this.link(wf.workflowId, wf.runId),
      });
      if (runs.length >= limit) break;
    }
  }

  /** Status of a run, with its result when finished and its progress while running. */
  async describeRun(workflowId: string, runId?: string): Promise<RunDetail | null> {
    const handle = this.deps.client.workflow.getHandle(workflowId, runId);
    let desc;
    try {
      desc = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
    const detail: RunDetail = {
      workflowId: desc.workflowId,
      runId: desc.runId,
      status: desc.status.name,
      outcome: desc.typedSearchAttributes.get(OUTCOME),
      trigger: desc.typedSearchAttributes.get(TRIGGER),
      contractId: desc.typedSearchAttributes.get(CONTRACT_ID),
      startTime: desc.startTime.toISOString(),
      closeTime: desc.closeTime?.toISOString(),
      link: this.link(desc.workflowId, desc.runId),
    };
    if (desc.status.name === 'RUNNING') {
      detail.progress = await handle.query(progressQuery).catch(() => undefined);
    } else if (desc.status.name === 'COMPLETED') {
      detail.result = normalizeRecordedResult((await handle.result()) as SmartSyncResult);
    } else {
      detail.failure = await handle.result().then(
        () => undefined,
        (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
      );
    }
    return detail;
  }
}
