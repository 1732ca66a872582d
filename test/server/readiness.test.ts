import type { Server } from 'node:http';
import { createLogger } from '../../src/logging/logger';
import { createApp } from '../../src/server/app';
import { checkReadiness, type HealthDeps } from '../../src/server/health';

/** /readyz and /healthz over the checks, with every part a fake the test switches. */
interface Parts {
  temporal: boolean | 'throws' | 'hangs';
  workers: string | undefined;
  devServer?: { ok: boolean; detail: string };
}

function depsFor(parts: Parts): HealthDeps {
  return {
    temporalReachable: () =>
      parts.temporal === 'throws'
        ? Promise.reject(new Error('boom'))
        : parts.temporal === 'hangs'
          ? new Promise<boolean>(() => {})
          : Promise.resolve(parts.temporal),
    workersRunning: () => parts.workers === undefined,
    workersProblem: () => parts.workers,
    devServer: parts.devServer ? () => parts.devServer! : undefined,
  };
}

const healthy = (): Parts => ({
  temporal: true,
  workers: undefined,
  devServer: { ok: true, detail: 'running' },
});

describe('checkReadiness', () => {
  it('checks only Temporal where the process runs no workers (smart-sync api)', async () => {
    const up = { temporalReachable: () => Promise.resolve(true) };
    await expect(checkReadiness(up)).resolves.toEqual({ ready: true, checks: { temporal: 'ok' } });
    const down = { temporalReachable: () => Promise.resolve(false) };
    await expect(checkReadiness(down)).resolves.toEqual({
      ready: false,
      checks: { temporal: 'unreachable' },
    });
  });

  it('is ready when Temporal answers, the workers run and the dev server runs', async () => {
    await expect(checkReadiness(depsFor(healthy()))).resolves.toEqual({
      ready: true,
      checks: { temporal: 'ok', workers: 'running', devServer: 'running' },
    });
  });

  it.each<[string, Partial<Parts>, Record<string, string>]>([
    ['Temporal does not answer', { temporal: false }, { temporal: 'unreachable' }],
    ['the probe itself fails', { temporal: 'throws' }, { temporal: 'unreachable' }],
    [
      'a worker has crashed',
      { workers: 'the main worker failed: connection lost for good' },
      { workers: 'stopped: the main worker failed: connection lost for good' },
    ],
    [
      'the dev server has exited',
      { devServer: { ok: false, detail: 'exited with code 1; restarting it (attempt 1 of 5)' } },
      { devServer: 'exited with code 1; restarting it (attempt 1 of 5)' },
    ],
  ])('is not ready when %s, and says so', async (_what, broken, checks) => {
    const result = await checkReadiness(depsFor({ ...healthy(), ...broken }));
    expect(result.ready).toBe(false);
    expect(result.checks).toMatchObject(checks);
  });

  it('names every part that is down at once', async () => {
    const result = await checkReadiness(
      depsFor({
        temporal: false,
        workers: 'the Oneflow worker is stopping',
        devServer: { ok: false, detail: 'was killed by SIGKILL' },
      }),
    );
    expect(result).toEqual({
      ready: false,
      checks: {
        temporal: 'unreachable',
        workers: 'stopped: the Oneflow worker is stopping',
        devServer: 'was killed by SIGKILL',
      },
    });
  });

  it('reports the parts as they were when asked, even if one is back before Temporal answers', async () => {
    const parts: Parts = { ...healthy(), devServer: { ok: false, detail: 'was killed by SIGKILL' } };
    const deps = depsFor(parts);
    deps.temporalReachable = async () => {
      await new Promise((r) => setTimeout(r, 20));
      parts.devServer = { ok: true, detail: 'running' };
      return true;
    };
    await expect(checkReadiness(deps)).resolves.toEqual({
      ready: false,
      checks: { temporal: 'ok', workers: 'running', devServer: 'was killed by SIGKILL' },
    });
  });

  it('leaves the dev server out when Temporal runs elsewhere', async () => {
    const result = await checkReadiness(depsFor({ ...healthy(), devServer: undefined }));
    expect(result).toEqual({ ready: true, checks: { temporal: 'ok', workers: 'running' } });
  });

  it('says "not polling" for workers that are down without a reason', async () => {
    const result = await checkReadiness({
      temporalReachable: async () => true,
      workersRunning: () => false,
    });
    expect(result.checks.workers).toBe('stopped: not polling');
  });

  it('reports a Temporal that does not answer in time as not ready, when given a bound', async () => {
    const started = Date.now();
    const result = await checkReadiness(depsFor({ ...healthy(), temporal: 'hangs' }), 50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({
      ready: false,
      checks: { temporal: 'unreachable (no answer within 50 ms)' },
    });
  });
});

describe('/readyz and /healthz', () => {
  const parts: Parts = healthy();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = createApp({ logger: createLogger('silent'), health: depsFor(parts) });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => Object.assign(parts, healthy()));

  const get = async (route: string) => {
    const res = await fetch(`${base}${route}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers 200 on both while everything runs', async () => {
    await expect(get('/readyz')).resolves.toEqual({
      status: 200,
      body: {
        ready: true,
        status: 'ready',
        checks: { temporal: 'ok', workers: 'running', devServer: 'running' },
      },
    });
    await expect(get('/healthz')).resolves.toEqual({
      status: 200,
      body: {
        status: 'ok',
        ready: true,
        checks: { temporal: 'ok', workers: 'running', devServer: 'running' },
      },
    });
  });

  it('answers 503 on /readyz, naming what is wrong, while /healthz stays 200 with the same checks', async () => {
    Object.assign(parts, {
      temporal: false,
      workers: 'the main worker failed: boom',
      devServer: { ok: false, detail: 'exited with code 1' },
    });
    const checks = {
      temporal: 'unreachable',
      workers: 'stopped: the main worker failed: boom',
      devServer: 'exited with code 1',
    };
    await expect(get('/readyz')).resolves.toEqual({
      status: 503,
      body: { ready: false, status: 'not ready', checks },
    });
    await expect(get('/healthz')).resolves.toEqual({
      status: 200,
      body: { status: 'ok', ready: false, checks },
    });
  });

  it('is ready again once the part is back', async () => {
    parts.devServer = { ok: false, detail: 'was killed by SIGKILL; restarting it (attempt 1 of 5)' };
    expect((await get('/readyz')).status).toBe(503);
    parts.devServer = { ok: true, detail: 'running' };
    expect((await get('/readyz')).status).toBe(200);
  });

  it('answers /healthz quickly while Temporal hangs, and still 200', async () => {
    parts.temporal = 'hangs';
    const started = Date.now();
    const { status, body } = await get('/healthz');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      ready: false,
      checks: { temporal: 'unreachable (no answer within 500 ms)' },
    });
  });
});
