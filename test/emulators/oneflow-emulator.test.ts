import {
  DEMO_CONTRACT_ID,
  DEMO_DRAFT_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  DEMO_WEBHOOK_SIGN_KEY,
  MAX_ATTEMPTS,
  type OneflowApiContract,
  type RunningOneflowEmulator,
  type WebhookDelivery,
  oneflowDemoSeed,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { oneflowContractSchema } from '../../src/oneflow/contract';
import { oneflowWebhookSchema, verifyWebhookSignature } from '../../src/oneflow/webhook';
import { type WebhookReceiver, startWebhookReceiver } from '../oneflow/webhook-receiver';

const ONEFLOW_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const OTHER_TOKEN = 'other-token-0000000000000000000000000000';

let emu: RunningOneflowEmulator;
let receiver: WebhookReceiver;

async function api(path: string, token: string | null = DEMO_ONEFLOW_TOKEN) {
  const res = await fetch(`${emu.apiUrl}${path}`, { headers: token ? { 'X-Oneflow-API-Token': token } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function ctl(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.origin}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown> & unknown[]) : undefined,
  };
}

async function contract(id: number): Promise<OneflowApiContract> {
  const res = await api(`/contracts/${id}`);
  expect(res.status).toBe(200);
  return res.body as unknown as OneflowApiContract;
}

function participants(c: OneflowApiContract) {
  return c.parties.flatMap((p) => p.participants);
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  emu = await startOneflowEmulator({ webhookUrl: receiver.url, retryScale: 0.001 });
});

afterAll(async () => {
  await emu.close();
  await receiver.close();
});

beforeEach(async () => {
  expect((await ctl('POST', '/reset')).status).toBe(200);
  expect(
    (await ctl('POST', '/seed', { ...oneflowDemoSeed, tokens: [DEMO_ONEFLOW_TOKEN, OTHER_TOKEN] })).status,
  ).toBe(200);
  receiver.clear();
  receiver.respondWith(() => 200);
});

describe('authentication', () => {
  it('answers ping with {} for a valid token', async () => {
    const res = await api('/ping');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it('answers 401 in the documented error shape without a token', async () => {
    const res = await api('/ping', null);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      error_code: 4010000,
      detail: expect.stringContaining('missing'),
      parameter_problems: {},
      request_id: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/),
      status: 401,
      title: 'Unauthorized',
      type: 'https://api.oneflow.com/v1/error_codes/4010000',
    });
  });

  it('answers 401 for an unknown token, on every /v1 path', async () => {
    for (const path of ['/ping', `/contracts/${DEMO_CONTRACT_ID}`, '/no-such-endpoint']) {
      const res = await api(path, 'unknown-token-000000000000000000000000000');
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe('The API token is invalid.');
    }
  });
});

