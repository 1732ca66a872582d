import { currentValueMatches, readCurrentValue } from '../superoffice/value-conversion';
import {
  type PropertyChange,
  type PropertyResult,
  type ResourceResult,
  resourceStatus,
} from '../workflow-contract';
import type { ProductFailure, ResourcePlan } from './plan';
import { productSource } from './product-lines';
import type { ProductMatchResult } from './quote-matching';

/**
 * What the plan step reports before any write: the properties and products whose fate the
 * plan already knows, and the resources that need no update step at all. The update steps
 * add these to what they write, so the outcome names every property the mapping touched.
 */

/** Does the plan have anything to write or report for this resource? */
export function hasWork(plan: ResourcePlan): boolean {
  return plan.changes.length + plan.skipped.length + plan.failures.length > 0 || plan.failure !== undefined;
}

/** The plan's skipped and failed properties, as results. */
export function plannedProperties(plan: ResourcePlan): PropertyResult[] {
  return [
    ...plan.skipped.map((s) => ({
      property: s.property,
      label: s.label,
      status: 'skipped' as const,
      source: s.source,
      reason: s.reason,
    })),
    ...plan.failures.map((f) => ({
      property: f.property,
      label: f.label,
      status: 'failed' as const,
      source: f.source,
      reason: f.reason,
    })),
  ];
}

/**
 * Splits changes into those the record already has (reported as unchanged) and those to
 * write. Done while planning, before any write, so that a retried update reports what it
 * wrote even when its first attempt was applied and only the answer got lost.
 */
export function partitionChanges(
  entity: Record<string, unknown>,
  changes: readonly PropertyChange[],
): { write: PropertyChange[]; unchanged: PropertyResult[] } {
  const write: PropertyChange[] = [];
  const unchanged: PropertyResult[] = [];
  for (const c of changes) {
    if (currentValueMatches(c, c.value, readCurrentValue(entity, c.patchPath))) {
      unchanged.push({
        property: c.property,
        label: c.label,
        status: 'unchanged',
        display: c.display,
        source: c.source,
      });
    } else write.push(c);
  }
  return { write, unchanged };
}

/** A resource whose fate is known before any write, so no update step runs for it. */
export function settled(
  base: Omit<ResourceResult, 'status' | 'properties'>,
  properties: PropertyResult[],
  error?: string,
): ResourceResult {
  return {
    ...base,
    status: resourceStatus(properties, error),
    ...(error !== undefined ? { error } : {}),
    properties,
  };
}

/** Products the plan could not read from the contract. */
export function productFailureResults(failures: readonly ProductFailure[]): PropertyResult[] {
  return failures.map((f) => ({
    property: f.name,
    status: 'failed',
    source: `Oneflow product ${f.oneflowProductId}`,
    reason: f.reason,
  }));
}

/** Products whose quote line already has the contract's values, then those no line matched. */
export function matchedProductResults(
  match: Pick<ProductMatchResult, 'unchanged' | 'unmatched'>,
): PropertyResult[] {
  return [
    ...match.unchanged.map((u) => ({
      property: u.product.name,
      status: 'unchanged' as const,
      source: productSource(u.product),
    })),
    ...match.unmatched.map((u) => ({
      property: u.product.name,
      status: 'failed' as const,
      source: productSource(u.product),
      reason: u.reason,
    })),
  ];
}
