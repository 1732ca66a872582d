import { rmSync } from 'node:fs';
import path from 'node:path';
import type { BenchContract } from '../../bench/bench-data';
import type { Environment } from '../../src/config/env';
import { createLogger } from '../../src/logging/logger';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import { DEV_SERVER_PID_FILE, type RunningService, startService } from '../../src/runtime/service';
import { freePort, readDevServerPidFile } from '../../src/temporal/dev-server';
import { demoMappingDocument } from '../support/sync-stack';
import {
  activitiesBySale,
  type Emulators,
  problemsWithAll,
  quietTemporalRuntime,
  report,
  runsOf,
  serviceSettings,
  startEmulators,
  stepOptions,
} from './harness';

/**
 * The service as `npm start` runs it, with its embedded dev server on a history file, and
 * parts of it stopping underneath: the dev server is killed with SIGKILL (the service
 * restarts it in place), then a worker crashes (the service reports it as failed, and the
 * test restarts the whole service, as a supervisor would after the process exits non-zero).
 * /readyz answers 503 within moments each time, naming the part; contracts signed during
 * each outage are synced once it is over, once each.
 */
jest.setTimeout(120_000);

let emulators: Emulators;
let environment: Environment;
let service: RunningService | undefined;

afterAll(async () => {
  await service?.stop();
  await emulators?.close();
  if (environment) rmSync(environment.dataDir, { recursive: true, force: true });
});

async function start(): Promise<RunningService> {
  const started = await startService(environment, createLogger(environment.logLevel), {
    mappingStore: new InMemoryMappingStore(demoMappingDocument()),
    oneflowActivitiesPerSecond: 200,
    steps: stepOptions({ initialIntervalMs: 200, maximumIntervalMs: 1_000 }),
  });
  emulators.oneflow.emulator.configureWebhook({ url: `${started.url}/webhooks/oneflow` });
  return started;
}

interface Probe {
  status: number;
  body: { ready: boolean; checks: Record<string, string> };
}

async function probe(route: '/readyz' | '/healthz'): Promise<Probe> {
  const res = await fetch(`${service!.url}${route}`);
  return { status: res.status, body: (await res.json()) as Probe['body'] };
}

/**
 * Sends /readyz every 50 ms, each without waiting for the one before, as a load balancer's
 * probes go, until one answers `status`: when that probe was sent, and its answer.
 */
async function readyzTurns(status: number, since: number, timeoutMs = 30_000) {
  return new Promise<{ seconds: number; answer: Probe }>((resolve, reject) => {
    let last: Probe | undefined;
    const timer = setInterval(() => {
      if (Date.now() - since > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`/readyz did not answer ${status}; last: ${JSON.stringify(last)}`));
        return;
      }
      const sentAt = Date.now();
      probe('/readyz').then(
        (answer) => {
          last = answer;
          if (answer.status !== status) return;
          clearInterval(timer);
          resolve({ seconds: (sentAt - since) / 1000, answer });
        },
        () => {},
      );
    }, 50);
  });
}

