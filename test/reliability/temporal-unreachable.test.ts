import type { RunningService } from '../../src/runtime/service';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import { TcpProxy } from '../support/tcp-proxy';
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
 * Temporal cannot be reached (the service's client and its workers both go through a
 * proxy that is taken down) while a batch of contracts is signed. Every webhook is
 * answered 503, so Oneflow keeps it; once Temporal is back, Oneflow's retries get 200 and
 * every contract is synced, once.
 */
jest.setTimeout(180_000);

const CONTRACTS = 10;

let emulators: Emulators;
let service: RunningService | undefined;
let proxy: TcpProxy;

afterAll(async () => {
  await proxy?.up();
  await service?.stop();
  await proxy?.down();
  await emulators?.close();
});

it('answers 503 while Temporal is unreachable and syncs every contract once it is back', async () => {
  quietTemporalRuntime();
  const [host, port] = testTemporalTarget().address.split(':');
  proxy = new TcpProxy({ host: host!, port: Number(port) });
  await proxy.up();
  // Oneflow's schedule (1 s, 5 s, 10 s, 30 s, 1 min, 5 min…) times 0.05: 50 ms … 15 s.
  emulators = await startEmulators(CONTRACTS, { retryScale: 0.05 });
  service = await startServiceFor(
    { address: proxy.address, namespace: await createTestNamespace() },
    emulators,
    {
      steps: stepOptions({ initialIntervalMs: 100, maximumIntervalMs: 1_000 }),
    },
  );

  await proxy.down();
  const downAt = Date.now();
  for (const c of emulators.contracts) emulators.oneflow.sign(c.contractId);
  // Wait until every contract's webhook has been refused at least once.
  const refusedOnce = () =>
    emulators.oneflow.emulator
      .deliveries()
      .filter((d) => d.attempts.some((a) => a.finishedAt !== null && a.status !== 200)).length;
  for (let i = 0; i < 300 && refusedOnce() < CONTRACTS; i++) await new Promise((r) => setTimeout(r, 100));
  const statusesWhileDown = emulators.oneflow.emulator
    .deliveries()
    .flatMap((d) => d.attempts.filter((a) => a.finishedAt !== null).map((a) => a.status));
  expect(refusedOnce()).toBe(CONTRACTS);
  expect(new Set(statusesWhileDown)).toEqual(new Set([503]));
  expect(emulators.writes()).toEqual([]);

  await proxy.up();
  const downSeconds = ((Date.now() - downAt) / 1000).toFixed(1);
  await emulators.oneflow.settled();
  await waitForOutcomes(emulators, { timeoutMs: 90_000 });
  await new Promise((r) => setTimeout(r, 1_000));

  const deliveries = emulators.oneflow.emulator.deliveries();
  expect(deliveries.map((d) => d.attempts.at(-1)?.status)).toEqual(emulators.contracts.map(() => 200));
  expect(problemsWithAll(emulators)).toEqual([]);
  const runs = await Promise.all(emulators.contracts.map((c) => runsOf(service!, c.contractId)));
  expect(runs.map((r) => r.length)).toEqual(emulators.contracts.map(() => 1));
  const attempts = deliveries.flatMap((d) => d.attempts);
  report(
    'Temporal unreachable',
    `${CONTRACTS} contracts signed during a ${downSeconds} s outage: ${attempts.filter((a) => a.status === 503).length} webhook attempts answered 503 ` +
      `(nothing written meanwhile); after it, Oneflow's retries got 200 → ${runs.flat().length} runs, one Activity per Sale, values right`,
  );
});
