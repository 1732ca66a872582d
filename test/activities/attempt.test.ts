import { CancelledFailure } from '@temporalio/common';
import { createSuperOfficeActivities } from '../../src/activities';
import { currentAttempt, runAsAttempt } from '../../src/activities/attempt';
import type { MappingDocument } from '../../src/config/mapping-document';
import { createLogger } from '../../src/logging/logger';
import { toContractFacts } from '../../src/mapping/contract-facts';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import demoMapping from '../../config/demo-mapping.json';
import { demoContract } from '../mapping/demo-fixtures';
import { useEmulator } from '../superoffice/client-harness';
import { activityEnv } from './activity-env';
import type { EntityUpdate, PropertyChange } from '../../src/workflow-contract';

/**
 * Every activity attempt heartbeats after each SuperOffice call it makes, and hands its
 * cancellation signal to those calls: run as the worker runs them (createSuperOfficeActivities,
 * with the in-attempt call retries), against the emulator.
 */
const so = useEmulator();
const logger = createLogger('silent');
const activities = () =>
  createSuperOfficeActivities({
    superoffice: so.client,
    mappingStore: new InMemoryMappingStore(structuredClone(demoMapping) as MappingDocument),
    logger,
  });

const number: PropertyChange = {
  property: 'Number',
  label: 'Number',
  kind: 'standard',
  type: 'text',
  patchPath: 'Number',
  value: 'PO-2026-0042',
  display: 'PO-2026-0042',
  source: 'data field "po_number"',
};
const saleUpdate: EntityUpdate = { type: 'Sale', id: 2001, changes: [number], planned: [] };

describe('an activity attempt', () => {
  it('heartbeats once per SuperOffice call, as the calls come', async () => {
    const { env, run } = activityEnv({ startToCloseTimeoutMs: 60_000 });
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);

    await run(activities().resolvePlan, { contractId: 9001, facts: toContractFacts(demoContract()) });

    const calls = (await so.requests()).length;
    expect(calls).toBeGreaterThan(5);
    expect(heartbeats).toBe(calls);
  });

  it('stops its in-flight call promptly when cancelled, and reports the cancellation', async () => {
    await so.addFault({ method: 'PATCH', path: '**/Sale/2001', latencyMs: 5_000 });
    const { env, run } = activityEnv({ startToCloseTimeoutMs: 60_000 });
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);
    const started = Date.now();
    const running = run(activities().updateSale, saleUpdate);
    setTimeout(() => env.cancel(), 200);

    const err = await running.then(
      () => new Error('expected the attempt to be cancelled'),
      (e: unknown) => e,
    );

    const seconds = (Date.now() - started) / 1000;
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(seconds).toBeLessThan(1);
    // A cancelled call is not progress.
    expect(heartbeats).toBe(0);
  });

  it('stops waiting between in-attempt retries when cancelled', async () => {
    // Every try answers 503 with a Retry-After of 1 s: the call retry waits before the next.
    await so.addFault({ method: 'PATCH', path: '**/Sale/2001', status: 503, retryAfterSeconds: 1 });
    const { env, run } = activityEnv({ startToCloseTimeoutMs: 60_000 });
    const started = Date.now();
    const running = run(activities().updateSale, saleUpdate);
    setTimeout(() => env.cancel(), 200);

    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(800);
    expect((await so.requests()).filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });
});

describe('a step called outside Temporal', () => {
  it('runs with a scope that cancels nothing and heartbeats nowhere', async () => {
    const attempt = currentAttempt();
    expect(attempt.scope.signal.aborted).toBe(false);
    expect(() => attempt.record({ any: 'thing' })).not.toThrow();
    expect(attempt.remainingMs()).toBe(Number.POSITIVE_INFINITY);

    const planned = await activities().resolvePlan({
      contractId: 9001,
      facts: toContractFacts(demoContract()),
    });
    expect(planned.saleId).toBe(2001);
  });

  it('in runAsAttempt, stops its in-flight call when the signal aborts', async () => {
    await so.addFault({ method: 'GET', path: '**/Sale/2001', latencyMs: 5_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);

    const running = runAsAttempt(controller.signal, () =>
      activities().resolvePlan({ contractId: 9001, facts: toContractFacts(demoContract()) }),
    );

    await expect(running).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(controller.signal.aborted).toBe(true);
  });
});
