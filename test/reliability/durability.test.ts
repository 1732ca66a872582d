import type { RunningService } from '../../src/runtime/service';
import type { SmartSyncResult } from '../../src/workflow-contract';
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
} from './harness';

/**
 * Durability over outages longer than 0.1's whole retry budget, re-sign races, planning
 * failures and contracts that lack mapped fields. The default policies retry for 24 hours
 * at most 10 minutes apart (unit-tested in test/workflow-contract: a 10-minute outage lies
 * well inside them); here the intervals and the outage are scaled down alike, and the
 * scale is printed.
 */
jest.setTimeout(240_000);

const FAILURE = '[Smart sync] Failed to update the properties of the following SuperOffice resource types:';

let emulators: Emulators | undefined;
let service: RunningService | undefined;

afterEach(async () => {
  await service?.stop();
  await emulators?.close();
  service = undefined;
  emulators = undefined;
});

async function start(count: number, intervals = { initialIntervalMs: 50, maximumIntervalMs: 1_000 }) {
  quietTemporalRuntime();
  emulators = await startEmulators(count);
  const namespace = await createTestNamespace();
  service = await startServiceFor({ address: testTemporalTarget().address, namespace }, emulators, {
    steps: stepOptions(intervals),
  });
  return { emulators, service };
}

async function resultsOf(contractId: number, runs: number): Promise<SmartSyncResult[]> {
  const ids = await eventually(async () => {
    const found = await runsOf(service!, contractId);
    if (found.length < runs) throw new Error(`${found.length} of ${runs} runs of ${contractId} listed`);
    return found;
  }, 120_000);
  return Promise.all(ids.map((id) => service!.client.workflow.getHandle(id).result()));
}

/** 0.1's budget at this scale: 10 attempts, waits doubling from initial up to maximum. */
function oldBudgetMs(initial: number, maximum: number): number {
  let total = 0;
  for (let i = 0, wait = initial; i < 9; i++, wait = Math.min(wait * 2, maximum)) total += wait;
  return total;
}

it('syncs every contract signed during a SuperOffice outage longer than the whole 0.1 retry budget, once', async () => {
  const { emulators: e } = await start(20);
  const budget = oldBudgetMs(50, 1_000);
  const outageMs = Math.max(12_000, 2 * budget);
  const outage = e.superoffice.control.addFault({ path: '**', status: 503 });
  const started = Date.now();
  for (const c of e.contracts) e.oneflow.sign(c.contractId);
  await e.oneflow.settled();
  await new Promise((r) => setTimeout(r, outageMs));
  const refused = e.superoffice.control.requests().filter((r) => r.status === 503).length;
  e.superoffice.control.removeFault(outage.id);
  const results = (await Promise.all(e.contracts.map((c) => resultsOf(c.contractId, 1)))).flat();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  expect(results.map((r) => r.outcome)).toEqual(e.contracts.map(() => 'succeeded'));
  expect(
    (await Promise.all(e.contracts.map((c) => runsOf(service!, c.contractId)))).map((r) => r.length),
  ).toEqual(e.contracts.map(() => 1));
  expect(problemsWithAll(e)).toEqual([]);
  report(
    'SuperOffice outage',
    `503 to every call for ${(outageMs / 1000).toFixed(0)} s (scale: intervals 50 ms…1 s instead of 1 s…10 min; ` +
      `0.1's 10 attempts would have given up after ${(budget / 1000).toFixed(1)} s at this scale) while 20 contracts ` +
      `were signed; ${refused} calls refused → all 20 synced once in ${seconds} s, values right, one Activity per Sale`,
  );
});

