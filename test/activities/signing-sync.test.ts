import {
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import type { ContractSeedInput } from '../../src/emulators/oneflow/seed-document';
import { createSigningSyncActivities, type FoundSigningStarter } from '../../src/activities/signing-sync';
import { createLogger } from '../../src/logging/logger';
import { OneflowClient } from '../../src/oneflow/client';
import { signingWorkflowId } from '../../src/workflow-contract';
import { activityEnv, failureOf } from './activity-env';

/**
 * listSignedContracts and startSigningSync against the Oneflow emulator. The Temporal side
 * of starting (TemporalSyncStarter.startFoundSigning) is met for real in
 * test/e2e/reconcile.temporal.test.ts; here a starter that records what it was asked
 * stands in for it, answering as Temporal would for a signing that already has a run.
 */
let oneflow: RunningOneflowEmulator;
const NOW = Date.parse('2026-12-02T12:00:00Z');

const party = (name: string, my = false) => ({
  name,
  my_party: my,
  participants: [{ name: `${name} signer`, email: `${name.toLowerCase()}@example.test` }],
});
const signed = (id: number, at: string): ContractSeedInput =>
  ({
    id,
    name: `Contract ${id}`,
    state: 'signed',
    published_time: '2026-11-01T08:00:00+0000',
    state_updated_time: at,
    parties: [party('Us', true), party('Them')],
  }) as ContractSeedInput;

class RecordingStarter implements FoundSigningStarter {
  readonly calls: Array<[number, number, string]> = [];
  readonly existing = new Set<string>();
  async startFoundSigning(contractId: number, eventId: number, trigger: 'reconcile' | 'backfill') {
    this.calls.push([contractId, eventId, trigger]);
    const workflowId = signingWorkflowId(contractId, eventId);
    const duplicate = this.existing.has(workflowId);
    this.existing.add(workflowId);
    return { workflowId, duplicate };
  }
}

let starter: RecordingStarter;
function activities() {
  return createSigningSyncActivities({
    oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN }),
    starter,
    logger: createLogger('silent'),
    now: () => NOW,
  });
}

beforeAll(async () => {
  oneflow = await startOneflowEmulator({ webhookUrl: null });
});
afterAll(async () => {
  await oneflow.close();
});
beforeEach(() => {
  starter = new RecordingStarter();
  oneflow.emulator.seed({
    tokens: [DEMO_ONEFLOW_TOKEN],
    contracts: [
      signed(1, '2026-12-02T11:00:00+0000'),
      signed(2, '2026-12-01T13:00:00+0000'),
      signed(3, '2026-11-30T10:00:00+0000'), // older than a 26 h window
      { ...signed(4, '2026-12-02T10:00:00+0000'), state: 'pending' } as ContractSeedInput,
    ],
  });
  oneflow.control.clearRequests();
});

