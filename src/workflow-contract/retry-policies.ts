import type { ActivityOptions, Duration } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES } from './failure-types';
import type { StepOptions, StepOverrides } from './step-io';
import { LEGACY_STEP_KEYS, type LegacyStepKey, type StepName } from './steps';

/**
 * The timeout and retry policy of every step: one base policy and what each step does
 * differently. Changing a value here changes new attempts only; it never breaks the
 * replay of a running sync.
 */
interface StepPolicy {
  startToCloseTimeout: Duration;
  initialInterval: Duration;
  maximumInterval: Duration;
  backoffCoefficient: number;
  maximumAttempts: number;
}

export const BASE_STEP_POLICY: Readonly<StepPolicy> = {
  startToCloseTimeout: '30s',
  initialInterval: '1s',
  maximumInterval: '1m',
  backoffCoefficient: 2,
  maximumAttempts: 10,
};

export const STEP_POLICY_DIFFERENCES: Readonly<Partial<Record<StepName, Partial<StepPolicy>>>> = {
  // Oneflow calls wait their turn under the task-queue rate limit, so give them room.
  fetchSignedContract: { initialInterval: '2s', maximumInterval: '2m', maximumAttempts: 12 },
  // Planning reads several records and the property catalog.
  resolvePlan: { startToCloseTimeout: '1m' },
  // Several quote-agent calls per attempt.
  updateProducts: { startToCloseTimeout: '2m' },
  // The outcome is the user's only sign that anything happened: keep trying longer.
  recordOutcome: { initialInterval: '2s', maximumInterval: '5m', maximumAttempts: 20 },
};

/** Overrides keyed by activity name, the legacy keys folded in (the activity name wins). */
export function normalizeStepOverrides(
  steps: StepOverrides | undefined,
): Partial<Record<StepName, StepOptions>> {
  const out: Partial<Record<StepName, StepOptions>> = {};
  if (!steps) return out;
  for (const [key, options] of Object.entries(steps)) {
    if (options === undefined) continue;
    const step = (LEGACY_STEP_KEYS as Record<string, StepName>)[key as LegacyStepKey] ?? (key as StepName);
    out[step] = key in LEGACY_STEP_KEYS ? { ...options, ...out[step] } : { ...out[step], ...options };
  }
  return out;
}

/** The options of one step's activity: its policy, with the run's overrides on top. */
export function stepActivityOptions(
  step: StepName,
  override: StepOptions = {},
  taskQueue?: string,
): ActivityOptions {
  const p = { ...BASE_STEP_POLICY, ...STEP_POLICY_DIFFERENCES[step] };
  return {
    ...(taskQueue ? { taskQueue } : {}),
    startToCloseTimeout: override.startToCloseTimeoutMs ?? p.startToCloseTimeout,
    retry: {
      initialInterval: override.initialIntervalMs ?? p.initialInterval,
      maximumInterval: override.maximumIntervalMs ?? p.maximumInterval,
      backoffCoefficient: override.backoffCoefficient ?? p.backoffCoefficient,
      maximumAttempts: override.maximumAttempts ?? p.maximumAttempts,
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
    },
  };
}
