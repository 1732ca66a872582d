import type { z } from 'zod';
import { ApiError, type ApiService, kindForStatus, parseRetryAfter } from './api-error';

export interface JsonRequest<T extends z.ZodType> {
  service: ApiService;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Shape of a 2xx body; a body that does not match is an `invalid_response` ApiError. */
  schema: T;
  timeoutMs: number;
  /** Turns the service's error body into a message and code for the ApiError. */
  describeError: (status: number, body: unknown) => { message: string; code?: string };
  signal?: AbortSignal;
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
        ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...req.headers,
      },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.any(signals),
    });
  } catch (err) {
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
