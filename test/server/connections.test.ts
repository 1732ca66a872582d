import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startSuperOfficeEmulator, type RunningSuperOfficeEmulator } from '../../src/emulators/superoffice';
import type { Environment } from '../../src/config/env';
import { SqliteMappingStore } from '../../src/mapping-store/sqlite-mapping-store';
import { OneflowClient } from '../../src/oneflow/client';
import { connectionsRouterFor, superOfficeSignInOptions } from '../../src/runtime/connections';
import { createApp } from '../../src/server/app';
import { SuperOfficeClient } from '../../src/superoffice/client';

const CLIENT_ID = 'smart-sync-connect-client';
const CLIENT_SECRET = 'client-secret-connect-0123456789';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';
const SECRET_KEY = 'secret-key-0123456789abcdef0123456789abcdef';
const SALE_ID = 2001;

let emu: RunningSuperOfficeEmulator;
let server: Server;
let base: string;
let store: SqliteMappingStore;
let dir: string;
let superoffice: SuperOfficeClient;
const logLines: string[] = [];

beforeAll(async () => {
  emu = await startSuperOfficeEmulator({
    port: 0,
    login: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  });
  dir = await mkdtemp(path.join(tmpdir(), 'smart-sync-connect-'));
  store = await SqliteMappingStore.open(path.join(dir, 'settings.db'));
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  // The port is known once listening; the redirect URI is built from the public URL before.
  server = await new Promise<Server>((resolve) => {
    const s = createApp({ logger, health: { temporalReachable: async () => true } }).listen(
      0,
      '127.0.0.1',
      () => resolve(s),
    );
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const environment: Pick<Environment, 'demo' | 'publicUrl' | 'secretKey' | 'superoffice'> = {
    demo: false,
    publicUrl: base,
    secretKey: SECRET_KEY,
    superoffice: {
      apiUrl: emu.apiUrl,
      accessToken: undefined,
      signIn: {
        mode: 'connect',
        loginUrl: `${emu.origin}/login`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      },
    },
  };
  superoffice = new SuperOfficeClient({
    apiUrl: emu.apiUrl,
    ...superOfficeSignInOptions(environment, store, emu.apiUrl, undefined),
  });
  const oneflow = new OneflowClient({ apiUrl: 'http://127.0.0.1:9/v1', apiToken: 'unused-oneflow-token' });
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true },
    routers: [
      connectionsRouterFor({
        environment,
        store,
        superoffice,
        superofficeApiUrl: emu.apiUrl,
        oneflow,
        adminToken: ADMIN_TOKEN,
        logger,
      }),
    ],
  });
  server.removeAllListeners('request');
  server.on('request', app);
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  await store.close();
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await store.deleteConnection('superoffice');
  await control('/consent', { refuse: false });
  await control('/id-token', { strayKey: false });
});

