import {
  DEMO_SUPEROFFICE_APP_TOKEN,
  DEMO_SUPEROFFICE_TICKET,
  DEMO_SUPEROFFICE_TOKEN,
} from '../../src/emulators/superoffice';
import { describeError } from '../../src/superoffice/client';
import { apiError, useEmulator } from './client-harness';

/** How SuperOfficeClient authenticates and turns every failure into an ApiError, against the emulator. */
const h = useEmulator();

describe('SuperOfficeClient: authentication', () => {
  it('sends a system-user ticket as SOTicket with SO-AppToken', async () => {
    const client = h.clientWith({
      accessToken: DEMO_SUPEROFFICE_TICKET,
      appToken: DEMO_SUPEROFFICE_APP_TOKEN,
    });
    await expect(client.getSale(2001)).resolves.toMatchObject({ SaleId: 2001 });

    const wrongApp = h.clientWith({ accessToken: DEMO_SUPEROFFICE_TICKET, appToken: 'not-our-app' });
    expect((await apiError(() => wrongApp.getSale(2001))).kind).toBe('unauthorized');
  });

  it('asks a token function before every call, so a refreshed token is used', async () => {
    const tokens = ['8A:Cust12345.expired', DEMO_SUPEROFFICE_TOKEN];
    let asked = 0;
    const client = h.clientWith({
      accessToken: () => tokens[Math.min(asked++, tokens.length - 1)] as string,
    });
    expect((await apiError(() => client.getSale(2001))).kind).toBe('unauthorized');
    await expect(client.getSale(2001)).resolves.toMatchObject({ SaleId: 2001 });
    expect(asked).toBe(2);
  });

  it('401 for a wrong token: unauthorized, not retryable, and the token is not in the message', async () => {
    const token = '8A:Cust12345.wrong-token-9f8e7d';
    const err = await apiError(() => h.clientWith({ accessToken: token }).getSale(2001));
    expect(err).toMatchObject({
      service: 'superoffice',
      kind: 'unauthorized',
      retryable: false,
      status: 401,
    });
    expect(err.details.code).toBe('UnauthorizedAccessException');
    expect(err.message).not.toContain(token);
    expect(JSON.stringify(err.details)).not.toContain(token);
  });

  it('redacts the token should an error body repeat it', async () => {
    await h.addFault({
      path: '**/v1/Sale/2001',
      status: 500,
      body: {
        Error: true,
        ErrorType: 'Exception',
        ErrorMessage: `ticket ${DEMO_SUPEROFFICE_TOKEN} is broken`,
      },
    });
    const err = await apiError(() => h.client.getSale(2001));
    expect(err.message).not.toContain(DEMO_SUPEROFFICE_TOKEN);
    expect(err.message).toContain('[redacted]');
  });
});

describe('SuperOfficeClient: REST errors', () => {
  it('404 → not_found with the ErrorType as code', async () => {
    const err = await apiError(() => h.client.getCompany(99999));
    expect(err).toMatchObject({ kind: 'not_found', retryable: false, status: 404 });
    expect(err.details).toMatchObject({
      code: 'SoNotFoundException',
      method: 'GET',
      path: '/Cust12345/api/v1/Contact/99999',
    });
    expect(err.message).toContain('Contact id 99999 not found');
  });

  it('409 from a failed test op → conflict, and nothing is applied', async () => {
    const err = await apiError(() =>
      h.client.patchSale(2001, [
        { op: 'test', path: 'Number', value: 'someone else wrote this' },
        { op: 'replace', path: 'Number', value: 'PO-2026-0042' },
      ]),
    );
    expect(err).toMatchObject({ kind: 'conflict', retryable: false, status: 409 });
    expect((await h.client.getSale(2001)).Number).toBe('');
  });

  it('400 for a value the field refuses → rejected with ValidationException, and nothing is applied', async () => {
    const err = await apiError(() =>
      h.client.patchPerson(302, [
        { op: 'replace', path: 'Title', value: 'Office manager' },
        { op: 'replace', path: 'CustomFields/SuperOffice:4', value: 'forty-three' },
      ]),
    );
    expect(err).toMatchObject({ kind: 'rejected', retryable: false, status: 400 });
    expect(err.details.code).toBe('ValidationException');
    expect((await h.client.getPerson(302)).Title).toBe('');
  });

  it('refuses an id that cannot exist without calling', async () => {
    expect((await apiError(() => h.client.getSale(0))).kind).toBe('rejected');
    expect((await apiError(() => h.client.patchPerson(1.5, []))).kind).toBe('rejected');
    expect(await h.requests()).toEqual([]);
  });

  it('a 2xx body of the wrong shape → invalid_response', async () => {
    await h.addFault({ method: 'GET', path: '**/v1/Sale/2001', status: 200, body: { Heading: 'no id' } });
    const err = await apiError(() => h.client.getSale(2001));
    expect(err).toMatchObject({ kind: 'invalid_response', retryable: false });
    expect(err.message).toContain('SaleId');
  });
});

