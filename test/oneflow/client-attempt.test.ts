import {
  DEMO_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { ApiError } from '../../src/http/api-error';
import { OneflowClient } from '../../src/oneflow/client';

/**
 * The Oneflow client's view for one activity attempt (forAttempt): the attempt's signal
 * cancels the call in flight, and each answered call is reported (where the activity heartbeats).
 */
let emu: RunningOneflowEmulator;
let client: OneflowClient;

beforeAll(async () => {
  emu = await startOneflowEmulator({});
  client = new OneflowClient({ apiUrl: emu.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN });
});
afterAll(() => emu.close());

async function addFault(rule: Record<string, unknown>) {
  const res = await fetch(`${emu.origin}/_emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rule),
  });
  expect(res.status).toBe(201);
}

describe('OneflowClient.forAttempt', () => {
  it("aborts a call in flight as soon as the attempt's signal aborts, and reports only answered calls", async () => {
    let calls = 0;
    await client.forAttempt({ onCall: () => calls++ }).getContract(DEMO_CONTRACT_ID);
    expect(calls).toBe(1);

    await addFault({ path: '/v1/contracts/*', latencyMs: 5_000, times: 1 });
    const attempt = new AbortController();
    const started = Date.now();
    const call = client
      .forAttempt({ signal: attempt.signal, onCall: () => calls++ })
      .getContract(DEMO_CONTRACT_ID);
    setTimeout(() => attempt.abort(), 100);

    const err = await call.then(
      () => new Error('expected the call to be cancelled'),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(err).not.toBeInstanceOf(ApiError);
    expect(Date.now() - started).toBeLessThan(600);
    expect(calls).toBe(1);
  });
});
