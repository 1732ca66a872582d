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
const SECRET_KEY = 'secret-key-for-the-connect-test-0123456789abcdef';

/**
 * The service with SuperOffice's client alone (no token in its environment): an admin
 * connects it through the sign-in as a browser would, and a signing then syncs with the
 * stored connection; no secret reaches the logs.
 */
describe('smart-sync start connected through SuperOffice sign-in', () => {
  let oneflow: RunningOneflowEmulator;
  let superoffice: RunningSuperOfficeEmulator;
  let service: ServiceProcess | undefined;
  let port = 0;
  const adminToken = 'a-long-admin-token-for-the-connect-test-0123456789';

  beforeAll(async () => {
    port = await freePort();
    superoffice = await startSuperOfficeEmulator({
      port: 0,
      login: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      },
    });
    oneflow = await startOneflowEmulator({
      port: 0,
      webhookUrl: `http://127.0.0.1:${port}/webhooks/oneflow`,
      signKey: 'customer-sign-key',
      retryScale: 0.01,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-connect-'));
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
      TEMPORAL_TASK_QUEUE: 'smart-sync-connect',
      ONEFLOW_API_URL: oneflow.apiUrl,
      ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
      ONEFLOW_USER_EMAIL: 'sofie@oursales.example',
      ONEFLOW_WEBHOOK_SIGN_KEY: 'customer-sign-key',
      SUPEROFFICE_API_URL: superoffice.apiUrl,
      SUPEROFFICE_LOGIN_URL: `${superoffice.origin}/login`,
      SUPEROFFICE_CLIENT_ID: CLIENT_ID,
      SUPEROFFICE_CLIENT_SECRET: CLIENT_SECRET,
      SMART_SYNC_SECRET_KEY: SECRET_KEY,
      SMART_SYNC_PUBLIC_URL: `http://127.0.0.1:${port}`,
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

  it('connects as a browser would, then syncs a signing with the stored connection', async () => {
    const before = (await (await admin('/api/connections')).json()) as { superoffice: { works: boolean } };
    expect(before.superoffice.works).toBe(false);
    const start = await admin('/api/connections/superoffice/authorize', 'POST');
    expect(start.status).toBe(200);
    const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
    const consent = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    expect(callback.status).toBe(303);
    const after = (await (await admin('/api/connections')).json()) as {
      superoffice: { mode: string; works: boolean; tenant: string };
    };
    expect(after.superoffice).toMatchObject({ mode: 'oauth', works: true, tenant: 'Cust12345' });

    oneflow.sign(9001);
    await oneflow.settled();
    let run: { status: string; outcome?: string } | undefined;
    for (let i = 0; i < 100 && !run; i++) {
      const { runs } = (await (await admin('/api/contracts/9001/runs')).json()) as {
        runs: Array<{ workflowId: string }>;
      };
      if (runs[0]) run = await settled(runs[0].workflowId);
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(run).toMatchObject({ status: 'COMPLETED' });
    expect(['succeeded', 'unchanged']).toContain(run!.outcome);
  }, 120_000);

  it('writes no secret into its logs', () => {
    expect(service!.output().length).toBeGreaterThan(0);
    for (const secret of [
      CLIENT_SECRET,
      SECRET_KEY,
      ...superoffice.login.refreshTokens,
      adminToken,
      DEMO_ONEFLOW_TOKEN,
      'customer-sign-key',
    ]) {
      expect(service!.output()).not.toContain(secret);
    }
    expect(superoffice.login.refreshTokens.size).toBe(1);
    expect(service!.output()).not.toMatch(/8A:Cust12345\.[A-Za-z0-9_-]{8}/);
  });
});
