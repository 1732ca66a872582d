import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import type { MappingDocument } from '../../src/config/mapping-document';
import {
  DEMO_SUPEROFFICE_TOKEN,
  type RunningSuperOfficeEmulator,
  startSuperOfficeEmulator,
} from '../../src/emulators/superoffice';
import { createLogger } from '../../src/logging/logger';
import { createApp } from '../../src/server/app';
import { adminRouter } from '../../src/server/admin-api';
import { settingsPageRouter } from '../../src/server/settings-page/settings-page-router';
import { InMemoryMappingStore, type MappingStore } from '../../src/mapping-store/mapping-store';
import { SqliteMappingStore, writeFileAtomically } from '../../src/mapping-store/sqlite-mapping-store';
import { SuperOfficeClient } from '../../src/superoffice/client';
import type { CatalogProperty, PropertyCatalog } from '../../src/superoffice/field-catalog';
import {
  type RunDetail,
  type RunSummary,
  TemporalUnavailableError,
  type TemporalSyncStarter,
} from '../../src/temporal/sync-starter';
import demoMapping from '../../config/demo-mapping.json';

/**
 * The admin API and the settings page's files, over real HTTP, with the SuperOffice
 * emulator behind the catalog. Temporal stands aside here: the starter is a recording
 * stand-in, and the runs routes are exercised against the real dev server in
 * test/browser.
 */

const TOKEN = 'admin-token-for-tests-0123456789';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const demo = () => structuredClone(demoMapping) as MappingDocument;

const RUN: RunSummary = {
  workflowId: 'smart-sync-contract-9001-manual-x',
  runId: '0199c2a4-0000-7000-8000-000000000001',
  contractId: 9001,
  status: 'COMPLETED',
  outcome: 'succeeded',
  trigger: 'manual',
  startTime: '2026-11-25T10:00:00.000Z',
  closeTime: '2026-11-25T10:00:01.200Z',
  link: 'http://localhost:8233/namespaces/default/workflows/x/y/history',
};

class StarterStandIn {
  calls: Array<[string, unknown[]]> = [];
  unavailable = false;
  private check(name: string, args: unknown[]) {
    this.calls.push([name, args]);
    if (this.unavailable)
      throw new TemporalUnavailableError('Temporal is not reachable: connect ECONNREFUSED');
  }
  async listRecentRuns(limit: number): Promise<RunSummary[]> {
    this.check('listRecentRuns', [limit]);
    return [RUN];
  }
  async listRuns(contractId: number): Promise<RunSummary[]> {
    this.check('listRuns', [contractId]);
    return [RUN];
  }
  async describeRun(workflowId: string, runId?: string): Promise<RunDetail | null> {
    this.check('describeRun', [workflowId, runId]);
    return workflowId === RUN.workflowId ? { ...RUN } : null;
  }
  async startManual(contractId: number) {
    this.check('startManual', [contractId]);
    return { workflowId: `w-${contractId}`, runId: 'r', link: 'l', duplicate: false };
  }
}

let emulator: RunningSuperOfficeEmulator;
let server: Server | undefined;
let base: string;
let store: InMemoryMappingStore;
let starter: StarterStandIn;

beforeAll(async () => {
  emulator = await startSuperOfficeEmulator();
});

afterAll(async () => {
  await emulator.close();
});

/** Serves the app, in place of the one running, on the in-memory store or on one a test brings. */
async function serve(mappingStore: MappingStore): Promise<void> {
  if (server) await stopServer();
  const logger = createLogger('silent');
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true, workersRunning: () => true },
    routers: [
      adminRouter({
        starter: starter as unknown as TemporalSyncStarter,
        store: mappingStore,
        superoffice: new SuperOfficeClient({ apiUrl: emulator.apiUrl, accessToken: DEMO_SUPEROFFICE_TOKEN }),
        adminToken: TOKEN,
        logger,
      }),
      settingsPageRouter({ logger }),
    ],
  });
  const listening = app.listen(0);
  await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
  server = listening;
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function stopServer(): Promise<void> {
  const running = server;
  if (!running) return;
  server = undefined;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
}

beforeEach(async () => {
  store = new InMemoryMappingStore();
  starter = new StarterStandIn();
  await serve(store);
});

afterEach(async () => {
  await stopServer();
});

async function call(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, body: body as Record<string, unknown> };
}

describe('admin API authentication', () => {
  it.each([
    ['GET', '/api/config'],
    ['PUT', '/api/config'],
    ['GET', '/api/properties'],
    ['GET', '/api/runs'],
    ['GET', '/api/runs/some-workflow'],
    ['GET', '/api/contracts/9001/runs'],
    ['POST', '/api/contracts/9001/resync'],
  ])('%s %s answers 401 without the token, and with a wrong one', async (method, path) => {
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer not-the-token' },
      { Authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const res = await call(method, path, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.text).not.toContain(TOKEN);
    }
    expect(starter.calls).toEqual([]);
  });
});

