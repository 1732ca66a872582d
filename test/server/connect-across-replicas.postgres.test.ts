import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Environment } from '../../src/config/env';
import { startSuperOfficeEmulator, type RunningSuperOfficeEmulator } from '../../src/emulators/superoffice';
import { PostgresMappingStore } from '../../src/mapping-store/postgres-mapping-store';
import { OneflowClient } from '../../src/oneflow/client';
import { connectionsRouterFor, superOfficeSignInOptions } from '../../src/runtime/connections';
import { createApp } from '../../src/server/app';
import { SuperOfficeClient } from '../../src/superoffice/client';
import { createTestDatabase } from '../support/postgres-server';

const CLIENT_ID = 'smart-sync-replica-client';
const CLIENT_SECRET = 'client-secret-replicas-0123456789';
const ADMIN_TOKEN = 'admin-token-replicas-0123456789abcdef';
const SECRET_KEY = 'secret-key-replicas-0123456789abcdef0123';
/** Where the browser reaches the service: a load balancer in front of both replicas. */
const PUBLIC_URL = 'https://smart-sync.example.com';

interface Replica {
  base: string;
  server: Server;
  store: PostgresMappingStore;
  superoffice: SuperOfficeClient;
}

/**
 * Two api replicas sharing one PostgreSQL settings store: SuperOffice sends the browser back
 * to the load balancer, which may hand the callback to the replica that did not start the
 * connect. The pending state lives in the store, so either one completes it, and only once.
 */
describe('SuperOffice connect across api replicas', () => {
  let emu: RunningSuperOfficeEmulator;
  const replicas: Replica[] = [];
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  async function startReplica(databaseUrl: string): Promise<Replica> {
    const store = await PostgresMappingStore.open(databaseUrl);
    const logger = pino({ level: 'silent' });
    const environment: Pick<Environment, 'demo' | 'publicUrl' | 'secretKey' | 'superoffice'> = {
      demo: false,
      publicUrl: PUBLIC_URL,
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
    const superoffice = new SuperOfficeClient({
      apiUrl: emu.apiUrl,
      ...superOfficeSignInOptions(environment, store, emu.apiUrl, undefined),
    });
    const app = createApp({
      logger,
      health: { temporalReachable: async () => true },
      routers: [
        connectionsRouterFor({
          environment,
          store,
          superoffice,
          superofficeApiUrl: emu.apiUrl,
          oneflow: new OneflowClient({ apiUrl: 'http://127.0.0.1:9/v1', apiToken: 'unused-oneflow-token' }),
          adminToken: ADMIN_TOKEN,
          logger,
        }),
      ],
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, store, superoffice };
  }

  beforeAll(async () => {
    emu = await startSuperOfficeEmulator({
      port: 0,
      login: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    const databaseUrl = await createTestDatabase();
    replicas.push(await startReplica(databaseUrl), await startReplica(databaseUrl));
  });

  afterAll(async () => {
    for (const r of replicas) {
      await new Promise<void>((resolve) => {
        r.server.closeAllConnections();
        r.server.close(() => resolve());
      });
      await r.store.close();
    }
    await emu?.close();
  });

  /** Connect started on one replica; the callback URL SuperOffice sends the browser to, pointed at `to`. */
  async function callbackVia(from: Replica, to: Replica): Promise<URL> {
    const res = await fetch(`${from.base}/api/connections/superoffice/authorize`, {
      method: 'POST',
      headers: admin,
    });
    expect(res.status).toBe(200);
    const { authorizeUrl } = (await res.json()) as { authorizeUrl: string };
    const consent = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get('location')!);
    expect(callback.origin).toBe(PUBLIC_URL);
    return new URL(`${to.base}${callback.pathname}${callback.search}`);
  }

  it('completes on the other replica, and the first one then uses the connection', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const callback = await callbackVia(a, b);
    const res = await fetch(callback, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(await a.store.getConnection('superoffice')).toMatchObject({ tenant: 'Cust12345' });
    expect((await a.superoffice.getSale(2001)).SaleId).toBe(2001);
    // The state was taken: replayed on the replica that handed it out, it is refused.
    const replay = await fetch(new URL(`${a.base}${callback.pathname}${callback.search}`), {
      redirect: 'manual',
    });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used or has expired/);
  });

  it('is completed once when the same callback reaches both replicas at the same moment', async () => {
    const [a, b] = replicas as [Replica, Replica];
    await a.store.deleteConnection('superoffice');
    const callback = await callbackVia(b, a);
    const statuses = await Promise.all(
      [a, b].map((r) =>
        fetch(`${r.base}${callback.pathname}${callback.search}`, { redirect: 'manual' }).then(
          (x) => x.status,
        ),
      ),
    );
    expect(statuses.sort()).toEqual([303, 400]);
    expect(await b.store.getConnection('superoffice')).toMatchObject({ tenant: 'Cust12345' });
  });
});
