import type { WorkerOptions } from '@temporalio/worker';

/**
 * The main worker's workflow cache, sized for the machine instead of the SDK's default.
 *
 * The SDK sizes the cache from the V8 heap limit (about 2300 workflows with Node's default
 * heap on a machine with 16 GB or more), so in a burst every started workflow stays cached
 * while it waits for its turn at Oneflow and the service's RSS grows with the burst: about
 * 0.5 MB per cached workflow, between the workflow thread's heap (~110 KB of live objects
 * per workflow in a heap snapshot) and the Rust core's copy of each run's state.
 * An evicted workflow is replayed from its history when its next task comes, which costs CPU
 * but changes nothing it does: the cache is an optimisation, not part of any guarantee.
 *
 * The cap: a share of the machine's memory, within bounds, so that a burst of any size costs
 * at most about `max × 0.5 MB` above the idle service. SMART_SYNC_MAX_CACHED_WORKFLOWS
 * overrides it (0 turns the cache off, which the SDK allows).
 */

export interface MachineFacts {
  /** os.totalmem(), in bytes. */
  totalMemoryBytes: number;
  /** SMART_SYNC_MAX_CACHED_WORKFLOWS, checked by the environment's schema (0 or at least 2). */
  maxCachedWorkflows?: number;
}

const MB = 2 ** 20;
/** Measured RSS per cached workflow in the bench's 1000-contract burst. */
export const CACHED_WORKFLOW_MB = 0.5;
/** The share of the machine's memory the cache may take. */
const CACHE_SHARE_OF_MEMORY = 0.05;
export const MIN_CACHED_WORKFLOWS = 50;
export const MAX_CACHED_WORKFLOWS = 250;

export function maxCachedWorkflows(facts: MachineFacts): number {
  if (facts.maxCachedWorkflows !== undefined) return facts.maxCachedWorkflows;
  const fits = Math.floor(((facts.totalMemoryBytes / MB) * CACHE_SHARE_OF_MEMORY) / CACHED_WORKFLOW_MB);
  return Math.min(MAX_CACHED_WORKFLOWS, Math.max(MIN_CACHED_WORKFLOWS, fits));
}

/** Options for the worker that runs workflows (the Oneflow worker runs none). */
export function workflowWorkerTuning(facts: MachineFacts): Partial<WorkerOptions> {
  const cache = maxCachedWorkflows(facts);
  // With the cache off the SDK needs no bound here; with it on, a task slot without a cache
  // slot makes the SDK lower the setting with a warning, so it is kept within the cache.
  return cache === 0
    ? { maxCachedWorkflows: 0 }
    : { maxCachedWorkflows: cache, maxConcurrentWorkflowTaskExecutions: Math.min(40, cache) };
}