describe('listSignedContracts', () => {
  it('lists the signings inside the window, newest first, asking Oneflow for signed contracts by signing time', async () => {
    const page = await activityEnv().run(activities().listSignedContracts, {
      signedSince: '2026-12-01T10:00:00Z',
      offset: 0,
    });
    expect(page).toEqual({
      contracts: [
        { contractId: 1, signedAt: '2026-12-02T11:00:00.000Z' },
        { contractId: 2, signedAt: '2026-12-01T13:00:00.000Z' },
      ],
      total: 3,
    });
    const [call] = oneflow.control.requests();
    expect(call!.query).toEqual({
      'filter[states]': 'signed',
      sort: '-state_updated_time',
      limit: '100',
      offset: '0',
    });
  });

  it('pages: a short page with more to come gives the next offset; an end narrows the listing by published_time', async () => {
    const acts = activities();
    const first = await activityEnv().run(acts.listSignedContracts, {
      signedSince: '2026-11-01T00:00:00Z',
      signedUntil: '2026-12-02T00:00:00Z',
      offset: 0,
      limit: 1,
    });
    expect(first).toMatchObject({ contracts: [], nextOffset: 1 }); // contract 1 is after the end
    const second = await activityEnv().run(acts.listSignedContracts, {
      signedSince: '2026-11-01T00:00:00Z',
      signedUntil: '2026-12-02T00:00:00Z',
      offset: 1,
      limit: 1,
    });
    expect(second).toMatchObject({ contracts: [{ contractId: 2 }], nextOffset: 2 });
    expect(oneflow.control.requests()[0]!.query['filter[published_time]']).toBe('|2026-12-02T00:00:00+00:00');
  });

  it.each([
    [
      { signedSince: 'yesterday', offset: 0 },
      /^listSignedContracts: signedSince must be an ISO 8601 date-time/,
    ],
    [{ signedSince: '2026-12-01T00:00:00Z', offset: 20_000 }, /offset must be at most 19900/],
    [
      { signedSince: '2026-12-01T00:00:00Z', signedUntil: '2026-11-01T00:00:00Z', offset: 0 },
      /signedUntil must be later/,
    ],
  ])('refuses a bad input without calling Oneflow: %j', async (input, message) => {
    const err = await failureOf(activityEnv().run(activities().listSignedContracts, input));
    expect(err).toMatchObject({ type: 'Rejected', nonRetryable: true });
    expect(err.message).toMatch(message);
    expect(oneflow.control.requests()).toHaveLength(0);
  });

  it('fails retryably while Oneflow answers 503', async () => {
    oneflow.control.addFault({ path: '/v1/contracts', status: 503, times: 1 });
    const err = await failureOf(
      activityEnv().run(activities().listSignedContracts, { signedSince: '2026-12-01T00:00:00Z', offset: 0 }),
    );
    expect(err).toMatchObject({ type: 'ServerError', nonRetryable: false });
  });
});

describe('startSigningSync', () => {
  it("starts the sync of the contract's standing signing, by its event id, once", async () => {
    const acts = activities();
    const [sign] = oneflow.emulator.contractEvents(1)!;
    const first = await activityEnv().run(acts.startSigningSync, { contractId: 1, trigger: 'reconcile' });
    expect(first).toEqual({
      outcome: 'started',
      contractId: 1,
      eventId: sign!.id,
      workflowId: signingWorkflowId(1, sign!.id),
    });
    const again = await activityEnv().run(acts.startSigningSync, { contractId: 1, trigger: 'backfill' });
    expect(again.outcome).toBe('already-synced');
    expect(starter.calls).toEqual([
      [1, sign!.id, 'reconcile'],
      [1, sign!.id, 'backfill'],
    ]);
    // Newest first: the signing is on the first page of the contract's events.
    expect(oneflow.control.requests()[0]!.query).toMatchObject({ sort: '-id', offset: '0' });
  });

  it('takes the newest signing of a contract signed again after a reset', async () => {
    oneflow.signatureReset(1);
    const { eventId } = oneflow.sign(1).delivery;
    const answer = await activityEnv().run(activities().startSigningSync, {
      contractId: 1,
      trigger: 'reconcile',
    });
    expect(answer).toMatchObject({ outcome: 'started', eventId });
  });

  it('starts nothing for a contract whose signing was reset, or that Oneflow no longer has', async () => {
    oneflow.signatureReset(2);
    const acts = activities();
    expect(await activityEnv().run(acts.startSigningSync, { contractId: 2, trigger: 'reconcile' })).toEqual({
      outcome: 'not-signed',
      contractId: 2,
    });
    expect(await activityEnv().run(acts.startSigningSync, { contractId: 404, trigger: 'reconcile' })).toEqual(
      {
        outcome: 'not-found',
        contractId: 404,
      },
    );
    expect(starter.calls).toEqual([]);
  });

  it('refuses a trigger other than reconcile or backfill', async () => {
    const err = await failureOf(
      activityEnv().run(activities().startSigningSync, { contractId: 1, trigger: 'webhook' as 'reconcile' }),
    );
    expect(err).toMatchObject({ type: 'Rejected', nonRetryable: true });
    expect(err.message).toMatch(/trigger must be "reconcile" or "backfill"/);
  });
});
