import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';
import type { AttemptScope } from '../http/json-request';

/**
 * One attempt of an activity, as its HTTP calls see it. Every activity builds its clients'
 * per-attempt view from `scope` at the top, so that each of its calls
 * - is cancelled with the attempt: a cancelled attempt, or one Temporal timed out, stops
 *   instead of writing on beside its retry;
 * - heartbeats once answered, so that the heartbeats follow the attempt's progress and a
 *   lost worker's attempt is retried after the heartbeat timeout, not the whole attempt's.
 *
 * Heartbeats all carry the details set last (`record`): the next attempt reads the last
 * ones Temporal got, and a plain progress heartbeat must not wipe out what an earlier one
 * said. Outside an activity (a unit test calling the function, a preview) heartbeats go
 * nowhere, and nothing is cancelled unless the caller runs the step in `runAsAttempt`.
 */
export interface Attempt {
  readonly scope: Required<AttemptScope>;
  /** The details the previous attempt last reported; undefined on a first attempt. */
  readonly previousDetails: unknown;
  /** Sets the details every later heartbeat carries, and heartbeats with them now. */
  record(details: unknown): void;
  /** Waits, or rejects with a CancelledFailure as soon as the attempt is cancelled. */
  sleep(ms: number): Promise<void>;
  /** What is left of the attempt's start-to-close timeout (Infinity outside an activity). */
  remainingMs(): number;
  /**
   * Whether this attempt is, and can only be, the activity's one attempt so far: the first,
   * still within half of its heartbeat and start-to-close timeouts, so Temporal cannot yet
   * have timed it out and started another (the half covers the dispatch before this
   * worker's clock started). False outside an activity.
   */
  aloneSoFar(): boolean;
}

const outsideActivity = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs steps outside Temporal as one attempt that `signal` cancels: a preview asked for
 * over HTTP stops its calls when the admin goes away or its deadline passes, instead of
 * reading on for nobody.
 */
export function runAsAttempt<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return outsideActivity.run(signal, work);
}

export function currentAttempt(): Attempt {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    // Called outside an activity.
  }
  const startedAt = Date.now();
  let details: unknown = context?.info.heartbeatDetails;
  const heartbeat = () => context?.heartbeat(details);
  const signal = context?.cancellationSignal ?? outsideActivity.getStore() ?? new AbortController().signal;
  return {
    scope: { signal, onCall: heartbeat },
    previousDetails: context?.info.heartbeatDetails,
    record(next) {
      details = next;
      heartbeat();
    },
    sleep: (ms) => (context ? context.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms))),
    remainingMs: () =>
      context?.info.startToCloseTimeoutMs
        ? startedAt + context.info.startToCloseTimeoutMs - Date.now()
        : Number.POSITIVE_INFINITY,
    aloneSoFar: () => {
      if (!context || context.info.attempt !== 1) return false;
      const bound = Math.min(
        context.info.heartbeatTimeoutMs || Number.POSITIVE_INFINITY,
        context.info.startToCloseTimeoutMs || Number.POSITIVE_INFINITY,
      );
      return Date.now() - startedAt < bound / 2;
    },
  };
}
