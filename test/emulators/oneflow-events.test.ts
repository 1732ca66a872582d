import {
  DEMO_CONTRACT_ID,
  DEMO_DRAFT_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  oneflowDemoSeed,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { oneflowContractEventPageSchema } from '../../src/oneflow/contract-events';
import { oneflowWebhookSchema } from '../../src/oneflow/webhook';
import { type WebhookReceiver, startWebhookReceiver } from '../oneflow/webhook-receiver';

/**
 * GET /v1/contracts/{id}/events: every event the emulator sends is listed on its contract
 * with the id and time its webhook carried, behind the same token check, rate limit and
 * faults as the rest of /v1, paged and sorted as Oneflow documents for its list endpoints.
 */
const ONEFLOW_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;

interface Page {
  _links: Record<string, { href: string }>;
  count: number;
  data: Array<{ id: number; type: string; created_time: string }>;
}

let emu: RunningOneflowEmulator;
let receiver: WebhookReceiver;

async function api(path: string, token: string | null = DEMO_ONEFLOW_TOKEN) {
  const res = await fetch(`${emu.apiUrl}${path}`, { headers: token ? { 'X-Oneflow-API-Token': token } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function events(id: number, query = ''): Promise<Page> {
  const res = await api(`/contracts/${id}/events${query}`);
  expect(res.status).toBe(200);
  return res.body as unknown as Page;
}

async function ctl(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.origin}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
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
  emu.control.reset();
  emu.emulator.seed(oneflowDemoSeed);
  emu.emulator.configureWebhook({ url: receiver.url });
  receiver.clear();
});

describe('GET /v1/contracts/{id}/events', () => {
  it('lists no events for a seeded contract, in the list envelope', async () => {
    const page = await events(DEMO_CONTRACT_ID);
    expect(page).toEqual({
      _links: { self: { href: `${emu.apiUrl}/contracts/${DEMO_CONTRACT_ID}/events?limit=100&offset=0` } },
      count: 0,
      data: [],
    });
    expect(oneflowContractEventPageSchema.parse(page).data).toEqual([]);
  });

  it('records each event it sends, with the id and time its webhook carried', async () => {
    await ctl('POST', `/contracts/${DEMO_DRAFT_CONTRACT_ID}/publish`);
    await ctl('POST', `/contracts/${DEMO_DRAFT_CONTRACT_ID}/sign`);
    await ctl('POST', `/contracts/${DEMO_DRAFT_CONTRACT_ID}/signature-reset`);
    await ctl('POST', `/contracts/${DEMO_DRAFT_CONTRACT_ID}/decline`);
    await ctl('POST', `/contracts/${DEMO_DRAFT_CONTRACT_ID}/events`, { type: 'contract:content_update' });
    await emu.settled();

    // Deliveries run side by side and may arrive in any order; the ids say the order sent.
    const hooks = receiver.received.map((r) => oneflowWebhookSchema.parse(r.body));
    const sent = hooks.map((h) => h.events[0]!).sort((a, b) => a.id - b.id);
    expect(sent.map((e) => e.type)).toEqual([
      'contract:publish',
      'contract:sign',
      'contract:signature_reset',
      'contract:decline',
      'contract:content_update',
    ]);
    expect(hooks.every((h) => h.contract.id === DEMO_DRAFT_CONTRACT_ID)).toBe(true);

    const page = await events(DEMO_DRAFT_CONTRACT_ID);
    expect(page.count).toBe(5);
    expect(page.data).toEqual(sent.map((e) => ({ id: e.id, type: e.type, created_time: e.created_time })));
    expect(page.data.every((e) => ONEFLOW_TIME.test(e.created_time))).toBe(true);
    // The other contract's list is its own.
    expect((await events(DEMO_CONTRACT_ID)).data).toEqual([]);
  });

  it('does not record a forged event, nor one for a contract the account does not have', async () => {
    await ctl('POST', `/contracts/${DEMO_CONTRACT_ID}/events`, {
      type: 'contract:sign',
      signature: 'f'.repeat(40),
    });
    await ctl('POST', '/contracts/777/events', { type: 'contract:sign' });
    expect((await events(DEMO_CONTRACT_ID)).data).toEqual([]);
    expect((await api('/contracts/777/events')).status).toBe(404);
  });

  it('records an event even when no webhook URL is set', async () => {
    emu.emulator.configureWebhook({ url: null });
    const { delivery } = emu.sign(DEMO_CONTRACT_ID);
    expect(delivery.status).toBe('no_webhook');
    expect((await events(DEMO_CONTRACT_ID)).data).toEqual([
      { id: delivery.eventId, type: 'contract:sign', created_time: delivery.body.events[0]!.created_time },
    ]);
  });

  it('keeps the events when the contract is put back, and forgets them on reset and seed', async () => {
    const { delivery } = emu.sign(DEMO_CONTRACT_ID);
    emu.emulator.putContract(oneflowDemoSeed.contracts![0]!);
    expect((await events(DEMO_CONTRACT_ID)).data.map((e) => e.id)).toEqual([delivery.eventId]);

    emu.emulator.seed(oneflowDemoSeed);
    expect((await events(DEMO_CONTRACT_ID)).data).toEqual([]);

    emu.sign(DEMO_CONTRACT_ID);
    expect((await ctl('POST', '/reset')).status).toBe(200);
    emu.emulator.seed(oneflowDemoSeed);
    expect((await events(DEMO_CONTRACT_ID)).data).toEqual([]);
  });

  it('shows each contract’s events in /_emulator/state', async () => {
    const { delivery } = emu.sign(DEMO_CONTRACT_ID);
    const state = (await ctl('GET', '/state')).body as { contractEvents: Record<string, unknown[]> };
    expect(state.contractEvents[String(DEMO_CONTRACT_ID)]).toEqual([
      expect.objectContaining({ id: delivery.eventId, type: 'contract:sign' }),
    ]);
  });

  describe('paging and sorting', () => {
    let ids: number[];
    beforeEach(async () => {
      emu.emulator.configureWebhook({ url: null });
      ids = [];
      for (let i = 0; i < 5; i++) {
        const type = i % 2 === 0 ? 'contract:sign' : 'contract:signature_reset';
        ids.push(emu.emulator.emitEvent(DEMO_CONTRACT_ID, type).delivery.eventId);
      }
    });

    it('pages by limit and offset, with count the total and next/previous links', async () => {
      const base = `${emu.apiUrl}/contracts/${DEMO_CONTRACT_ID}/events`;
      const first = await events(DEMO_CONTRACT_ID, '?limit=2');
      expect(first.count).toBe(5);
      expect(first.data.map((e) => e.id)).toEqual(ids.slice(0, 2));
      expect(first._links).toEqual({
        self: { href: `${base}?limit=2&offset=0` },
        next: { href: `${base}?limit=2&offset=2` },
      });

      const middle = await events(DEMO_CONTRACT_ID, '?limit=2&offset=2');
      expect(middle.data.map((e) => e.id)).toEqual(ids.slice(2, 4));
      expect(Object.keys(middle._links).sort()).toEqual(['next', 'previous', 'self']);
      expect(middle._links.previous!.href).toBe(`${base}?limit=2&offset=0`);

      const last = await events(DEMO_CONTRACT_ID, '?limit=2&offset=4');
      expect(last.data.map((e) => e.id)).toEqual(ids.slice(4));
      expect(last._links.next).toBeUndefined();

      const beyond = await events(DEMO_CONTRACT_ID, '?offset=50');
      expect(beyond).toMatchObject({ count: 5, data: [] });
    });

    it('sorts by id, type or created_time, descending with a leading "-", and keeps sort in the links', async () => {
      expect((await events(DEMO_CONTRACT_ID, '?sort=-id')).data.map((e) => e.id)).toEqual([...ids].reverse());
      expect((await events(DEMO_CONTRACT_ID, '?sort=id')).data.map((e) => e.id)).toEqual(ids);
      const byType = (await events(DEMO_CONTRACT_ID, '?sort=type,-id')).data.map((e) => [e.type, e.id]);
      expect(byType).toEqual([
        ['contract:sign', ids[4]],
        ['contract:sign', ids[2]],
        ['contract:sign', ids[0]],
        ['contract:signature_reset', ids[3]],
        ['contract:signature_reset', ids[1]],
      ]);
      // All five happened within the same second or two: the time orders them no worse than that.
      const byTime = (await events(DEMO_CONTRACT_ID, '?sort=-created_time')).data.map((e) => e.created_time);
      expect(byTime).toEqual([...byTime].sort().reverse());

      const paged = await events(DEMO_CONTRACT_ID, '?sort=-id&limit=1');
      expect(paged.data.map((e) => e.id)).toEqual([ids[4]]);
      expect(paged._links.next!.href).toContain('sort=-id');
    });

    it.each([
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=all', 'limit'],
      ['?offset=-1', 'offset'],
      ['?offset=19901', 'offset'],
      ['?sort=name', 'sort'],
      ['?sort=-id,state', 'sort'],
    ])('answers 400 with parameter_problems for %s', async (query, param) => {
      const res = await api(`/contracts/${DEMO_CONTRACT_ID}/events${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 4000000, status: 400, title: 'Bad Request' });
      expect(Object.keys(res.body.parameter_problems as object)).toEqual([param]);
    });
  });

  it('answers 404 for a contract the account does not have, and 400 for an id that is not an integer', async () => {
    const missing = await api('/contracts/424242/events');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      error_code: 4040000,
      detail: 'The requested contract was not found.',
    });

    const bad = await api('/contracts/abc/events');
    expect(bad.status).toBe(400);
    expect(bad.body.parameter_problems).toEqual({ contract_id: ['"abc" is not a valid integer.'] });
  });

  it('checks the token like every /v1 call', async () => {
    expect((await api(`/contracts/${DEMO_CONTRACT_ID}/events`, null)).status).toBe(401);
    const res = await api(
      `/contracts/${DEMO_CONTRACT_ID}/events`,
      'unknown-token-000000000000000000000000000',
    );
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('The API token is invalid.');
  });

  it('counts against the rate limit, with the documented 429 body', async () => {
    emu.emulator.rateLimiter.configure({ limit: 1, windowMs: 60_000, enabled: true });
    expect((await api(`/contracts/${DEMO_CONTRACT_ID}`)).status).toBe(200);
    const limited = await api(`/contracts/${DEMO_CONTRACT_ID}/events`);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error_code: 4290000, title: 'Too Many Requests' });
  });

  it('answers injected faults before the token check, in Oneflow’s error body', async () => {
    const rule = { path: '/v1/contracts/*/events', status: 503, times: 1 };
    expect((await ctl('POST', '/faults', rule)).status).toBe(201);
    const res = await api(`/contracts/${DEMO_CONTRACT_ID}/events`, null);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error_code: 5030000, status: 503 });
    // Used up: the next call is answered; the contract itself was never affected.
    expect((await api(`/contracts/${DEMO_CONTRACT_ID}/events`)).status).toBe(200);
  });
});
