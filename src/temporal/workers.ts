import { type NativeConnection, type State, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from '../logging/logger';
import { oneflowTaskQueue } from '../workflow-contract';
import os from 'node:os';
import { loadWorkflowBundle, type WorkflowBundle } from './workflow-bundle';
import { workflowWorkerTuning } from './worker-tuning';
import { type WorkerVersioning, workerDeploymentOptions } from './worker-versioning';

export { workflowsPath } from './workflow-bundle';

/**
 * Two workers share one connection:
 * - the main one runs the workflows and the SuperOffice activities;
 * - the Oneflow one runs only the Oneflow activities, on their own task queue, so that
 *   Temporal's task-queue rate limit (maxTaskQueueActivitiesPerSecond, enforced by the
 *   server across every worker) keeps us under Oneflow's 2000 requests per 5 minutes
 *   however many contracts are signed at once.
 */

/**
 * Oneflow's documented limit, 2000 requests per 5 minutes per token, with headroom for
 * manual calls (previews, the Connection tab's check). Since 0.5 every activity on the
 * Oneflow task queue makes one request (the contract; a webhook's events, newest first, one
 * page; one page of the signed list; one signing's events), so the task-queue limit on
 * activities is a limit on requests. Runs started before 0.5 still fetch the contract and
 * its events in one activity: while they drain after an upgrade the limit can be exceeded
 * by their second request, which Oneflow answers with a 429 that the step retries.
 */
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
  /** The workflow code; default: the prebuilt bundle, or bundled once in this process. */
  workflowBundle?: WorkflowBundle;
  /**
   * How long shutdown() lets in-flight activities finish before cancelling them, which
   * hands them back to Temporal to retry on another worker (default: the SDK's 0).
   */
  shutdownGraceMs?: number;
  /** Worker Deployment versioning (off unless given). */
  versioning?: WorkerVersioning;
  /** The main worker's workflow cache; default: sized for the machine (worker-tuning.ts). */
  maxCachedWorkflows?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  /** The build id of the workflow code the main worker runs (see workflow-bundle.ts). */
  buildId: string;
  /** Resolves when both workers have stopped; rejects if one of them crashed. */
  done: Promise<void>;
  isRunning(): boolean;
  /** Which worker is not running and why (undefined while both are). */
  problem(): string | undefined;
  /**
   * Resolves with the cause once a worker has stopped without shutdown() being called:
   * its run() rejected (a fatal error, the server refusing it for good) or returned.
   * Never rejects.
   */
  failed: Promise<Error>;
  shutdown(): Promise<void>;
}

/** The part of a Worker that supervision needs (tests pass fakes). */
export interface SupervisedWorker {
  getState(): State;
  run(): Promise<void>;
  shutdown(): void;
}

export async function startWorkers(setup: WorkerSetup): Promise<RunningWorkers> {
  const bundle = setup.workflowBundle ?? (await loadWorkflowBundle());
  if (bundle.stale)
    setup.logger?.warn(
      { stale: bundle.stale },
      'the prebuilt workflow bundle is out of date: bundled the workflows at start instead; run `npm run build`',
    );
  // Both workers in one deployment version: the Oneflow activities of a run go where its workflow is.
  const versioned = setup.versioning ? workerDeploymentOptions(setup.versioning, bundle.buildId) : {};
  const shutdown = setup.shutdownGraceMs === undefined ? {} : { shutdownGraceTime: setup.shutdownGraceMs };
  const main = await Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    workflowBundle: { code: bundle.code },
    activities: setup.activities,
    ...workflowWorkerTuning({
      totalMemoryBytes: os.totalmem(),
      maxCachedWorkflows: setup.maxCachedWorkflows,
    }),
    ...shutdown,
    ...versioned,
    ...setup.workerOptions,
  });
  const oneflow = await Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: oneflowTaskQueue(setup.taskQueue),
    activities: setup.oneflowActivities,
    maxTaskQueueActivitiesPerSecond: setup.oneflowActivitiesPerSecond ?? ONEFLOW_ACTIVITIES_PER_SECOND,
    ...shutdown,
    ...versioned,
    ...setup.workerOptions,
  });
  setup.logger?.info(
    {
      buildId: bundle.buildId,
      workflowCode: bundle.source,
      ...(bundle.file ? { file: bundle.file } : {}),
      ...(setup.versioning ? { deployment: setup.versioning.deploymentName } : {}),
    },
    `workers running workflow build ${bundle.buildId} (${bundle.source})`,
  );
  return {
    workers: [main, oneflow],
    buildId: bundle.buildId,
    ...superviseWorkers(
      [
        { name: 'main', worker: main },
        { name: 'Oneflow', worker: oneflow },
      ],
      setup.logger,
    ),
  };
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** Runs the workers and keeps track of how each one stopped. */
export function superviseWorkers(
  named: Array<{ name: string; worker: SupervisedWorker }>,
  logger?: Logger,
): Omit<RunningWorkers, 'workers' | 'buildId'> {
  let shuttingDown = false;
  const crashes = new Map<string, string>();
  let reportFailure!: (err: Error) => void;
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
  const runs = named.map(({ name, worker }) =>
    worker.run().then(
      () => {
        if (shuttingDown) return;
        const err = new Error(`the ${name} worker stopped without being asked to`);
        crashes.set(name, 'stopped without being asked to');
        logger?.error({ worker: name }, err.message);
        reportFailure(err);
      },
      (err: unknown) => {
        crashes.set(name, `failed: ${firstLine(err)}`);
        logger?.error({ err, worker: name }, 'a Temporal worker stopped with an error');
        if (!shuttingDown) reportFailure(new Error(`the ${name} worker failed: ${firstLine(err)}`));
        throw err;
      },
    ),
  );
  const done = Promise.all(runs).then(() => undefined);
  // Callers that never await `done` must not see an unhandled rejection.
  done.catch(() => {});
  return {
    done,
    failed,
    isRunning: () => named.every(({ worker }) => worker.getState() === 'RUNNING'),
    problem: () => {
      const problems = named
        .filter(({ name, worker }) => crashes.has(name) || worker.getState() !== 'RUNNING')
        .map(
          ({ name, worker }) =>
            `the ${name} worker ${crashes.get(name) ?? `is ${worker.getState().toLowerCase()}`}`,
        );
      return problems.length > 0 ? problems.join('; ') : undefined;
    },
    shutdown: async () => {
      shuttingDown = true;
      for (const { worker } of named) if (worker.getState() === 'RUNNING') worker.shutdown();
      // Every worker, not only the first to stop: the connection may close only after all.
      await Promise.allSettled(runs);
    },
  };
}
