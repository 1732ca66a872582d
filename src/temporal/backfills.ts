import { randomUUID } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import {
  BACKFILL_WORKFLOW,
  type BackfillProgress,
  type BackfillRequest,
  type BackfillWorkflow,
  backfillProgressQuery,
  backfillWorkflowId,
  TRIGGER,
} from '../workflow-contract';
import { TemporalUnavailableError } from './sync-starter';

/** Temporal calls of the admin API must not hang while Temporal is down. */
const DEADLINE_MS = 10_000;

export interface BackfillStatus {
  backfillId: string;
  /** Temporal's status of the run: RUNNING, COMPLETED, FAILED, TERMINATED, … */
  status: string;
  link: string;
  /** The progress query's answer while it runs, the result once it completed. */
  progress?: BackfillProgress;
  /** Why it failed or was terminated. */
  failure?: string;
  /** Set while it runs but no worker answered the progress query. */
  progressUnavailable?: string;
}

export interface BackfillSummary {
  backfillId: string;
  status: string;
  startTime: string;
  closeTime?: string;
  link: string;
}

function unavailable(err: unknown): unknown {
  const e = err as Error & { code?: number; cause?: { code?: number; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (
    (code !== undefined && [1, 4, 8, 14].includes(code)) ||
    /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED/.test(String(e.message))
  )
    return new TemporalUnavailableError(
      `Temporal is not reachable: ${(e.cause?.message ?? e.message).split('\n')[0]}`,
    );
  return err;
}

/**
 * Starts, follows and cancels backfills for the admin API. A backfill is one `backfill`
 * workflow on this service's task queue; its id is what the API hands out.
 */
export class TemporalBackfills {
  constructor(
    private readonly deps: { client: Client; taskQueue: string; namespace: string; uiUrl: string },
  ) {}

  link(workflowId: string): string {
    return `${this.deps.uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(this.deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  }

  /** Durable once this returns; it runs when a worker is there. */
  async start(request: BackfillRequest): Promise<{ backfillId: string; link: string }> {
    const backfillId = backfillWorkflowId(randomUUID());
    await this.call(() =>
      this.deps.client.workflow.start<BackfillWorkflow>(BACKFILL_WORKFLOW, {
        workflowId: backfillId,
        taskQueue: this.deps.taskQueue,
        args: [request],
        typedSearchAttributes: [{ key: TRIGGER, value: 'backfill' }],
        staticSummary: `Backfill of the contracts signed from ${request.signedSince} to ${request.signedUntil}${request.dryRun ? ' (dry run)' : ''}`,
      }),
    );
    return { backfillId, link: this.link(backfillId) };
  }

  /** null when there is no backfill of this service by that id. */
  async status(backfillId: string): Promise<BackfillStatus | null> {
    const handle = this.deps.client.workflow.getHandle(backfillId);
    let desc;
    try {
      desc = await this.call(() => handle.describe());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
    if (desc.type !== BACKFILL_WORKFLOW || desc.taskQueue !== this.deps.taskQueue) return null;
    const status: BackfillStatus = { backfillId, status: desc.status.name, link: this.link(backfillId) };
    if (desc.status.name === 'RUNNING') {
      try {
        status.progress = await this.call(() => handle.query(backfillProgressQuery));
      } catch (err) {
        status.progressUnavailable = `no worker answered (${(err as Error).message.split('\n')[0]}); the backfill goes on when one is running`;
      }
    } else if (desc.status.name === 'COMPLETED') {
      status.progress = (await this.call(() => handle.result())) as BackfillProgress;
    } else {
      status.failure = await handle.result().then(
        () => undefined,
        (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
      );
    }
    return status;
  }

  /**
   * Asks the backfill to stop: it starts no more syncs and ends, phase `cancelled`; the
   * syncs it started finish in their contracts' queues. False when there is no such backfill.
   */
  async cancel(backfillId: string): Promise<boolean> {
    const found = await this.status(backfillId);
    if (!found) return false;
    if (found.status !== 'RUNNING') return true;
    await this.call(() => this.deps.client.workflow.getHandle(backfillId).cancel());
    return true;
  }

  /** The latest backfills of this service, newest first. */
  async list(limit = 10): Promise<BackfillSummary[]> {
    const queue = this.deps.taskQueue.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const out: BackfillSummary[] = [];
    await this.call(async () => {
      for await (const wf of this.deps.client.workflow.list({
        // A run that continued as new is one backfill with its latest run.
        query: `WorkflowType = '${BACKFILL_WORKFLOW}' AND TaskQueue = '${queue}' AND ExecutionStatus != 'ContinuedAsNew'`,
        pageSize: limit,
      })) {
        out.push({
          backfillId: wf.workflowId,
          status: wf.status.name,
          startTime: wf.startTime.toISOString(),
          closeTime: wf.closeTime?.toISOString(),
          link: this.link(wf.workflowId),
        });
        if (out.length >= limit) break;
      }
    });
    // The dev server's SQLite visibility has no ORDER BY: sort here.
    return out.sort((a, b) => b.startTime.localeCompare(a.startTime));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.deps.client.connection.withDeadline(Date.now() + DEADLINE_MS, fn);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw err;
      throw unavailable(err);
    }
  }
}
