import { createSign, generateKeyPairSync } from 'node:crypto';
import { startSuperOfficeEmulator, type RunningSuperOfficeEmulator } from '../../src/emulators/superoffice';
import { signatureTimestamp } from '../../src/superoffice/sign-in/system-user';

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
      clientId: 'cid',
      clientSecret: 'csecret',
      refreshTokens: ['rt-1'],
      accessTokenLifetimeSeconds: 1,
      systemUserPublicKeyPem: keys.publicKey,
    },
  });
});
afterAll(() => emu?.close());

function token(params: Record<string, string>) {
  return fetch(`${emu.origin}/login/common/oauth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}

const sale = (headers: Record<string, string>, base = emu.apiUrl) =>
  fetch(`${base}/v1/Sale/2001`, { headers: { Accept: 'application/json', ...headers } });

describe('SuperOffice emulator: sign-in', () => {
  const grant = {
    grant_type: 'refresh_token',
    client_id: 'cid',
    client_secret: 'csecret',
    refresh_token: 'rt-1',
  };

  it('issues an access token for a refresh token, which works until it expires', async () => {
    const res = await token(grant);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body).toEqual({
      token_type: 'Bearer',
      access_token: expect.stringMatching(/^8A:Cust12345\./),
      expires_in: 1,
    });
    expect('refresh_token' in body).toBe(false);
    expect((await sale({ Authorization: `Bearer ${body.access_token}` })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1050));
    expect((await sale({ Authorization: `Bearer ${body.access_token}` })).status).toBe(401);
  });

  it('refuses a wrong client, an unsupported grant and a revoked refresh token', async () => {
    expect(await (await token({ ...grant, client_secret: 'x' })).json()).toMatchObject({
      error: 'invalid_client',
    });
    expect(await (await token({ ...grant, grant_type: 'password' })).json()).toMatchObject({
      error: 'unsupported_grant_type',
    });
    await fetch(`${emu.origin}/_emulator/login/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken: 'rt-1' }),
    });
    const revoked = await token(grant);
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toMatchObject({ error: 'invalid_grant' });
    emu.login.refreshTokens.add('rt-1');
  });

  function authenticate(signed: string, appToken = 'csecret') {
    return fetch(`${emu.origin}/login/api/PartnerSystemUser/Authenticate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        SignedSystemToken: signed,
        ApplicationToken: appToken,
        ContextIdentifier: 'Cust12345',
        ReturnTokenType: 'JWT',
      }),
    }).then(
      (r) => r.json() as Promise<{ IsSuccessful: boolean; Token: string | null; ErrorMessage: string }>,
    );
  }

  function signed(privateKey = keys.privateKey): string {
    const text = `App-1.${signatureTimestamp(new Date())}`;
    return `${text}.${createSign('RSA-SHA256').update(text).sign(privateKey, 'base64')}`;
  }

  it('exchanges a signed system-user token for a ticket that needs SO-AppToken', async () => {
    const answer = await authenticate(signed());
    expect(answer.IsSuccessful).toBe(true);
    const claims = JSON.parse(Buffer.from(answer.Token!.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      string
    >;
    const ticket = claims['http://schemes.superoffice.net/identity/ticket']!;
    expect(ticket).toMatch(/^7T:/);
    expect((await sale({ Authorization: `SOTicket ${ticket}`, 'SO-AppToken': 'csecret' })).status).toBe(200);
    expect((await sale({ Authorization: `SOTicket ${ticket}` })).status).toBe(401);
    await fetch(`${emu.origin}/_emulator/login/expire`, { method: 'POST' });
    expect((await sale({ Authorization: `SOTicket ${ticket}`, 'SO-AppToken': 'csecret' })).status).toBe(401);
  });

  it('refuses a signature from another key and a wrong application token', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(await authenticate(signed(other.privateKey))).toMatchObject({
      IsSuccessful: false,
      ErrorMessage: 'the signature does not match the public key',
    });
    expect(await authenticate(signed(), 'nope')).toMatchObject({ IsSuccessful: false });
  });

  it('answers 421 at the old address once the tenant moved, and the state lookup tells the new one', async () => {
    const { access_token } = (await (await token(grant)).json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${access_token}` };
    await fetch(`${emu.origin}/_emulator/login/move`, { method: 'POST' });
    try {
      expect((await sale(auth)).status).toBe(421);
      const state = (await (await fetch(`${emu.origin}/api/state/Cust12345`)).json()) as { Api: string };
      expect(state).toMatchObject({ ContextIdentifier: 'Cust12345', IsRunning: true, State: 'Running' });
      expect(state.Api).toBe(`${emu.origin}/moved/Cust12345/api`);
      expect((await sale(auth, state.Api)).status).toBe(200);
      expect((await fetch(`${emu.origin}/api/state/Cust999`)).status).toBe(404);
    } finally {
      emu.login.moved = false;
    }
  });

  it('leaves the demo token working with no sign-in set up', async () => {
    const demo = await startSuperOfficeEmulator({ port: 0 });
    try {
      const { DEMO_SUPEROFFICE_TOKEN } = await import('../../src/emulators/superoffice');
      expect((await sale({ Authorization: `Bearer ${DEMO_SUPEROFFICE_TOKEN}` }, demo.apiUrl)).status).toBe(
        200,
      );
    } finally {
      await demo.close();
    }
  });
});
