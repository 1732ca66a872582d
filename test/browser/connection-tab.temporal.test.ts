import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { type RunningSuperOfficeEmulator, startSuperOfficeEmulator } from '../../src/emulators/superoffice';
import { freePort } from '../../src/temporal/dev-server';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { type ServiceProcess, startServiceProcess } from '../support/service-process';
import { launchChromium, openPage } from './chromium';

/**
 * The Connection tab in headless Chromium against `smart-sync start` configured with
 * SuperOffice's client alone (the connect mode): an admin connects through the emulator's
 * authorize page and comes back to the tab (a forged state and a badly signed id_token are
 * refused, storing nothing); syncs then go to the tenant's own address (the id_token's
 * webapi_url), follow the tenant when it moves (421) between syncs and in the middle of one,
 * fail with the reconnect message once the consent is revoked, which the tab shows; after a
 * reconnect from the tab, syncs across several 2 s token lifetimes ask the token endpoint
 * about once per lifetime; disconnecting works from the tab. No secret reaches the logs, an
 * API answer or a workflow history.
 */

const CLIENT_ID = 'smart-sync-connection-tab-client';
const CLIENT_SECRET = 'client-secret-for-the-connection-tab-0123';
const SECRET_KEY = 'secret-key-for-the-connection-tab-test-0123456789abcdef';
const ADMIN_TOKEN = 'a-long-admin-token-for-the-connection-tab-0123456789';
const SIGN_KEY = 'connection-tab-sign-key';
const CONTRACT = 9001;