describe('GET /v1/contracts/{id}', () => {
  it('returns the demo contract 9001 in the documented shape, which the client schema accepts', async () => {
    const raw = await contract(DEMO_CONTRACT_ID);
    const parsed = oneflowContractSchema.parse(raw);

    expect(parsed.id).toBe(DEMO_CONTRACT_ID);
    expect(parsed.state).toBe('pending');
    expect(parsed._private?.name).toBe('Office furniture – Nordlys Interiør');
    expect(raw).not.toHaveProperty('name');
    for (const t of [
      raw.state_updated_time,
      raw.published_time,
      raw.updated_time,
      raw._private_ownerside.created_time,
    ]) {
      expect(t).toMatch(ONEFLOW_TIME);
    }

    const fields = Object.fromEntries(raw.data_fields.map((f) => [f._private_ownerside.custom_id, f.value]));
    expect(fields).toEqual({
      superoffice_sale_id: '2001',
      superoffice_company_id: '101',
      po_number: 'PO-2026-0042',
      delivery_date: '2026-12-15',
      delivery_method: 'Freight',
      org_number: '987654321',
      framework_agreement: '1',
      p2_shoe_size: '43',
      customer_reference: 'Nordlys ref 17',
    });
    expect(raw.data_fields[0]).toEqual({
      id: expect.any(Number),
      name: 'SuperOffice sale ID',
      description: '',
      placeholder: '',
      value: '2001',
      _private_ownerside: {
        custom_id: 'superoffice_sale_id',
        created_time: expect.stringMatching(ONEFLOW_TIME),
        updated_time: expect.stringMatching(ONEFLOW_TIME),
      },
    });

    const [owner, counterparty] = raw.parties;
    expect(owner).toMatchObject({ my_party: true, name: 'Our Sales AB', type: 'company' });
    expect(owner!.participants.map((p) => [p.name, p.email, p.signatory, p.my_participant])).toEqual([
      ['Sofie Seller', 'sofie@oursales.example', true, true],
    ]);
    expect(counterparty).toMatchObject({
      my_party: false,
      name: 'Nordlys Interiør AS',
      identification_number: '987654321',
    });
    expect(
      counterparty!.participants.map((p) => [
        p.name,
        p.email,
        p.title,
        p.phone_number,
        p.signatory,
        p.sign_state,
      ]),
    ).toEqual([
      ['Anna Berg', 'anna.berg@nordlys.example', 'Head of Purchasing', '+4791234567', true, 'undecided'],
      ['Jonas Dahl', 'jonas.dahl@nordlys.example', 'Office manager', null, true, 'undecided'],
    ]);
    for (const p of participants(raw)) {
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining([
          'id',
          'identification_number',
          'organizer',
          'sign_state_updated_time',
          'delivery_channel',
          'sign_method',
        ]),
      );
    }
  });

  it('sends money as two-decimal strings, with the final amount computed from base and discount', async () => {
    const raw = await contract(DEMO_CONTRACT_ID);
    const products = raw.product_groups.flatMap((g) => g.products);
    expect(products.map((p) => [p._private_ownerside.custom_id, p.name, p.quantity])).toEqual([
      ['DESK-01', 'Standing desk', { amount: 12, type: 'quantity' }],
      ['CHAIR-02', 'Ergonomic chair', { amount: 12, type: 'quantity' }],
      ['LAMP-03', 'Desk lamp', { amount: 8, type: 'quantity' }],
    ]);
    expect(products[0]!.price_1).toEqual({
      amount: { amount: '4050.00' },
      base_amount: { amount: '4500.00' },
      discount_amount: { amount: '0.00' },
      discount_percent: '10.00',
    });
    expect(products[1]!.price_1.amount.amount).toBe('2200.00');
    expect(products[2]!.price_1).toEqual({
      amount: { amount: '400.00' },
      base_amount: { amount: '450.00' },
      discount_amount: { amount: '50.00' },
      discount_percent: '0.00',
    });
    // 12 × 4050 + 12 × 2200 + 8 × 400
    expect(raw._private.value).toEqual({ amount: '78200.00', currency: 'NOK' });

    const parsed = oneflowContractSchema.parse(raw);
    const desk = parsed.product_groups[0]!.products[0]!;
    // The client keeps Oneflow's values as sent; the mapping module reads the decimals.
    expect(desk.price_1).toEqual(products[0]!.price_1);
    expect(desk.quantity.amount).toBe(12);
  });

  it('has the draft 9002, never published', async () => {
    const raw = await contract(DEMO_DRAFT_CONTRACT_ID);
    expect(raw.state).toBe('draft');
    expect(raw.published_time).toBeNull();
    expect(
      participants(raw).every((p) => p.sign_state === 'undecided' && p.delivery_status === 'not_sent'),
    ).toBe(true);
    expect(oneflowContractSchema.parse(raw).state).toBe('draft');
  });

  it('answers an unknown contract with 404 and error_code 4040000', async () => {
    const res = await api('/contracts/424242');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 4040000,
      detail: 'The requested contract was not found.',
      parameter_problems: {},
      request_id: expect.any(String),
      status: 404,
      title: 'Not Found',
      type: 'https://api.oneflow.com/v1/error_codes/4040000',
    });
  });

  it('answers a non-numeric id with 400 naming the parameter', async () => {
    const res = await api('/contracts/abc');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error_code: 4000000,
      status: 400,
      title: 'Bad Request',
      parameter_problems: { contract_id: ['"abc" is not a valid integer.'] },
    });
  });

  it('serves a copy: changing a response does not change the contract', async () => {
    const first = await contract(DEMO_CONTRACT_ID);
    first.state = 'signed';
    expect((await contract(DEMO_CONTRACT_ID)).state).toBe('pending');
  });
});

