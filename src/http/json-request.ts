import type { z } from 'zod';
import { ApiError, type ApiService, kindForStatus, parseRetryAfter } from './api-error';

export interface JsonRequest<T extends z.ZodType> {
  service: ApiService;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Bytes sent as they are (a file's content) instead of a JSON body. */
  rawBody?: { bytes: Uint8Array; contentType: string };
  /** Shape of a 2xx body; a body that does not match is an `invalid_response` ApiError. */
  schema: T;
  timeoutMs: number;
  /** Turns the service's error body into a message and code for the ApiError. */
  describeError: (status: number, body: unknown) => { message: string; code?: string };
  signal?: AbortSignal;
}

/**
 * What a client's calls get from the one Temporal activity attempt that makes them: the
 * attempt's cancellation signal, so that an attempt that was cancelled or timed out stops
 * its calls instead of running on beside its retry, and a hook after each answered call,
 * where the activity heartbeats, so that its heartbeats follow its progress.
 */
export interface AttemptScope {
  signal?: AbortSignal;
  /** After each call that got an answer or failed, but not after a cancelled one. */
  onCall?: () => void;
}

/** The caller's signal and the attempt's, either of which cancels the call. */
export function eitherSignal(
  a: AbortSignal | undefined,
  b: AbortSignal | undefined,
): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : (a ?? b);
}

/**
 * A cancelled call rejects with what the caller aborted with (a Temporal activity's
 * CancelledFailure), or with an AbortError when no reason was given: never an ApiError,
 * which would make it look like a failure worth retrying.
 */
function cancellation(signal: AbortSignal, err: unknown): unknown {
  return signal.reason instanceof Error ? signal.reason : err;
}

/**
 * One HTTP call with a JSON body, through Node's built-in fetch (undici, which keeps
 * connections alive and reuses them). Every failure comes out as an ApiError.
 */
export async function jsonRequest<T extends z.ZodType>(req: JsonRequest<T>): Promise<z.output<T>> {
  const path = new URL(req.url).pathname;
  const where = { method: req.method, path };
  const signals = [AbortSignal.timeout(req.timeoutMs)];
  if (req.signal) signals.push(req.signal);
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: {
        Accept: 'application/json',
        ...(req.rawBody
          ? { 'Content-Type': req.rawBody.contentType }
          : req.body !== undefined
            ? { 'Content-Type': 'application/json' }
            : {}),
        ...req.headers,
      },
      body: req.rawBody
        ? (req.rawBody.bytes as Uint8Array<ArrayBuffer>)
        : req.body !== undefined
          ? JSON.stringify(req.body)
          : undefined,
      signal: AbortSignal.any(signals),
    });
  } catch (err) {
    if (req.signal?.aborted) throw cancellation(req.signal, err);
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') {
      throw new ApiError(
        req.service,
        'timeout',
        `${req.method} ${path} timed out after ${req.timeoutMs} ms`,
        where,
      );
    }
    if (e.name === 'AbortError') throw err;
    const code = e.cause?.code ?? e.message;
    throw new ApiError(req.service, 'network', `${req.method} ${path} failed: ${code}`, where);
  }

  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    if (req.signal?.aborted) throw cancellation(req.signal, err);
    throw new ApiError(
      req.service,
      'network',
      `${req.method} ${path}: response cut off (${(err as Error).message})`,
      {
        ...where,
        status: res.status,
      },
    );
  }
  let body: unknown = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }

  if (!res.ok) {
    const { message, code } = req.describeError(res.status, body);
    throw new ApiError(
      req.service,
      kindForStatus(res.status),
      `${req.method} ${path} → ${res.status}: ${message}`,
      {
        ...where,
        status: res.status,
        code,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      },
    );
  }

  const parsed = req.schema.safeParse(body === undefined ? null : body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const at = first?.path.length ? first.path.join('.') : '(root)';
    throw new ApiError(
      req.service,
      'invalid_response',
      `${req.method} ${path} answered ${res.status} with an unexpected body: ${at}: ${first?.message ?? 'invalid'}`,
      { ...where, status: res.status },
    );
  }
  return parsed.data;
}
