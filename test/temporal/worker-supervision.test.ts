import type { State } from '@temporalio/worker';
import { type SupervisedWorker, superviseWorkers } from '../../src/temporal/workers';

/** A Worker stand-in whose run() the test ends: by a crash, a return, or shutdown(). */
class FakeWorker implements SupervisedWorker {
  state: State = 'INITIALIZED';
  private settle?: { resolve: () => void; reject: (err: Error) => void };
  shutdownCalls = 0;
  /** How long shutdown() takes before run() returns. */
  constructor(private readonly shutdownMs = 0) {}

  getState(): State {
    return this.state;
  }
  run(): Promise<void> {
    this.state = 'RUNNING';
    return new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
  }
  shutdown(): void {
    this.shutdownCalls += 1;
    this.state = 'STOPPING';
    setTimeout(() => this.stop(), this.shutdownMs);
  }
  crash(err: Error): void {
    this.state = 'FAILED';
    this.settle!.reject(err);
  }
  stop(): void {
    this.state = 'STOPPED';
    this.settle!.resolve();
  }
}

function supervise(main = new FakeWorker(), oneflow = new FakeWorker()) {
  const supervised = superviseWorkers([
    { name: 'main', worker: main },
    { name: 'Oneflow', worker: oneflow },
  ]);
  return { main, oneflow, supervised };
}

const settledWithin = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p.then((v) => ({ value: v })),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms)),
  ]);

describe('superviseWorkers', () => {
  it('reports nothing while both run', async () => {
    const { supervised } = supervise();
    expect(supervised.isRunning()).toBe(true);
    expect(supervised.problem()).toBeUndefined();
    await expect(settledWithin(supervised.failed, 20)).resolves.toBe('pending');
    await supervised.shutdown();
  });

  it('reports a crash with its cause, and says which worker', async () => {
    const { oneflow, supervised } = supervise();
    oneflow.crash(new Error('connection lost for good\nwith a stack'));
    await expect(supervised.failed).resolves.toEqual(
      new Error('the Oneflow worker failed: connection lost for good'),
    );
    expect(supervised.isRunning()).toBe(false);
    expect(supervised.problem()).toBe('the Oneflow worker failed: connection lost for good');
    await expect(supervised.done).rejects.toThrow('connection lost for good');
    await supervised.shutdown();
  });

  it('reports a worker that returns from run() without being asked to', async () => {
    const { main, supervised } = supervise();
    main.stop();
    await expect(supervised.failed).resolves.toEqual(
      new Error('the main worker stopped without being asked to'),
    );
    expect(supervised.problem()).toBe('the main worker stopped without being asked to');
    await supervised.shutdown();
  });

  it('names a worker on its way down by its state', async () => {
    const { main, supervised } = supervise(new FakeWorker(50));
    main.state = 'DRAINING';
    expect(supervised.problem()).toBe('the main worker is draining');
    main.state = 'RUNNING';
    await supervised.shutdown();
  });

  it('reports no failure for a shutdown it was asked for, and waits for both workers', async () => {
    const { main, oneflow, supervised } = supervise(new FakeWorker(10), new FakeWorker(200));
    const started = Date.now();
    await supervised.shutdown();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect([main.state, oneflow.state]).toEqual(['STOPPED', 'STOPPED']);
    await expect(settledWithin(supervised.failed, 20)).resolves.toBe('pending');
  });

  it('still waits for the other worker when one crashes during shutdown', async () => {
    const { main, oneflow, supervised } = supervise(new FakeWorker(1_000), new FakeWorker(200));
    const stopping = supervised.shutdown();
    main.crash(new Error('crashed while draining'));
    await expect(settledWithin(stopping, 50)).resolves.toBe('pending');
    await stopping;
    expect(oneflow.state).toBe('STOPPED');
    expect(main.shutdownCalls).toBe(1);
    await expect(settledWithin(supervised.failed, 20)).resolves.toBe('pending');
  });
});
