import { fetchContractActivity } from '../../src/activities/fetch-contract';
import {
  DEMO_CONTRACT_ID,
  DEMO_DRAFT_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { createLogger } from '../../src/logging/logger';
import { OneflowClient } from '../../src/oneflow/client';
import { activityEnv, failureOf } from './activity-env';

/**
 * fetchSignedContract against the Oneflow emulator, run as Temporal runs an activity
 * (MockActivityEnvironment): what it returns for a signed contract, and which failures
 * it raises, with which type and whether Temporal may retry them. The workflow's
 * branches (not_signed, failed, FetchFailed) are chosen by those types.
 */
let oneflow: RunningOneflowEmulator;
const logger = createLogger('silent');

beforeEach(async () => {
  oneflow = await startOneflowEmulator({ port: 0, webhookUrl: null });
});
afterEach(async () => {
  await oneflow?.close();
});

function fetchSignedContract(apiToken = DEMO_ONEFLOW_TOKEN) {
  return fetchContractActivity({ oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken }), logger });
}

async function fault(rule: Record<string, unknown>) {
  const res = await fetch(`${oneflow.origin}/_emulator/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rule),
  });
  expect(res.status).toBe(201);
}

describe('fetchSignedContract', () => {
  it('returns the facts of a signed contract', async () => {
    oneflow.sign(DEMO_CONTRACT_ID);
    const facts = await activityEnv().run(fetchSignedContract(), DEMO_CONTRACT_ID);

    expect(facts).toMatchObject({
      contractId: DEMO_CONTRACT_ID,
      state: 'signed',
      dataFields: expect.objectContaining({ superoffice_sale_id: '2001', po_number: 'PO-2026-0042' }),
    });
    expect(facts.counterpartyParticipants.map((p) => p.name)).toEqual(['Anna Berg', 'Jonas Dahl']);
    expect(facts.products.length).toBeGreaterThan(0);
  });

  it.each([
    ['pending (not everyone has signed)', DEMO_CONTRACT_ID, 'pending'],
    ['a draft', DEMO_DRAFT_CONTRACT_ID, 'draft'],
  ])('fails with a non-retryable ContractNotSigned for %s', async (_what, contractId, state) => {
    const err = await failureOf(activityEnv().run(fetchSignedContract(), contractId));

    expect(err).toMatchObject({ type: 'ContractNotSigned', nonRetryable: true });
    expect(err.message).toContain(`contract ${contractId} is "${state}" in Oneflow`);
  });

  it('fails with a non-retryable ContractNotFound for a contract Oneflow does not have', async () => {
    const err = await failureOf(activityEnv().run(fetchSignedContract(), 424242));

    expect(err).toMatchObject({ type: 'ContractNotFound', nonRetryable: true });
    expect(err.message).toBe('Oneflow has no contract 424242 (or the API token cannot see it)');
  });

  it('fails retryably on a Oneflow outage (so the policy retries it, then the workflow reports FetchFailed)', async () => {
    oneflow.sign(DEMO_CONTRACT_ID);
    await fault({ method: 'GET', path: `/v1/contracts/${DEMO_CONTRACT_ID}`, status: 503, times: 1 });
    const err = await failureOf(activityEnv().run(fetchSignedContract(), DEMO_CONTRACT_ID));

    expect(err).toMatchObject({ type: 'ServerError', nonRetryable: false });
    expect(err.message).toMatch(/^fetching Oneflow contract 9001: /);
    // The next attempt gets the contract.
    await expect(
      activityEnv({ attempt: 2 }).run(fetchSignedContract(), DEMO_CONTRACT_ID),
    ).resolves.toMatchObject({ state: 'signed' });
  });

  it('fails non-retryably when the API token is refused', async () => {
    const err = await failureOf(
      activityEnv().run(fetchSignedContract('not-a-valid-token'), DEMO_CONTRACT_ID),
    );

    expect(err).toMatchObject({ type: 'Unauthorized', nonRetryable: true });
    // The sync's failure names the setting to fix, and never the token itself.
    expect(err.message).toContain('ONEFLOW_API_TOKEN');
    expect(err.message).not.toContain('not-a-valid-token');
  });
});
