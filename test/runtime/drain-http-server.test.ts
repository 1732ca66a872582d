import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainHttpServer } from '../../src/runtime/drain-http-server';

/** A server whose every answer takes `delayMs`, as a webhook that waits on Temporal does. */
async function slowServer(delayMs: number): Promise<{ server: Server; url: string }> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('accepted'), delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const outcome = (p: Promise<Response>) =>
  p.then(
    async (res) => `${res.status} ${await res.text()}`,
    (err: Error & { cause?: { code?: string } }) => `failed: ${err.cause?.code ?? err.message}`,
  );

describe('drainHttpServer', () => {
  it('answers the requests under way, refuses new connections, and resolves once they are answered', async () => {
    const { server, url } = await slowServer(400);
    // An idle keep-alive connection, as a load balancer's pool holds, must not hold the drain up.
    expect(await outcome(fetch(url))).toBe('200 accepted');
    const inFlight = [outcome(fetch(url)), outcome(fetch(url)), outcome(fetch(url))];
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const drained = drainHttpServer(server, 5_000);
    await new Promise((r) => setTimeout(r, 20));
    const late = await outcome(fetch(url, { signal: AbortSignal.timeout(2_000) }));
    expect(await Promise.all(inFlight)).toEqual(['200 accepted', '200 accepted', '200 accepted']);
    await drained;
    const tookMs = Date.now() - started;
    // It waited for the answers (about 300 ms were left), not for the grace period.
    expect(tookMs).toBeGreaterThanOrEqual(250);
    expect(tookMs).toBeLessThan(2_000);
    expect(late).toBe('failed: ECONNREFUSED');
    expect(server.listening).toBe(false);
  });

  it('cuts the requests still under way when the grace period ends', async () => {
    const { server, url } = await slowServer(10_000);
    const stuck = outcome(fetch(url));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await drainHttpServer(server, 300);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await stuck).toMatch(/^failed: /);
  });

  it('does nothing for a server that is not listening', async () => {
    const { server } = await slowServer(0);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(drainHttpServer(server, 100)).resolves.toBeUndefined();
  });
});
