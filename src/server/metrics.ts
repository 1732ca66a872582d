import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { Router } from 'express';

export interface WebhookMetrics {
  webhooks: Counter<'result'>;
}

export interface ServiceMetrics extends WebhookMetrics {
  registry: Registry;
}

export function createMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smart_sync_process_' });
  return {
    registry,
    webhooks: new Counter({
      name: 'smart_sync_webhooks_received_total',
      help: 'Oneflow webhooks received, by result (accepted, duplicate, ignored, invalid, bad-signature, unavailable, error)',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

/**
 * GET /metrics: this process's counters, followed by the Temporal SDK's own metrics
 * (served by the SDK runtime on a loopback port), so one scrape gets both. Syncs by
 * outcome come from the workflow itself (`smart_sync_syncs_total{outcome}`), through the SDK.
 */
export function metricsRouter(metrics: ServiceMetrics, sdkMetricsUrl?: string): Router {
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    let sdk = '';
    if (sdkMetricsUrl) {
      try {
        const answer = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) });
        sdk = answer.ok ? await answer.text() : '';
      } catch {
        sdk = '# Temporal SDK metrics unavailable right now\n';
      }
    }
    res.set('Content-Type', metrics.registry.contentType).send(`${await metrics.registry.metrics()}\n${sdk}`);
  });
  return r;
}
