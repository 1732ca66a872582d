import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
} from '../../src/emulators/superoffice';
import { freePort } from '../../src/temporal/dev-server';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { type ServiceProcess, startServiceProcess } from '../support/service-process';

/**
 * The service configured the way a customer configures it: only the documented environment
 * variables and a mapping document named by SMART_SYNC_CONFIG, pointed at "real"
 * endpoints (our emulators standing in for Oneflow and a SuperOffice tenant) and a
 * Temporal server of its own (TEMPORAL_ADDRESS). No demo mode, no test seams.
 */
describe('smart-sync start against configured endpoints', () => {
  let oneflow: RunningOneflowEmulator;
  let superoffice: RunningSuperOfficeEmulator;
  let service: ServiceProcess | undefined;
  let port = 0;
  const adminToken = 'a-long-admin-token-for-this-test-0123456789';

  beforeAll(async () => {
    port = await freePort();
    superoffice = await startSuperOfficeEmulator({ port: 0 });
    oneflow = await startOneflowEmulator({
      port: 0,
      webhookUrl: `http://127.0.0.1:${port}/webhooks/oneflow`,
      signKey: 'customer-sign-key',
      retryScale: 0.01,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-real-'));
    const config = path.join(dir, 'smart-sync.json');
    writeFileSync(
      config,
      JSON.stringify({
        smartSync: { dataFields: true, products: false },
        links: { sale: 'superoffice_sale_id' },
        mappings: [
          { object: 'Sale', property: 'Number', dataField: 'po_number' },
          { object: 'Sale', property: 'SuperOffice:3', dataField: 'delivery_method' },
          { object: 'Company', property: 'OrgNr', dataField: 'org_number' },
          { object: 'Contact', property: 'Title', participant: 1, participantField: 'title' },
        ],
      }),
    );
    service = await startServiceProcess(port, {
      TEMPORAL_ADDRESS: testTemporalTarget().address,
      TEMPORAL_NAMESPACE: await createTestNamespace(),
      TEMPORAL_TASK_QUEUE: 'smart-sync-real',
      ONEFLOW_API_URL: oneflow.apiUrl,
      ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
      ONEFLOW_USER_EMAIL: 'sofie@oursales.example',
      ONEFLOW_WEBHOOK_SIGN_KEY: 'customer-sign-key',
      SUPEROFFICE_API_URL: superoffice.apiUrl,
      SUPEROFFICE_ACCESS_TOKEN: DEMO_SUPEROFFICE_TOKEN,
      SMART_SYNC_ADMIN_TOKEN: adminToken,
      SMART_SYNC_CONFIG: config,
      SMART_SYNC_DATA_DIR: dir,
      SMART_SYNC_RETRY_POLICIES: '{"sale":{"initialIntervalMs":100},"outcome":{"initialIntervalMs":100}}',
    });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await oneflow?.close();
    await superoffice?.close();
  });

  it('syncs a signed contract into the tenant and records the outcome Activity', async () => {
    oneflow.sign(9001);
    await oneflow.settled();
    const delivered = oneflow.emulator.deliveries().at(-1)!;
    expect(delivered.attempts.at(-1)!.status).toBe(200);

    let sale: Record<string, unknown> | undefined;
    for (let i = 0; i < 100; i++) {
      const state = (await (await fetch(`${superoffice.origin}/_emulator/state`)).json()) as {
        sales: Array<Record<string, unknown>>;
        appointments: Array<{ Description?: string }>;
      };
      if (state.appointments.length > 0) {
        sale = state.sales.find((s) => s.SaleId === 2001);
        expect(state.appointments).toHaveLength(1);
        expect(state.appointments[0]!.Description).toMatch(
          /^\[Smart sync\] Successfully updated the properties of the following SuperOffice resource types: Sale, Company, Contact\./,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(sale).toMatchObject({ Number: 'PO-2026-0042' });
    expect((sale!.CustomFields as Record<string, string>)['SuperOffice:3:DisplayText']).toBe('Freight');
    // Products are off in this document: the quote is as seeded.
    const lines = (await (await fetch(`${superoffice.origin}/_emulator/state`)).json()).quoteLines as Array<{
      Quantity: number;
    }>;
    expect(lines.map((l) => l.Quantity)).toEqual([10, 10, 10]);
  });

  it('keeps the admin API behind its token and never shows a secret', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/api/config`)).status).toBe(401);
    const res = await fetch(`http://127.0.0.1:${port}/api/config`, {
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    for (const secret of [adminToken, DEMO_ONEFLOW_TOKEN, DEMO_SUPEROFFICE_TOKEN, 'customer-sign-key']) {
      expect(body).not.toContain(secret);
      expect(service!.output()).not.toContain(secret);
    }
  });
});
