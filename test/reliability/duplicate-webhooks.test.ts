import type { RunningService } from '../../src/runtime/service';
import { createTestNamespace, testTemporalTarget } from '../setup/temporal-env';
import {
  activitiesBySale,
  type Emulators,
  eventually,
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
 * Oneflow retries a webhook it did not see answered with 200, and a proxy or a retrying
 * client can deliver one twice at the same moment. The event id decides: one event, one
 * sync, one Activity, however many deliveries and whenever they come.
 */
jest.setTimeout(120_000);

const CONTRACTS = 5;
const DELIVERIES = 20;

let emulators: Emulators;
let service: RunningService;

beforeAll(async () => {
  quietTemporalRuntime();
  // Signed in Oneflow already: the deliveries are the test's own, all at once.
  emulators = await startEmulators(CONTRACTS, { state: 'signed' });
  const namespace = await createTestNamespace();
  service = await startServiceFor({ address: testTemporalTarget().address, namespace }, emulators, {
    steps: stepOptions({ initialIntervalMs: 50, maximumIntervalMs: 500 }),
  });
});

afterAll(async () => {
  await service?.stop();
  await emulators?.close();
});

const post = (body: string) =>
  fetch(`${service.url}/webhooks/oneflow`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });

it('starts exactly one sync and records one Activity per event, however often and whenever it is delivered', async () => {
  // Signings Oneflow knows (the first step checks the event against the contract's events).
  const hooks = emulators.contracts.map((c) => ({
    body: JSON.stringify(emulators.oneflow.emulator.emitEvent(c.contractId, 'contract:sign').delivery.body),
  }));
  const started = Date.now();
  const answers = await Promise.all(
    hooks.flatMap((h) => Array.from({ length: DELIVERIES }, () => post(h.body))),
  );
  const statuses = answers.map((a) => a.status);
  const ackMs = Date.now() - started;
  expect(new Set(statuses)).toEqual(new Set([200]));

  await waitForOutcomes(emulators, { timeoutMs: 60_000 });
  // Let any second run that might have slipped through show itself before counting.
  await new Promise((r) => setTimeout(r, 1_000));
  const runsPerContract = await Promise.all(
    emulators.contracts.map((c) =>
      eventually(async () => {
        const runs = await runsOf(service, c.contractId);
        if (runs.length === 0) throw new Error('visibility has not caught up yet');
        return runs;
      }),
    ),
  );
  expect(runsPerContract.map((r) => r.length)).toEqual(emulators.contracts.map(() => 1));

  // Once more, after every sync has finished: accepted, and still nothing new.
  const again = await Promise.all(hooks.map((h) => post(h.body)));
  expect(again.map((a) => a.status)).toEqual(hooks.map(() => 200));
  const bodies = (await Promise.all(again.map((a) => a.json()))) as Array<{ status: string }>;
  expect(bodies.map((b) => b.status)).toEqual(hooks.map(() => 'already-accepted'));
  await new Promise((r) => setTimeout(r, 1_000));
  const runsAfter = await Promise.all(emulators.contracts.map((c) => runsOf(service, c.contractId)));
  expect(runsAfter.map((r) => r.length)).toEqual(emulators.contracts.map(() => 1));

  const appointmentPosts = emulators.superoffice.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith('/Appointment'));
  expect(appointmentPosts).toHaveLength(CONTRACTS);
  expect(problemsWithAll(emulators)).toEqual([]);
  const activities = [...activitiesBySale(emulators.superoffice).values()].map((a) => a.length);
  report(
    'duplicate deliveries',
    `${CONTRACTS} events × ${DELIVERIES} concurrent deliveries = ${answers.length} webhooks, all answered 200 in ${ackMs} ms; ` +
      `then 1 more each after the syncs finished (already-accepted) → ${runsAfter.flat().length} runs, ` +
      `${activities.reduce((a, b) => a + b, 0)} Activities (one per Sale), 0 duplicates`,
  );
});
