import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logging/logger';

/** Compares digests, so neither the token's content nor its length leaks through timing. */
export function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerOf(req: Request): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec((req.get('authorization') ?? '').trim());
  return match?.[1];
}

export interface FailureThrottleOptions {
  /** Failures allowed per client address within the window before it is refused. */
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

export const ADMIN_AUTH_THROTTLE: FailureThrottleOptions = { maxFailures: 10, windowMs: 60_000 };

/** Addresses tracked at most: a flood from many addresses must not grow the map without bound. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * A sliding window of failed attempts per client address, in memory. Written here rather
 * than taken from express-rate-limit: only failures may count (an admin's page polls the
 * runs every few seconds), a throttled client must be refused before its token is even
 * compared, and the whole rule is these few lines, where a dependency would add its own
 * store, header conventions and upgrade churn. One process holds the window; several
 * instances of the service each throttle on their own, which still bounds guessing.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: FailureThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  private recent(address: string): number[] {
    const since = this.now() - this.options.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(address);
    else this.failures.set(address, kept);
    return kept;
  }

  /** Seconds until the address may try again, or 0 when it may try now. */
  retryAfterSeconds(address: string): number {
    const recent = this.recent(address);
    if (recent.length < this.options.maxFailures) return 0;
    const oldestThatCounts = recent[recent.length - this.options.maxFailures]!;
    return Math.max(1, Math.ceil((oldestThatCounts + this.options.windowMs - this.now()) / 1000));
  }

  fail(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent.slice(-this.options.maxFailures));
    if (this.failures.size > MAX_TRACKED_ADDRESSES) {
      // Map order is insertion order: the oldest address goes first.
      this.failures.delete(this.failures.keys().next().value!);
    }
  }
}

/**
 * Bearer SMART_SYNC_ADMIN_TOKEN, for the admin API. Repeated wrong tokens from one address
 * are answered 429 until the window has passed, so the token cannot be guessed at line
 * speed. The address is the connection's (Express's `trust proxy` is off): behind a
 * reverse proxy every client shares the proxy's window.
 */
export function requireAdminToken(
  token: string,
  options: { logger?: Logger; throttle?: FailureThrottle } = {},
): RequestHandler {
  const throttle = options.throttle ?? new FailureThrottle(ADMIN_AUTH_THROTTLE);
  return (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.retryAfterSeconds(address);
    if (wait > 0) {
      res
        .status(429)
        .set('Retry-After', String(wait))
        .json({ error: `too many wrong admin tokens from this address; try again in ${wait} s` });
      return;
    }
    const given = bearerOf(req);
    if (given === undefined || !sameToken(given, token)) {
      throttle.fail(address);
      // The address and the route, never the header: a near-miss token is almost the token.
      options.logger?.warn(
        { address, method: req.method, path: req.path, throttled: throttle.retryAfterSeconds(address) > 0 },
        given === undefined ? 'admin API call without a bearer token' : 'admin API call with a wrong token',
      );
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="smart-sync"')
        .json({ error: 'missing or wrong admin token: send Authorization: Bearer <SMART_SYNC_ADMIN_TOKEN>' });
      return;
    }
    next();
  };
}
