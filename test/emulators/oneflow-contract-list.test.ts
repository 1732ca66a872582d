import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import type { ContractSeedInput } from '../../src/emulators/oneflow/seed-document';
import { oneflowContractListPageSchema } from '../../src/oneflow/contract-list';
import { type WebhookReceiver, startWebhookReceiver } from '../oneflow/webhook-receiver';

/**
 * GET /v1/contracts: Oneflow's documented filters, sorting and paging, 400 for a filter it
 * does not know; signed contracts carry their signing among their events; and the control
 * calls the reconciliation tests need (webhooks off, a delivery sent again).
 */
let emu: RunningOneflowEmulator;
let receiver: WebhookReceiver;

const party = (name: string, my = false) => ({
  name,
  my_party: my,
  participants: [{ name: `${name} signer`, email: `${name.toLowerCase()}@example.test` }],
});
function contract(id: number, extra: Partial<ContractSeedInput> = {}): ContractSeedInput {
  return {
    id,
    name: `Contract ${id}`,
    parties: [party('Us', true), party('Them')],
    ...extra,
  } as ContractSeedInput;
}

async function api(query: string) {
  const res = await fetch(`${emu.apiUrl}/contracts${query}`, {
    headers: { 'X-Oneflow-API-Token': DEMO_ONEFLOW_TOKEN },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function ids(query: string): Promise<number[]> {
  const res = await api(query);
  expect(res.status).toBe(200);
  return oneflowContractListPageSchema.parse(res.body).data.map((c) => c.id);
}
async function ctl(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.origin}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  emu = await startOneflowEmulator({ webhookUrl: receiver.url, retryScale: 0.001 });
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(() => {
  emu.emulator.seed({
    tokens: [DEMO_ONEFLOW_TOKEN],
    contracts: [
      contract(1, {
        state: 'signed',
        published_time: '2026-11-01T08:00:00+0000',
        state_updated_time: '2026-11-03T10:00:00+0000',
      }),
      contract(2, { state: 'pending', published_time: '2026-11-02T08:00:00+0000' }),
      contract(3, {
        state: 'signed',
        published_time: '2026-11-04T08:00:00+0000',
        state_updated_time: '2026-11-05T10:00:00+0000',
      }),
      contract(4, { state: 'draft' }),
      contract(5, {
        state: 'signed',
        published_time: '2026-10-01T08:00:00+0000',
        state_updated_time: '2026-10-02T10:00:00+0000',
        data_fields: [{ custom_id: 'superoffice_sale_id', value: '77' }],
      }),
    ],
  });
  emu.emulator.configureWebhook({ url: receiver.url });
  receiver.clear();
});

describe('GET /v1/contracts', () => {
  it("answers Oneflow's list envelope: every contract, in id order without a sort, with count", async () => {
    const res = await api('');
    expect(res.status).toBe(200);
    const page = oneflowContractListPageSchema.parse(res.body);
    expect(page.count).toBe(5);
    expect(page.data.map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);
    expect(res.body._links).toEqual({ self: { href: expect.stringContaining('/v1/contracts?') } });
  });

  it('filters by state (several comma-separated), by a published_time range and by a data field, ANDed', async () => {
    expect(await ids('?filter[states]=signed')).toEqual([1, 3, 5]);
    expect(await ids('?filter[states]=pending,draft')).toEqual([2, 4]);
    expect(await ids(`?filter[published_time]=${encodeURIComponent('2026-11-01T00:00:00+00:00|')}`)).toEqual([
      1, 2, 3,
    ]);
    expect(await ids(`?filter[published_time]=${encodeURIComponent('|2026-11-02T08:00:00+00:00')}`)).toEqual([
      1, 2, 5,
    ]);
    expect(
      await ids(
        `?filter[states]=signed&filter[published_time]=${encodeURIComponent('2026-10-15T00:00:00+00:00|2026-11-30T00:00:00+00:00')}`,
      ),
    ).toEqual([1, 3]);
    expect(await ids('?filter[data_field_match]=superoffice_sale_id:77')).toEqual([5]);
  });

  it('sorts by the documented keys, `-` first for descending', async () => {
    expect(await ids('?filter[states]=signed&sort=-state_updated_time')).toEqual([3, 1, 5]);
    expect(await ids('?filter[states]=signed&sort=state_updated_time')).toEqual([5, 1, 3]);
    expect(await ids('?sort=state,-published_time')).toEqual([4, 2, 3, 1, 5]);
  });

  it('pages with limit and offset; count ignores them; next and previous link the neighbours', async () => {
    const res = await api('?limit=2&offset=2');
    const page = oneflowContractListPageSchema.parse(res.body);
    expect(page.data.map((c) => c.id)).toEqual([3, 4]);
    expect(page.count).toBe(5);
    const links = res.body._links as Record<string, { href: string }>;
    expect(new URL(links.next!.href).searchParams.get('offset')).toBe('4');
    expect(new URL(links.previous!.href).searchParams.get('offset')).toBe('0');
    const last = await api('?limit=2&offset=4');
    expect(last.body._links).not.toHaveProperty('next');
  });

  it.each([
    ['an unknown filter', '?filter[signed_time]=x', 'filter[signed_time]', /not a valid filter/],
    ['a filter given twice', '?filter[states]=signed&filter[states]=pending', 'filter[states]', /only once/],
    ['an unknown state', '?filter[states]=sealed', 'filter[states]', /not a valid state/],
    ['a malformed range', '?filter[published_time]=2026-11-01', 'filter[published_time]', /datetime range/],
    ['an unknown sort key', '?sort=-created_time', 'sort', /not a valid sort attribute/],
    ['a limit over 100', '?limit=101', 'limit', /1 to 100/],
    ['an offset beyond 19900', '?offset=20000', 'offset', /0 to 19900/],
  ])('answers 400 with parameter_problems for %s', async (_what, query, parameter, message) => {
    const res = await api(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, error_code: 4000000 });
    expect((res.body.parameter_problems as Record<string, string[]>)[parameter]![0]).toMatch(message);
  });

  it('needs the API token, as every /v1 call does', async () => {
    const res = await fetch(`${emu.apiUrl}/contracts`);
    expect(res.status).toBe(401);
  });
});

describe('signed contracts and their events', () => {
  it('gives a contract seeded as signed its contract:sign event, at the time it became signed, without a webhook', async () => {
    expect(emu.emulator.contractEvents(1)).toEqual([
      { id: expect.any(Number), type: 'contract:sign', created_time: '2026-11-03T10:00:00+0000' },
    ]);
    expect(emu.emulator.contractEvents(2)).toEqual([]);
    await emu.settled();
    expect(receiver.received).toHaveLength(0);
  });

  it('does the same for a contract put back as signed after a signature reset, and not twice', () => {
    emu.sign(2);
    emu.signatureReset(2);
    emu.emulator.putContract(
      contract(2, { state: 'signed', state_updated_time: '2026-11-06T10:00:00+0000' }),
    );
    emu.emulator.putContract(
      contract(2, { state: 'signed', state_updated_time: '2026-11-06T10:00:00+0000' }),
    );
    expect(emu.emulator.contractEvents(2)!.map((e) => e.type)).toEqual([
      'contract:sign',
      'contract:signature_reset',
      'contract:sign',
    ]);
  });
});

describe('control: webhooks off, and a delivery sent again', () => {
  it('sends nothing while the webhook URL is cleared, and records the event all the same', async () => {
    expect((await ctl('PUT', '/webhook', { url: null })).status).toBe(200);
    const { delivery } = emu.sign(2);
    await emu.settled();
    expect(delivery.status).toBe('no_webhook');
    expect(receiver.received).toHaveLength(0);
    expect(emu.emulator.contractEvents(2)!.at(-1)).toMatchObject({
      id: delivery.eventId,
      type: 'contract:sign',
    });
  });

  it('redelivers a delivery with its very body (same callback_id and signature) to the URL set now', async () => {
    const { delivery } = emu.sign(2);
    await emu.settled();
    const again = await ctl('POST', `/webhooks/${delivery.callbackId}/redeliver`);
    expect(again.status).toBe(200);
    await emu.settled();
    expect(receiver.received.map((r) => r.body)).toEqual([delivery.body, delivery.body]);
    expect(again.body).toMatchObject({ callbackId: delivery.callbackId, status: 'pending' });
    expect((await ctl('POST', '/webhooks/nope/redeliver')).status).toBe(404);
  });
});