describe('GET and PUT /api/config', () => {
  it('answers 404 with advice while there is no document', async () => {
    const res = await call('GET', '/api/config', { headers: AUTH });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/PUT one to \/api\/config/);
  });

  it('replaces the document and answers it with a version tag that GET repeats', async () => {
    const put = await call('PUT', '/api/config', { body: demo(), headers: AUTH });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ ...demo(), warnings: [] });
    const tag = put.headers.get('etag');
    expect(tag).toMatch(/^"[0-9a-f]{32}"$/);
    const get = await call('GET', '/api/config', { headers: AUTH });
    expect(get.body).toEqual(demo());
    expect(get.headers.get('etag')).toBe(tag);
    expect(get.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a change made against an older version (If-Match), and keeps the newer one', async () => {
    const first = await call('PUT', '/api/config', { body: demo(), headers: AUTH });
    const oldTag = first.headers.get('etag')!;
    const theirs = demo();
    theirs.smartSync.products = false;
    const second = await call('PUT', '/api/config', {
      body: theirs,
      headers: { ...AUTH, 'If-Match': oldTag },
    });
    expect(second.status).toBe(200);

    const mine = demo();
    mine.smartSync.dataFields = false;
    const stale = await call('PUT', '/api/config', { body: mine, headers: { ...AUTH, 'If-Match': oldTag } });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatch(/changed since you loaded it/);
    expect(await store.getMappingDocument()).toEqual(theirs);

    const fresh = await call('PUT', '/api/config', {
      body: mine,
      headers: { ...AUTH, 'If-Match': second.headers.get('etag')! },
    });
    expect(fresh.status).toBe(200);
    expect((await store.getMappingDocument())!.smartSync).toEqual({ dataFields: false, products: true });
  });

  it('takes If-Match: * as any stored version, and a list of tags as any one of them', async () => {
    const star = { ...AUTH, 'If-Match': '*' };
    expect((await call('PUT', '/api/config', { body: demo(), headers: star })).status).toBe(412);
    expect(await store.getMappingDocument()).toBeNull();
    const tag = (await call('PUT', '/api/config', { body: demo(), headers: AUTH })).headers.get('etag')!;
    const mine = { ...demo(), mappings: [] };
    const several = { ...AUTH, 'If-Match': `"${'0'.repeat(32)}", W/${tag}, ${tag}` };
    expect((await call('PUT', '/api/config', { body: mine, headers: several })).status).toBe(200);
    expect((await call('PUT', '/api/config', { body: demo(), headers: star })).status).toBe(200);
    const weakOnly = { ...AUTH, 'If-Match': `W/${tag}` };
    expect((await call('PUT', '/api/config', { body: mine, headers: weakOnly })).status).toBe(412);
    expect(await store.getMappingDocument()).toEqual(demo());
  });

  it('answers 400 with every problem, each naming its place, and saves nothing', async () => {
    const bad = {
      smartSync: { dataFields: 'yes', products: true },
      links: { sale: 'superoffice_sale_id' },
      mappings: [
        { object: 'Person', property: 'Title', dataField: 'x' },
        { object: 'Contact', property: 'Title', participantField: 'title' },
      ],
    };
    const res = await call('PUT', '/api/config', { body: bad, headers: AUTH });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        'smartSync.dataFields: must be true or false, got "yes"',
        expect.stringMatching(
          /^mappings\[0\]\.object: must be "Sale", "Company" or "Contact", got "Person" \(a person is a "Contact" here/,
        ),
        expect.stringMatching(/^mappings\[1\]\.participant: a Contact mapping needs "participant"/),
      ]),
    );
    expect(await store.getMappingDocument()).toBeNull();
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await fetch(`${base}/api/config`, {
      method: 'PUT',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: '{"smartSync": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not valid JSON/);
  });

  it('saves a mapping to a property that is not ready, with a warning that says why', async () => {
    const doc = demo();
    doc.mappings.push({ object: 'Sale', property: 'SuperOffice:6', dataField: 'p2_shoe_size' });
    const res = await call('PUT', '/api/config', { body: doc, headers: AUTH });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([
      {
        mappingIndex: doc.mappings.length - 1,
        path: `mappings[${doc.mappings.length - 1}].property`,
        message: expect.stringMatching(
          /Sale "SuperOffice:6" \(Legacy score\) is not smart-sync-ready: read-only custom field/,
        ),
      },
    ]);
  });
});

