import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MappingDocument } from '../../src/config/mapping-document';
import {
  DEMO_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  oneflowDemoSeed,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
  superofficeDemoSeed,
} from '../../src/emulators/superoffice';
import { createLogger } from '../../src/logging/logger';
import type { ContractPreview } from '../../src/mapping/preview';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { OneflowClient } from '../../src/oneflow/client';
import { adminRouter } from '../../src/server/admin-api';
import { PreviewError, previewContract } from '../../src/server/contract-preview';
import { createApp } from '../../src/server/app';
import { SuperOfficeClient } from '../../src/superoffice/client';
import type { TemporalSyncStarter } from '../../src/temporal/sync-starter';
import demoMapping from '../../config/demo-mapping.json';

/**
 * POST /api/contracts/{id}/preview over real HTTP, with both emulators behind it: what a
 * sync would write, and the proof that nothing was written (SuperOffice's request log).
 */

const TOKEN = 'admin-token-for-tests-0123456789';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const demo = () => structuredClone(demoMapping) as MappingDocument;

let oneflow: RunningOneflowEmulator;
let superoffice: RunningSuperOfficeEmulator;
let server: Server;
let base: string;
let store: InMemoryMappingStore;

async function control(origin: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${origin}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control plane ${method} ${path} → ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

async function preview(id: number | string, body?: unknown) {
  const res = await fetch(`${base}/api/contracts/${id}/preview`, {
    method: 'POST',
    headers: { ...AUTH, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ContractPreview & Record<string, unknown> };
}

type LoggedRequest = { method: string; path: string };
const superofficeRequests = async () =>
  (await control(superoffice.origin, 'GET', '/requests')) as LoggedRequest[];

beforeAll(async () => {
  oneflow = await startOneflowEmulator({ webhookUrl: null });
  superoffice = await startSuperOfficeEmulator();
  store = new InMemoryMappingStore(demo());
  const logger = createLogger('silent');
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true, workersRunning: () => true },
    routers: [
      adminRouter({
        starter: {} as TemporalSyncStarter,
        store,
        superoffice: new SuperOfficeClient({
          apiUrl: superoffice.apiUrl,
          accessToken: DEMO_SUPEROFFICE_TOKEN,
        }),
        oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN }),
        adminToken: TOKEN,
        logger,
      }),
    ],
  });
  server = app.listen(0);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await oneflow.close();
  await superoffice.close();
});

beforeEach(async () => {
  await control(oneflow.origin, 'POST', '/reset');
  await control(oneflow.origin, 'POST', '/seed', oneflowDemoSeed);
  await control(superoffice.origin, 'POST', '/reset');
  await control(superoffice.origin, 'POST', '/seed', superofficeDemoSeed);
  await store.setMappingDocument(demo());
});

/** Reads only: GETs, and the Quote agent's Get* calls (which SuperOffice serves as POSTs). */
function expectReadsOnly(requests: LoggedRequest[]): void {
  expect(requests.length).toBeGreaterThan(5);
  for (const r of requests) {
    const readOnlyAgent = r.method === 'POST' && /\/Agents\/Quote\/Get\w+$/.test(r.path);
    expect({ ...r, readOnly: r.method === 'GET' || readOnlyAgent }).toMatchObject({ readOnly: true });
  }
}

