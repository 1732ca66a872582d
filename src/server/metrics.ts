import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { type RequestHandler, Router } from 'express';
import { bearerOf, sameToken } from './admin-auth';

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
 * smart_sync_workflow_build_info{build_id} 1 on a process that runs workers: which workflow
 * code it runs (see src/temporal/workflow-bundle.ts), so that a dashboard shows when every
 * replica runs the same build and when a deploy reached them.
 */
export function recordWorkflowBuild(
  metrics: ServiceMetrics,
  buildId: string,
  versioning?: { deploymentName: string; buildId?: string },
): void {
  const info = new Gauge({
    name: 'smart_sync_workflow_build_info',
    help: "The workflow bundle's build id this process's workers run (and its worker deployment, when versioned); always 1",
    labelNames: ['build_id', 'deployment', 'deployment_build_id'],
    registers: [metrics.registry],
  });
  info.set(
    {
      build_id: buildId,
      deployment: versioning?.deploymentName ?? '',
      deployment_build_id: versioning ? (versioning.buildId ?? buildId) : '',
    },
    1,
  );
}

export interface MetricsAccess {
  /** SMART_SYNC_METRICS_TOKEN: when set, a scrape must send it as a bearer token. */
  token?: string;
}

/** The connection's own address (no `trust proxy`), so a forwarded header cannot claim loopback. */
function fromLoopback(address: string | undefined): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address ?? '');
}

/**
 * The metrics name task queues, outcomes and process internals, which is reconnaissance
 * for an attacker: with SMART_SYNC_METRICS_TOKEN a scrape needs that bearer token; without
 * it only a scraper on the same machine (a loopback connection) gets an answer, so a
 * deployment that exposes the port does not expose its metrics by accident.
 */
function metricsAccess(access: MetricsAccess): RequestHandler {
  return (req, res, next) => {
    if (access.token !== undefined) {
      const given = bearerOf(req);
      if (given !== undefined && sameToken(given, access.token)) return next();
      res.status(401).set('WWW-Authenticate', 'Bearer realm="smart-sync-metrics"').json({
        error: 'missing or wrong metrics token: send Authorization: Bearer <SMART_SYNC_METRICS_TOKEN>',
      });
      return;
    }
    if (fromLoopback(req.socket.remoteAddress)) return next();
    res.status(403).json({
      error:
        'metrics are served only to this machine while SMART_SYNC_METRICS_TOKEN is not set; set it to scrape from elsewhere',
    });
  };
}

/**
 * GET /metrics: this process's counters, followed by the Temporal SDK's own metrics
 * (served by the SDK runtime on a loopback port), so one scrape gets both. Syncs by
 * outcome come from the workflow itself (`smart_sync_syncs_total{outcome}`), through the SDK.
 */
export function metricsRouter(
  metrics: ServiceMetrics,
  sdkMetricsUrl?: string,
  access: MetricsAccess = {},
): Router {
  const r = Router();
  r.get('/metrics', metricsAccess(access), async (_req, res) => {
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
