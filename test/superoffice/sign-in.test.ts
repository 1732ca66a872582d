import { generateKeyPairSync } from 'node:crypto';
import { startSuperOfficeEmulator, type RunningSuperOfficeEmulator } from '../../src/emulators/superoffice';
import { ApiError } from '../../src/http/api-error';
import { SuperOfficeClient } from '../../src/superoffice/client';
import {
  RECONNECT_MESSAGE,
  RefreshTokenCredentials,
  SystemUserCredentials,
  contextIdOf,
  lookUpTenantApi,
} from '../../src/superoffice/sign-in';

const CLIENT_ID = 'smart-sync-test-client';
const CLIENT_SECRET = 'client-secret-0123456789';
const REFRESH_TOKEN = 'refresh-token-abcdefghij';
const SYSTEM_USER_TOKEN = 'SmartSync-systemuser-42';
const SALE_ID = 2001;

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

let emu: RunningSuperOfficeEmulator;

beforeAll(async () => {
  emu = await startSuperOfficeEmulator({
    port: 0,
    login: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshTokens: [REFRESH_TOKEN],
      accessTokenLifetimeSeconds: 2,
      systemUserPublicKeyPem: keys.publicKey,
      systemUserToken: SYSTEM_USER_TOKEN,
    },
  });
});
afterAll(() => emu?.close());
beforeEach(async () => {
  emu.control.clearRequests();
  emu.login.refreshTokens.add(REFRESH_TOKEN);
  emu.login.moved = false;
  await control('/lifetimes', { accessTokenSeconds: 2 });
});

