import os from 'node:os';
import { startSyncStack, type SyncStack } from '../support/sync-stack';

/** /metrics and the JSON logs, on the running stack. */
describe('operability', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('listens on 127.0.0.1 only in demo mode, so the demo and its public admin token stay on this machine', async () => {
    expect(stack.service.address.address).toBe('127.0.0.1');
    expect(stack.service.url).toBe(`http://127.0.0.1:${stack.service.address.port}`);
    expect((await fetch(`${stack.service.url}/healthz`)).status).toBe(200);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    // A machine with no other interface has no other address to try.
    if (external) {
      await expect(fetch(`http://${external}:${stack.service.address.port}/healthz`)).rejects.toThrow();
    }
  });

  it('exposes webhook, sync and Temporal worker metrics in Prometheus format', async () => {
    await stack.signAndWait();
    const bad = await fetch(`${stack.service.url}/webhooks/oneflow`, {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    const res = await fetch(`${stack.service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^smart_sync_webhooks_received_total\{result="accepted"\} 1$/m);
    expect(text).toMatch(/^smart_sync_webhooks_received_total\{result="invalid"\} 1$/m);
    // The workflow's own counter and the SDK's worker metrics come through the SDK's exporter,
    // which publishes on its own schedule: wait for the sync to show up.
    let scraped = text;
    for (let i = 0; i < 50 && !/smart_sync_syncs_total\{[^}]*outcome="succeeded"/.test(scraped); i++) {
      await new Promise((r) => setTimeout(r, 200));
      scraped = await (await fetch(`${stack.service.url}/metrics`)).text();
    }
    expect(scraped).toMatch(/smart_sync_syncs_total\{[^}]*outcome="succeeded"[^}]*\} 1/);
    expect(scraped).toMatch(/temporal_worker_task_slots_available/);
  });
});
