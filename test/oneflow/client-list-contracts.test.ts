import express from 'express';
import { listen, type RunningEmulator } from '../../src/emulators/control-plane';
import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  oneflowDemoSeed,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { ApiError } from '../../src/http/api-error';
import { OneflowClient } from '../../src/oneflow/client';

/** OneflowClient.listContracts: the query it sends, `hasMore`, and its errors. */
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

beforeAll(async () => {
  emu = await startOneflowEmulator({ webhookUrl: null });
  client = new OneflowClient({ apiUrl: emu.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.emulator.seed(oneflowDemoSeed);
  for (const id of [9101, 9102, 9103]) {
    emu.emulator.putContract({ ...oneflowDemoSeed.contracts![0]!, id, state: 'signed' });
  }
  emu.control.clearRequests();
});

it('sends the documented filters and sort, and says whether a page follows', async () => {
  const first = await client.listContracts({
    states: ['signed'],
    sort: '-state_updated_time',
    publishedTime: { to: new Date('2030-01-01T00:00:00Z') },
    limit: 2,
  });
  expect(first.count).toBe(3);
  expect(first.data).toHaveLength(2);
  expect(first.hasMore).toBe(true);
  expect(emu.control.requests()[0]!.query).toEqual({
    'filter[states]': 'signed',
    'filter[published_time]': '|2030-01-01T00:00:00+00:00',
    sort: '-state_updated_time',
    limit: '2',
    offset: '0',
  });
  const last = await client.listContracts({ states: ['signed'], limit: 2, offset: 2 });
  expect(last.data.map((c) => c.id)).toEqual([9103]);
  expect(last.hasMore).toBe(false);
});

it('refuses an offset or limit Oneflow would refuse, without a call', async () => {
  expect((await apiError(() => client.listContracts({ offset: 19_901 }))).message).toMatch(
    /offset must be 0–19900/,
  );
  expect((await apiError(() => client.listContracts({ limit: 0 }))).message).toMatch(/limit must be 1–100/);
  expect(emu.control.requests()).toHaveLength(0);
});

it("turns Oneflow's 400 into a non-retryable error naming the parameter", async () => {
  // A sort key Oneflow does not document, sent as-is to see the server's answer.
  const err = await apiError(() => client.listContracts({ sort: 'created_time' as 'name' }));
  expect(err).toMatchObject({ kind: 'rejected', retryable: false });
  expect(err.message).toMatch(/sort: "created_time" is not a valid sort attribute/);
});

describe('an answer that is not the documented envelope', () => {
  let odd: RunningEmulator;
  beforeAll(async () => {
    const app = express();
    app.get('/v1/contracts', (_req, res) => {
      res.json({ data: [{ id: 'x' }] });
    });
    odd = await listen(app, 0);
  });
  afterAll(async () => {
    await odd.close();
  });
  it('is an invalid_response error', async () => {
    const oddClient = new OneflowClient({ apiUrl: `${odd.origin}/v1`, apiToken: DEMO_ONEFLOW_TOKEN });
    expect(await apiError(() => oddClient.listContracts())).toMatchObject({ kind: 'invalid_response' });
  });
});