async function control(path: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${emu.origin}/_emulator/login${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

function calls(path: RegExp): Array<{ path: string; status: number | null }> {
  return emu.control.requests().filter((r) => path.test(r.path));
}

const TOKEN_ENDPOINT = /^\/login\/common\/oauth\/tokens$/;

/** A refresh-token source whose clock runs `offset.ms` ahead of the emulator's. */
function refreshSource(offset = { ms: 0 }) {
  return new RefreshTokenCredentials({
    loginUrl: `${emu.origin}/login`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshToken: REFRESH_TOKEN,
    now: () => Date.now() + offset.ms,
  });
}

function clientWith(credentials: RefreshTokenCredentials | SystemUserCredentials, relocate = false) {
  return new SuperOfficeClient({
    apiUrl: emu.apiUrl,
    credentials,
    ...(relocate ? { relocate: () => lookUpTenantApi(`${emu.origin}/login`, contextIdOf(emu.apiUrl)) } : {}),
  });
}

describe('refresh-token sign-in', () => {
  it('fetches an access token once and refreshes it shortly before it expires, not after', async () => {
    const offset = { ms: 0 };
    const source = refreshSource(offset);
    const client = clientWith(source);
    await client.getSale(SALE_ID);
    await client.getSale(SALE_ID);
    expect(source.refreshCount).toBe(1);
    // 2 s lifetime, refreshed 0.2 s (a tenth) before: at 1.85 s the token still works but is renewed.
    offset.ms = 1850;
    await client.getSale(SALE_ID);
    expect(source.refreshCount).toBe(2);
    expect(calls(/\/api\/v1\/Sale\//).map((c) => c.status)).toEqual([200, 200, 200]);
  });

  it('refreshes once for 50 callers asking at the moment the token expires', async () => {
    const offset = { ms: 0 };
    const source = refreshSource(offset);
    const client = clientWith(source);
    await client.getSale(SALE_ID);
    offset.ms = 2000;
    const views = Array.from({ length: 50 }, () => client.forAttempt({}));
    const sales = await Promise.all(views.map((v) => v.getSale(SALE_ID)));
    expect(sales.every((s) => s.SaleId === SALE_ID)).toBe(true);
    expect(calls(TOKEN_ENDPOINT)).toHaveLength(2);
    expect(source.refreshCount).toBe(2);
  });

  it('refreshes once when SuperOffice answers 401 to 50 callers holding an expired token', async () => {
    const source = refreshSource();
    const client = clientWith(source);
    await client.getSale(SALE_ID);
    await control('/expire');
    const sales = await Promise.all(Array.from({ length: 50 }, () => client.getSale(SALE_ID)));
    expect(sales).toHaveLength(50);
    expect(calls(TOKEN_ENDPOINT)).toHaveLength(2);
    const statuses = calls(/\/api\/v1\/Sale\//).map((c) => c.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.filter((s) => s === 200)).toHaveLength(51);
  });

  it('fails with a non-retryable error asking the admin to reconnect when the refresh token is revoked', async () => {
    const source = refreshSource();
    const client = clientWith(source);
    await client.getSale(SALE_ID);
    await control('/revoke', { refreshToken: REFRESH_TOKEN });
    await control('/expire');
    const err = await client.getSale(SALE_ID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('unauthorized');
    expect((err as ApiError).retryable).toBe(false);
    expect((err as ApiError).message).toBe(RECONNECT_MESSAGE);
    expect(
      JSON.stringify({ message: (err as ApiError).message, details: (err as ApiError).details }),
    ).not.toMatch(new RegExp(`${REFRESH_TOKEN}|${CLIENT_SECRET}`));
  });

  it('names the client variables when the client secret is wrong', async () => {
    const source = new RefreshTokenCredentials({
      loginUrl: `${emu.origin}/login`,
      clientId: CLIENT_ID,
      clientSecret: 'wrong-secret-xyz',
      refreshToken: REFRESH_TOKEN,
    });
    const err = (await clientWith(source)
      .getSale(SALE_ID)
      .catch((e: unknown) => e)) as ApiError;
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/SUPEROFFICE_CLIENT_SECRET/);
    expect(err.message).not.toContain('wrong-secret-xyz');
  });
});

describe('system-user sign-in', () => {
  function systemUser(privateKeyPem = keys.privateKey) {
    return new SystemUserCredentials({
      loginUrl: `${emu.origin}/login`,
      systemUserToken: SYSTEM_USER_TOKEN,
      privateKeyPem,
      clientSecret: CLIENT_SECRET,
      contextId: emu.contextId,
    });
  }

  it('exchanges the signed system-user token for a ticket, sends it with SO-AppToken and renews it on 401', async () => {
    const source = systemUser();
    const headers = await source.headers();
    expect(headers.Authorization).toMatch(/^SOTicket 7T:/);
    expect(headers['SO-AppToken']).toBe(CLIENT_SECRET);
    const client = clientWith(source);
    await client.getSale(SALE_ID);
    expect(source.authenticateCount).toBe(1);
    await control('/expire');
    await client.getSale(SALE_ID);
    expect(source.authenticateCount).toBe(2);
    expect(calls(/\/api\/v1\/Sale\//).map((c) => c.status)).toEqual([200, 401, 200]);
  });

  it('keeps a ticket while it is used within its sliding lifetime, and renews one left to expire', async () => {
    await control('/lifetimes', { ticketSeconds: 1 });
    try {
      const source = systemUser();
      const client = clientWith(source);
      // Used every 0.4 s for 2 s: each use slides the 1 s lifetime on.
      for (let i = 0; i < 5; i++) {
        await client.getSale(SALE_ID);
        await new Promise((r) => setTimeout(r, 400));
      }
      expect(source.authenticateCount).toBe(1);
      // Left alone longer than its lifetime: refused once, renewed, and the call succeeds.
      await new Promise((r) => setTimeout(r, 1300));
      await client.getSale(SALE_ID);
      expect(source.authenticateCount).toBe(2);
      expect(calls(/\/api\/v1\/Sale\//).map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 401, 200]);
    } finally {
      await control('/lifetimes', { ticketSeconds: 6 * 3600 });
    }
  });

  it('fails non-retryably when SuperOffice refuses the signature', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const err = (await clientWith(systemUser(other.privateKey))
      .getSale(SALE_ID)
      .catch((e: unknown) => e)) as ApiError;
    expect(err.kind).toBe('unauthorized');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/signature does not match/);
    expect(err.message).not.toContain(CLIENT_SECRET);
  });
});

describe('a tenant that moved (421)', () => {
  it('looks the tenant up again and retries once at the new address, which later calls keep', async () => {
    const client = clientWith(refreshSource(), true);
    await client.getSale(SALE_ID);
    await control('/move');
    await client.getSale(SALE_ID);
    await client.forAttempt({}).getSale(SALE_ID);
    const sales = calls(/\/api\/v1\/Sale\//).map((c) => `${c.status} ${c.path}`);
    // Node's fetch (undici) itself resends a request answered 421 once on a new connection,
    // as RFC 9110 allows, so the old address may be asked twice before the client sees the 421.
    expect([...new Set(sales)]).toEqual([
      `200 /${emu.contextId}/api/v1/Sale/${SALE_ID}`,
      `421 /${emu.contextId}/api/v1/Sale/${SALE_ID}`,
      `200 /moved/${emu.contextId}/api/v1/Sale/${SALE_ID}`,
    ]);
    expect(sales.filter((c) => c.startsWith('200 /moved/'))).toHaveLength(2);
    expect(calls(/^\/api\/state\//)).toHaveLength(1);
  });

  it('without a tenant lookup, a 421 is an error', async () => {
    const client = clientWith(refreshSource());
    await control('/move');
    const err = (await client.getSale(SALE_ID).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(421);
  });
});
