import { webhookSignature } from '../../src/oneflow/webhook';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { TcpProxy } from '../support/tcp-proxy';
import { testTemporalTarget } from '../setup/temporal-env';

/** The webhook's answers, which decide whether Oneflow retries, and Temporal being down. */
describe('POST /webhooks/oneflow', () => {
  let stack: SyncStack;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const [host, port] = testTemporalTarget().address.split(':');
    proxy = new TcpProxy({ host: host!, port: Number(port) });
    await proxy.up();
    stack = await startSyncStack({ temporalClientAddress: proxy.address });
  });

  afterAll(async () => {
    await stack?.stop();
    await proxy?.down();
  });

  const post = (body: unknown, raw?: string) =>
    fetch(`${stack.service.url}/webhooks/oneflow`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: raw ?? JSON.stringify(body),
    });

  const hook = (callbackId: string, type = 'contract:sign', signKey = 'demo-sign-key') => ({
    contract: { id: 9001 },
    callback_id: callbackId,
    events: [{ id: Math.floor(Math.random() * 1e9), type, created_time: '2026-11-25T10:00:00+0000' }],
    signature: webhookSignature(callbackId, signKey),
  });

  it('answers 400 to a body that does not parse, and starts nothing', async () => {
    const res = await post(undefined, '{"contract": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const res2 = await post({ contract: { id: 'x' } });
    expect(res2.status).toBe(400);
    expect(await stack.runs(9001)).toEqual([]);
  });

  it('answers 401 to a wrong signature, and starts nothing', async () => {
    const res = await post(hook('c'.repeat(40), 'contract:sign', 'not-the-key'));
    expect(res.status).toBe(401);
    expect(await stack.runs(9001)).toEqual([]);
  });

  it('answers 200 to event types it ignores', async () => {
    const res = await post(hook('d'.repeat(40), 'contract:publish'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ignored' });
    expect(await stack.runs(9001)).toEqual([]);
  });

  it('answers 503 while Temporal is unreachable, so Oneflow retries, and loses nothing once it is back', async () => {
    await proxy.down();
    const oneflow = stack.service.demo!.oneflowEmulator;
    oneflow.sign(9001);
    // Each start attempt waits out its deadline before the 503; Oneflow (its retry
    // schedule scaled by 0.001 here) tries again. Wait for two refusals.
    let refused: Array<number | null> = [];
    for (let i = 0; i < 150 && refused.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      refused = oneflow.emulator
        .deliveries()
        .flatMap((d) => d.attempts.filter((a) => a.finishedAt !== null).map((a) => a.status));
    }
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(new Set(refused)).toEqual(new Set([503]));
    await proxy.up();
    await oneflow.settled();
    const statuses = oneflow.emulator.deliveries().flatMap((d) => d.attempts.map((a) => a.status));
    expect(statuses.at(-1)).toBe(200);
    // The 200 means the signing is durably queued; its run starts a moment later.
    let runs = await stack.runs(9001);
    for (let i = 0; i < 100 && runs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runs = await stack.runs(9001);
    }
    expect(runs).toHaveLength(1);
    const result = await stack.waitForResult(runs[0]!.workflowId);
    expect(result.outcome).toBe('succeeded');
  });

  it('refuses a captured webhook replayed with another event or contract id (same callback_id and signature), and starts nothing', async () => {
    const oneflow = stack.service.demo!.oneflowEmulator;
    oneflow.signatureReset(9001);
    const { delivery } = oneflow.sign(9001);
    await oneflow.settled();
    // Bound once its run is visible with the callback_id.
    for (let i = 0; i < 100; i++) {
      if ((await stack.runs(9001)).some((r) => r.workflowId.endsWith(`event-${delivery.eventId}`))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const runsBefore = (await stack.runs(9001)).length;
    const captured = delivery.body;
    const otherEvent = { ...captured, events: [{ ...captured.events[0]!, id: delivery.eventId + 1_000 }] };
    const otherContract = { ...captured, contract: { id: 9002 } };
    for (const replay of [otherEvent, otherContract]) {
      const res = await post(replay);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/callback_id already used/);
    }
    // The genuine redelivery is still fine.
    const again = await post(captured);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'already-accepted' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await stack.runs(9001)).length).toBe(runsBefore);
    expect(await stack.runs(9002)).toEqual([]);
  });
});
