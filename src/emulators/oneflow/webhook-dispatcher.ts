import { createHash, randomBytes } from 'node:crypto';
import { formatOneflowTime } from './oneflow-time';

/**
 * Delivers webhooks the way Oneflow documents it (developer.oneflow.com/docs/getting-started-with-webhooks):
 * - body `{contract: {id}, callback_id, events: [{id, type, created_time}], signature}`;
 * - `signature` = hex sha1(callback_id + sign key): no HMAC, the body is not covered;
 * - any status but 200 is a failure and the same call (same callback_id) is sent again
 *   after 1, 5, 10, 30, 60, 300, 600, 1800 and 3600 seconds: 10 attempts in all.
 * The delays are multiplied by `retryScale` so tests can run the whole schedule in
 * milliseconds. Oneflow's own per-attempt timeout is not documented; ours is configurable.
 */
export const RETRY_DELAYS_SECONDS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

export interface WebhookBody {
  contract: { id: number };
  callback_id: string;
  events: Array<{ id: number; type: string; created_time: string }>;
  signature: string;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  /** HTTP status answered, or null when the call failed without one. */
  status: number | null;
  error?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled' | 'no_webhook';

export interface WebhookDelivery {
  callbackId: string;
  contractId: number;
  eventId: number;
  eventType: string;
  url: string | null;
  body: WebhookBody;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** When the next attempt is due (ISO time), while status is pending. */
  nextAttemptAt: string | null;
}

export interface WebhookSettings {
  url: string | null;
  signKey: string | null;
  retryScale: number;
  timeoutMs: number;
}

/** Oneflow's documented signature; computed here independently of the client's verifier. */
export function signCallback(callbackId: string, signKey: string | null): string {
  // The sign key is optional in Oneflow; without one the hash is of the callback id alone.
  return createHash('sha1')
    .update(callbackId + (signKey ?? ''))
    .digest('hex');
}

interface Pending {
  delivery: WebhookDelivery;
  timer?: NodeJS.Timeout;
  abort?: AbortController;
}

export class WebhookDispatcher {
  private log: WebhookDelivery[] = [];
  private pending = new Map<string, Pending>();
  private idleWaiters: Array<() => void> = [];

  /**
   * Queues one event for delivery with the settings as they are now, and makes the first
   * attempt at once. `signatureOverride` sends a chosen signature instead (to test how a
   * receiver treats a forged call).
   */
  dispatch(
    settings: WebhookSettings,
    event: { contractId: number; eventId: number; type: string; at: Date },
    signatureOverride?: string,
  ): WebhookDelivery {
    const callbackId = randomBytes(20).toString('hex');
    const body: WebhookBody = {
      contract: { id: event.contractId },
      callback_id: callbackId,
      events: [{ id: event.eventId, type: event.type, created_time: formatOneflowTime(event.at) }],
      signature: signatureOverride ?? signCallback(callbackId, settings.signKey),
    };
    const delivery: WebhookDelivery = {
      callbackId,
      contractId: event.contractId,
      eventId: event.eventId,
      eventType: event.type,
      url: settings.url,
      body,
      status: settings.url ? 'pending' : 'no_webhook',
      attempts: [],
      nextAttemptAt: null,
    };
    this.log.push(delivery);
    if (settings.url) {
      const entry: Pending = { delivery };
      this.pending.set(callbackId, entry);
      void this.attempt(entry, settings.url, settings);
    }
    return delivery;
  }

  /**
   * Sends an earlier delivery's very body again (same callback_id, event and signature)
   * to the URL configured now, as a new delivery with Oneflow's retries: what a receiver
   * sees when Oneflow retries a call it thinks failed. Undefined when there is no such
   * delivery; 'pending' when that callback is still being retried.
   */
  redeliver(callbackId: string, settings: WebhookSettings): WebhookDelivery | 'pending' | undefined {
    if (this.pending.has(callbackId)) return 'pending';
    const earlier = this.log.find((d) => d.callbackId === callbackId);
    if (!earlier) return undefined;
    const delivery: WebhookDelivery = {
      ...earlier,
      body: structuredClone(earlier.body),
      url: settings.url,
      status: settings.url ? 'pending' : 'no_webhook',
      attempts: [],
      nextAttemptAt: null,
    };
    this.log.push(delivery);
    if (settings.url) {
      const entry: Pending = { delivery };
      this.pending.set(callbackId, entry);
      void this.attempt(entry, settings.url, settings);
    }
    return delivery;
  }

  deliveries(): WebhookDelivery[] {
    return this.log;
  }

  /** Resolves once no delivery is pending (delivered, failed for good, or cancelled). */
  settled(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops every pending retry and aborts calls in flight; no timer is left behind. */
  cancelAll(): void {
    for (const entry of this.pending.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.abort?.abort();
      entry.delivery.status = 'cancelled';
      entry.delivery.nextAttemptAt = null;
    }
    this.pending.clear();
    this.notifyIfIdle();
  }

  clear(): void {
    this.cancelAll();
    this.log = [];
  }

  private async attempt(entry: Pending, url: string, settings: WebhookSettings): Promise<void> {
    const { delivery } = entry;
    entry.timer = undefined;
    delivery.nextAttemptAt = null;
    const record: DeliveryAttempt = {
      attempt: delivery.attempts.length + 1,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      status: null,
    };
    delivery.attempts.push(record);
    const abort = new AbortController();
    entry.abort = abort;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'oneflow-emulator' },
        body: JSON.stringify(delivery.body),
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(settings.timeoutMs)]),
      });
      record.status = res.status;
      // "We will ignore the response body", but it must be read for the connection to be reused.
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      record.error =
        e.name === 'TimeoutError' ? `timed out after ${settings.timeoutMs} ms` : (e.cause?.code ?? e.message);
    }
    record.finishedAt = new Date().toISOString();
    entry.abort = undefined;
    if (this.pending.get(delivery.callbackId) !== entry) return; // cancelled meanwhile

    if (record.status === 200) {
      delivery.status = 'delivered';
    } else if (delivery.attempts.length >= MAX_ATTEMPTS) {
      delivery.status = 'failed';
    } else {
      const delayMs =
        (RETRY_DELAYS_SECONDS[delivery.attempts.length - 1] ?? 3600) * 1000 * settings.retryScale;
      delivery.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
      entry.timer = setTimeout(() => void this.attempt(entry, url, settings), delayMs);
      return;
    }
    this.pending.delete(delivery.callbackId);
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.pending.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