let oneflow: RunningOneflowEmulator;
let superoffice: RunningSuperOfficeEmulator;
let service: ServiceProcess | undefined;
let browser: Browser;
let namespace = '';
let url = '';
/** Every answer of the service's API this test read, for the secret check at the end. */
const answers: string[] = [];
const workflowIds: string[] = [];
/** Every refresh token the emulator issued (a revoked one leaves its set). */
const refreshTokens = new Set<string>();

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  superoffice = await startSuperOfficeEmulator({
    port: 0,
    login: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  });
  oneflow = await startOneflowEmulator({
    port: 0,
    webhookUrl: `${url}/webhooks/oneflow`,
    signKey: SIGN_KEY,
    retryScale: 0.01,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-connection-tab-'));
  const config = path.join(dir, 'smart-sync.json');
  writeFileSync(
    config,
    JSON.stringify({
      smartSync: { dataFields: true, products: false },
      links: { sale: 'superoffice_sale_id' },
      mappings: [{ object: 'Sale', property: 'Number', dataField: 'po_number' }],
    }),
  );
  namespace = await createTestNamespace();
  [service, browser] = await Promise.all([
    startServiceProcess(port, {
      TEMPORAL_ADDRESS: testTemporalTarget().address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: 'smart-sync-connection-tab',
      ONEFLOW_API_URL: oneflow.apiUrl,
      ONEFLOW_API_TOKEN: DEMO_ONEFLOW_TOKEN,
      ONEFLOW_USER_EMAIL: 'sofie@oursales.example',
      ONEFLOW_WEBHOOK_SIGN_KEY: SIGN_KEY,
      SUPEROFFICE_API_URL: superoffice.apiUrl,
      SUPEROFFICE_LOGIN_URL: `${superoffice.origin}/login`,
      SUPEROFFICE_CLIENT_ID: CLIENT_ID,
      SUPEROFFICE_CLIENT_SECRET: CLIENT_SECRET,
      SMART_SYNC_SECRET_KEY: SECRET_KEY,
      SMART_SYNC_PUBLIC_URL: url,
      SMART_SYNC_ADMIN_TOKEN: ADMIN_TOKEN,
      SMART_SYNC_CONFIG: config,
      SMART_SYNC_DATA_DIR: dir,
      LOG_LEVEL: 'debug',
      SMART_SYNC_RETRY_POLICIES: '{"sale":{"initialIntervalMs":100},"outcome":{"initialIntervalMs":100}}',
    }),
    launchChromium(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await oneflow?.close();
  await superoffice?.close();
});

async function admin<T>(p: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${url}${p}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  const text = await res.text();
  answers.push(text);
  expect(res.status).toBeLessThan(300);
  return JSON.parse(text) as T;
}

interface Run {
  workflowId: string;
  status: string;
  outcome?: string;
  failure?: string;
}

async function settled(workflowId: string): Promise<Run> {
  for (let i = 0; i < 300; i++) {
    const run = await admin<Run>(`/api/runs/${encodeURIComponent(workflowId)}`);
    if (run.status !== 'RUNNING') return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${workflowId} did not end`);
}

/** The first run: the contract's signing, through the webhook. */
async function signedRun(): Promise<Run> {
  oneflow.sign(CONTRACT);
  await oneflow.settled();
  for (let i = 0; i < 100; i++) {
    const { runs } = await admin<{ runs: Array<{ workflowId: string }> }>(`/api/contracts/${CONTRACT}/runs`);
    if (runs[0]) {
      workflowIds.push(runs[0].workflowId);
      return settled(runs[0].workflowId);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the signing started no run');
}

/** Every later one: a manual re-run, as the Runs tab's Sync now starts it. */
async function resyncRun(): Promise<Run> {
  const { workflowId } = await admin<{ workflowId: string }>(`/api/contracts/${CONTRACT}/resync`, 'POST');
  workflowIds.push(workflowId);
  return settled(workflowId);
}

async function openConnectionTab(): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openPage(browser, { token: ADMIN_TOKEN });
  await page.goto(`${url}/settings#connection`);
  await page.getByRole('tab', { name: 'Connection', selected: true }).waitFor();
  return { page, errors };
}

const card = (page: Page, name: 'SuperOffice' | 'Oneflow') =>
  page
    .locator('.connection-card')
    .filter({ has: page.getByRole('heading', { name: new RegExp(`^${name}`) }) });

/** The value beside a label in a card's facts. */
async function fact(page: Page, name: 'SuperOffice' | 'Oneflow', label: string): Promise<string | null> {
  const dt = card(page, name).locator('dt', { hasText: new RegExp(`^${label}$`) });
  if ((await dt.count()) === 0) return null;
  return dt.locator('xpath=following-sibling::dd[1]').textContent();
}

const authorizeCalls = () =>
  superoffice.control.requests().filter((r) => r.path === '/login/common/oauth/authorize').length;

/** Clicks the button, through SuperOffice's consent, until the page is back from the callback. */
async function connectFromTheTab(page: Page, button: string): Promise<void> {
  const before = authorizeCalls();
  // A mark on this page, which a page loaded anew does not have.
  await page.evaluate(() => Object.assign(window, { beforeConnect: true }));
  await card(page, 'SuperOffice').getByRole('button', { name: button }).click();
  await page.waitForFunction(() => !('beforeConnect' in window) && document.readyState === 'complete');
  await page.getByRole('status').filter({ hasText: 'SuperOffice is connected.' }).waitFor();
  // The browser went through the emulator's authorize page, which consents at once.
  expect(authorizeCalls()).toBe(before + 1);
  expect(new URL(page.url()).pathname).toBe('/settings');
  expect(new URL(page.url()).hash).toBe('#connection');
  for (const t of superoffice.login.refreshTokens) refreshTokens.add(t);
}

describe('the Connection tab', () => {
  let page: Page;
  let errors: string[];
  // While SuperOffice is not connected, the property catalog (GET /api/properties, for the
  // Mapping tab) answers 502, which that tab shows: an expected answer, not a script error.
  const scriptErrors = () => errors.filter((e) => !/status of 502/.test(e));

  afterAll(async () => {
    await page?.context().close();
  });

  it('shows SuperOffice not connected yet with a Connect button, and Oneflow working with its token', async () => {
    ({ page, errors } = await openConnectionTab());
    const so = card(page, 'SuperOffice');
    await so.getByText('Not working').waitFor();
    expect(await so.getByText('Not connected yet.').isVisible()).toBe(true);
    expect(await fact(page, 'SuperOffice', 'Last error')).toContain('SuperOffice is not connected yet');
    expect(await so.getByRole('button', { name: 'Connect SuperOffice' }).isVisible()).toBe(true);
    expect(await so.getByRole('button', { name: 'Disconnect SuperOffice' }).isVisible()).toBe(false);
    const of = card(page, 'Oneflow');
    await of.getByText('Works').waitFor();
    expect(await fact(page, 'Oneflow', 'Mode')).toBe('API token (ONEFLOW_API_TOKEN)');
    expect(await fact(page, 'Oneflow', 'Last error')).toBeNull();
    expect(scriptErrors()).toEqual([]);
  });

  it('refuses a forged state and an id_token with a bad signature, saying why and storing nothing', async () => {
    const forged = await openPage(browser, { token: ADMIN_TOKEN });
    try {
      await forged.page.goto(`${url}/oauth/superoffice/callback?code=made-up&state=made-up`);
      await forged.page.getByRole('heading', { name: 'SuperOffice was not connected' }).waitFor();
      await forged.page.getByText('not one this service asked for').waitFor();
    } finally {
      await forged.context.close();
    }
    superoffice.login.signWithStrayKey = true;
    try {
      const before = authorizeCalls();
      await card(page, 'SuperOffice').getByRole('button', { name: 'Connect SuperOffice' }).click();
      await page.getByRole('heading', { name: 'SuperOffice was not connected' }).waitFor();
      await page.getByText('does not validate').waitFor();
      for (const t of superoffice.login.refreshTokens) refreshTokens.add(t);
      expect(authorizeCalls()).toBe(before + 1);
      // The error page leads back to the tab, which tells the same.
      await page.getByRole('link', { name: 'Back to the settings' }).click();
      await page.getByRole('tab', { name: 'Connection', selected: true }).waitFor();
      await card(page, 'SuperOffice').getByText('Not working').waitFor();
      expect(await fact(page, 'SuperOffice', 'Last connect attempt')).toContain(
        'the id_token SuperOffice answered does not validate',
      );
    } finally {
      superoffice.login.signWithStrayKey = false;
    }
    const status = await admin<{ superoffice: { connectedAt?: string } }>('/api/connections');
    expect(status.superoffice.connectedAt).toBeUndefined();
    expect(scriptErrors()).toEqual([]);
  }, 60_000);

  it('connects through the sign-in and comes back to the tab, connected, at the id_token tenant address', async () => {
    // The tenant answers at another address than SUPEROFFICE_API_URL: only the id_token's
    // webapi_url leads there (the old address answers 421).
    superoffice.login.moved = true;
    await connectFromTheTab(page, 'Connect SuperOffice');
    // Announced once: the query that says so is gone from the address.
    expect(new URL(page.url()).search).toBe('');
    const so = card(page, 'SuperOffice');
    await so.getByText('Works').waitFor();
    expect(await fact(page, 'SuperOffice', 'Mode')).toMatch(/^Connected through SuperOffice sign-in/);
    expect(await fact(page, 'SuperOffice', 'Tenant')).toBe('Cust12345');
    expect(await fact(page, 'SuperOffice', 'Web API')).toBe(`${superoffice.origin}/moved/Cust12345/api`);
    expect(await fact(page, 'SuperOffice', 'Last error')).toBeNull();
    expect(await so.getByRole('button', { name: 'Reconnect SuperOffice' }).isVisible()).toBe(true);
    expect(await so.getByRole('button', { name: 'Disconnect SuperOffice' }).isVisible()).toBe(true);
    expect(scriptErrors()).toEqual([]);
  }, 60_000);

  it('syncs at the connection tenant address, never at SUPEROFFICE_API_URL', async () => {
    const since = superoffice.control.requests().at(-1)?.id ?? 0;
    const run = await signedRun();
    expect(run).toMatchObject({ status: 'COMPLETED' });
    expect(['succeeded', 'unchanged']).toContain(run.outcome);
    const calls = superoffice.control.requests(since).filter((r) => /\/api\/v1\//.test(r.path));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((r) => r.path.startsWith('/moved/Cust12345/api/v1/'))).toBe(true);
    expect(calls.some((r) => r.status === 421)).toBe(false);
  }, 60_000);

  it('follows the tenant when it moves between syncs (421), and remembers the new address', async () => {
    superoffice.login.moved = false;
    const since = superoffice.control.requests().at(-1)?.id ?? 0;
    const run = await resyncRun();
    expect(run).toMatchObject({ status: 'COMPLETED' });
    const calls = superoffice.control.requests(since).filter((r) => /\/api\/v1\//.test(r.path));
    // One call meets the old address, the tenant is looked up, and every call after goes to the new one.
    // (Node's fetch itself may resend a request answered 421 once, as RFC 9110 allows.)
    expect(calls.filter((r) => r.status === 421).length).toBeGreaterThanOrEqual(1);
    expect(calls.filter((r) => r.status === 421).length).toBeLessThanOrEqual(2);
    expect(superoffice.control.requests(since).some((r) => r.path === '/api/state/Cust12345')).toBe(true);
    expect(calls.at(-1)!.path.startsWith('/Cust12345/api/v1/')).toBe(true);
    await page.getByRole('button', { name: 'Check again' }).click();
    await card(page, 'SuperOffice')
      .locator('dd', { hasText: new RegExp(`^${superoffice.origin}/Cust12345/api$`) })
      .waitFor();
  }, 60_000);

  it('follows the tenant when it moves in the middle of a sync', async () => {
    expect(superoffice.login.moved).toBe(false);
    const since = superoffice.control.requests().at(-1)?.id ?? 0;
    // The sync's last write, the outcome follow-up, is held back while the tenant moves.
    superoffice.control.addFault({
      method: 'POST',
      path: '/Cust12345/api/v1/Appointment',
      latencyMs: 1000,
      times: 1,
    });
    const { workflowId } = await admin<{ workflowId: string }>(`/api/contracts/${CONTRACT}/resync`, 'POST');
    workflowIds.push(workflowId);
    while (superoffice.control.faults().length > 0) await new Promise((r) => setTimeout(r, 20));
    superoffice.login.moved = true;
    const run = await settled(workflowId);
    expect(run).toMatchObject({ status: 'COMPLETED' });
    expect(['succeeded', 'unchanged']).toContain(run.outcome);
    const calls = superoffice.control
      .requests(since)
      .filter((r) => /\/api\/v1\//.test(r.path))
      .map((r) => `${r.status} ${r.method} ${r.path}`);
    const moved = calls.findIndex((c) => c.startsWith('421 '));
    // Calls before the move went to the old address and were answered; the held-back one was
    // answered 421 and sent again to the new address, where the rest of the sync went.
    expect(moved).toBeGreaterThan(0);
    expect(calls.slice(0, moved).every((c) => c.startsWith('200 ') && c.includes(' /Cust12345/api/'))).toBe(
      true,
    );
    expect(calls[moved]).toBe('421 POST /Cust12345/api/v1/Appointment');
    const after = calls.slice(moved).filter((c) => !c.startsWith('421 '));
    expect(after[0]).toBe('200 POST /moved/Cust12345/api/v1/Appointment');
    expect(after.every((c) => c.includes(' /moved/Cust12345/api/'))).toBe(true);
    const status = await admin<{ superoffice: { webApiUrl?: string } }>('/api/connections');
    expect(status.superoffice.webApiUrl).toBe(`${superoffice.origin}/moved/Cust12345/api`);
  }, 60_000);

  it('fails a sync with the reconnect message once the consent is revoked, and shows it', async () => {
    superoffice.login.refreshTokens.clear();
    // The access token in hand would still work for the rest of its lifetime.
    superoffice.login.expireAll();
    const run = await resyncRun();
    expect(JSON.stringify(run)).toContain('An administrator must connect Smart Sync to SuperOffice again');
    expect(run.outcome).not.toBe('succeeded');
    await page.getByRole('button', { name: 'Check again' }).click();
    const so = card(page, 'SuperOffice');
    await so.getByText('Not working').waitFor();
    expect(await fact(page, 'SuperOffice', 'Last error')).toContain(
      'An administrator must connect Smart Sync to SuperOffice again',
    );
    expect(scriptErrors()).toEqual([]);
  }, 60_000);

  it('reconnects from the tab, after which syncs work again', async () => {
    await connectFromTheTab(page, 'Reconnect SuperOffice');
    await card(page, 'SuperOffice').getByText('Works').waitFor();
    expect(await fact(page, 'SuperOffice', 'Last error')).toBeNull();
    const run = await resyncRun();
    expect(run).toMatchObject({ status: 'COMPLETED' });
    expect(['succeeded', 'unchanged']).toContain(run.outcome);
  }, 60_000);

  it('syncs across several access-token lifetimes of 2 s, asking the token endpoint about once per lifetime', async () => {
    superoffice.login.accessTokenLifetimeSeconds = 2;
    superoffice.login.expireAll();
    const since = superoffice.control.requests().at(-1)?.id ?? 0;
    const startedAt = Date.now();
    // Syncs back to back for 7 s, so that SuperOffice is called all through the lifetimes
    // (a token is only refreshed when a call needs one).
    let syncs = 0;
    while (Date.now() - startedAt < 7000) {
      const run = await resyncRun();
      expect(run).toMatchObject({ status: 'COMPLETED' });
      expect(['succeeded', 'unchanged']).toContain(run.outcome);
      syncs += 1;
    }
    expect(syncs).toBeGreaterThan(4);
    const lifetimes = Math.ceil((Date.now() - startedAt) / 2000);
    const log = superoffice.control.requests(since);
    const refreshes = log.filter((r) => r.method === 'POST' && r.path === '/login/common/oauth/tokens');
    const apiCalls = log.filter((r) => /\/api\/v1\//.test(r.path));
    expect(refreshes.every((r) => r.status === 200)).toBe(true);
    expect(refreshes.length).toBeGreaterThanOrEqual(lifetimes - 1);
    expect(refreshes.length).toBeLessThanOrEqual(lifetimes + 1);
    // Not once per call: each sync makes many.
    expect(apiCalls.length).toBeGreaterThan(3 * refreshes.length);
    // At most the first call, with the token in hand that expireAll() ended early; every
    // later token is renewed before it expires.
    expect(apiCalls.filter((r) => r.status === 401).length).toBeLessThanOrEqual(1);
  }, 60_000);

  it('disconnects from the tab once confirmed', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await card(page, 'SuperOffice').getByRole('button', { name: 'Disconnect SuperOffice' }).click();
    await page.getByRole('status').filter({ hasText: 'SuperOffice is disconnected.' }).waitFor();
    const so = card(page, 'SuperOffice');
    await so.getByText('Not working').waitFor();
    expect(await so.getByRole('button', { name: 'Connect SuperOffice' }).isVisible()).toBe(true);
    expect(await so.getByRole('button', { name: 'Disconnect SuperOffice' }).isVisible()).toBe(false);
    const status = await admin<{ superoffice: { connectedAt?: string } }>('/api/connections');
    expect(status.superoffice.connectedAt).toBeUndefined();
    expect(scriptErrors()).toEqual([]);
  }, 30_000);
});

/** Every string in a history, with each payload's bytes read as text. */
function textsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value instanceof Uint8Array) into.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) textsOf(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textsOf(v, into);
  return into;
}

describe('secrets', () => {
  const secrets = () => [
    CLIENT_SECRET,
    SECRET_KEY,
    ADMIN_TOKEN,
    DEMO_ONEFLOW_TOKEN,
    SIGN_KEY,
    ...refreshTokens,
  ];

  it('are in no log line, API answer or workflow history', async () => {
    // Every connect's refresh token: the refused one's (issued, then dropped by Smart Sync
    // when its id_token did not validate), the revoked one and the one in use.
    expect(refreshTokens.size).toBe(3);
    expect(service!.output().length).toBeGreaterThan(0);
    const connection = await Connection.connect({ address: testTemporalTarget().address });
    try {
      const client = new Client({ connection, namespace });
      const histories: string[] = [];
      for (const id of workflowIds) {
        histories.push(textsOf(await client.workflow.getHandle(id).fetchHistory()).join('\n'));
      }
      expect(histories.length).toBeGreaterThan(8);
      for (const where of [service!.output(), ...answers, ...histories]) {
        for (const secret of secrets()) expect(where).not.toContain(secret);
        // Access tokens of the emulator look like 8A:Cust12345.<random>.
        expect(where).not.toMatch(/8A:Cust12345\.[A-Za-z0-9_-]{8}/);
      }
    } finally {
      await connection.close();
    }
  }, 30_000);
});
