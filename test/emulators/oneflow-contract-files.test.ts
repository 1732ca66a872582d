import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';

/**
 * The Oneflow emulator's contract files: the list, and the download's 302 to a storage
 * URL that serves the bytes without the API token, as Oneflow documents them.
 */
let oneflow: RunningOneflowEmulator;
beforeAll(async () => {
  oneflow = await startOneflowEmulator({ port: 0, webhookUrl: null });
});
afterAll(async () => {
  await oneflow?.close();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${oneflow.apiUrl}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { 'X-Oneflow-API-Token': DEMO_ONEFLOW_TOKEN, ...init.headers },
  });

describe('Oneflow emulator: contract files', () => {
  it('lists the signed contract as file 1 of type "contract"', async () => {
    const res = await api('/contracts/9001/files/');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { count: number; data: unknown[] };
    expect(body).toMatchObject({
      count: 1,
      data: [{ id: 1, name: 'Office furniture – Nordlys Interiør', type: 'contract', extension: 'pdf' }],
    });
  });

  it('answers a download with 302 to a storage URL that serves the PDF without the token', async () => {
    const res = await api('/contracts/9001/files/1?download=true');
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(new URL(location).pathname).toMatch(/^\/_storage\/contract-files\/[0-9a-f]{32}$/);
    const stored = await fetch(location);
    expect(stored.status).toBe(200);
    expect(stored.headers.get('content-type')).toContain('application/pdf');
    const bytes = Buffer.from(await stored.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain('Signed contract 9001');
    expect((await fetch(`${oneflow.origin}/_storage/contract-files/${'0'.repeat(32)}`)).status).toBe(403);
  });

  it('serves the bytes a test put in, and 404s for an unknown contract or file, 401 without the token', async () => {
    const pdf = Buffer.from('%PDF-1.7 replaced');
    await fetch(`${oneflow.origin}/_emulator/contracts/9001/files/contract`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/pdf' },
      body: new Uint8Array(pdf),
    });
    const location = (await api('/contracts/9001/files/1?download=true')).headers.get('location')!;
    expect(Buffer.from(await (await fetch(location)).arrayBuffer())).toEqual(pdf);
    expect((await api('/contracts/4242/files/')).status).toBe(404);
    expect((await api('/contracts/9001/files/2?download=true')).status).toBe(404);
    expect((await fetch(`${oneflow.apiUrl}/contracts/9001/files/`)).status).toBe(401);
  });
});
