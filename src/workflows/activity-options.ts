import type { ActivityOptions } from '@temporalio/workflow';
import type { StepName, StepOptions } from './sync-types';

/**
 * Error types that retrying cannot fix. Activities also mark these failures
 * non-retryable themselves; listing them here keeps the policy readable in one place.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'ContractNotSigned',
  'ContractNotFound',
  'InvalidConfiguration',
  'NotFound',
  'Forbidden',
  'Unauthorized',
  'Rejected',
  'Conflict',
  'InvalidResponse',
];

const DEFAULTS: Record<StepName, Required<StepOptions>> = {
  // Oneflow calls wait their turn under the task-queue rate limit, so give them room.
  fetchContract: {
    startToCloseTimeoutMs: 30_000,
    initialIntervalMs: 2_000,
    maximumIntervalMs: 120_000,
    backoffCoefficient: 2,
    maximumAttempts: 12,
  },
  plan: {
    startToCloseTimeoutMs: 60_000,
    initialIntervalMs: 1_000,
    maximumIntervalMs: 60_000,
    backoffCoefficient: 2,
    maximumAttempts: 10,
  },
  sale: {
    startToCloseTimeoutMs: 30_000,
    initialIntervalMs: 1_000,
    maximumIntervalMs: 60_000,
    backoffCoefficient: 2,
    maximumAttempts: 10,
  },
  company: {
    startToCloseTimeoutMs: 30_000,
    initialIntervalMs: 1_000,
    maximumIntervalMs: 60_000,
    backoffCoefficient: 2,
    maximumAttempts: 10,
  },
  contact: {
    startToCloseTimeoutMs: 30_000,
    initialIntervalMs: 1_000,
    maximumIntervalMs: 60_000,
    backoffCoefficient: 2,
    maximumAttempts: 10,
  },
  // Several quote-agent calls per run: a longer timeout, same patience.
  products: {
    startToCloseTimeoutMs: 120_000,
    initialIntervalMs: 1_000,
    maximumIntervalMs: 60_000,
    backoffCoefficient: 2,
    maximumAttempts: 10,
  },
  // The outcome is the user's only sign that anything happened: keep trying longer.
  outcome: {
    startToCloseTimeoutMs: 30_000,
    initialIntervalMs: 2_000,
    maximumIntervalMs: 300_000,
    backoffCoefficient: 2,
    maximumAttempts: 20,
  },
};

export function defaultStepOptions(step: StepName): Required<StepOptions> {
  return { ...DEFAULTS[step] };
}

export function activityOptions(
  step: StepName,
  override: StepOptions = {},
  taskQueue?: string,
): ActivityOptions {
  const o = { ...DEFAULTS[step], ...override };
  return {
    ...(taskQueue ? { taskQueue } : {}),
    startToCloseTimeout: o.startToCloseTimeoutMs,
    retry: {
      initialInterval: o.initialIntervalMs,
      maximumInterval: o.maximumIntervalMs,
      backoffCoefficient: o.backoffCoefficient,
      maximumAttempts: o.maximumAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
    },
  };
}
