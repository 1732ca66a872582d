/**
 * The contract of the Smart Sync workflow: step names, what each step takes and returns,
 * the result and its status values, failure types, retry policies, search attributes and
 * task queues. The workflow, the activities, the server and the settings page all import
 * it; it imports nothing of theirs, and nothing here may use Node APIs, because the
 * workflow bundle includes it.
 */
export * from './backfill';
export * from './failure-types';
export * from './outcome-status';
export * from './patches';
export * from './reconcile';
export * from './retry-policies';
export * from './search-attributes';
export * from './signed-contracts';
export * from './step-io';
export * from './steps';
export * from './sync-results';
export * from './task-queues';
export * from './workflow-api';
