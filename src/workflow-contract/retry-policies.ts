import type { ActivityOptions, Duration } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES } from './failure-types';
import type { StepOptions, StepOverrides } from './step-io';
import { LEGACY_STEP_KEYS, type LegacyStepKey, type StepName } from './steps';

/**
 * The timeout and retry policy of every step: one base policy and what each step does
 * differently. Changing a value here changes new attempts only; it never breaks the
 * replay of a running sync.
 *
 * The horizon is time, not attempts: a transient failure (5xx, 429, a timeout, a dropped
 * connection) is retried for 24 hours, at most 10 minutes apart, because real outages
 * last hours and Oneflow does not send a webhook again once it got its 200. What retrying
 * cannot fix stops at once (nonRetryableErrorTypes). An attempt is bounded twice: by its
 * start-to-close timeout, and by the heartbeat every activity sends after each HTTP call,
 * so that a lost worker's attempt is retried within seconds and a cancelled one stops.
 */
interface StepPolicy {
  scheduleToCloseTimeout: Duration;
  startToCloseTimeout: Duration;
  heartbeatTimeout: Duration;
  initialInterval: Duration;
  maximumInterval: Duration;
  backoffCoefficient: number;
  /** 0: unlimited within scheduleToCloseTimeout. */
  maximumAttempts: number;
}

export const BASE_STEP_POLICY: Readonly<StepPolicy> = {
  scheduleToCloseTimeout: '24h',
  startToCloseTimeout: '30s',
  heartbeatTimeout: '20s',
  initialInterval: '1s',
  maximumInterval: '10m',
  backoffCoefficient: 2,
  maximumAttempts: 0,
};

export const STEP_POLICY_DIFFERENCES: Readonly<Partial<Record<StepName, Partial<StepPolicy>>>> = {
  // Oneflow calls wait their turn under the task-queue rate limit; start a little slower.
  fetchSignedContract: { initialInterval: '2s' },
  checkSigningEvent: { initialInterval: '2s' },
  // Planning reads several records and the property catalog.
  resolvePlan: { startToCloseTimeout: '1m' },
  // Several quote-agent calls per attempt.
  updateProducts: { startToCloseTimeout: '2m' },
  // A download from Oneflow and an upload to SuperOffice of up to the PDF size limit
  // (25 MB by default) in one attempt: the bytes never go through the workflow's history.
  attachSignedPdf: { startToCloseTimeout: '5m', heartbeatTimeout: '1m', initialInterval: '2s' },
  // The outcome is the rep's only sign of the sync: it may wait for SuperOffice longest.
  // One attempt may wait out an earlier attempt's create that may still commit (up to
  // two minutes) before it creates its own, so it gets longer than that.
  recordOutcome: { initialInterval: '2s', startToCloseTimeout: '3m', scheduleToCloseTimeout: '48h' },
};

/** The policy a step runs with when nothing overrides it. */
export function stepPolicy(step: StepName): Readonly<StepPolicy> {
  return { ...BASE_STEP_POLICY, ...STEP_POLICY_DIFFERENCES[step] };
}

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
  const p = stepPolicy(step);
  const attempts = override.maximumAttempts ?? p.maximumAttempts;
  return {
    ...(taskQueue ? { taskQueue } : {}),
    scheduleToCloseTimeout: override.scheduleToCloseTimeoutMs ?? p.scheduleToCloseTimeout,
    startToCloseTimeout: override.startToCloseTimeoutMs ?? p.startToCloseTimeout,
    heartbeatTimeout: override.heartbeatTimeoutMs ?? p.heartbeatTimeout,
    retry: {
      initialInterval: override.initialIntervalMs ?? p.initialInterval,
      maximumInterval: override.maximumIntervalMs ?? p.maximumInterval,
      backoffCoefficient: override.backoffCoefficient ?? p.backoffCoefficient,
      // The SDK refuses 0; leaving it unset is how a policy says "no limit".
      ...(attempts > 0 ? { maximumAttempts: attempts } : {}),
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
    },
  };
}