async function synced(contract: BenchContract, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!activitiesBySale(emulators.superoffice).has(contract.saleId)) {
    if (Date.now() > deadline) throw new Error(`contract ${contract.contractId} was not synced in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const attemptsOf = (contract: BenchContract) =>
  emulators.oneflow.emulator
    .deliveries()
    .filter((d) => d.contractId === contract.contractId)
    .flatMap((d) => d.attempts.filter((a) => a.finishedAt !== null));

it('says at once when the dev server dies, restarts it, and syncs what was signed meanwhile', async () => {
  quietTemporalRuntime();
  // Oneflow's retry schedule, 1 s, 5 s, 10 s, 30 s…, times 0.02: 20 ms … 0.6 s, 1.2 s, 6 s.
  emulators = await startEmulators(3, { retryScale: 0.02 });
  environment = {
    ...serviceSettings({ address: '', namespace: 'default' }, emulators, {
      // No TEMPORAL_ADDRESS: the embedded dev server, its Web UI and data/temporal.db.
      TEMPORAL_ADDRESS: '',
      TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
    }),
    // A fixed port, so that webhooks find the service again after it is restarted.
    port: await freePort(),
  };
  const [before, duringDevServerOutage] = emulators.contracts;
  service = await start();
  emulators.oneflow.sign(before!.contractId);
  await synced(before!);
  expect((await probe('/readyz')).status).toBe(200);

  const record = readDevServerPidFile(path.join(environment.dataDir, DEV_SERVER_PID_FILE));
  expect(record?.pid).toBe(service.devServer!.current()!.process.pid);
  const killedAt = Date.now();
  process.kill(record!.pid, 'SIGKILL');
  emulators.oneflow.sign(duringDevServerOutage!.contractId);

  const down = await readyzTurns(503, killedAt);
  expect(down.answer.body.ready).toBe(false);
  expect(down.answer.body.checks.devServer).toMatch(
    /^was killed by SIGKILL; restarting it \(attempt 1 of 5\)$/,
  );
  const liveness = await probe('/healthz');
  expect(liveness.status).toBe(200);
  expect(liveness.body.ready).toBe(false);

  const back = await readyzTurns(200, killedAt);
  expect(back.answer.body.checks).toEqual({ temporal: 'ok', workers: 'running', devServer: 'running' });
  expect(service.devServer!.current()!.process.pid).not.toBe(record!.pid);
  await synced(duringDevServerOutage!);
  // Its webhook was answered 503 while Temporal was down, or held by the client's retries
  // until the new server answered; either way Oneflow got its 200 in the end.
  const attempts = attemptsOf(duringDevServerOutage!);
  expect(attempts.at(-1)?.status).toBe(200);

  report(
    'dev server SIGKILL under the service',
    `readyz went 503 after ${down.seconds.toFixed(2)} s (devServer: "${down.answer.body.checks.devServer}", ` +
      `temporal: "${down.answer.body.checks.temporal}"), healthz stayed 200; the service restarted the dev server ` +
      `and readyz was 200 again after ${back.seconds.toFixed(1)} s; the contract signed meanwhile was synced ` +
      `(webhook answers: ${attempts.map((a) => a.status ?? a.error).join(', ')})`,
  );
});

it('says at once when a worker crashes, and a restarted service syncs what was signed while it was down', async () => {
  const [, , duringRestart] = emulators.contracts;
  const crashedAt = Date.now();
  // What the SDK itself does on an unexpected error while processing a task: the worker
  // shuts down and its run() rejects with that error.
  const main = service!.workers.workers[0] as unknown as {
    unexpectedErrorSubject?: { error(e: Error): void };
  };
  expect(main.unexpectedErrorSubject).toBeDefined();
  main.unexpectedErrorSubject!.error(new Error('injected fatal error'));

  const down = await readyzTurns(503, crashedAt);
  expect(down.answer.body.checks.workers).toMatch(
    /^stopped: the main worker (is \w+|failed: injected fatal error)/,
  );
  const failure = await service!.failed;
  const failedSeconds = (Date.now() - crashedAt) / 1000;
  expect(failure.message).toBe('the main worker failed: injected fatal error');
  const afterFailure = await probe('/readyz');
  expect(afterFailure.status).toBe(503);
  expect(afterFailure.body.checks.workers).toBe('stopped: the main worker failed: injected fatal error');

  // runService would exit with code 1 now; a supervisor starts the process again.
  await service!.stop();
  service = undefined;
  emulators.oneflow.sign(duringRestart!.contractId);
  const restartAt = Date.now();
  service = await start();
  const restartSeconds = (Date.now() - restartAt) / 1000;
  expect((await probe('/readyz')).body.checks).toEqual({
    temporal: 'ok',
    workers: 'running',
    devServer: 'running',
  });
  await synced(duringRestart!);
  const syncedSeconds = (Date.now() - restartAt) / 1000;
  await emulators.oneflow.settled();
  await new Promise((r) => setTimeout(r, 1_000));

  // Every contract once, its values right; the first run's history survived the restart.
  expect(problemsWithAll(emulators)).toEqual([]);
  const runs = await Promise.all(emulators.contracts.map((c) => runsOf(service!, c.contractId)));
  expect(runs.map((r) => r.length)).toEqual([1, 1, 1]);
  const refused = attemptsOf(duringRestart!).filter((a) => a.status !== 200).length;
  report(
    'worker crash',
    `readyz went 503 after ${down.seconds.toFixed(2)} s (workers: "${down.answer.body.checks.workers}"), the service ` +
      `reported the crash as failed after ${failedSeconds.toFixed(2)} s; restarted like a supervisor would, it was ready ` +
      `after ${restartSeconds.toFixed(1)} s; the contract signed while it was down (webhook refused ${refused}×) was ` +
      `synced ${syncedSeconds.toFixed(1)} s after the restart began → 3 runs, one per contract, values right`,
  );
});
