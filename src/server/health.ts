import { Router } from 'express';

export interface HealthDeps {
  /** True when Temporal answers right now. */
  temporalReachable: () => Promise<boolean>;
  /** True once the workers are polling. */
  workersRunning: () => boolean;
}

/**
 * /healthz says the process is alive (for a restart policy); /readyz says it can accept
 * webhooks durably right now (for a load balancer), which needs Temporal.
 */
export function healthRouter(deps: HealthDeps): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const [temporal, workers] = [await deps.temporalReachable(), deps.workersRunning()];
    const ready = temporal && workers;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks: {
        temporal: temporal ? 'ok' : 'unreachable',
        workers: workers ? 'running' : 'stopped',
      },
    });
  });
  return r;
}
