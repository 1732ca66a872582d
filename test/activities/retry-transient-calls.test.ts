import { ApiError } from '../../src/http/api-error';
import { withCallRetries } from '../../src/activities/retry-transient-calls';
import type { SuperOfficeClient } from '../../src/superoffice/client';

/** A stand-in with two of the client's calls, failing the way the client fails. */
function flakyClient(failures: ApiError[]) {
  const calls = { getSale: 0, createAppointment: 0 };
  const client = {
    async getSale(id: number) {
      calls.getSale++;
      const next = failures.shift();
      if (next) throw next;
      return { SaleId: id };
    },
    async createAppointment() {
      calls.createAppointment++;
      throw new ApiError('superoffice', 'server_error', 'POST /Appointment → 503', { status: 503 });
    },
  };
  return { client: client as unknown as SuperOfficeClient, calls };
}

const options = { attempts: 3, baseDelayMs: 1, maxDelayMs: 50 };
const transient = () => new ApiError('superoffice', 'server_error', '503', { status: 503 });

describe('retrying repeatable SuperOffice calls inside one attempt', () => {
  it('retries a transient failure of a read until it succeeds', async () => {
    const { client, calls } = flakyClient([transient(), transient()]);
    await expect(withCallRetries(client, options).getSale(2001)).resolves.toEqual({ SaleId: 2001 });
    expect(calls.getSale).toBe(3);
  });

  it('gives up after its attempts and leaves the rest to the activity retry policy', async () => {
    const { client, calls } = flakyClient([transient(), transient(), transient(), transient()]);
    await expect(withCallRetries(client, options).getSale(2001)).rejects.toThrow('503');
    expect(calls.getSale).toBe(3);
  });

  it('does not retry what retrying cannot fix', async () => {
    const { client, calls } = flakyClient([
      new ApiError('superoffice', 'not_found', 'Sale 2001 not found', { status: 404 }),
    ]);
    await expect(withCallRetries(client, options).getSale(2001)).rejects.toThrow('not found');
    expect(calls.getSale).toBe(1);
  });

  it('leaves a Retry-After longer than its limit to the activity retry policy', async () => {
    const slow = new ApiError('superoffice', 'rate_limited', '429', { status: 429, retryAfterMs: 60_000 });
    const { client, calls } = flakyClient([slow]);
    await expect(withCallRetries(client, options).getSale(2001)).rejects.toBe(slow);
    expect(calls.getSale).toBe(1);
  });

  it('never repeats the creation of an Activity, which is not safe to repeat blindly', async () => {
    const { client, calls } = flakyClient([]);
    await expect(withCallRetries(client, options).createAppointment({ Description: 'x' })).rejects.toThrow(
      '503',
    );
    expect(calls.createAppointment).toBe(1);
  });

  it("gives an attempt's view of the client the same retries, and stops waiting when the attempt is cancelled", async () => {
    const failures = [transient(), transient()];
    const { client, calls } = flakyClient(failures);
    const views: Array<{ signal?: AbortSignal }> = [];
    const withViews = Object.assign(client, {
      forAttempt(scope: { signal?: AbortSignal }) {
        views.push(scope);
        return client;
      },
    }) as SuperOfficeClient;
    const retrying = withCallRetries(withViews, options);

    await expect(retrying.forAttempt({}).getSale(2001)).resolves.toEqual({ SaleId: 2001 });
    expect(calls.getSale).toBe(3);

    const attempt = new AbortController();
    const slow = { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000 };
    const waiting = withCallRetries(withViews, slow).forAttempt({ signal: attempt.signal });
    failures.push(transient());
    const started = Date.now();
    const call = waiting.getSale(2001);
    setTimeout(() => attempt.abort(new Error('attempt cancelled')), 50);
    await expect(call).rejects.toThrow('attempt cancelled');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(views).toHaveLength(2);
  });
});