describe('rate limit', () => {
  it('defaults to the documented 2000 requests per 5 minutes', async () => {
    expect((await ctl('GET', '/rate-limit')).body).toEqual({ limit: 2000, windowMs: 300_000, enabled: true });
  });

  it('answers 429 with the documented body once a token used up its window, and recovers after it', async () => {
    expect((await ctl('POST', '/rate-limit', { limit: 3, windowMs: 400 })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await api('/ping')).status).toBe(200);

    const refused = await api('/ping');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      detail: 'You have reached the 5 minute rate limit for requests. Try again in a few minutes.',
      error_code: 4290000,
      parameter_problems: {},
      status: 429,
      title: 'Too Many Requests',
      info: 'https://developer.oneflow.com/reference/api-rate-limit',
    });
    // The limit is per token: another token still has its whole window.
    expect((await api('/ping', OTHER_TOKEN)).status).toBe(200);

    await new Promise((r) => setTimeout(r, 450));
    expect((await api('/ping')).status).toBe(200);
  });

  it('can be switched off for benchmarks, and rejects a malformed setting', async () => {
    expect((await ctl('POST', '/rate-limit', { limit: 1, windowMs: 60_000, enabled: false })).status).toBe(
      200,
    );
    for (let i = 0; i < 5; i++) expect((await api('/ping')).status).toBe(200);
    const bad = await ctl('POST', '/rate-limit', { limit: -1, windowMs: 'soon' });
    expect(bad.status).toBe(400);
    expect(String(bad.body?.issues)).toMatch(/limit/);
  });
});

