import { randomUUID } from 'node:crypto';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  CALLBACK_ID,
  CONTRACT_SYNCS_WORKFLOW,
  type ContractSyncsInput,
  type ContractSyncsWorkflow,
  contractSyncsWorkflowId,
  manualRunWorkflowId,
  requestRunUpdate,
  type SigningRequest,
  signingSignal,
  signingWorkflowId,
  CONTRACT_ID,
  normalizeRecordedResult,
  OUTCOME,
  progressQuery,
  queueQuery,
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
  /** A manual re-run waiting for the contract's active run to finish first. */
  queuedBehind?: string;
}

/** A webhook whose callback_id already started the sync of another signing. */
export class WebhookReplayError extends Error {
  override readonly name = 'WebhookReplayError';
  constructor(
    readonly callbackId: string,
    readonly boundTo: string,
  ) {
    super(`callback_id ${callbackId} belongs to another signing (${boundTo}): a replayed webhook`);
  }
}

/** Updates need a worker to answer; a manual re-run waits this long for one. */
const RUN_REQUEST_DEADLINE_MS = 10_000;

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

  /**
   * A signing from a webhook: signalled to the contract's queue (contractSyncs), which is
   * started if it is not running. The signal is durable as soon as this returns, whether
   * or not a worker is running, so Oneflow can get its 200.
   */
  async startFromWebhook(contractId: number, eventId: number, callbackId: string): Promise<StartedRun> {
    const workflowId = signingWorkflowId(contractId, eventId);
    const existing = await this.existingRun(workflowId);
    if (existing) return { ...existing, duplicate: true };
    await this.checkCallbackBinding(callbackId, workflowId);
    const request: SigningRequest = { workflowId, trigger: 'webhook', eventId, callbackId };
    await this.call(START_DEADLINE_MS, () =>
      this.deps.client.workflow.signalWithStart<ContractSyncsWorkflow, [SigningRequest]>(
        CONTRACT_SYNCS_WORKFLOW,
        {
          ...this.queueOptions(contractId),
          signal: signingSignal,
          signalArgs: [request],
        },
      ),
    );
    return { workflowId, runId: '', link: this.link(workflowId), duplicate: false };
  }

  /**
   * A signing found by reconciliation or a backfill rather than a webhook: the same run id
   * (signingWorkflowId) and the same queue as the webhook path, so whichever comes first
   * starts the sync and the other finds it. Unlike a redelivered webhook, a run of the
   * signing in any state counts as its sync: one that failed or was terminated is left for
   * an operator to re-run, so that a sync that fails for good is not started again on every
   * reconciliation. A signing still waiting in its contract's queue (behind another run of
   * the contract) counts as synced too; should that look fail, the signal is sent anyway,
   * and the queue itself takes a signing only once.
   */
  async startFoundSigning(
    contractId: number,
    eventId: number,
    trigger: 'reconcile' | 'backfill',
  ): Promise<{ workflowId: string; duplicate: boolean }> {
    const workflowId = signingWorkflowId(contractId, eventId);
    try {
      await this.call(START_DEADLINE_MS, () => this.deps.client.workflow.getHandle(workflowId).describe());
      return { workflowId, duplicate: true };
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    if (await this.queuedInContract(contractId, workflowId)) return { workflowId, duplicate: true };
    const request: SigningRequest = { workflowId, trigger, eventId };
    await this.call(START_DEADLINE_MS, () =>
      this.deps.client.workflow.signalWithStart<ContractSyncsWorkflow, [SigningRequest]>(
        CONTRACT_SYNCS_WORKFLOW,
        { ...this.queueOptions(contractId), signal: signingSignal, signalArgs: [request] },
      ),
    );
    return { workflowId, duplicate: false };
  }

  /** Whether the contract's running queue holds this run id, waiting for its turn. */
  private async queuedInContract(contractId: number, workflowId: string): Promise<boolean> {
    const queue = this.deps.client.workflow.getHandle(contractSyncsWorkflowId(contractId));
    try {
      const desc = await this.call(START_DEADLINE_MS, () => queue.describe());
      if (desc.status.name !== 'RUNNING') return false;
      const { active, pending } = await this.call(START_DEADLINE_MS, () => queue.query(queueQuery));
      return active === workflowId || pending.includes(workflowId);
    } catch {
      // No queue, or none that can answer now (no worker for the query, Temporal slow):
      // sending the signal is safe all the same, since the queue dedupes it.
      return false;
    }
  }

  /**
   * A manual re-run: always a new run, queued behind the contract's active run if there is
   * one (it never runs beside it, and never cuts it short). Answers once the run started
   * or was queued; that needs a worker, so it waits at most RUN_REQUEST_DEADLINE_MS.
   */
  async startManual(contractId: number, requestedBy = 'admin'): Promise<StartedRun> {
    const workflowId = manualRunWorkflowId(contractId, randomUUID());
    const request: SigningRequest = { workflowId, trigger: 'manual', requestedBy };
    const answer = await this.call(RUN_REQUEST_DEADLINE_MS, () =>
      this.deps.client.workflow.executeUpdateWithStart(requestRunUpdate, {
        args: [request],
        startWorkflowOperation: new WithStartWorkflowOperation<ContractSyncsWorkflow>(
          CONTRACT_SYNCS_WORKFLOW,
          {
            ...this.queueOptions(contractId),
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          },
        ),
      }),
    );
    return {
      workflowId,
      runId: answer.runId ?? '',
      link: this.link(workflowId, answer.runId),
      duplicate: false,
      ...(answer.queuedBehind ? { queuedBehind: answer.queuedBehind } : {}),
    };
  }

  private queueOptions(contractId: number) {
    return {
      workflowId: contractSyncsWorkflowId(contractId),
      taskQueue: this.deps.taskQueue,
      args: [{ contractId, ...(this.deps.steps ? { steps: this.deps.steps } : {}) }] as [ContractSyncsInput],
      typedSearchAttributes: [{ key: CONTRACT_ID, value: contractId }],
      staticSummary: `Smart Sync runs of Oneflow contract ${contractId}, one at a time`,
    };
  }

  /** The run of a signing that has already been accepted, unless it failed (a redelivery may recover that). */
  private async existingRun(workflowId: string): Promise<Omit<StartedRun, 'duplicate'> | undefined> {
    try {
      const desc = await this.call(START_DEADLINE_MS, () =>
        this.deps.client.workflow.getHandle(workflowId).describe(),
      );
      if (['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED'].includes(desc.status.name)) return undefined;
      return { workflowId, runId: desc.runId, link: this.link(workflowId, desc.runId) };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * The signature covers only callback_id, so a captured webhook could be sent again with
   * another contract or event id. Every run started from a webhook carries its callback_id
   * as a search attribute: a callback_id already bound to another signing is refused.
   * Visibility lags the start by a moment; a replay inside that moment still writes
   * nothing, because the first step checks the event against the contract's own events.
   */
  private async checkCallbackBinding(callbackId: string, workflowId: string): Promise<void> {
    const quoted = callbackId.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const bound = await this.list(`${CALLBACK_ID.name} = '${quoted}'`, 5);
    const other = bound.find((run) => run.workflowId !== workflowId);
    if (other) throw new WebhookReplayError(callbackId, other.workflowId);
  }

  private async call<T>(deadlineMs: number, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.deps.client.connection.withDeadline(Date.now() + deadlineMs, fn);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError)
        throw err;
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
    // The namespace may hold other teams' workflows, whose results are not the admin's to
    // read: anything but this service's own runs is answered as if it did not exist.
    const ours =
      (desc.type === SMART_SYNC_WORKFLOW || desc.type === CONTRACT_SYNCS_WORKFLOW) &&
      desc.taskQueue === this.deps.taskQueue;
    if (!ours) return null;
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