async function control(route: string, body: unknown): Promise<void> {
  const res = await fetch(`${emu.origin}/_emulator/login${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

async function startConnect(): Promise<URL> {
  const res = await fetch(`${base}/api/connections/superoffice/authorize`, {
    method: 'POST',
    headers: admin,
  });
  expect(res.status).toBe(200);
  const { authorizeUrl } = (await res.json()) as { authorizeUrl: string };
  const url = new URL(authorizeUrl);
  expect(url.origin + url.pathname).toBe(`${emu.origin}/login/common/oauth/authorize`);
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('redirect_uri')).toBe(`${base}/oauth/superoffice/callback`);
  return url;
}

/** The browser at SuperOffice's consent: where it is sent back to. */
async function consent(authorize: URL): Promise<URL> {
  const res = await fetch(authorize, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function expectErrorPage(res: Response, text: RegExp): Promise<void> {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(await res.text()).toMatch(text);
  expect(await store.getConnection('superoffice')).toBeNull();
}

async function connections(): Promise<Record<string, Record<string, unknown>>> {
  const res = await fetch(`${base}/api/connections`, { headers: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, Record<string, unknown>>;
}

describe('connecting SuperOffice through its sign-in', () => {
  it('connects, stores the refresh token encrypted, and the client uses it', async () => {
    const before = await connections();
    expect(before.superoffice).toMatchObject({ mode: 'oauth', works: false, canConnect: true });

    const callback = await consent(await startConnect());
    expect(callback.origin + callback.pathname).toBe(`${base}/oauth/superoffice/callback`);
    const res = await fetch(callback, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/settings?connected=superoffice#connection');

    const stored = await store.getConnection('superoffice');
    expect(stored).toMatchObject({ provider: 'superoffice', tenant: 'Cust12345' });
    expect(stored!.webApiUrl).toBe(emu.apiUrl.replace(/\/+$/, ''));
    // The emulator issued exactly one refresh token, for this connect.
    const [refreshToken] = [...emu.login.refreshTokens];
    expect(refreshToken).toBeDefined();
    const bytes = await readFile(path.join(dir, 'settings.db'));
    expect(bytes.includes(Buffer.from(refreshToken!))).toBe(false);
    expect(JSON.stringify(stored)).not.toContain(refreshToken);

    const after = await connections();
    expect(after.superoffice).toMatchObject({
      mode: 'oauth',
      works: true,
      tenant: 'Cust12345',
      lastError: null,
    });
    expect(JSON.stringify(after)).not.toContain(refreshToken);

    const sale = await superoffice.getSale(SALE_ID);
    expect(sale.SaleId).toBe(SALE_ID);
    for (const line of logLines) {
      expect(line).not.toContain(refreshToken);
      expect(line).not.toContain(CLIENT_SECRET);
      expect(line).not.toContain(callback.searchParams.get('code')!);
    }

    // A revoked consent asks for a new connect, not for an environment variable.
    await control('/revoke', {});
    await control('/expire', {});
    await expect(superoffice.getSale(SALE_ID)).rejects.toThrow(
      /must connect Smart Sync to SuperOffice again/,
    );

    const del = await fetch(`${base}/api/connections/superoffice`, { method: 'DELETE', headers: admin });
    expect(await del.json()).toEqual({ disconnected: true });
    expect(await store.getConnection('superoffice')).toBeNull();
    await expect(superoffice.getSale(SALE_ID)).rejects.toThrow(/not connected/);
  });

  it('refuses a forged state and a reused one, storing nothing', async () => {
    const callback = await consent(await startConnect());
    const forged = new URL(callback);
    forged.searchParams.set('state', 'made-up-by-another-site');
    await expectErrorPage(await fetch(forged, { redirect: 'manual' }), /state/);

    const first = await fetch(callback, { redirect: 'manual' });
    expect(first.status).toBe(303);
    await store.deleteConnection('superoffice');
    await expectErrorPage(await fetch(callback, { redirect: 'manual' }), /already used/);
  });

  it('refuses an id_token not signed with the published key', async () => {
    await control('/id-token', { strayKey: true });
    const callback = await consent(await startConnect());
    await expectErrorPage(await fetch(callback, { redirect: 'manual' }), /id_token .* does not validate/);
    expect((await connections()).superoffice!.lastConnectError).toMatch(/does not validate/);
  });

  it('tells when SuperOffice refuses the consent', async () => {
    await control('/consent', { refuse: true });
    const callback = await consent(await startConnect());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    await expectErrorPage(
      await fetch(callback, { redirect: 'manual' }),
      /did not grant access \(access_denied\)/,
    );
  });

  it('needs the admin token', async () => {
    expect((await fetch(`${base}/api/connections`)).status).toBe(401);
    expect((await fetch(`${base}/api/connections/superoffice/authorize`, { method: 'POST' })).status).toBe(
      401,
    );
    expect((await fetch(`${base}/api/connections/superoffice`, { method: 'DELETE' })).status).toBe(401);
  });
});
