import { superofficeDemoSeed } from '../../src/emulators/superoffice';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { useDemoSuperOffice } from './superoffice-harness';

const ctx = useDemoSuperOffice();

const SALE = '/Cust12345/api/v1/Sale/*';
const getSale = () => ctx.so.api<Json>('GET', '/v1/Sale/2001');

describe('injected status', () => {
  it('answers the status with a SuperOffice-shaped body and Retry-After, before auth', async () => {
    expect((await ctx.so.addFault({ path: SALE, status: 503, retryAfterSeconds: 7 })).status).toBe(201);
    const res = await ctx.so.api<Json>('GET', '/v1/Sale/2001', { headers: { Authorization: null } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body).toEqual({
      Error: true,
      ErrorType: 'ServiceUnavailable',
      ErrorMessage: 'Injected fault: HTTP 503 Service Unavailable',
      ErrorSource: expect.any(String),
    });
  });

  it('sends no Retry-After when none is asked for, and does not apply the change', async () => {
    await ctx.so.addFault({ method: 'PATCH', path: SALE, status: 500 });
    const res = await ctx.so.api<Json>('PATCH', '/v1/Sale/2001', { body: { Heading: 'Not applied' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('retry-after')).toBeNull();
    expect((await getSale()).body.Heading).toBe('Office furniture for Nordlys');
  });

  it('matches the method: a PATCH fault leaves GETs alone', async () => {
    await ctx.so.addFault({ method: 'patch', path: SALE, status: 429 });
    expect((await getSale()).status).toBe(200);
    expect((await ctx.so.api('PATCH', '/v1/Sale/2001', { body: { Heading: 'x' } })).status).toBe(429);
  });

  it('matches across segments with **', async () => {
    await ctx.so.addFault({ path: '**/Agents/Quote/*', status: 502 });
    const res = await ctx.so.api('POST', '/v1/Agents/Quote/GetQuote', { body: { QuoteId: 7001 } });
    expect(res.status).toBe(502);
    expect((await getSale()).status).toBe(200);
  });

  it('sends a custom body when the rule has one', async () => {
    await ctx.so.addFault({ path: SALE, status: 500, body: { Message: 'An error has occurred.' } });
    expect((await getSale()).body).toEqual({ Message: 'An error has occurred.' });
  });
});

describe('fail the next N calls', () => {
  it('fails exactly `times` matching calls, then answers normally', async () => {
    await ctx.so.addFault({ path: SALE, status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await getSale()).status);
    expect(statuses).toEqual([503, 503, 200]);
  });
});

describe('probability', () => {
  it('never applies a fault with probability 0, always one with probability 1', async () => {
    await ctx.so.addFault({ path: SALE, status: 500, probability: 0 });
    for (let i = 0; i < 5; i++) expect((await getSale()).status).toBe(200);
    await ctx.so.clearFaults();
    await ctx.so.addFault({ path: SALE, status: 500, probability: 1 });
    for (let i = 0; i < 5; i++) expect((await getSale()).status).toBe(500);
  });
});

describe('latency', () => {
  it('delays the answer by at least latencyMs', async () => {
    await ctx.so.addFault({ path: SALE, latencyMs: 150 });
    const started = Date.now();
    const res = await getSale();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('dropped response', () => {
  it('applies the change, then drops the connection; the change shows in /_emulator/state', async () => {
    await ctx.so.addFault({ method: 'PATCH', path: SALE, dropResponse: true, times: 1 });
    await expect(
      ctx.so.api('PATCH', '/v1/Sale/2001', { body: { Number: 'PO-2026-0042' } }),
    ).rejects.toThrow();
    const state = await ctx.so.state<{ sales: Json[] }>();
    expect(state.sales.find((s) => s.SaleId === 2001)?.Number).toBe('PO-2026-0042');
    const log = await ctx.so.requests();
    expect(log.find((r) => r.method === 'PATCH')?.dropped).toBe(true);
    // The rule was used up: the next call answers.
    expect((await ctx.so.api('PATCH', '/v1/Sale/2001', { body: { Number: 'PO-2' } })).status).toBe(200);
  });

  it('drops a create after it happened: a retry would create a second one', async () => {
    await ctx.so.addFault({
      method: 'POST',
      path: '/Cust12345/api/v1/Appointment',
      dropResponse: true,
      times: 1,
    });
    await expect(
      ctx.so.api('POST', '/v1/Appointment', { body: { Description: 'outcome' } }),
    ).rejects.toThrow();
    expect((await ctx.so.state<{ appointments: Json[] }>()).appointments).toHaveLength(1);
  });
});

describe('clearing', () => {
  it('DELETE /_emulator/faults removes every fault; reset does too', async () => {
    await ctx.so.addFault({ path: SALE, status: 503 });
    expect((await getSale()).status).toBe(503);
    expect((await ctx.so.clearFaults()).status).toBe(204);
    expect((await getSale()).status).toBe(200);
    await ctx.so.addFault({ path: SALE, status: 503 });
    await ctx.so.reset();
    await ctx.so.seed(superofficeDemoSeed);
    expect((await getSale()).status).toBe(200);
  });

  it('rejects a malformed fault rule with 400', async () => {
    const res = await ctx.so.addFault({ path: SALE } as never);
    expect(res.status).toBe(400);
  });
});
