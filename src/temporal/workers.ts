import path from 'node:path';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from '../logging/logger';
import { oneflowTaskQueue } from './task-queues';

/**
 * Two workers share one connection:
 * - the main one runs the workflows and the SuperOffice activities;
 * - the Oneflow one runs only the Oneflow activities, on their own task queue, so that
 *   Temporal's task-queue rate limit (maxTaskQueueActivitiesPerSecond, enforced by the
 *   server across every worker) keeps us under Oneflow's 2000 requests per 5 minutes
 *   however many contracts are signed at once.
 */

/** Oneflow's documented limit, 2000 per 5 minutes per token, with headroom for manual calls. */
export const ONEFLOW_ACTIVITIES_PER_SECOND = (2000 / 300) * 0.95;

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Activities that call SuperOffice (and need no rate limit of ours). */
  activities: object;
  /** Activities that call Oneflow. */
  oneflowActivities: object;
  oneflowActivitiesPerSecond?: number;
  logger?: Logger;
  /** Extra options for tuning (benchmarks) and tests. */
  workerOptions?: Partial<WorkerOptions>;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves when both workers have stopped; rejects if one of them crashed. */
  done: Promise<void>;
  isRunning(): boolean;
  shutdown(): Promise<void>;
}

export function workflowsPath(): string {
  // Resolves to src/workflows/index.ts under ts tooling and dist/workflows/index.js when built.
  return require.resolve(path.join(__dirname, '..', 'workflows'));
}

export async function startWorkers(setup: WorkerSetup): Promise<RunningWorkers> {
  const main = await Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    workflowsPath: workflowsPath(),
    activities: setup.activities,
    ...setup.workerOptions,
  });
  const oneflow = await Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: oneflowTaskQueue(setup.taskQueue),
    activities: setup.oneflowActivities,
    maxTaskQueueActivitiesPerSecond: setup.oneflowActivitiesPerSecond ?? ONEFLOW_ACTIVITIES_PER_SECOND,
    ...setup.workerOptions,
  });
  const workers = [main, oneflow];
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  // Callers that never await `done` must not see an unhandled rejection.
  done.catch((err) => setup.logger?.error({ err }, 'a Temporal worker stopped with an error'));
  return {
    workers,
    done,
    isRunning: () => workers.every((w) => w.getState() === 'RUNNING'),
    shutdown: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done.catch(() => {});
    },
  };
}
