import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { OneflowClient } from '../../src/oneflow/client';
import { createApp } from '../../src/server/app';
import { connectionsRouter } from '../../src/server/connections';

/**
 * GET /api/connections says whether the Oneflow token works, by GET /v1/ping against the
 * Oneflow emulator, and a refused token names ONEFLOW_API_TOKEN without showing it.
 */

const ADMIN_TOKEN = 'admin-token-oneflow-status-0123456789abcdef';
const WRONG_TOKEN = 'a-wrong-oneflow-token-0123456789abcdef';

let oneflow: RunningOneflowEmulator;
const servers: Server[] = [];

beforeAll(async () => {
  oneflow = await startOneflowEmulator({ port: 0, webhookUrl: null });
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await oneflow?.close();
});

async function serviceWith(apiToken: string): Promise<string> {
  const logger = pino({ level: 'silent' });
  const client = new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken });
  const app = createApp({
    logger,
    health: { temporalReachable: async () => true },
    routers: [
      connectionsRouter({
        store: new InMemoryMappingStore(),
        adminToken: ADMIN_TOKEN,
        logger,
        oauth: undefined,
        secretKey: undefined,
        // Not the subject here: SuperOffice's side has its own tests.
        superoffice: { mode: 'static-token', tenant: 'Cust12345', probe: async () => undefined },
        oneflow: { mode: 'static-token', tenant: null, probe: (signal) => client.ping({ signal }) },
      }),
    ],
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function oneflowStatus(base: string): Promise<{ text: string; status: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/connections`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, status: (JSON.parse(text) as { oneflow: Record<string, unknown> }).oneflow };
}

describe('the Oneflow connection status', () => {
  it('works with a valid token, checked by GET /v1/ping', async () => {
    const since = oneflow.control.requests().at(-1)?.id ?? 0;
    const { status } = await oneflowStatus(await serviceWith(DEMO_ONEFLOW_TOKEN));
    expect(status).toEqual({ mode: 'static-token', works: true, tenant: null, lastError: null });
    expect(oneflow.control.requests(since).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /v1/ping 200',
    ]);
  });

  it('does not work with a refused token, and the last error names ONEFLOW_API_TOKEN, not the token', async () => {
    const { text, status } = await oneflowStatus(await serviceWith(WRONG_TOKEN));
    expect(status.works).toBe(false);
    expect(status.lastError).toEqual(expect.stringContaining('ONEFLOW_API_TOKEN'));
    expect(status.lastError).toEqual(expect.stringContaining('401'));
    expect(text).not.toContain(WRONG_TOKEN);
  });
});