describe('signing and webhooks', () => {
  it('signs every signatory, marks the contract signed and delivers contract:sign with a valid signature', async () => {
    const before = Date.now();
    const res = await ctl('POST', `/contracts/${DEMO_CONTRACT_ID}/sign`);
    expect(res.status).toBe(200);
    await emu.settled();

    const signed = await contract(DEMO_CONTRACT_ID);
    expect(signed.state).toBe('signed');
    expect(signed.state_updated_time).toMatch(ONEFLOW_TIME);
    expect(Date.parse(signed.state_updated_time.replace('+0000', 'Z'))).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
    for (const p of participants(signed)) {
      expect(p.sign_state).toBe('signed');
      expect(p.sign_state_updated_time).toBe(signed.state_updated_time);
    }

    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0]!;
    expect(hook.contentType).toMatch(/^application\/json/);
    expect(Object.keys(hook.body)).toEqual(['contract', 'callback_id', 'events', 'signature']);
    expect(hook.body).toEqual({
      contract: { id: DEMO_CONTRACT_ID },
      callback_id: expect.stringMatching(/^[0-9a-f]{40}$/),
      events: [
        { id: expect.any(Number), type: 'contract:sign', created_time: expect.stringMatching(ONEFLOW_TIME) },
      ],
      signature: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const parsed = oneflowWebhookSchema.parse(hook.body);
    expect(verifyWebhookSignature(parsed.callback_id, parsed.signature, DEMO_WEBHOOK_SIGN_KEY)).toBe(true);
    expect(verifyWebhookSignature(parsed.callback_id, parsed.signature, 'another-key')).toBe(false);

    const deliveries = (await ctl('GET', '/webhooks')).body as unknown as WebhookDelivery[];
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      callbackId: parsed.callback_id,
      contractId: DEMO_CONTRACT_ID,
      eventType: 'contract:sign',
      status: 'delivered',
      attempts: [{ attempt: 1, status: 200 }],
    });
  });

  it('retries on any status but 200 with the same callback_id, following the schedule', async () => {
    await ctl('PUT', '/webhook', { retryScale: 0.02 }); // 20 ms, 100 ms, ...
    receiver.respondWith((n) => (n === 1 ? 500 : n === 2 ? 201 : 200));
    emu.sign(DEMO_CONTRACT_ID);
    await emu.settled();

    expect(receiver.received).toHaveLength(3);
    const ids = receiver.received.map((r) => r.body.callback_id);
    expect(new Set(ids).size).toBe(1);
    expect(receiver.received.map((r) => r.body)).toEqual([
      receiver.received[0]!.body,
      receiver.received[0]!.body,
      receiver.received[0]!.body,
    ]);
    const [a, b, c] = receiver.received.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(19); // 1 s × 0.02
    expect(c - b).toBeGreaterThanOrEqual(99); // 5 s × 0.02

    const [delivery] = emu.emulator.deliveries();
    expect(delivery!.status).toBe('delivered');
    expect(delivery!.attempts.map((x) => x.status)).toEqual([500, 201, 200]);
  });

  it('gives up after 10 attempts in all', async () => {
    await ctl('PUT', '/webhook', { retryScale: 0.0001 });
    receiver.respondWith(() => 503);
    emu.sign(DEMO_CONTRACT_ID);
    await emu.settled();
    await new Promise((r) => setTimeout(r, 100));

    expect(MAX_ATTEMPTS).toBe(10);
    expect(receiver.received).toHaveLength(10);
    expect(new Set(receiver.received.map((r) => r.body.callback_id)).size).toBe(1);
    const [delivery] = emu.emulator.deliveries();
    expect(delivery!.status).toBe('failed');
    expect(delivery!.attempts).toHaveLength(10);
    expect(delivery!.nextAttemptAt).toBeNull();
  });

  it('counts an unreachable receiver as a failed attempt and keeps retrying', async () => {
    await ctl('PUT', '/webhook', { url: 'http://127.0.0.1:9/unreachable', retryScale: 0.0001 });
    emu.sign(DEMO_CONTRACT_ID);
    await emu.settled();
    const [delivery] = emu.emulator.deliveries();
    expect(delivery!.status).toBe('failed');
    expect(delivery!.attempts).toHaveLength(10);
    expect(delivery!.attempts.every((a) => a.status === null && typeof a.error === 'string')).toBe(true);
  });

  it('resets signatures: pending again, participants undecided, contract:signature_reset sent; it can be signed again', async () => {
    emu.sign(DEMO_CONTRACT_ID);
    const reset = await ctl('POST', `/contracts/${DEMO_CONTRACT_ID}/signature-reset`);
    expect(reset.status).toBe(200);
    await emu.settled();

    const c = await contract(DEMO_CONTRACT_ID);
    expect(c.state).toBe('pending');
    expect(participants(c).every((p) => p.sign_state === 'undecided')).toBe(true);

    expect(receiver.received.map((r) => (r.body.events as Array<{ type: string }>)[0]!.type)).toEqual([
      'contract:sign',
      'contract:signature_reset',
    ]);

    emu.sign(DEMO_CONTRACT_ID);
    await emu.settled();
    const bodies = receiver.received.map((r) => oneflowWebhookSchema.parse(r.body));
    expect(bodies).toHaveLength(3);
    // A new event: a new callback_id and a higher event id.
    expect(new Set(bodies.map((b) => b.callback_id)).size).toBe(3);
    const eventIds = bodies.map((b) => b.events[0]!.id);
    expect([...eventIds].sort((x, y) => x - y)).toEqual(eventIds);
    expect(new Set(eventIds).size).toBe(3);
  });

  it('refuses to sign a draft (409) or an unknown contract (404), and sends nothing', async () => {
    const draft = await ctl('POST', `/contracts/${DEMO_DRAFT_CONTRACT_ID}/sign`);
    expect(draft.status).toBe(409);
    expect(draft.body?.error).toMatch(/draft/);
    expect((await ctl('POST', '/contracts/5555/sign')).status).toBe(404);
    expect((await contract(DEMO_DRAFT_CONTRACT_ID)).state).toBe('draft');
    expect(emu.emulator.deliveries()).toHaveLength(0);
  });

  it('publishes a draft and declines a pending contract, sending the matching events', async () => {
    expect((await ctl('POST', `/contracts/${DEMO_DRAFT_CONTRACT_ID}/publish`)).status).toBe(200);
    const published = await contract(DEMO_DRAFT_CONTRACT_ID);
    expect(published.state).toBe('pending');
    expect(published.published_time).toMatch(ONEFLOW_TIME);

    expect((await ctl('POST', `/contracts/${DEMO_CONTRACT_ID}/decline`)).status).toBe(200);
    const declined = await contract(DEMO_CONTRACT_ID);
    expect(declined.state).toBe('declined');
    expect(
      participants(declined)
        .filter((p) => p.sign_state === 'declined')
        .map((p) => p.name),
    ).toEqual(['Anna Berg']);
    await emu.settled();
    expect(receiver.received.map((r) => (r.body.events as Array<{ type: string }>)[0]!.type)).toEqual([
      'contract:publish',
      'contract:decline',
    ]);
  });

  it('emits any event type, also for a contract the account does not have, and can forge the signature', async () => {
    const res = await ctl('POST', '/contracts/777/events', {
      type: 'contract:content_update',
      signature: 'f'.repeat(40),
    });
    expect(res.status).toBe(200);
    expect(res.body?.contract).toBeNull();
    await emu.settled();
    const hook = oneflowWebhookSchema.parse(receiver.received[0]!.body);
    expect(hook.contract.id).toBe(777);
    expect(hook.events[0]!.type).toBe('contract:content_update');
    expect(verifyWebhookSignature(hook.callback_id, hook.signature, DEMO_WEBHOOK_SIGN_KEY)).toBe(false);

    const bad = await ctl('POST', `/contracts/${DEMO_CONTRACT_ID}/events`, { type: 'sign it' });
    expect(bad.status).toBe(400);
    expect(String(bad.body?.issues)).toMatch(/contract:sign/);
  });

  it('takes webhook settings from the control plane and never shows the sign key', async () => {
    const put = await ctl('PUT', '/webhook', { signKey: 'rotated-key' });
    expect(put.body).toEqual({ url: receiver.url, signKeySet: true, retryScale: 0.001, timeoutMs: 10_000 });
    expect(JSON.stringify((await ctl('GET', '/state')).body)).not.toContain('rotated-key');

    emu.sign(DEMO_CONTRACT_ID);
    await emu.settled();
    const hook = oneflowWebhookSchema.parse(receiver.received[0]!.body);
    expect(verifyWebhookSignature(hook.callback_id, hook.signature, 'rotated-key')).toBe(true);

    await ctl('PUT', '/webhook', { url: null });
    emu.signatureReset(DEMO_CONTRACT_ID);
    await emu.settled();
    expect(receiver.received).toHaveLength(1);
    expect(emu.emulator.deliveries()[1]!.status).toBe('no_webhook');
    expect((await ctl('PUT', '/webhook', { url: 'not a url' })).status).toBe(400);
  });
});

