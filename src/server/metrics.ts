import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { Router } from 'express';

export interface WebhookMetrics {
  webhooks: Counter<'result'>;
}

export interface ServiceMetrics extends WebhookMetrics {
  registry: Registry;
  syncs: Counter<'outcome'>;
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
    syncs: new Counter({
      name: 'smart_sync_syncs_total',
      help: 'Finished syncs, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

export function metricsRouter(metrics: ServiceMetrics): Router {
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return r;
}
