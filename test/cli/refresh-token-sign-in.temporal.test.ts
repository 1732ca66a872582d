import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { type RunningSuperOfficeEmulator, startSuperOfficeEmulator } from '../../src/emulators/superoffice';
import { freePort } from '../../src/temporal/dev-server';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { type ServiceProcess, startServiceProcess } from '../support/service-process';

const CLIENT_ID = 'smart-sync-client-id';
const CLIENT_SECRET = 'client-secret-for-the-refresh-test-0123';
const REFRESH_TOKEN = 'refresh-token-for-the-refresh-test-4567';
const LIFETIME_S = 2;

/**
 * The service signed in with a refresh token, configured only through its environment, while
 * SuperOffice's access tokens live 2 s: syncs spread over several lifetimes all succeed, the
 * token endpoint is asked about once per lifetime, and no secret reaches the logs.
 */
describe('smart-sync start signed in with a refresh token', () => {
  let oneflow: RunningOneflowEmulator;
  let superoffice: RunningSuperOfficeEmulator;
  let service: ServiceProcess | undefined;
  let port = 0;
  const adminToken = 'a-long-admin-token-for-the-refresh-test-0123456789';

  beforeAll(async () => {
    port = await freePort();
    superoffice = await startSuperOfficeEmulator({
      port: 0,
      login: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        refreshTokens: [REFRESH_TOKEN],
        accessTokenLifetimeSeconds: LIFETIME_S,
      },
    });
    oneflow = await startOneflowEmulator({
      port: 0,
      webhookUrl: `http://127.0.0.1:${port}/webhooks/oneflow`,
      signKey: 'customer-sign-key',
      retryScale: 0.01,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-refresh-'));
    const config = path.join(dir, 'smart-sync.json');
    writeFileSync(
      config,
      JSON.stringify({
        smartSync: { dataFields: true, products: false },
        links: { sale: 'superoffice_sale_id' },
        mappings: [
          { object: 'Sale', property: 'Number', dataField: 'po_number' },
          { object: 'Company', property: 'OrgNr', dataField: 'org_number' },
        ],
      }),
    );
    service = await startServiceProcess(port, {
      TEMPORAL_ADDRESS: testTemporalTarget().address,
      TEMPORAL_NAMESPACE: await createTestNamespace(),
      TEMPORAL_TASK_QUEUE: 'smart-sync-refresh',
      ONEFLOW_API_URL: oneflow.apiUrl,
      ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
      ONEFLOW_USER_EMAIL: 'sofie@oursales.example',
      ONEFLOW_WEBHOOK_SIGN_KEY: 'customer-sign-key',
      SUPEROFFICE_API_URL: superoffice.apiUrl,
      SUPEROFFICE_LOGIN_URL: `${superoffice.origin}/login`,
      SUPEROFFICE_CLIENT_ID: CLIENT_ID,
      SUPEROFFICE_CLIENT_SECRET: CLIENT_SECRET,
      SUPEROFFICE_REFRESH_TOKEN: REFRESH_TOKEN,
      SMART_SYNC_ADMIN_TOKEN: adminToken,
      SMART_SYNC_CONFIG: config,
      SMART_SYNC_DATA_DIR: dir,
      LOG_LEVEL: 'debug',
      SMART_SYNC_RETRY_POLICIES: '{"sale":{"initialIntervalMs":100},"outcome":{"initialIntervalMs":100}}',
    });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await oneflow?.close();
    await superoffice?.close();
  });

  const admin = (p: string, method = 'GET') =>
    fetch(`http://127.0.0.1:${port}${p}`, { method, headers: { Authorization: `Bearer ${adminToken}` } });

  async function settled(workflowId: string): Promise<{ status: string; outcome?: string }> {
    for (let i = 0; i < 200; i++) {
      const run = (await (await admin(`/api/runs/${encodeURIComponent(workflowId)}`)).json()) as {
        status: string;
        outcome?: string;
      };
      if (run.status !== 'RUNNING') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${workflowId} did not end`);
  }

  it('syncs across several token lifetimes, refreshing about once per lifetime', async () => {
    const started = Date.now();
    oneflow.sign(9001);
    await oneflow.settled();
    const runs: Array<{ status: string; outcome?: string }> = [];
    // The webhook's run, then manual re-runs spread over about four lifetimes.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      const res = await admin('/api/contracts/9001/resync', 'POST');
      expect(res.status).toBe(202);
      runs.push(await settled(((await res.json()) as { workflowId: string }).workflowId));
    }
    const elapsedS = (Date.now() - started) / 1000;
    for (const run of runs) {
      expect(run.status).toBe('COMPLETED');
      expect(['succeeded', 'unchanged']).toContain(run.outcome);
    }
    const tokenCalls = superoffice.control.requests().filter((r) => r.path === '/login/common/oauth/tokens');
    expect(tokenCalls.every((c) => c.status === 200)).toBe(true);
    // At most one per (lifetime less its margin) of the whole span, plus the first; at least two.
    expect(tokenCalls.length).toBeGreaterThanOrEqual(2);
    expect(tokenCalls.length).toBeLessThanOrEqual(Math.ceil(elapsedS / (LIFETIME_S * 0.9)) + 1);
  }, 120_000);

  it('writes no secret into its logs', () => {
    expect(service!.output().length).toBeGreaterThan(0);
    for (const secret of [
      CLIENT_SECRET,
      REFRESH_TOKEN,
      adminToken,
      DEMO_ONEFLOW_TOKEN,
      'customer-sign-key',
    ]) {
      expect(service!.output()).not.toContain(secret);
    }
    expect(service!.output()).not.toMatch(/8A:Cust12345\.[A-Za-z0-9_-]{8}/);
  });
});
