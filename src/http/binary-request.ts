import { ApiError, type ApiService, kindForStatus, parseRetryAfter } from './api-error';

/**
 * Downloads of files (a signed contract's PDF) with a size limit that holds before the
 * bytes are all in memory: a declared Content-Length over the limit stops at once, and a
 * body that grows past it is cut off. Failures are ApiErrors, as with jsonRequest; a file
 * over the limit is a FileTooLarge, which retrying cannot fix.
 */

export class FileTooLarge extends Error {
  override readonly name = 'FileTooLarge';
  constructor(
    /** The size the server declared, or the bytes read before giving up. */
    readonly atLeastBytes: number,
    readonly maxBytes: number,
  ) {
    super(`the file is at least ${atLeastBytes} bytes, more than the limit of ${maxBytes} bytes`);
  }
}

export interface DownloadRequest {
  service: ApiService;
  url: string;
  /** Sent to `url`, and to a redirect target only when it is on the same origin. */
  headers: Record<string, string>;
  maxBytes: number;
  timeoutMs: number;
  describeError: (status: number, body: unknown) => { message: string; code?: string };
  signal?: AbortSignal;
  /** Called as chunks arrive, so that a long download can heartbeat. */
  onProgress?: (bytesSoFar: number) => void;
}

/** How many redirects a download follows before it is taken for a loop. */
const MAX_REDIRECTS = 3;

function cancellation(signal: AbortSignal, err: unknown): unknown {
  return signal.reason instanceof Error ? signal.reason : err;
}

export async function downloadBytes(req: DownloadRequest): Promise<Uint8Array> {
  const start = new URL(req.url);
  const signal = AbortSignal.any([AbortSignal.timeout(req.timeoutMs), ...(req.signal ? [req.signal] : [])]);
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const where = { method: 'GET', path: url.pathname };
    // Credentials go only where they were meant for: a storage URL on another host is
    // pre-signed and gets no API token (which would otherwise leak to it).
    const headers = url.origin === start.origin ? req.headers : {};
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'GET',
        headers: { Accept: 'application/octet-stream, application/pdf, */*', ...headers },
        redirect: 'manual',
        signal,
      });
    } catch (err) {
      if (req.signal?.aborted) throw cancellation(req.signal, err);
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError' || signal.aborted) {
        throw new ApiError(
          req.service,
          'timeout',
          `GET ${url.pathname} timed out after ${req.timeoutMs} ms`,
          where,
        );
      }
      throw new ApiError(
        req.service,
        'network',
        `GET ${url.pathname} failed: ${e.cause?.code ?? e.message}`,
        where,
      );
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location || redirects >= MAX_REDIRECTS) {
        throw new ApiError(
          req.service,
          'invalid_response',
          `GET ${url.pathname} → ${res.status}: ${location ? 'too many redirects' : 'a redirect without a Location'}`,
          { ...where, status: res.status },
        );
      }
      url = new URL(location, url);
      continue;
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: the text itself describes it
      }
      const { message, code } = req.describeError(res.status, body);
      throw new ApiError(
        req.service,
        kindForStatus(res.status),
        `GET ${url.pathname} → ${res.status}: ${message}`,
        {
          ...where,
          status: res.status,
          code,
          retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
        },
      );
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > req.maxBytes) {
      await res.body?.cancel();
      throw new FileTooLarge(declared, req.maxBytes);
    }
    return readLimited(res, req, where, signal);
  }
}

async function readLimited(
  res: Response,
  req: DownloadRequest,
  where: { method: string; path: string },
  signal: AbortSignal,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > req.maxBytes) {
          await res.body.cancel().catch(() => undefined);
          throw new FileTooLarge(total, req.maxBytes);
        }
        chunks.push(chunk);
        req.onProgress?.(total);
      }
    }
  } catch (err) {
    if (err instanceof FileTooLarge) throw err;
    if (req.signal?.aborted) throw cancellation(req.signal, err);
    const cause = signal.aborted ? `timed out after ${req.timeoutMs} ms` : (err as Error).message;
    throw new ApiError(
      req.service,
      signal.aborted ? 'timeout' : 'network',
      `GET ${where.path}: download cut off (${cause})`,
      {
        ...where,
        status: res.status,
      },
    );
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
