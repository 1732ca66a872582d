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

/** OneflowClient.listContractEvents: paging, sorting and stopping early, and its errors. */
let emu: RunningOneflowEmulator;
let client: OneflowClient;

async function apiError(call: () => Promise<unknown>): Promise<ApiError> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

/** The event-list calls the emulator answered since the last clearRequests, as [offset, limit, sort]. */
function listCalls() {
  return emu.control
    .requests()
    .filter((r) => r.path.endsWith('/events'))
    .map((r) => [r.query.offset, r.query.limit, r.query.sort]);
}

beforeAll(async () => {
  emu = await startOneflowEmulator({ webhookUrl: null });
  client = new OneflowClient({ apiUrl: emu.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN });
});

afterAll(async () => {
  await emu.close();
});

beforeEach(() => {
  emu.control.reset();
  emu.emulator.seed(oneflowDemoSeed);
});

describe('OneflowClient.listContractEvents against the emulator', () => {
  it('lists the events its webhooks carried, newest first with sort -id', async () => {
    const published = emu.emulator.emitEvent(DEMO_CONTRACT_ID, 'contract:publish').delivery;
    const signed = emu.sign(DEMO_CONTRACT_ID).delivery;
    const events = await client.listContractEvents(DEMO_CONTRACT_ID, { sort: '-id' });
    expect(events).toEqual([
      { id: signed.eventId, type: 'contract:sign', created_time: signed.body.events[0]!.created_time },
      {
        id: published.eventId,
        type: 'contract:publish',
        created_time: published.body.events[0]!.created_time,
      },
    ]);
  });

  it('answers an empty list for a contract without events, in one call', async () => {
    emu.control.clearRequests();
    await expect(client.listContractEvents(DEMO_CONTRACT_ID)).resolves.toEqual([]);
    expect(listCalls()).toEqual([['0', '100', undefined]]);
  });

  it('pages by offset until count is reached', async () => {
    const ids = Array.from(
      { length: 5 },
      () => emu.emulator.emitEvent(DEMO_CONTRACT_ID, 'contract:content_update').delivery.eventId,
    );
    emu.control.clearRequests();
    const events = await client.listContractEvents(DEMO_CONTRACT_ID, { pageSize: 2 });
    expect(events.map((e) => e.id)).toEqual(ids);
    expect(listCalls()).toEqual([
      ['0', '2', undefined],
      ['2', '2', undefined],
      ['4', '2', undefined],
    ]);
  });

  it('stops paging after the page holding the event `until` accepts', async () => {
    const ids = Array.from(
      { length: 5 },
      () => emu.emulator.emitEvent(DEMO_CONTRACT_ID, 'contract:content_update').delivery.eventId,
    );
    emu.control.clearRequests();
    const events = await client.listContractEvents(DEMO_CONTRACT_ID, {
      sort: '-id',
      pageSize: 2,
      until: (e) => e.id === ids[2],
    });
    expect(events.map((e) => e.id)).toEqual([ids[4], ids[3], ids[2], ids[1]]);
    expect(listCalls()).toEqual([
      ['0', '2', '-id'],
      ['2', '2', '-id'],
    ]);
  });

  it("turns 404 into not_found with Oneflow's message", async () => {
    const err = await apiError(() => client.listContractEvents(424242));
    expect(err).toMatchObject({ kind: 'not_found', retryable: false, status: 404 });
    expect(err.details).toMatchObject({ code: '4040000', path: '/v1/contracts/424242/events' });
  });

  it('turns an injected 503 into a retryable server_error', async () => {
    const res = await fetch(`${emu.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/v1/contracts/*/events', status: 503, times: 1 }),
    });
    expect(res.status).toBe(201);
    const err = await apiError(() => client.listContractEvents(DEMO_CONTRACT_ID));
    expect(err).toMatchObject({ kind: 'server_error', retryable: true, status: 503 });
  });

  it('refuses a bad contract id or page size without calling Oneflow', async () => {
    emu.control.clearRequests();
    for (const id of [0, -1, 1.5, Number.NaN]) {
      expect(await apiError(() => client.listContractEvents(id))).toMatchObject({ kind: 'rejected' });
    }
    for (const pageSize of [0, 101, 2.5]) {
      expect(await apiError(() => client.listContractEvents(DEMO_CONTRACT_ID, { pageSize }))).toMatchObject({
        kind: 'rejected',
      });
    }
    expect(emu.control.requests()).toEqual([]);
  });
});

describe('OneflowClient.listContractEvents against a hand-made server', () => {
  let server: RunningEmulator;
  const seen: string[] = [];
  const event = (id: number, type = 'contract:sign') => ({
    id,
    type,
    created_time: '2026-03-02T10:00:00+0000',
  });

  beforeAll(async () => {
    const app = express();
    app.use((req, _res, next) => {
      seen.push(req.url);
      next();
    });
    // A bare array instead of the envelope: read as the one page there is.
    app.get('/v1/contracts/1/events', (_req, res) => {
      res.json([event(11), event(12, 'contract:publish')]);
    });
    // An envelope that always links a next page, elsewhere, and gives no count.
    app.get('/v1/contracts/2/events', (req, res) => {
      const offset = Number(req.query.offset);
      res.json({
        _links: { next: { href: 'https://elsewhere.example/v1/contracts/2/events?offset=999' } },
        data: offset < 2 ? [event(20 + offset)] : [],
      });
    });
    // An envelope whose next link is null on its only page.
    app.get('/v1/contracts/3/events', (_req, res) => {
      res.json({ _links: { self: { href: 'x' }, next: null }, count: 10, data: [event(31)] });
    });
    // Extra attributes are kept; a missing created_time is null.
    app.get('/v1/contracts/4/events', (_req, res) => {
      res.json({ count: 1, data: [{ id: 41, type: 'contract:sign', actor: { id: 7 } }] });
    });
    app.get('/v1/contracts/5/events', (_req, res) => {
      res.json({ count: 1, data: [{ id: '51', type: 'contract:sign' }] });
    });
    server = await listen(app, 0);
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const c = () => new OneflowClient({ apiUrl: `${server.origin}/v1`, apiToken: 'token' });

  it('reads a bare array as a single page', async () => {
    expect((await c().listContractEvents(1)).map((e) => e.id)).toEqual([11, 12]);
    expect(seen).toEqual(['/v1/contracts/1/events?limit=100&offset=0']);
  });

  it('asks for the next page by offset on its own host, and stops at an empty page', async () => {
    expect((await c().listContractEvents(2, { pageSize: 1 })).map((e) => e.id)).toEqual([20, 21]);
    expect(seen).toEqual([
      '/v1/contracts/2/events?limit=1&offset=0',
      '/v1/contracts/2/events?limit=1&offset=1',
      '/v1/contracts/2/events?limit=1&offset=2',
    ]);
  });

  it('stops when the envelope has no next link, whatever count says', async () => {
    expect((await c().listContractEvents(3, { pageSize: 1 })).map((e) => e.id)).toEqual([31]);
    expect(seen).toHaveLength(1);
  });

  it('keeps attributes it does not know, and reads a missing created_time as null', async () => {
    expect(await c().listContractEvents(4)).toEqual([
      { id: 41, type: 'contract:sign', created_time: null, actor: { id: 7 } },
    ]);
  });

  it('reports an event of the wrong shape as invalid_response', async () => {
    const err = await apiError(() => c().listContractEvents(5));
    expect(err).toMatchObject({ kind: 'invalid_response', retryable: false });
  });
});