describe('faults through the control plane', () => {
  it('answers an injected 503 with Retry-After and an Oneflow error body, before any token check', async () => {
    const fault = await ctl('POST', '/faults', { path: '/v1/**', status: 503, retryAfterSeconds: 7 });
    expect(fault.status).toBe(201);
    const res = await api('/ping', null);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body).toMatchObject({ error_code: 5030000, status: 503, title: 'Service Unavailable' });
  });

  it('answers an injected 429 with the documented rate-limit body', async () => {
    await ctl('POST', '/faults', { path: '/v1/contracts/*', status: 429, times: 1 });
    const res = await api(`/contracts/${DEMO_CONTRACT_ID}`);
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({
      error_code: 4290000,
      info: 'https://developer.oneflow.com/reference/api-rate-limit',
    });
  });

  it('applies a fault N times only, then removes it; DELETE /faults clears the rest', async () => {
    await ctl('POST', '/faults', { path: '/v1/ping', status: 500, times: 2 });
    expect((await api('/ping')).status).toBe(500);
    expect((await api('/ping')).status).toBe(500);
    expect((await api('/ping')).status).toBe(200);
    expect((await ctl('GET', '/faults')).body).toEqual([]);

    await ctl('POST', '/faults', { path: '/v1/**', status: 502 });
    expect((await api('/ping')).status).toBe(502);
    expect((await api('/ping')).status).toBe(502);
    expect((await ctl('DELETE', '/faults')).status).toBe(204);
    expect((await api('/ping')).status).toBe(200);
  });

  it('delays a call by latencyMs and records the fault in the request log', async () => {
    await ctl('DELETE', '/requests');
    const { body } = await ctl('POST', '/faults', { path: '/v1/ping', latencyMs: 120, times: 1 });
    const started = Date.now();
    expect((await api('/ping')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    const log = (await ctl('GET', '/requests')).body as unknown as Array<{
      path: string;
      status: number;
      faultId?: string;
    }>;
    expect(log).toEqual([expect.objectContaining({ path: '/v1/ping', status: 200, faultId: body?.id })]);
  });

  it('logs API calls, not control calls', async () => {
    await ctl('DELETE', '/requests');
    await api(`/contracts/${DEMO_CONTRACT_ID}`);
    await api('/ping', null);
    await ctl('GET', '/state');
    const log = (await ctl('GET', '/requests')).body as unknown as Array<{
      method: string;
      path: string;
      status: number;
    }>;
    expect(log.map((e) => [e.method, e.path, e.status])).toEqual([
      ['GET', `/v1/contracts/${DEMO_CONTRACT_ID}`, 200],
      ['GET', '/v1/ping', 401],
    ]);
  });
});

describe('seed, reset and state', () => {
  it('rejects a malformed seed with 400 and messages that say what and where', async () => {
    const res = await ctl('POST', '/seed', {
      tokens: ['short'],
      contracts: [
        {
          id: 1,
          name: 'Bad',
          data_fields: [
            { custom_id: 'a', value: 'x' },
            { custom_id: 'a', value: 'y' },
          ],
          product_groups: [
            {
              products: [
                { name: 'P', quantity: 1, price_1: { base: 10, discount_percent: 5, discount_amount: 1 } },
              ],
            },
          ],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body?.error).toBe('invalid seed document');
    const issues = String(res.body?.issues);
    expect(issues).toMatch(/exactly 40 characters/);
    expect(issues).toMatch(/tokens\[0\]|tokens\.0/);
    expect(issues).toMatch(/duplicate custom_id "a"/);
    expect(issues).toMatch(/only one of discount_percent and discount_amount/);
    // Nothing of the bad seed was applied: the demo data is still there.
    expect((await api(`/contracts/${DEMO_CONTRACT_ID}`)).status).toBe(200);
  });

  it('rejects unknown attributes in the compact form, so typos do not pass silently', async () => {
    const res = await ctl('POST', '/seed', { contracts: [{ id: 1, name: 'X', stat: 'signed' }] });
    expect(res.status).toBe(400);
    expect(String(res.body?.issues)).toMatch(/stat/);
  });

  it('seeds a compact document: defaults filled in, a signed contract has its signatories signed', async () => {
    const token = 'x'.repeat(40);
    const res = await ctl('POST', '/seed', {
      tokens: [token],
      contracts: [
        {
          id: 31,
          name: 'Signed already',
          state: 'signed',
          parties: [{ name: 'Buyer', participants: [{ name: 'Ada' }, { name: 'Viewer', signatory: false }] }],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect((await api('/ping')).status).toBe(401); // the demo token is gone
    const c = (await api('/contracts/31', token)).body as unknown as OneflowApiContract;
    expect(c.state).toBe('signed');
    expect(c.product_groups).toEqual([]);
    expect(c._private.value.amount).toBe('0.00');
    expect(participants(c).map((p) => [p.name, p.sign_state])).toEqual([
      ['Ada', 'signed'],
      ['Viewer', 'undecided'],
    ]);
    expect(oneflowContractSchema.parse(c).parties[0]!.participants[0]!.email).toBeNull();
  });

  it('adds or replaces one contract with PUT /_emulator/contracts/{id}', async () => {
    const put = await ctl('PUT', '/contracts/9050', {
      name: 'Added',
      data_fields: [{ custom_id: 'k', value: 'v' }],
    });
    expect(put.status).toBe(200);
    const c = await contract(9050);
    expect(c._private.name).toBe('Added');
    expect(c.data_fields[0]!.value).toBe('v');
    expect((await ctl('PUT', '/contracts/9050', { name: 'Bad', state: 'archived' })).status).toBe(400);
  });

  it('reset empties the account and cancels pending webhook retries', async () => {
    receiver.respondWith(() => 500);
    await ctl('PUT', '/webhook', { retryScale: 1 }); // next retry in 1 s
    emu.sign(DEMO_CONTRACT_ID);
    const deliveriesBefore = emu.emulator.deliveries();
    for (let i = 0; i < 100 && receiver.received.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(receiver.received).toHaveLength(1);

    expect((await ctl('POST', '/reset')).status).toBe(200);
    await emu.settled(); // resolves at once: nothing pending
    expect(deliveriesBefore[0]!.status).toBe('cancelled');
    const state = (await ctl('GET', '/state')).body as unknown as {
      contracts: unknown[];
      tokens: unknown[];
      webhookDeliveries: unknown[];
    };
    expect(state.contracts).toEqual([]);
    expect(state.tokens).toEqual([]);
    expect(state.webhookDeliveries).toEqual([]);
    expect((await api('/ping')).status).toBe(401);
  });

  it('shows tokens only masked in the state', async () => {
    const state = JSON.stringify((await ctl('GET', '/state')).body);
    expect(state).not.toContain(DEMO_ONEFLOW_TOKEN);
    expect(state).toContain('demo…0000');
  });
});

describe('closing', () => {
  it('stops pending retries, so no call is made after close', async () => {
    const own = await startWebhookReceiver(() => 500);
    // Unscaled: the 2nd attempt is due 1 s after the 1st, time enough to close in between
    // however slow a loaded machine is to deliver the 1st.
    const other = await startOneflowEmulator({ webhookUrl: own.url, retryScale: 1 });
    try {
      other.sign(DEMO_CONTRACT_ID);
      for (let i = 0; i < 100 && own.received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(own.received).toHaveLength(1);
      await other.close();
      await new Promise((r) => setTimeout(r, 1_300));
      expect(own.received).toHaveLength(1);
      expect(other.emulator.deliveries()[0]!.status).toBe('cancelled');
    } finally {
      await own.close();
    }
  });
});