describe('PUT /api/config and the store behind it', () => {
  let dir: string;
  const stores: SqliteMappingStore[] = [];
  /** Fails every write of the file while set, as a full disk would (root ignores a read-only folder). */
  let diskFull = false;

  async function serveSqlite(): Promise<SqliteMappingStore> {
    const sqlite = await SqliteMappingStore.open(path.join(dir, 'settings.db'), {
      writeFile: async (file, bytes) => {
        if (diskFull) {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        await writeFileAtomically(file, bytes);
      },
    });
    stores.push(sqlite);
    await serve(sqlite);
    return sqlite;
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-admin-api-'));
    diskFull = false;
  });

  afterEach(async () => {
    await stopServer();
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['in memory', async (): Promise<MappingStore> => store],
    ['SQLite', serveSqlite],
  ])(
    'lets one of two PUTs with the same If-Match through and refuses the other (%s store)',
    async (_name, make) => {
      const target = await make();
      let tag = (await call('PUT', '/api/config', { body: demo(), headers: AUTH })).headers.get('etag')!;
      const saved = [demo()];
      // A few rounds, each from the version the previous round's winner saved.
      for (let round = 0; round < 3; round++) {
        const docs = ['a', 'b'].map((who) => {
          const doc = demo();
          doc.links.sale = `sale_field_${who}_${round}`;
          return doc;
        });
        const answers = await Promise.all(
          docs.map((body) => call('PUT', '/api/config', { body, headers: { ...AUTH, 'If-Match': tag } })),
        );
        expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
        const winner = answers.findIndex((a) => a.status === 200);
        expect(answers[1 - winner]!.body.error).toMatch(/changed since you loaded it/);
        expect(await target.getMappingDocument()).toEqual(docs[winner]);
        const get = await call('GET', '/api/config', { headers: AUTH });
        expect(get.body).toEqual(docs[winner]);
        expect(get.headers.get('etag')).toBe(answers[winner]!.headers.get('etag'));
        tag = get.headers.get('etag')!;
        saved.unshift(docs[winner]!);
      }
      if (target instanceof SqliteMappingStore) {
        // The refused documents were never saved, not even for a moment.
        expect((await target.history()).map((v) => v.document)).toEqual(saved);
      }
    },
  );

  it('answers 503 with the reason when the file cannot be written, and keeps the saved document', async () => {
    const sqlite = await serveSqlite();
    const first = await call('PUT', '/api/config', { body: demo(), headers: AUTH });
    const tag = first.headers.get('etag')!;
    const mine = demo();
    mine.smartSync.products = false;

    diskFull = true;
    const failed = await call('PUT', '/api/config', { body: mine, headers: { ...AUTH, 'If-Match': tag } });
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatch(
      /^the mapping document was not saved: cannot write the settings database .*settings\.db: the disk is full.*The stored document is unchanged/,
    );
    const get = await call('GET', '/api/config', { headers: AUTH });
    expect(get.body).toEqual(demo());
    expect(get.headers.get('etag')).toBe(tag);
    expect((await sqlite.history()).map((v) => v.document)).toEqual([demo()]);
    expect(readdirSync(dir)).toEqual(['settings.db']);

    // Nothing was lost: the same request, sent again once there is room, goes through.
    diskFull = false;
    const retried = await call('PUT', '/api/config', { body: mine, headers: { ...AUTH, 'If-Match': tag } });
    expect(retried.status).toBe(200);
    expect((await call('GET', '/api/config', { headers: AUTH })).body).toEqual(mine);
  });
});

