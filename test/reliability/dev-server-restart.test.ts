import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningService } from '../../src/runtime/service';
import { findTemporalCli } from '../../src/temporal/cli-binary';
import { freePort, type RunningDevServer, startDevServer } from '../../src/temporal/dev-server';
import {
  type Emulators,
  problemsWithAll,
  quietTemporalRuntime,
  report,
  runsOf,
  startEmulators,
  startServiceFor,
  stepOptions,
  waitForOutcomes,
} from './harness';

/**
 * The Temporal dev server, with its history in a SQLite file as `npm start` keeps it, is
 * killed (SIGKILL) in the middle of a batch and started again on the same port and file.
 * Syncs that were running continue from their history; webhooks that came while it was
 * down were refused with 503 and are redelivered by Oneflow. Nothing is lost or doubled.
 */
jest.setTimeout(240_000);

const CONTRACTS = 20;
const SIGNED_BEFORE = 12;

let emulators: Emulators;
let service: RunningService | undefined;
let devServer: RunningDevServer | undefined;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-devserver-'));

afterAll(async () => {
  await service?.stop();
  await devServer?.stop();
  await emulators?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('loses nothing when the file-backed dev server is killed and restarted mid-batch', async () => {
  quietTemporalRuntime();
  const cli = await findTemporalCli();
  const dbFile = path.join(dataDir, 'temporal.db');
  const port = await freePort();
  const start = () => startDevServer({ cliPath: cli.path, port, dbFile, startTimeoutMs: 120_000 });
  devServer = await start();

  // Oneflow's retry schedule, 1 s … 1 h, times 0.02: 20 ms, 100 ms, 200 ms, 0.6 s, 1.2 s, 6 s, 12 s…
  emulators = await startEmulators(CONTRACTS, { retryScale: 0.02 });
  emulators.superoffice.control.addFault({ path: '**', latencyMs: 40 });
  service = await startServiceFor({ address: devServer.address, namespace: 'default' }, emulators, {
    oneflowActivitiesPerSecond: 4,
    steps: stepOptions({ initialIntervalMs: 200, maximumIntervalMs: 2_000 }),
  });

  const [before, after] = [
    emulators.contracts.slice(0, SIGNED_BEFORE),
    emulators.contracts.slice(SIGNED_BEFORE),
  ];
  for (const c of before) emulators.oneflow.sign(c.contractId);

  let doneAtKill = -1;
  await waitForOutcomes(emulators, {
    timeoutMs: 60_000,
    onProgress: async (done) => {
      if (done < 3) return;
      doneAtKill = done;
      throw new Error('kill now');
    },
  }).catch((err: Error) => {
    if (err.message !== 'kill now') throw err;
  });
  // In the middle of the batch: some syncs done, some not.
  expect(doneAtKill).toBeGreaterThanOrEqual(3);
  expect(doneAtKill).toBeLessThan(SIGNED_BEFORE);
  const killedAt = Date.now();
  const dying = new Promise((r) => devServer!.process.once('exit', r));
  devServer.process.kill('SIGKILL');
  await dying;

  // Contracts signed while Temporal is down: their webhooks are refused, and retried.
  for (const c of after) emulators.oneflow.sign(c.contractId);
  await new Promise((r) => setTimeout(r, 3_000));

  devServer = await start();
  const downSeconds = ((Date.now() - killedAt) / 1000).toFixed(1);
  await waitForOutcomes(emulators, { timeoutMs: 150_000 });
  await emulators.oneflow.settled();
  await new Promise((r) => setTimeout(r, 2_000));

  expect(problemsWithAll(emulators)).toEqual([]);
  const runs = await Promise.all(emulators.contracts.map((c) => runsOf(service!, c.contractId)));
  expect(runs.map((r) => r.length)).toEqual(emulators.contracts.map(() => 1));
  const results = await Promise.all(runs.map((r) => service!.client.workflow.getHandle(r[0]!).result()));
  expect(results.map((r) => r.outcome)).toEqual(emulators.contracts.map(() => 'succeeded'));
  const deliveries = emulators.oneflow.emulator.deliveries();
  expect(deliveries.map((d) => d.attempts.at(-1)?.status)).toEqual(emulators.contracts.map(() => 200));
  const refused = deliveries.flatMap((d) => d.attempts).filter((a) => a.status !== 200).length;
  report(
    'dev server SIGKILL + restart',
    `killed it with ${doneAtKill} of ${SIGNED_BEFORE} running syncs done, signed ${after.length} more while it was down ` +
      `(${refused} webhook attempts refused with 503 or cut off, each redelivered by Oneflow); back after ${downSeconds} s → ` +
      `${results.length} runs, all succeeded, one Activity per Sale, values right`,
  );
});