it("ends with the newer signing's values when a re-sign races a run that is still retrying", async () => {
  const { emulators: e } = await start(1, { initialIntervalMs: 200, maximumIntervalMs: 1_000 });
  const [c] = e.contracts;
  // The first run's Sale update meets 503s and backs off for a while.
  const slow = e.superoffice.control.addFault({
    method: 'PATCH',
    path: `**/Sale/${c!.saleId}`,
    status: 503,
  });
  e.oneflow.sign(c!.contractId);
  await eventually(async () => {
    if (!e.superoffice.control.requests().some((r) => r.method === 'PATCH' && r.status === 503))
      throw new Error('the first run has not tried the Sale yet');
  });
  // Signatures reset, the PO number changed, signed again: a second run, queued behind the first.
  e.oneflow.signatureReset(c!.contractId);
  const seed = structuredClone(e.data.oneflow.contracts!.find((x) => x.id === c!.contractId)!);
  seed.state = 'pending';
  seed.data_fields = seed.data_fields!.map((f) =>
    f.custom_id === 'po_number' ? { ...f, value: 'PO-NEWER' } : f,
  );
  e.oneflow.emulator.putContract(seed);
  e.oneflow.sign(c!.contractId);
  await e.oneflow.settled();
  await new Promise((r) => setTimeout(r, 1_500));
  e.superoffice.control.removeFault(slow.id);
  const results = await resultsOf(c!.contractId, 2);
  expect(results.map((r) => r.outcome).sort()).toEqual(['succeeded', 'succeeded']);
  const sale = e.superoffice.store.entity('Sale', c!.saleId)!.doc;
  expect(sale.Number).toBe('PO-NEWER');
  const appointments = activitiesBySale(e.superoffice).get(c!.saleId) ?? [];
  // One success Activity per run, none twice.
  expect(appointments).toHaveLength(2);
  report(
    're-sign race',
    `first run's Sale PATCH answered 503 while the contract was reset, changed and signed again → the second run ` +
      `waited for the first; Sale Number ends "${String(sale.Number)}", 2 runs, ${appointments.length} Activities (one each)`,
  );
});

it('records a failure Activity naming the cause when planning fails with a 403 on the field metadata, and writes nothing else', async () => {
  const { emulators: e } = await start(1);
  const [c] = e.contracts;
  e.superoffice.control.addFault({ method: 'GET', path: '**/CustomField', status: 403 });
  e.superoffice.control.addFault({ method: 'GET', path: '**/UdefLayout/Published', status: 403 });
  e.oneflow.sign(c!.contractId);
  const [result] = await resultsOf(c!.contractId, 1);
  expect(result!.outcome).toBe('failed');
  const appointments = activitiesBySale(e.superoffice).get(c!.saleId) ?? [];
  expect(appointments).toHaveLength(1);
  expect(appointments[0]).toMatch(
    new RegExp(`^${FAILURE.replace(/[[\]]/g, '\\$&')} Sale, Company, Contact, Products\\.`),
  );
  expect(appointments[0]).toMatch(/Nothing was written: Smart Sync's SuperOffice user is not allowed/);
  const writes = e.writes().filter((w) => !w.path.endsWith('/Appointment'));
  expect(writes).toEqual([]);
  report(
    'planning fails with 403',
    `field metadata answered 403 → run "${result!.outcome}", one failure Activity on Sale ${c!.saleId}: ` +
      `"${appointments[0]!.split('\n')[1]!.slice(0, 90)}…", nothing else written`,
  );
});

it('succeeds for a contract without some mapped data fields, reporting them as not in this contract', async () => {
  const { emulators: e } = await start(1);
  const [c] = e.contracts;
  const seed = structuredClone(e.data.oneflow.contracts!.find((x) => x.id === c!.contractId)!);
  seed.data_fields = seed.data_fields!.filter(
    (f) => !['customer_reference', 'delivery_method'].includes(f.custom_id),
  );
  e.oneflow.emulator.putContract(seed);
  e.oneflow.sign(c!.contractId);
  const [result] = await resultsOf(c!.contractId, 1);
  expect(result!.outcome).toBe('succeeded');
  const sale = result!.resources.find((r) => r.type === 'Sale')!;
  expect(sale.status).toBe('updated');
  const absent = sale.properties.filter((p) => p.reason?.startsWith('not in this contract'));
  expect(absent.map((p) => p.property).sort()).toEqual(['SuperOffice:1', 'SuperOffice:3']);
  const appointments = activitiesBySale(e.superoffice).get(c!.saleId) ?? [];
  expect(appointments).toHaveLength(1);
  expect(appointments[0]).not.toMatch(/Failed to update/);
  report(
    'absent data fields',
    `a contract without 2 of the mapped data fields → outcome "${result!.outcome}", ${absent.length} properties ` +
      `"not in this contract", one success Activity and no failure Activity`,
  );
});
