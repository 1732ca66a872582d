import type { ChildProcess } from 'node:child_process';
import {
  type DevServerExit,
  type DevServerOptions,
  type RunningDevServer,
  superviseDevServer,
} from '../../src/temporal/dev-server';

/** Dev server stand-ins that the test makes die, and a start function that hands them out. */
interface FakeServer extends RunningDevServer {
  die(exit: DevServerExit): void;
  stopped: boolean;
}

function fakeServer(port: number): FakeServer {
  let exit!: (e: DevServerExit) => void;
  const exited = new Promise<DevServerExit>((resolve) => (exit = resolve));
  const server: FakeServer = {
    address: `127.0.0.1:${port}`,
    port,
    uiUrl: undefined,
    namespace: 'default',
    process: {} as ChildProcess,
    exited,
    stopped: false,
    die: (e) => exit(e),
    stop: async () => {
      server.stopped = true;
      exit({ code: 0, signal: null });
    },
  };
  return server;
}

function starter(outcomes: Array<'ok' | Error> = []) {
  const started: FakeServer[] = [];
  const calls: DevServerOptions[] = [];
  const start = async (options: DevServerOptions) => {
    calls.push(options);
    const outcome = outcomes.shift() ?? 'ok';
    if (outcome instanceof Error) throw outcome;
    const server = fakeServer(options.port === 0 ? 40001 : options.port);
    started.push(server);
    return server;
  };
  return { start, started, calls };
}

const options: DevServerOptions = { cliPath: 'temporal', port: 0, dbFile: '/data/temporal.db' };
const until = async (check: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const settledWithin = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p.then((v) => ({ value: v })),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms)),
  ]);

describe('superviseDevServer', () => {
  it('restarts a dev server that dies, on the port the first start chose, and says so meanwhile', async () => {
    const { start, started, calls } = starter();
    const supervised = await superviseDevServer(options, { start, restartDelaysMs: [50] });
    expect(supervised.status()).toEqual({ ok: true, detail: 'running' });
    expect(supervised.address).toBe('127.0.0.1:40001');

    started[0]!.die({ code: null, signal: 'SIGKILL' });
    await until(() => !supervised.status().ok);
    expect(supervised.status()).toEqual({
      ok: false,
      detail: 'was killed by SIGKILL; restarting it (attempt 1 of 5)',
    });
    expect(supervised.current()).toBeUndefined();

    await until(() => started.length === 2 && supervised.status().ok);
    expect(calls[1]).toMatchObject({ port: 40001, dbFile: '/data/temporal.db' });
    expect(supervised.current()).toBe(started[1]);
    await expect(settledWithin(supervised.failed, 20)).resolves.toBe('pending');
    await supervised.stop();
    expect(started[1]!.stopped).toBe(true);
  });

  it('gives up after the restarts in a row, naming the last cause, and reports it as failed', async () => {
    const refusal = new Error('port 40001 (TEMPORAL_DEV_SERVER_PORT) is already in use by pid 77');
    const { start } = starter(['ok', refusal, refusal, refusal]);
    const first = await superviseDevServer(options, { start, maxRestarts: 3, restartDelaysMs: [5] });
    (first.current() as FakeServer).die({ code: 1, signal: null });
    const err = await first.failed;
    expect(err.message).toBe(
      'the embedded Temporal dev server could not be restarted (port 40001 (TEMPORAL_DEV_SERVER_PORT) ' +
        'is already in use by pid 77), and 3 restarts in a row did not keep it running',
    );
    expect(first.status()).toEqual({
      ok: false,
      detail:
        'could not be restarted (port 40001 (TEMPORAL_DEV_SERVER_PORT) is already in use by pid 77); ' +
        'gave up after 3 restarts',
    });
    await first.stop();
  });

  it('counts restarts in a row only while each server dies soon after starting', async () => {
    const { start, started } = starter();
    const supervised = await superviseDevServer(options, {
      start,
      maxRestarts: 1,
      restartDelaysMs: [5],
      stableAfterMs: 100,
    });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 150));
      started.at(-1)!.die({ code: 2, signal: null });
      await until(() => started.length === i + 2 && supervised.status().ok);
    }
    await expect(settledWithin(supervised.failed, 20)).resolves.toBe('pending');
    started.at(-1)!.die({ code: 2, signal: null });
    await expect(supervised.failed).resolves.toBeInstanceOf(Error);
    await supervised.stop();
  });

  it('does not restart once it is being stopped, even when the server exits first (Ctrl-C reaches both)', async () => {
    const { start, started } = starter();
    const supervised = await superviseDevServer(options, { start, restartDelaysMs: [5] });
    supervised.stopRestarting();
    started[0]!.die({ code: 0, signal: null });
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toHaveLength(1);
    expect(supervised.status().ok).toBe(true);
    await supervised.stop();
  });

  it('stops a server whose restart was under way when stop() came', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { start: startNow, started } = starter();
    const start = async (o: DevServerOptions) => {
      if (started.length > 0) await gate;
      return startNow(o);
    };
    const supervised = await superviseDevServer(options, { start, restartDelaysMs: [5] });
    started[0]!.die({ code: null, signal: 'SIGKILL' });
    await new Promise((r) => setTimeout(r, 30));
    const stopping = supervised.stop();
    release();
    await stopping;
    expect(started).toHaveLength(2);
    expect(started[1]!.stopped).toBe(true);
  });
});
