import express from 'express';
import { listen, type RunningEmulator } from '../../src/emulators/control-plane';
import {
  DEMO_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  oneflowDemoSeed,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { ApiError } from '../../src/http/api-error';
import { OneflowClient } from '../../src/oneflow/client';
import { dataFieldCustomId, productCustomId } from '../../src/oneflow/contract';

let emu: RunningOneflowEmulator;
let client: OneflowClient;

async function addFault(rule: Record<string, unknown>) {
  const res = await fetch(`${emu.origin}/_emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rule),
  });
  expect(res.status).toBe(201);
}

/** Runs `call` and returns the ApiError it must throw. */
async function apiError(call: () => Promise<unknown>): Promise<ApiError> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

beforeAll(async () => {
  emu = await startOneflowEmulator({});
  client = new OneflowClient({
    apiUrl: emu.apiUrl,
    apiToken: DEMO_ONEFLOW_TOKEN,
    userEmail: 'sofie@oursales.example',
  });
});

afterAll(async () => {
  await emu.close();
});

beforeEach(() => {
  emu.control.reset();
  emu.emulator.seed(oneflowDemoSeed);
});

describe('OneflowClient against the emulator', () => {
  it('pings with a valid token', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('fetches and parses a contract', async () => {
    const contract = await client.getContract(DEMO_CONTRACT_ID);
    expect(contract.id).toBe(DEMO_CONTRACT_ID);
    expect(contract.state).toBe('pending');
    expect(contract.data_fields.map(dataFieldCustomId)).toContain('po_number');
    const products = contract.product_groups.flatMap((g) => g.products);
    expect(products.map(productCustomId)).toEqual(['DESK-01', 'CHAIR-02', 'LAMP-03']);
    expect(products[2]!.price_1).toEqual({
      amount: { amount: '400.00' },
      base_amount: { amount: '450.00' },
      discount_amount: { amount: '50.00' },
      discount_percent: '0.00',
    });
  });

  it('sees a signed contract once it is signed', async () => {
    emu.sign(DEMO_CONTRACT_ID);
    const contract = await client.getContract(DEMO_CONTRACT_ID);
    expect(contract.state).toBe('signed');
    expect(contract.parties.flatMap((p) => p.participants).every((p) => p.sign_state === 'signed')).toBe(
      true,
    );
  });

  it('turns 401 into a non-retryable unauthorized error that does not contain the token', async () => {
    const token = 'wrong-token-0000000000000000000000000000';
    const bad = new OneflowClient({ apiUrl: emu.apiUrl, apiToken: token });
    const err = await apiError(() => bad.ping());
    expect(err).toMatchObject({ service: 'oneflow', kind: 'unauthorized', retryable: false, status: 401 });
    expect(err.details.code).toBe('4010000');
    expect(err.message).toContain('The API token is invalid.');
    expect(err.message).toContain('ONEFLOW_API_TOKEN');
    expect(err.message).not.toContain(token);
    expect(JSON.stringify(err.details)).not.toContain(token);
  });

  it("turns 404 into a non-retryable not_found error with Oneflow's error code", async () => {
    const err = await apiError(() => client.getContract(424242));
    expect(err).toMatchObject({ kind: 'not_found', retryable: false, status: 404 });
    expect(err.details).toMatchObject({ code: '4040000', method: 'GET', path: '/v1/contracts/424242' });
    expect(err.message).toContain('The requested contract was not found.');
  });

  it('turns 503 into a retryable server_error carrying Retry-After', async () => {
    await addFault({ path: '/v1/contracts/*', status: 503, retryAfterSeconds: 3, times: 1 });
    const err = await apiError(() => client.getContract(DEMO_CONTRACT_ID));
    expect(err).toMatchObject({ kind: 'server_error', retryable: true, status: 503 });
    expect(err.details.retryAfterMs).toBe(3000);
    // The fault was used up: the next call succeeds.
    await expect(client.getContract(DEMO_CONTRACT_ID)).resolves.toMatchObject({ id: DEMO_CONTRACT_ID });
  });

  it('turns 429 into a retryable rate_limited error, with retryAfterMs when a Retry-After is sent', async () => {
    await addFault({ path: '/v1/ping', status: 429, retryAfterSeconds: 2, times: 1 });
    const injected = await apiError(() => client.ping());
    expect(injected).toMatchObject({ kind: 'rate_limited', retryable: true });
    expect(injected.details).toMatchObject({ retryAfterMs: 2000, code: '4290000' });

    // The emulator's own limit: the documented body, and no Retry-After (none is documented).
    emu.emulator.rateLimiter.configure({ limit: 1, windowMs: 60_000, enabled: true });
    await client.ping();
    const limited = await apiError(() => client.ping());
    expect(limited).toMatchObject({ kind: 'rate_limited', retryable: true });
    expect(limited.details.retryAfterMs).toBeUndefined();
    expect(limited.message).toContain('5 minute rate limit');
  });

  it('reports a call slower than timeoutMs as a retryable timeout', async () => {
    await addFault({ path: '/v1/contracts/*', latencyMs: 400, times: 1 });
    const impatient = new OneflowClient({ apiUrl: emu.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN, timeoutMs: 100 });
    const err = await apiError(() => impatient.getContract(DEMO_CONTRACT_ID));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('reports a dropped response as a retryable network error', async () => {
    await addFault({ path: '/v1/contracts/*', dropResponse: true, times: 1 });
    const err = await apiError(() => client.getContract(DEMO_CONTRACT_ID));
    expect(err).toMatchObject({ kind: 'network', retryable: true });
  });

  it('reports a refused connection as a network error', async () => {
    const nowhere = new OneflowClient({ apiUrl: 'http://127.0.0.1:9/v1', apiToken: DEMO_ONEFLOW_TOKEN });
    const err = await apiError(() => nowhere.ping());
    expect(err).toMatchObject({ kind: 'network', retryable: true });
  });

  it('refuses a contract id that is not a positive integer, without calling Oneflow', async () => {
    emu.control.clearRequests();
    for (const id of [0, -1, 1.5, Number.NaN]) {
      const err = await apiError(() => client.getContract(id));
      expect(err).toMatchObject({ kind: 'rejected', retryable: false });
    }
    expect(emu.control.requests()).toEqual([]);
  });
});

describe('OneflowClient against a hand-made server', () => {
  let server: RunningEmulator;
  const seen: Array<Record<string, string | undefined>> = [];
  const TOKEN = 'secret-token-000000000000000000000000000';

  beforeAll(async () => {
    const app = express();
    app.get('/v1/ping', (req, res) => {
      seen.push({ token: req.get('X-Oneflow-API-Token'), email: req.get('X-Oneflow-User-Email') });
      res.json({});
    });
    app.get('/v1/contracts/1', (_req, res) => {
      res.json({ id: 'one', state: 'signed' });
    });
    app.get('/v1/contracts/2', (_req, res) => {
      res.status(502).type('text/html').send('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    app.get('/v1/contracts/3', (_req, res) => {
      res.status(400).json({
        error_code: 4000000,
        detail: `bad token ${TOKEN}`,
        parameter_problems: { contract_id: ['nope'] },
      });
    });
    server = await listen(app, 0);
  });

  afterAll(async () => {
    await server.close();
  });

  it('sends the token and, when given, the user email; tolerates a trailing slash in apiUrl', async () => {
    seen.length = 0;
    await new OneflowClient({
      apiUrl: `${server.origin}/v1/`,
      apiToken: TOKEN,
      userEmail: 'me@example.com',
    }).ping();
    await new OneflowClient({ apiUrl: `${server.origin}/v1`, apiToken: TOKEN }).ping();
    expect(seen).toEqual([
      { token: TOKEN, email: 'me@example.com' },
      { token: TOKEN, email: undefined },
    ]);
  });

  const c = () => new OneflowClient({ apiUrl: `${server.origin}/v1`, apiToken: TOKEN });

  it('reports a 200 body of the wrong shape as invalid_response, naming the attribute', async () => {
    const err = await apiError(() => c().getContract(1));
    expect(err).toMatchObject({ kind: 'invalid_response', retryable: false });
    expect(err.message).toMatch(/\bid\b/);
  });

  it('describes a non-JSON error page by an excerpt', async () => {
    const err = await apiError(() => c().getContract(2));
    expect(err).toMatchObject({ kind: 'server_error', status: 502 });
    expect(err.message).toContain('502 Bad Gateway');
  });

  it('includes parameter problems and never repeats the token from an error body', async () => {
    const err = await apiError(() => c().getContract(3));
    expect(err).toMatchObject({ kind: 'rejected', retryable: false });
    expect(err.message).toContain('contract_id: nope');
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(TOKEN);
  });
});
