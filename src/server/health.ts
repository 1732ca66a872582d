import { Router } from 'express';

export interface HealthDeps {
  /** True when Temporal answers right now. */
  temporalReachable: () => Promise<boolean>;
  /** True once the workers are polling; absent where this process runs none (`smart-sync api`). */
  workersRunning?: () => boolean;
  /** Why the workers are not all running (which one, and how it stopped). */
  workersProblem?: () => string | undefined;
  /** The embedded Temporal dev server; absent when Temporal runs elsewhere (TEMPORAL_ADDRESS). */
  devServer?: () => { ok: boolean; detail: string };
}

export interface Readiness {
  ready: boolean;
  /** One entry per part, 'ok'/'running' or what is wrong with it. */
  checks: { temporal: string; workers?: string; devServer?: string };
}

/**
 * How long each route waits for Temporal's answer. The probe's own deadline is stretched by
 * the client's retries (about 3 s against a server that is down), and a probe's timeout
 * is often 1 s: /healthz must answer well within that, so that a liveness probe never fails
 * because Temporal is slow.
 */
const READINESS_TEMPORAL_WAIT_MS = 2_000;
const LIVENESS_TEMPORAL_WAIT_MS = 500;
const KNOWN_DOWN_TEMPORAL_WAIT_MS = 250;

async function answerWithin(probe: Promise<boolean>, ms: number): Promise<boolean | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([probe, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every check at once; `temporalWaitMs` bounds how long the Temporal probe may take to report. */
export async function checkReadiness(
  deps: HealthDeps,
  temporalWaitMs = READINESS_TEMPORAL_WAIT_MS,
): Promise<Readiness> {
  // The parts' own state first, as it is when asked: a dev server that dies and is back
  // before the Temporal probe returns must still be reported.
  const workersRunning = deps.workersRunning?.() ?? true;
  const workersProblem = workersRunning ? undefined : (deps.workersProblem?.() ?? 'not polling');
  const devServer = deps.devServer?.();
  // When a part is known to be down the answer is 503 anyway: Temporal gets only a moment
  // to report, so that the answer comes at once rather than after the probe's retries.
  const knownDown = !workersRunning || devServer?.ok === false;
  const waitMs = knownDown ? Math.min(temporalWaitMs, KNOWN_DOWN_TEMPORAL_WAIT_MS) : temporalWaitMs;
  const temporal = await answerWithin(
    deps.temporalReachable().catch(() => false),
    waitMs,
  );
  const checks: Readiness['checks'] = {
    temporal:
      temporal === 'late' ? `unreachable (no answer within ${waitMs} ms)` : temporal ? 'ok' : 'unreachable',
  };
  if (deps.workersRunning) checks.workers = workersRunning ? 'running' : `stopped: ${workersProblem}`;
  if (devServer) checks.devServer = devServer.ok ? 'running' : devServer.detail;
  return { ready: temporal === true && workersRunning && (devServer?.ok ?? true), checks };
}

/**
 * /readyz says whether webhooks can be accepted and synced right now (for a load balancer:
 * 503 while Temporal, a worker or the embedded dev server is down). /healthz says only that
 * the process is up and serving, so that a restart policy leaves it alone while a part
 * recovers: it reports the same checks but always answers 200. Parts that cannot recover
 * by themselves make the process exit instead (see runService).
 */
export function healthRouter(deps: HealthDeps): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const { ready, checks } = await checkReadiness(deps, LIVENESS_TEMPORAL_WAIT_MS);
    res.json({ status: 'ok', ready, checks });
  });
  r.get('/readyz', async (_req, res) => {
    const { ready, checks } = await checkReadiness(deps);
    res.status(ready ? 200 : 503).json({ ready, status: ready ? 'ready' : 'not ready', checks });
  });
  return r;
}
