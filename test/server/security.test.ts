import type { Server } from 'node:http';
import os from 'node:os';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { createLogger, type Logger } from '../../src/logging/logger';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { adminRouter } from '../../src/server/admin-api';
import { ADMIN_AUTH_THROTTLE, FailureThrottle } from '../../src/server/admin-auth';
import { createApp } from '../../src/server/app';
import { createMetrics, metricsRouter } from '../../src/server/metrics';
import { settingsPageRouter } from '../../src/server/settings-page/settings-page-router';
import { SuperOfficeClient } from '../../src/superoffice/client';
import { type RunSummary, TemporalSyncStarter } from '../../src/temporal/sync-starter';

/** The HTTP server's defences: admin-token throttling, /metrics access, security headers, and whose runs the runs API shows. */

const TOKEN = 'admin-token-for-security-tests-0123456789';
const METRICS_TOKEN = 'metrics-token-for-security-tests-0123456789';

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const starterStandIn = {
  async listRecentRuns(): Promise<RunSummary[]> {
    return [];
  },
};

const servers: Server[] = [];

async function serve(
  options: { logger?: Logger; throttle?: FailureThrottle; metricsToken?: string; host?: string } = {},
): Promise<{ base: string; port: number }> {
  const logger = options.logger ?? createLogger('silent');
  const metrics = createMetrics();
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true, workersRunning: () => true },
    routers: [
      metricsRouter(metrics, undefined, { token: options.metricsToken }),
      adminRouter({
        starter: starterStandIn as unknown as TemporalSyncStarter,
        store: new InMemoryMappingStore(),
        // Never reached: these tests call no route that reads SuperOffice.
        superoffice: new SuperOfficeClient({ apiUrl: 'http://127.0.0.1:9/api', accessToken: 'unused' }),
        adminToken: TOKEN,
        logger,
        authThrottle: options.throttle,
      }),
      settingsPageRouter({ logger }),
    ],
  });
  const server = app.listen(0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  servers.push(server);
  const port = (server.address() as { port: number }).port;
  return { base: `http://127.0.0.1:${port}`, port };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('admin token throttling', () => {
  it('answers 429 with Retry-After after 10 wrong tokens in a minute, even to the right token, and lets it in once the window has passed', async () => {
    let now = 1_000_000;
    const throttle = new FailureThrottle({ ...ADMIN_AUTH_THROTTLE, now: () => now });
    const { logger, lines } = capturingLogger();
    const { base } = await serve({ logger, throttle });
    const guess = (token: string) =>
      fetch(`${base}/api/runs`, { headers: { Authorization: `Bearer ${token}` } });

    for (let i = 0; i < 10; i++) {
      now += 1_000;
      expect((await guess(`wrong-guess-${i}`)).status).toBe(401);
    }
    const refused = await guess('wrong-guess-10');
    expect(refused.status).toBe(429);
    // Failures at +1 s … +10 s, asked at +10 s: the first one leaves the window at +61 s.
    expect(refused.headers.get('retry-after')).toBe('51');
    expect(((await refused.json()) as { error: string }).error).toMatch(/too many wrong admin tokens/);
    expect((await guess(TOKEN)).status).toBe(429);

    now += 51_000;
    expect((await guess(TOKEN)).status).toBe(200);

    const log = lines.join('');
    expect(log).toContain('admin API call with a wrong token');
    expect(log).toContain('"address":"');
    for (let i = 0; i < 11; i++) expect(log).not.toContain(`wrong-guess-${i}`);
    expect(log).not.toContain(TOKEN);
  });

  it('counts only failures, so an admin polling with the right token is never throttled', async () => {
    const { base } = await serve();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${base}/api/runs`, { headers: { Authorization: `Bearer ${TOKEN}` } }).then((r) => r.status),
      ),
    );
    expect(new Set(answers)).toEqual(new Set([200]));
  });

  it('keeps a window per address and forgets failures older than the window', () => {
    let now = 0;
    const throttle = new FailureThrottle({ maxFailures: 3, windowMs: 10_000, now: () => now });
    for (let i = 0; i < 3; i++) throttle.fail('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(10);
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBe(0);
    now = 9_500;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(1);
    now = 10_001;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
  });
});

/** An address of this machine that is not loopback, when it has one. */
function externalIPv4(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

describe('GET /metrics', () => {
  it('without SMART_SYNC_METRICS_TOKEN answers a loopback scraper', async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('smart_sync_webhooks_received_total');
  });

  const external = externalIPv4();
  (external ? it : it.skip)(
    'without SMART_SYNC_METRICS_TOKEN refuses a scraper on another address with 403',
    async () => {
      const { port } = await serve({ host: '0.0.0.0' });
      const res = await fetch(`http://${external}:${port}/metrics`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/SMART_SYNC_METRICS_TOKEN/);
    },
  );

  it('with SMART_SYNC_METRICS_TOKEN needs it as a bearer token, even from loopback', async () => {
    const { base } = await serve({ metricsToken: METRICS_TOKEN });
    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(
      401,
    );
    const ok = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('smart_sync_webhooks_received_total');
  });
});

describe('security headers', () => {
  it.each(['/api/runs', '/api/config', '/healthz', '/no-such-route', '/metrics'])(
    '%s: nosniff, no-referrer and a CSP that allows nothing, framing included',
    async (route) => {
      const { base } = await serve();
      const res = await fetch(`${base}${route}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none';/);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    },
  );

  it.each(['/settings', '/settings/assets/settings.css'])(
    '%s keeps the page CSP, with frame-ancestors none',
    async (route) => {
      const { base } = await serve();
      const res = await fetch(`${base}${route}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy');
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    },
  );
});

describe('describeRun answers only for Smart Sync runs on its own task queue', () => {
  function starterDescribing(found: { type: string; taskQueue: string } | 'missing') {
    const desc =
      found === 'missing'
        ? undefined
        : {
            ...found,
            workflowId: 'wf',
            runId: 'run-1',
            status: { name: 'COMPLETED' },
            typedSearchAttributes: { get: () => undefined },
            startTime: new Date('2026-11-25T10:00:00Z'),
            closeTime: new Date('2026-11-25T10:00:01Z'),
          };
    const handle = {
      describe: async () => {
        if (!desc) throw new WorkflowNotFoundError('not found', 'wf', undefined);
        return desc;
      },
      result: async () => ({ contractId: 9001, outcome: 'succeeded', resources: [], notes: [] }),
      query: async () => undefined,
    };
    const client = { workflow: { getHandle: () => handle } } as unknown as Client;
    return new TemporalSyncStarter({
      client,
      taskQueue: 'smart-sync',
      namespace: 'default',
      uiUrl: 'http://ui',
    });
  }

  it.each([
    ['smartSync', 'smart-sync'],
    ['contractSyncs', 'smart-sync'],
  ])('describes a %s run on its task queue', async (type, taskQueue) => {
    const detail = await starterDescribing({ type, taskQueue }).describeRun('wf');
    expect(detail).toMatchObject({ workflowId: 'wf', status: 'COMPLETED' });
  });

  it.each([
    ['someoneElsesWorkflow', 'smart-sync'],
    ['smartSync', 'another-deployment'],
    ['payroll', 'payroll-queue'],
  ])('answers null (404) for a %s run on %s', async (type, taskQueue) => {
    expect(await starterDescribing({ type, taskQueue }).describeRun('wf')).toBeNull();
  });

  it('answers null for a workflow that does not exist', async () => {
    expect(await starterDescribing('missing').describeRun('wf')).toBeNull();
  });
});
