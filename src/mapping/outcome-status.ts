import type { OutcomeStatus, PropertyResult, ResourceResult, ResourceStatus } from './outcome';

/**
 * The status rules, in one place and free of imports, so that the workflow (which
 * cannot bundle the rest of the mapping module) uses the very rules the activities do.
 */

/** A resource counts as failed when it failed as a whole or any of its properties failed. */
export function isFailedResource(r: ResourceResult): boolean {
  return r.status === 'failed' || r.properties.some((p) => p.status === 'failed');
}

/** updated if anything was written; else failed, unchanged or skipped, in that order. */
export function resourceStatus(properties: readonly PropertyResult[], error?: string): ResourceStatus {
  if (error !== undefined) return 'failed';
  if (properties.some((p) => p.status === 'written')) return 'updated';
  if (properties.some((p) => p.status === 'failed')) return 'failed';
  if (properties.some((p) => p.status === 'unchanged')) return 'unchanged';
  return 'skipped';
}

export function outcomeStatus(resources: readonly ResourceResult[], nothingToSync?: string): OutcomeStatus {
  const failed = resources.some(isFailedResource);
  const updated = resources.some((r) => r.status === 'updated');
  if (failed) return updated ? 'partially_failed' : 'failed';
  if (updated) return 'succeeded';
  return nothingToSync !== undefined ? 'nothing_to_sync' : 'unchanged';
}
