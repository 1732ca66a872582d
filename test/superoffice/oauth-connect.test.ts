import { createHash } from 'node:crypto';
import { loadEnvironment } from '../../src/config/env';
import { startSuperOfficeEmulator, type RunningSuperOfficeEmulator } from '../../src/emulators/superoffice';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import {
  ConnectError,
  PendingAuthorizations,
  sealConnection,
} from '../../src/superoffice/sign-in/oauth-connect';
import { openSecret, SealedSecretError, sealSecret } from '../../src/superoffice/sign-in/sealed-secret';

const KEY = 'k'.repeat(40);

describe('sealed secrets', () => {
  it('opens with the key and context it was sealed with, and only with them', () => {
    const sealed = sealSecret('the-refresh-token', KEY, 'superoffice');
    expect(sealed).not.toContain('the-refresh-token');
    expect(sealSecret('the-refresh-token', KEY, 'superoffice')).not.toBe(sealed);
    expect(openSecret(sealed, KEY, 'superoffice')).toBe('the-refresh-token');
    expect(() => openSecret(sealed, 'x'.repeat(40), 'superoffice')).toThrow(
      /SMART_SYNC_SECRET_KEY has changed/,
    );
    expect(() => openSecret(sealed, KEY, 'oneflow')).toThrow(SealedSecretError);
    const [v, data] = sealed.split('.');
    const bytes = Buffer.from(data!, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => openSecret(`${v}.${bytes.toString('base64url')}`, KEY, 'superoffice')).toThrow(
      SealedSecretError,
    );
    expect(() => openSecret('v1.abc', KEY, 'superoffice')).toThrow(/truncated/);
  });

  it('refuses to store a connection without SMART_SYNC_SECRET_KEY', () => {
    const connected = { refreshToken: 'r', tenant: 'Cust1', webApiUrl: 'https://x/Cust1/api' };
    expect(() => sealConnection(connected, undefined)).toThrow(ConnectError);
    expect(() => sealConnection(connected, undefined)).toThrow(/SMART_SYNC_SECRET_KEY is not set/);
  });
});

describe('pending authorizations', () => {
  it('accepts each state once and only within its lifetime', async () => {
    let now = 0;
    const pending = new PendingAuthorizations(new InMemoryMappingStore(), KEY, () => now);
    const a = await pending.create();
    const b = await pending.create();
    expect(await pending.take(a.state)).toBe(a.verifier);
    expect(await pending.take(a.state)).toBeUndefined();
    now += 11 * 60_000;
    expect(await pending.take(b.state)).toBeUndefined();
    expect(await pending.take('never-issued')).toBeUndefined();
  });

  it('keeps in the store only the state digest and the verifier sealed, and works from another replica', async () => {
    const store = new InMemoryMappingStore();
    const put = jest.spyOn(store, 'putPendingAuthorization');
    const a = await new PendingAuthorizations(store, KEY).create();
    const [key, kept] = put.mock.calls[0]!;
    expect(key).not.toContain(a.state);
    expect(JSON.stringify(kept)).not.toContain(a.verifier);
    // Another process with the same store and key takes it; one with another key cannot.
    expect(await new PendingAuthorizations(store, KEY).take(a.state)).toBe(a.verifier);
    const b = await new PendingAuthorizations(store, KEY).create();
    expect(await new PendingAuthorizations(store, 'x'.repeat(40)).take(b.state)).toBeUndefined();
  });

  it('keeps at most 100 in flight, dropping the oldest', async () => {
    const pending = new PendingAuthorizations(new InMemoryMappingStore(), KEY);
    const first = await pending.create();
    for (let i = 0; i < 100; i++) await pending.create();
    expect(await pending.take(first.state)).toBeUndefined();
  });
});

