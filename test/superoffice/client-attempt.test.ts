import { ApiError } from '../../src/http/api-error';
import { useEmulator } from './client-harness';

/**
 * A client's view for one activity attempt (forAttempt): the attempt's signal cancels every
 * call in flight, and each answered call is reported, which is where an activity heartbeats.
 */
const h = useEmulator();

/** Rejects like a Temporal activity's cancellation signal: with the failure it was aborted with. */
class AttemptCancelled extends Error {
  override readonly name = 'AttemptCancelled';
}

describe('SuperOfficeClient.forAttempt', () => {
  it("aborts a call in flight as soon as the attempt's signal aborts, with the signal's reason", async () => {
    await h.addFault({ path: '**/v1/Sale/2001', latencyMs: 5_000, times: 1 });
    const attempt = new AbortController();
    const started = Date.now();
    const call = h.client.forAttempt({ signal: attempt.signal }).getSale(2001);
    setTimeout(() => attempt.abort(new AttemptCancelled('cancelled')), 100);

    const err = await call.then(
      () => new Error('expected the call to be cancelled'),
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(AttemptCancelled);
    expect(err).not.toBeInstanceOf(ApiError);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it("still honours the call's own signal beside the attempt's", async () => {
    await h.addFault({ path: '**/v1/Sale/2001', latencyMs: 5_000, times: 1 });
    const own = new AbortController();
    const call = h.client.forAttempt({ signal: new AbortController().signal }).getSale(2001, {
      signal: own.signal,
    });
    setTimeout(() => own.abort(), 50);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports each answered call, failed ones too, REST and Agents alike, and a cancelled one not', async () => {
    let calls = 0;
    const client = h.client.forAttempt({ signal: new AbortController().signal, onCall: () => calls++ });
    await client.getSale(2001);
    await client.getQuoteEntityFromSaleId(2001);
    await expect(client.getSale(999_999)).rejects.toMatchObject({ kind: 'not_found' });
    expect(calls).toBe(3);

    await h.addFault({ path: '**/v1/Sale/2001', latencyMs: 5_000, times: 1 });
    const attempt = new AbortController();
    const cancelled = h.client.forAttempt({ signal: attempt.signal, onCall: () => calls++ }).getSale(2001);
    setTimeout(() => attempt.abort(), 50);
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(3);
  });

  it("keeps the client's own timeout", async () => {
    await h.addFault({ path: '**/v1/Contact/101', latencyMs: 1_500, times: 1 });
    const client = h.clientWith({ timeoutMs: 200 }).forAttempt({ signal: new AbortController().signal });
    await expect(client.getCompany(101)).rejects.toMatchObject({ kind: 'timeout', retryable: true });
  });
});
