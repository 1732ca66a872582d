import { ApiError } from '../http/api-error';
import type { AttemptScope } from '../http/json-request';
import type { SuperOfficeClient } from '../superoffice/client';

/**
 * One activity attempt makes many SuperOffice calls (planning makes about eight), and any
 * one of them failing fails the attempt: at a 30 % transient failure rate an attempt of
 * eight calls succeeds 6 % of the time, and ten attempts leave half the syncs failed
 * (measured by test/reliability/flaky-superoffice.test.ts). So each call that is safe to
 * repeat is tried again, briefly, before its failure reaches the activity's own retry
 * policy: reads, and writes of absolute values (a JSON Patch, a saved quote line, a
 * recalculation). Creating an Activity is not safe to repeat blindly (the outcome step
 * has its own guard against duplicates), so that call, and any call not listed, is left alone.
 */

/** Calls safe to send twice. A call not named here (a create, say) is never repeated by this. */
const REPEATABLE: ReadonlySet<PropertyKey> = new Set<keyof SuperOfficeClient>([
  'getSale',
  'getCompany',
  'getPerson',
  'patchSale',
  'patchCompany',
  'patchPerson',
  'listCompanyPersons',
  'findPersonsByEmail',
  'listSaleActivities',
  'findSaleAppointments',
  'getAppointment',
  // A second DELETE of the same Appointment answers 404, which the caller takes as done.
  'deleteAppointment',
  'getCustomFields',
  'getPublishedUdefs',
  'getMdoList',
  'getQuoteEntityFromSaleId',
  'getQuoteVersion',
  'getQuoteAlternatives',
  'getQuoteLines',
  'recalculateQuoteLine',
  'saveQuoteLine',
  'recalculateQuoteAlternative',
  // CreateQuoteLine only builds an unsaved line; a missing line's DELETE also answers 204.
  'createQuoteLine',
  'deleteQuoteLine',
  'listDocumentTemplates',
  'listSaleDocuments',
  'getDocumentLength',
  // The same bytes again: the content ends up the same.
  'setDocumentContent',
]);

export interface CallRetryOptions {
  /** Tries per call, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** A Retry-After longer than this is left to the activity's retry policy, which honours it. */
  maxDelayMs: number;
  /** The attempt's cancellation: no call is tried again, and no wait goes on, once it aborts. */
  signal?: AbortSignal;
}

export const DEFAULT_CALL_RETRIES: CallRetryOptions = { attempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

async function retryTransient<T>(call: () => Promise<T>, options: CallRetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ApiError) || !err.retryable || attempt >= options.attempts) throw err;
      // A call that used up its whole timeout is left to the activity: another one like it
      // would outlast the activity's own start-to-close timeout.
      if (err.kind === 'timeout') throw err;
      const backoff = options.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      // A Retry-After of 0 means "now"; the backoff still spaces the tries a little.
      const delay = err.details.retryAfterMs || backoff;
      if (delay > options.maxDelayMs) throw err;
      await pause(delay, options.signal);
    }
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The same client, with every repeatable call retried on a transient failure. */
export function withCallRetries(
  client: SuperOfficeClient,
  options: CallRetryOptions = DEFAULT_CALL_RETRIES,
): SuperOfficeClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      // An attempt's view of the client retries as this one does, and stops waiting with the attempt.
      if (property === 'forAttempt') {
        return (attempt: AttemptScope) =>
          withCallRetries(target.forAttempt(attempt), { ...options, signal: attempt.signal });
      }
      // Bound to the client itself, so that its own inner calls are not retried once more.
      const method = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (!REPEATABLE.has(property)) return method;
      return (...args: unknown[]) => retryTransient(() => method(...args), options);
    },
  });
}