describe('the connection records of the in-memory store', () => {
  it('gets, replaces and deletes', async () => {
    const store = new InMemoryMappingStore();
    const record = { provider: 'superoffice', tenant: 'C', webApiUrl: 'u', connectedAt: 't', sealed: 's' };
    expect(await store.getConnection('superoffice')).toBeNull();
    await store.setConnection(record);
    await store.setConnection({ ...record, tenant: 'D' });
    expect(await store.getConnection('superoffice')).toEqual({ ...record, tenant: 'D' });
    expect(await store.deleteConnection('superoffice')).toBe(true);
    expect(await store.deleteConnection('superoffice')).toBe(false);
  });
});

describe('the emulator token endpoint for authorization codes', () => {
  let emu: RunningSuperOfficeEmulator;
  beforeAll(async () => {
    emu = await startSuperOfficeEmulator({ port: 0, login: { clientId: 'cid', clientSecret: 'csecret' } });
  });
  afterAll(() => emu?.close());

  async function codeFor(verifier: string, redirectUri = 'http://app.test/cb'): Promise<string> {
    const url = new URL(`${emu.origin}/login/common/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: 'cid',
      response_type: 'code',
      redirect_uri: redirectUri,
      state: 's1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('s1');
    return back.searchParams.get('code')!;
  }

  const redeem = (form: Record<string, string>) =>
    fetch(`${emu.origin}/login/common/oauth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'cid',
        client_secret: 'csecret',
        redirect_uri: 'http://app.test/cb',
        ...form,
      }).toString(),
    });

  it('checks the PKCE verifier and the redirect URI, and redeems a code once', async () => {
    const wrong = await redeem({ code: await codeFor('v'.repeat(43)), code_verifier: 'w'.repeat(43) });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const elsewhere = await redeem({
      code: await codeFor('v'.repeat(43)),
      code_verifier: 'v'.repeat(43),
      redirect_uri: 'http://other.test/cb',
    });
    expect(elsewhere.status).toBe(400);
    const code = await codeFor('v'.repeat(43));
    const ok = await redeem({ code, code_verifier: 'v'.repeat(43) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
      expires_in: 3600,
    });
    expect((await redeem({ code, code_verifier: 'v'.repeat(43) })).status).toBe(400);
  });
});

describe('the connect environment', () => {
  const LIVE = {
    SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust1/api',
    ONEFLOW_API_TOKEN: 't',
    ONEFLOW_WEBHOOK_SIGN_KEY: 'k',
    SMART_SYNC_ADMIN_TOKEN: 'a'.repeat(32),
  };

  it('accepts the client alone, to connect later, with the public URL defaulting to localhost', () => {
    const env = loadEnvironment(
      { ...LIVE, SUPEROFFICE_CLIENT_ID: 'id', SUPEROFFICE_CLIENT_SECRET: 'sec', PORT: '4100' },
      '/srv',
    );
    expect(env.superoffice.signIn).toEqual({
      mode: 'connect',
      loginUrl: 'https://sod.superoffice.com/login',
      clientId: 'id',
      clientSecret: 'sec',
    });
    expect(env.publicUrl).toBe('http://localhost:4100');
    expect(env.secretKey).toBeUndefined();
  });

  it('takes SMART_SYNC_PUBLIC_URL and a long enough SMART_SYNC_SECRET_KEY', () => {
    const env = loadEnvironment(
      {
        ...LIVE,
        SUPEROFFICE_ACCESS_TOKEN: 's',
        SMART_SYNC_PUBLIC_URL: 'https://sync.example.com/',
        SMART_SYNC_SECRET_KEY: KEY,
      },
      '/srv',
    );
    expect(env.publicUrl).toBe('https://sync.example.com');
    expect(env.secretKey).toBe(KEY);
    expect(() =>
      loadEnvironment({ ...LIVE, SUPEROFFICE_ACCESS_TOKEN: 's', SMART_SYNC_SECRET_KEY: 'short' }),
    ).toThrow(/SMART_SYNC_SECRET_KEY must be at least 32 characters/);
  });
});