describe('GET /api/properties', () => {
  it("lists Sale, Company and Contact properties from SuperOffice's metadata, ready or not with the reason", async () => {
    const res = await call('GET', '/api/properties', { headers: AUTH });
    expect(res.status).toBe(200);
    const catalog = res.body as unknown as PropertyCatalog;
    const find = (object: keyof PropertyCatalog, property: string) =>
      catalog[object].find((p: CatalogProperty) => p.property === property);
    expect(find('Sale', 'Number')).toMatchObject({ kind: 'standard', ready: true });
    expect(find('Sale', 'SaleId')).toMatchObject({
      ready: false,
      notReadyReason: expect.stringMatching(/^system-controlled/),
    });
    expect(find('Sale', 'SuperOffice:2')).toMatchObject({
      label: 'Delivery date',
      type: 'date',
      ready: true,
    });
    expect(find('Sale', 'SuperOffice:3')).toMatchObject({ type: 'list', ready: true });
    expect(find('Sale', 'SuperOffice:6')).toMatchObject({
      label: 'Legacy score',
      ready: false,
      notReadyReason: 'read-only custom field',
    });
    expect(find('Company', 'x_invoice_email')).toMatchObject({ kind: 'extra', ready: true });
    expect(find('Contact', 'SuperOffice:4')).toMatchObject({
      label: 'Shoe size',
      type: 'integer',
      ready: true,
    });
    expect(res.text).not.toContain(DEMO_SUPEROFFICE_TOKEN);
    expect(res.text).not.toContain('demo-access-token');
  });

  it('answers 502 with the reason when SuperOffice does not answer, without its token', async () => {
    await fetch(`${emulator.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/Cust12345/api/v1/Sale/UdefLayout/Published', status: 500, times: 1 }),
    });
    const res = await call('GET', '/api/properties', { headers: AUTH });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatch(/^SuperOffice did not answer with its field metadata: /);
    expect(res.text).not.toContain('demo-access-token');
  });
});

describe('GET /api/runs', () => {
  it('lists the recent runs, 25 unless asked', async () => {
    const res = await call('GET', '/api/runs', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ limit: 25, runs: [RUN] });
    expect(await call('GET', '/api/runs?limit=200', { headers: AUTH })).toMatchObject({ status: 200 });
    expect(starter.calls).toEqual([
      ['listRecentRuns', [25]],
      ['listRecentRuns', [200]],
    ]);
  });

  it.each(['0', '201', 'ten', '-1', '2.5', ''])('answers 400 for limit=%s', async (limit) => {
    const res = await call('GET', `/api/runs?limit=${limit}`, { headers: AUTH });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(`limit must be a whole number from 1 to 200, got ${JSON.stringify(limit)}`);
    expect(starter.calls).toEqual([]);
  });

  it('answers 503 while Temporal cannot be reached', async () => {
    starter.unavailable = true;
    for (const path of ['/api/runs', '/api/runs/w1', '/api/contracts/9001/runs']) {
      const res = await call('GET', path, { headers: AUTH });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatch(/Temporal is not reachable/);
    }
  });

  it('answers one run, 404 for an unknown one, 400 for a malformed run id', async () => {
    const one = await call('GET', `/api/runs/${RUN.workflowId}?runId=${RUN.runId}`, { headers: AUTH });
    expect(one.status).toBe(200);
    expect(starter.calls.at(-1)).toEqual(['describeRun', [RUN.workflowId, RUN.runId]]);
    expect((await call('GET', '/api/runs/nope', { headers: AUTH })).status).toBe(404);
    const bad = await call('GET', `/api/runs/${RUN.workflowId}?runId=${encodeURIComponent("x' OR 1=1")}`, {
      headers: AUTH,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^runId must be a Temporal run id/);
  });
});

describe('the settings page files', () => {
  it('sends a browser from / to /settings', async () => {
    const res = await call('GET', '/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/settings');
  });

  it('serves the page without the token, with a policy that allows only its own files', async () => {
    const res = await call('GET', '/settings');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    for (const tab of ['Smart sync', 'Mapping SuperOffice properties', 'Runs']) {
      expect(res.text).toContain(`>${tab}</button>`);
    }
    expect(res.text).not.toContain(TOKEN);
    // No inline script or style, which the policy would block.
    expect(res.text).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|<style|style="/);
  });

  it('serves a stylesheet and a script that parses as a classic browser script', async () => {
    const css = await call('GET', '/settings/assets/settings.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const js = await call('GET', '/settings/assets/settings.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(() => new vm.Script(js.text)).not.toThrow();
    expect(js.text).not.toMatch(/sourceMappingURL/);
  });

  it("gives the script's modules what CommonJS output needs, and nothing from node_modules", async () => {
    const { text } = await call('GET', '/settings/assets/settings.js');
    const defined = [...text.matchAll(/^\}\)\(modules\['([^']+)'\] = \{\}, load\);$/gm)].map((m) => m[1]);
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required).toContain('./settings-model');
    // Each one a module of the script itself, defined before it is needed.
    for (const name of new Set(required)) {
      expect(defined).toContain(name);
      expect(text.indexOf(`modules['${name}'] = {}`)).toBeLessThan(text.indexOf(`require("${name}")`));
    }
    // Runs the model module alone in a bare context: it must not touch the DOM or Node.
    const modelEnd = "})(modules['./settings-model'] = {}, load);";
    const modelStart = text.indexOf('// --- settings-model ---');
    const model = text.slice(modelStart, text.indexOf(modelEnd, modelStart) + modelEnd.length);
    const sandbox: { modules: Record<string, Record<string, unknown>>; load: (n: string) => unknown } = {
      modules: {},
      load: (n) => sandbox.modules[n],
    };
    vm.runInNewContext(model, sandbox);
    expect(Object.keys(sandbox.modules['./settings-model']!)).toEqual(
      expect.arrayContaining(['mappingRows', 'readinessOf', 'mappingFromForm', 'nextTabIndex']),
    );
  });
});
