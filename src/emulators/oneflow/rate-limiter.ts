import { z } from 'zod';

/**
 * Oneflow limits each API token to 2000 requests within a 5-minute window, across all
 * endpoints (Oneflow's api-rate-limit page). The docs do not say whether the window is fixed
 * or sliding; the emulator slides it (a log of accepted requests per token), which is the
 * stricter reading: a client that stays under the limit here stays under it either way.
 * Refused requests are not logged, so a client that backs off recovers once the oldest
 * accepted request leaves the window.
 */
export const rateLimitConfigSchema = z.strictObject({
  limit: z.number().int().positive(),
  windowMs: z.number().int().positive(),
  /** false turns the limit off entirely (benchmarks). */
  enabled: z.boolean().default(true),
});
export type RateLimitConfig = z.output<typeof rateLimitConfigSchema>;
export type RateLimitConfigInput = z.input<typeof rateLimitConfigSchema>;

export const DOCUMENTED_RATE_LIMIT: RateLimitConfig = { limit: 2000, windowMs: 5 * 60_000, enabled: true };

interface TokenLog {
  /** Acceptance times, oldest first; entries before `head` have left the window. */
  times: number[];
  head: number;
}

export class SlidingWindowRateLimiter {
  private logs = new Map<string, TokenLog>();

  constructor(private config: RateLimitConfig) {}

  get settings(): RateLimitConfig {
    return { ...this.config };
  }

  /** Replaces the configuration and forgets what was counted under the old one. */
  configure(config: RateLimitConfig): void {
    this.config = { ...config };
    this.clear();
  }

  clear(): void {
    this.logs.clear();
  }

  /** Counts a request for `token` if the window has room; false when it must be refused. */
  tryAcquire(token: string, now = Date.now()): boolean {
    if (!this.config.enabled) return true;
    let log = this.logs.get(token);
    if (!log) {
      log = { times: [], head: 0 };
      this.logs.set(token, log);
    }
    const cutoff = now - this.config.windowMs;
    while (log.head < log.times.length && (log.times[log.head] ?? Infinity) <= cutoff) log.head += 1;
    // Compact now and then so a long benchmark does not keep every timestamp it ever saw.
    if (log.head > 1024 && log.head * 2 > log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
    if (log.times.length - log.head >= this.config.limit) return false;
    log.times.push(now);
    return true;
  }

  /** Requests each token has left in the current window, for the state view. */
  remaining(now = Date.now()): Record<string, number> {
    const out: Record<string, number> = {};
    const cutoff = now - this.config.windowMs;
    for (const [token, log] of this.logs) {
      const inWindow = log.times.slice(log.head).filter((t) => t > cutoff).length;
      out[maskToken(token)] = Math.max(0, this.config.limit - inWindow);
    }
    return out;
  }
}

/** Enough of a token to tell tokens apart in the state view, never the whole secret. */
export function maskToken(token: string): string {
  return token.length <= 8 ? '****' : `${token.slice(0, 4)}…${token.slice(-4)}`;
}
