import type { EntityUpdate, ProductsUpdate, SignedPdfAttachment } from './step-io';
import type { PropertyResult, ResourceResult, ResourceStatus, UpdatesOutcome } from './sync-results';

/**
 * The status rules, in one place, so that the workflow's fallback (when the outcome step
 * cannot run) decides exactly as the activities do.
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

export function outcomeStatus(resources: readonly ResourceResult[], nothingToSync?: string): UpdatesOutcome {
  const failed = resources.some(isFailedResource);
  const updated = resources.some((r) => r.status === 'updated');
  if (failed) return updated ? 'partially_failed' : 'failed';
  if (updated) return 'succeeded';
  return nothingToSync !== undefined ? 'nothing_to_sync' : 'unchanged';
}

/** A record whose update step failed as a whole: none of its changes were written. */
export function failedEntityUpdate(update: EntityUpdate, error: string): ResourceResult {
  return {
    type: update.type,
    id: update.id,
    name: update.name,
    participant: update.participant,
    status: 'failed',
    error,
    properties: [
      ...update.changes.map((c) => ({
        property: c.property,
        label: c.label,
        status: 'failed' as const,
        display: c.display,
        source: c.source,
        reason: 'not written',
      })),
      ...update.planned,
    ],
  };
}

/** The Sale's products, when their update step failed as a whole. */
export function failedProductsUpdate(update: ProductsUpdate, error: string): ResourceResult {
  return { type: 'Products', id: update.saleId, status: 'failed', error, properties: update.planned };
}

/** The signed PDF, when its attach step failed as a whole: no Document is known to carry it. */
export function failedSignedPdf(attachment: SignedPdfAttachment, error: string): ResourceResult {
  return {
    type: 'Document',
    id: null,
    name: `the signed PDF of contract ${attachment.contractId}`,
    status: 'failed',
    error,
    properties: [],
  };
}