describe('POST /api/contracts/{id}/preview', () => {
  it('shows, per record and property, what a sync of a signed contract would write, and writes nothing', async () => {
    oneflow.sign(DEMO_CONTRACT_ID);
    const before = await control(superoffice.origin, 'GET', '/state');
    await control(superoffice.origin, 'DELETE', '/requests');

    const res = await preview(DEMO_CONTRACT_ID);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      contractId: DEMO_CONTRACT_ID,
      contractState: 'signed',
      signed: true,
      saleId: 2001,
      summary: 'would_write',
      document: 'stored',
    });
    expect(res.body.notice).toBeUndefined();
    const sale = res.body.records.find((r) => r.type === 'Sale')!;
    expect(sale).toMatchObject({ id: 2001, status: 'would_write' });
    expect(sale.properties).toContainEqual(
      expect.objectContaining({
        property: 'Number',
        status: 'would_write',
        value: 'PO-2026-0042',
        source: 'data field "po_number"',
      }),
    );
    expect(sale.properties.find((p) => p.property === 'Number')).toHaveProperty('current');
    expect(res.body.records.map((r) => r.type)).toEqual(['Sale', 'Company', 'Contact', 'Contact']);
    expect(res.body.products?.lines.length).toBeGreaterThan(0);
    for (const line of res.body.products!.lines.filter((l) => l.status === 'would_write')) {
      expect(line.value).toMatch(/quantity|discount|unit price/);
    }

    expectReadsOnly(await superofficeRequests());
    expect(await control(superoffice.origin, 'GET', '/state')).toEqual(before);
  });

  it('previews a contract that is not signed yet, and says so', async () => {
    const res = await preview(DEMO_CONTRACT_ID);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ signed: false, contractState: 'pending', summary: 'would_write' });
    expect(res.body.notice).toContain('not signed by all parties');
    expect(res.body.records.length).toBeGreaterThan(0);
  });

  it('previews an unsaved mapping document from the body, reporting a field the contract lacks', async () => {
    const document = demo();
    document.mappings = document.mappings.map((m) =>
      'dataField' in m && m.dataField === 'customer_reference' ? { ...m, dataField: 'no_such_field' } : m,
    );
    await control(superoffice.origin, 'DELETE', '/requests');

    const res = await preview(DEMO_CONTRACT_ID, document);

    expect(res.status).toBe(200);
    expect(res.body.document).toBe('from the request (not saved)');
    const sale = res.body.records.find((r) => r.type === 'Sale')!;
    expect(sale.properties).toContainEqual(
      expect.objectContaining({
        status: 'skipped',
        reason: 'not in this contract (it has no data field "no_such_field")',
      }),
    );
    expect(await store.getMappingDocument()).toEqual(demo());
    expectReadsOnly(await superofficeRequests());
  });

  it('refuses an invalid mapping document with 400 and the precise problems', async () => {
    const res = await preview(DEMO_CONTRACT_ID, { ...demo(), links: {} });

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid mapping document');
    expect((res.body.errors as string[]).join('\n')).toMatch(/links/);
  });

  it('answers 404 with a message for a contract Oneflow does not have', async () => {
    const res = await preview(424242);

    expect(res.status).toBe(404);
    expect(res.body.error).toBe('Oneflow has no contract 424242 (or the API token cannot see it)');
  });

  it('answers 400 for an id that is not a contract id, and 401 without the admin token', async () => {
    expect((await preview('abc')).status).toBe(400);
    const res = await fetch(`${base}/api/contracts/${DEMO_CONTRACT_ID}/preview`, { method: 'POST' });
    expect(res.status).toBe(401);
  });

  it('answers 503 with a message while Oneflow is down', async () => {
    await control(oneflow.origin, 'POST', '/faults', {
      method: 'GET',
      path: `/v1/contracts/${DEMO_CONTRACT_ID}`,
      status: 503,
    });

    const res = await preview(DEMO_CONTRACT_ID);

    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/^Oneflow is not answering, try again later: /);
  });

  it('answers 503 with a message while SuperOffice is down', async () => {
    await control(superoffice.origin, 'POST', '/faults', { path: '**/Sale/*', status: 503 });

    const res = await preview(DEMO_CONTRACT_ID);

    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/^SuperOffice is not answering, try again later: /);
  });

  it('gives up with 504 at its deadline, cancelling its calls, while SuperOffice is slow', async () => {
    await control(superoffice.origin, 'POST', '/faults', { path: '**/Sale/*', latencyMs: 3_000 });
    const started = Date.now();

    const err = await previewContract(
      {
        oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN }),
        superoffice: new SuperOfficeClient({
          apiUrl: superoffice.apiUrl,
          accessToken: DEMO_SUPEROFFICE_TOKEN,
        }),
        store,
        logger: createLogger('silent'),
      },
      DEMO_CONTRACT_ID,
      { deadlineMs: 300 },
    ).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PreviewError);
    expect(err).toMatchObject({ status: 504, message: expect.stringContaining('took longer than') });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('says the sync would fail, writing nothing, when the linked Sale does not exist', async () => {
    const document = demo();
    document.links.sale = 'superoffice_company_id';

    const res = await preview(DEMO_CONTRACT_ID, document);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      summary: 'would_fail',
      records: [],
      failure: { type: 'NotFound', message: expect.stringContaining('does not exist in SuperOffice') },
    });
  });

  it('says the sync would fail when the contract names no usable Sale', async () => {
    const document = demo();
    document.links.sale = 'po_number';

    const res = await preview(DEMO_CONTRACT_ID, document);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      summary: 'would_fail',
      failure: { message: expect.stringContaining('which is not a SuperOffice Sale id') },
    });
  });
});

describe('npx smart-sync preview <id>', () => {
  const cli = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      [
        path.join(__dirname, '../../node_modules/tsx/dist/cli.mjs'),
        'src/cli/smart-sync.ts',
        'preview',
        ...args,
      ],
      { cwd: path.join(__dirname, '../..'), env: { ...process.env, SMART_SYNC_ADMIN_TOKEN: TOKEN } },
    ).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  it('prints a table of what a sync would write', async () => {
    oneflow.sign(DEMO_CONTRACT_ID);

    const { code, stdout } = await cli(String(DEMO_CONTRACT_ID), '--url', base);

    expect(code).toBe(0);
    expect(stdout).toContain('Preview of contract 9001 (signed). Nothing has been written to SuperOffice.');
    expect(stdout).toMatch(/Sale 2001 "Office furniture for Nordlys": would write/);
    expect(stdout).toMatch(/Number +would write +\(empty\) +PO-2026-0042 +data field "po_number"/);
    expect(stdout).toMatch(
      /Standing desk +would write +quantity 10, discount 0 % +quantity 12, discount 10 %/,
    );
    expect(stdout).toContain('In short: a sync would write the changes above.');
  });

  it('previews with a mapping document from a file, and prints each problem of an invalid one', async () => {
    const file = path.join(os.tmpdir(), `preview-${process.pid}.json`);
    try {
      const document = demo();
      document.mappings = document.mappings.filter((m) => m.object === 'Sale');
      writeFileSync(file, JSON.stringify(document));
      const valid = await cli(String(DEMO_CONTRACT_ID), '--url', base, '--document', file);
      expect(valid.code).toBe(0);
      expect(valid.stdout).toContain('Sale 2001');
      expect(valid.stdout).not.toContain('Company 101');

      writeFileSync(file, JSON.stringify({ ...demo(), links: {} }));
      const invalid = await cli(String(DEMO_CONTRACT_ID), '--url', base, '--document', file);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/→ 400: invalid mapping document\n {2}- .*links/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