describe('SuperOfficeClient: transient failures are retryable', () => {
  it('503 with Retry-After → server_error with retryAfterMs', async () => {
    await h.addFault({ path: '**/v1/Sale/*', status: 503, retryAfterSeconds: 7, times: 1 });
    const err = await apiError(() => h.client.getSale(2001));
    expect(err).toMatchObject({ kind: 'server_error', retryable: true, status: 503 });
    expect(err.details.retryAfterMs).toBe(7000);
    // The fault was for one call only.
    await expect(h.client.getSale(2001)).resolves.toMatchObject({ SaleId: 2001 });
  });

  it('429 with Retry-After → rate_limited with retryAfterMs', async () => {
    await h.addFault({ method: 'PATCH', path: '**/v1/Person/*', status: 429, retryAfterSeconds: 2 });
    const err = await apiError(() =>
      h.client.patchPerson(301, [{ op: 'replace', path: 'Title', value: 'CEO' }]),
    );
    expect(err).toMatchObject({ kind: 'rate_limited', retryable: true, status: 429 });
    expect(err.details.retryAfterMs).toBe(2000);
  });

  it('a 5xx from the Quote agent is a server_error too, not a null answer', async () => {
    await h.addFault({ path: '**/v1/Agents/Quote/*', status: 502 });
    const err = await apiError(() => h.client.getQuoteEntityFromSaleId(2001));
    expect(err).toMatchObject({ kind: 'server_error', retryable: true, status: 502 });
  });

  it('an answer slower than timeoutMs → timeout', async () => {
    await h.addFault({ path: '**/v1/Contact/101', latencyMs: 1500, times: 1 });
    const err = await apiError(() => h.clientWith({ timeoutMs: 200 }).getCompany(101));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    expect(err.message).toContain('200 ms');
  });

  it('a dropped response → network (the change was applied: the caller must retry idempotently)', async () => {
    await h.addFault({ method: 'PATCH', path: '**/v1/Sale/2001', dropResponse: true, times: 1 });
    const err = await apiError(() =>
      h.client.patchSale(2001, [{ op: 'replace', path: 'Number', value: 'PO-DROP' }]),
    );
    expect(err).toMatchObject({ kind: 'network', retryable: true });
    expect((await h.client.getSale(2001)).Number).toBe('PO-DROP');
  });

  it("a caller's abort signal cancels the call (an AbortError, not an ApiError to retry)", async () => {
    await h.addFault({ path: '**/v1/Sale/2001', latencyMs: 1000, times: 1 });
    const controller = new AbortController();
    const call = h.client.getSale(2001, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a refused connection → network', async () => {
    const err = await apiError(() =>
      h.clientWith({ apiUrl: 'http://127.0.0.1:9/Cust12345/api' }).getSale(2001),
    );
    expect(err).toMatchObject({ kind: 'network', retryable: true });
  });
});

describe('describeError', () => {
  it('reads the REST error body', () => {
    expect(
      describeError(404, {
        Error: true,
        ErrorType: 'SoNotFoundException',
        ErrorMessage: 'Contact id 99999 not found',
        ErrorSource: 'SuperOffice.Services.Implementation',
      }),
    ).toEqual({ message: 'Contact id 99999 not found', code: 'SoNotFoundException' });
  });

  it("reads the Agents' body", () => {
    expect(
      describeError(400, { Message: 'The request is invalid.', MessageDetail: 'QuoteLine is required' }),
    ).toEqual({
      message: 'The request is invalid. QuoteLine is required',
    });
  });

  it('shortens an HTML or text body, and names the status when there is nothing', () => {
    const page = `<html><body>${'Service Unavailable '.repeat(40)}</body></html>`;
    expect(describeError(503, page).message.length).toBeLessThanOrEqual(301);
    expect(describeError(502, undefined)).toEqual({ message: 'HTTP 502' });
  });
});
