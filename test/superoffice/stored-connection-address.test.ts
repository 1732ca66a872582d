import { startSuperOfficeEmulator, type RunningSuperOfficeEmulator } from '../../src/emulators/superoffice';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { requireSecretKeyForStoredConnection, superOfficeSignInOptions } from '../../src/runtime/connections';
import { SuperOfficeClient } from '../../src/superoffice/client';
import { sealConnection, SUPEROFFICE_PROVIDER } from '../../src/superoffice/sign-in/oauth-connect';

/**
 * A connection made through SuperOffice's sign-in is used at its own tenant's address (the
 * id_token's webapi_url, kept with the connection), not at SUPEROFFICE_API_URL; a 421 looks
 * that tenant up and writes the new address back, so that every process sharing the store
 * goes there directly.
 */

const CLIENT_ID = 'stored-connection-client';
const CLIENT_SECRET = 'stored-connection-client-secret-0123';
const REFRESH_TOKEN = 'stored-connection-refresh-token-0123';
const SECRET_KEY = 'stored-connection-secret-key-0123456789abcdef';
const SALE_ID = 2001;
/** Nothing listens there: a call that goes to SUPEROFFICE_API_URL fails. */
const CONFIGURED_API_URL = 'http://127.0.0.1:9/Cust99999/api';

let emu: RunningSuperOfficeEmulator;

beforeAll(async () => {
  emu = await startSuperOfficeEmulator({
    port: 0,
    login: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [REFRESH_TOKEN] },
  });
});
afterAll(() => emu?.close());
beforeEach(() => {
  emu.login.moved = false;
  emu.control.clearRequests();
});

function clientOf(store: InMemoryMappingStore): SuperOfficeClient {
  const environment = {
    demo: false,
    publicUrl: 'http://127.0.0.1:3000',
    secretKey: SECRET_KEY,
    superoffice: {
      signIn: {
        mode: 'connect' as const,
        loginUrl: `${emu.origin}/login`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      },
    },
  };
  return new SuperOfficeClient({
    apiUrl: CONFIGURED_API_URL,
    ...superOfficeSignInOptions(environment, store, CONFIGURED_API_URL, undefined),
    timeoutMs: 2000,
  });
}

async function connectedStore(webApiUrl: string): Promise<InMemoryMappingStore> {
  const store = new InMemoryMappingStore();
  await store.setConnection(
    sealConnection({ refreshToken: REFRESH_TOKEN, tenant: emu.contextId, webApiUrl }, SECRET_KEY),
  );
  return store;
}

const saleCalls = () =>
  emu.control
    .requests()
    .filter((r) => /\/api\/v1\/Sale\//.test(r.path))
    .map((r) => `${r.status} ${r.path}`);

describe('the address of a stored connection', () => {
  it("wins over SUPEROFFICE_API_URL: calls go to the connection's webapi_url", async () => {
    const client = clientOf(await connectedStore(emu.apiUrl));
    const sale = await client.getSale(SALE_ID);
    expect(sale.SaleId).toBe(SALE_ID);
    expect(saleCalls()).toEqual([`200 /${emu.contextId}/api/v1/Sale/${SALE_ID}`]);
  });

  it('follows a 421 to where the tenant is now and stores the new address for every process', async () => {
    const store = await connectedStore(emu.apiUrl);
    const client = clientOf(store);
    await client.getSale(SALE_ID);
    emu.login.moved = true;
    await client.getSale(SALE_ID);
    expect((await store.getConnection(SUPEROFFICE_PROVIDER))?.webApiUrl).toBe(
      `${emu.origin}/moved/${emu.contextId}/api`,
    );
    // Another process sharing the store: straight to the new address, no 421.
    emu.control.clearRequests();
    await clientOf(store).getSale(SALE_ID);
    expect(saleCalls()).toEqual([`200 /moved/${emu.contextId}/api/v1/Sale/${SALE_ID}`]);
    expect(emu.control.requests().some((r) => r.path.startsWith('/api/state/'))).toBe(false);
  });

  it('without a stored connection, tells that SuperOffice is not connected yet, sending nothing', async () => {
    const client = clientOf(new InMemoryMappingStore());
    await expect(client.getSale(SALE_ID)).rejects.toMatchObject({
      kind: 'unauthorized',
      retryable: false,
      message: expect.stringContaining('SuperOffice is not connected yet'),
    });
    expect(saleCalls()).toEqual([]);
  });
});

describe('SMART_SYNC_SECRET_KEY at start-up', () => {
  const environment = (secretKey: string | undefined, mode: 'connect' | 'system_user' = 'connect') => ({
    demo: false,
    publicUrl: 'http://127.0.0.1:3000',
    secretKey,
    superoffice: {
      signIn:
        mode === 'connect'
          ? { mode, loginUrl: `${emu.origin}/login`, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
          : {
              mode,
              loginUrl: `${emu.origin}/login`,
              clientSecret: CLIENT_SECRET,
              systemUserToken: 'SmartSync-system-user',
              privateKeyFile: '/nonexistent.pem',
            },
    },
  });

  it('is required once a connection is stored, with a message naming it and the tenant', async () => {
    const store = await connectedStore(emu.apiUrl);
    await expect(requireSecretKeyForStoredConnection(environment(undefined), store)).rejects.toThrow(
      /^SMART_SYNC_SECRET_KEY is not set, and a SuperOffice connection is stored \(tenant Cust12345, connected /,
    );
    await expect(
      requireSecretKeyForStoredConnection(environment(SECRET_KEY), store),
    ).resolves.toBeUndefined();
  });

  it('is not required before the first connect, nor where the stored connection is not used', async () => {
    await expect(
      requireSecretKeyForStoredConnection(environment(undefined), new InMemoryMappingStore()),
    ).resolves.toBeUndefined();
    const store = await connectedStore(emu.apiUrl);
    await expect(
      requireSecretKeyForStoredConnection(environment(undefined, 'system_user'), store),
    ).resolves.toBeUndefined();
  });
});
