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
