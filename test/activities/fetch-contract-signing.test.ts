import { checkSigningEventActivity, fetchContractActivity } from '../../src/activities/fetch-contract';
import {
  DEMO_CONTRACT_ID,
  DEMO_DRAFT_CONTRACT_ID,
  DEMO_ONEFLOW_TOKEN,
  type RunningOneflowEmulator,
  oneflowDemoSeed,
  startOneflowEmulator,
} from '../../src/emulators/oneflow';
import { createLogger } from '../../src/logging/logger';
import { OneflowClient } from '../../src/oneflow/client';
import { activityEnv, failureOf } from './activity-env';

/**
 * fetchSignedContract given the webhook's event: Oneflow's webhook signature does not
 * cover the body, so a captured webhook replayed with another contract id or a made-up
 * event id verifies; the event must be a contract:sign among the contract's own events.
 */
const OTHER_SIGNED_ID = 9003;
let oneflow: RunningOneflowEmulator;
const logger = createLogger('silent');

beforeEach(async () => {
  oneflow = await startOneflowEmulator({ port: 0, webhookUrl: null });
  // A second contract of the account, signed too, whose id a replay could carry.
  oneflow.emulator.putContract({ ...oneflowDemoSeed.contracts![0]!, id: OTHER_SIGNED_ID });
});
afterEach(async () => {
  await oneflow?.close();
});

function fetchSignedContract() {
  return fetchContractActivity({
    oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN }),
    logger,
  });
}

function checkSigningEvent() {
  return checkSigningEventActivity({
    oneflow: new OneflowClient({ apiUrl: oneflow.apiUrl, apiToken: DEMO_ONEFLOW_TOKEN }),
    logger,
  });
}

/** The Oneflow calls the run made, as "METHOD path". */
function oneflowCalls() {
  return oneflow.control.requests().map((r) => `${r.method} ${r.path}`);
}

describe('fetchSignedContract with the webhook’s event', () => {
  it('passes a real signing, with one call for the contract and one for its events', async () => {
    oneflow.emulator.emitEvent(DEMO_CONTRACT_ID, 'contract:publish');
    const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;
    oneflow.control.clearRequests();

    const facts = await activityEnv().run(fetchSignedContract(), { contractId: DEMO_CONTRACT_ID, eventId });

    expect(facts).toMatchObject({ contractId: DEMO_CONTRACT_ID, state: 'signed' });
    expect(oneflowCalls()).toEqual([
      `GET /v1/contracts/${DEMO_CONTRACT_ID}`,
      `GET /v1/contracts/${DEMO_CONTRACT_ID}/events`,
    ]);
    // Newest first, so the signing that was just made is on the first page.
    expect(oneflow.control.requests()[1]!.query).toMatchObject({ sort: '-id', offset: '0' });
  });

  it.each([
    ['another signed contract', OTHER_SIGNED_ID],
    ['a draft (told as a replay, not as a contract waiting for signatures)', DEMO_DRAFT_CONTRACT_ID],
  ])(
    'fails a replay carrying the id of %s with a non-retryable SigningNotFound, calling Oneflow for reads only',
    async (_what, contractId) => {
      oneflow.sign(OTHER_SIGNED_ID);
      const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;
      oneflow.control.clearRequests();

      const err = await failureOf(activityEnv().run(fetchSignedContract(), { contractId, eventId }));

      expect(err).toMatchObject({ type: 'SigningNotFound', nonRetryable: true });
      expect(err.message).toBe(
        `Oneflow has no event ${eventId} for contract ${contractId}: the webhook names an event of another contract, or one that never happened; the webhook is not taken for a signing, and nothing was written`,
      );
      expect(oneflowCalls().every((c) => c.startsWith('GET '))).toBe(true);
    },
  );

  it('fails a made-up event id with a non-retryable SigningNotFound', async () => {
    oneflow.sign(DEMO_CONTRACT_ID);
    const err = await failureOf(
      activityEnv().run(fetchSignedContract(), { contractId: DEMO_CONTRACT_ID, eventId: 777001 }),
    );

    expect(err).toMatchObject({ type: 'SigningNotFound', nonRetryable: true });
    expect(err.message).toContain(`Oneflow has no event 777001 for contract ${DEMO_CONTRACT_ID}`);
  });

  it('fails an event of the contract that is not a signing, naming its type', async () => {
    oneflow.sign(DEMO_CONTRACT_ID);
    const { eventId } = oneflow.emulator.emitEvent(DEMO_CONTRACT_ID, 'contract:content_update').delivery;
    const err = await failureOf(
      activityEnv().run(fetchSignedContract(), { contractId: DEMO_CONTRACT_ID, eventId }),
    );

    expect(err).toMatchObject({ type: 'SigningNotFound', nonRetryable: true });
    expect(err.message).toContain(
      `event ${eventId} of contract ${DEMO_CONTRACT_ID} is "contract:content_update"`,
    );
  });

  it('still fails a real signing whose signatures were reset since with ContractNotSigned', async () => {
    const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;
    oneflow.signatureReset(DEMO_CONTRACT_ID);
    const err = await failureOf(
      activityEnv().run(fetchSignedContract(), { contractId: DEMO_CONTRACT_ID, eventId }),
    );

    expect(err).toMatchObject({ type: 'ContractNotSigned', nonRetryable: true });
  });

  it('fails retryably when listing the events meets an outage, and passes on the next attempt', async () => {
    const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;
    const res = await fetch(`${oneflow.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/v1/contracts/*/events', status: 503, times: 1 }),
    });
    expect(res.status).toBe(201);
    const input = { contractId: DEMO_CONTRACT_ID, eventId };

    const err = await failureOf(activityEnv().run(fetchSignedContract(), input));
    expect(err).toMatchObject({ type: 'ServerError', nonRetryable: false });
    expect(err.message).toMatch(/^listing the events of Oneflow contract 9001: /);
    await expect(activityEnv({ attempt: 2 }).run(fetchSignedContract(), input)).resolves.toMatchObject({
      state: 'signed',
    });
  });
});

describe('fetchSignedContract without an event', () => {
  it.each([
    ['a plain contract id (runs already in flight)', DEMO_CONTRACT_ID],
    ['an object without eventId (a manual run)', { contractId: DEMO_CONTRACT_ID }],
  ])('takes %s and lists no events', async (_what, input) => {
    oneflow.sign(DEMO_CONTRACT_ID);
    oneflow.control.clearRequests();

    const facts = await activityEnv().run(fetchSignedContract(), input);

    expect(facts).toMatchObject({ contractId: DEMO_CONTRACT_ID, state: 'signed' });
    expect(oneflowCalls()).toEqual([`GET /v1/contracts/${DEMO_CONTRACT_ID}`]);
  });
});

describe('since 0.5: one Oneflow request per activity', () => {
  it('fetchSignedContract with checkSigning false reads the contract alone, event or not', async () => {
    const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;
    oneflow.control.clearRequests();

    const facts = await activityEnv().run(fetchSignedContract(), {
      contractId: DEMO_CONTRACT_ID,
      eventId,
      checkSigning: false,
    });

    expect(facts).toMatchObject({ contractId: DEMO_CONTRACT_ID, state: 'signed' });
    expect(oneflowCalls()).toEqual([`GET /v1/contracts/${DEMO_CONTRACT_ID}`]);
  });

  it('checkSigningEvent passes a real signing with one call, for the events, newest first', async () => {
    oneflow.emulator.emitEvent(DEMO_CONTRACT_ID, 'contract:publish');
    const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;
    oneflow.control.clearRequests();

    await expect(
      activityEnv().run(checkSigningEvent(), { contractId: DEMO_CONTRACT_ID, eventId }),
    ).resolves.toBeUndefined();

    expect(oneflowCalls()).toEqual([`GET /v1/contracts/${DEMO_CONTRACT_ID}/events`]);
    expect(oneflow.control.requests()[0]!.query).toMatchObject({ sort: '-id', offset: '0' });
  });

  it('checkSigningEvent fails a replay carrying another contract id with a non-retryable SigningNotFound', async () => {
    oneflow.sign(OTHER_SIGNED_ID);
    const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;

    const err = await failureOf(
      activityEnv().run(checkSigningEvent(), { contractId: OTHER_SIGNED_ID, eventId }),
    );

    expect(err).toMatchObject({ type: 'SigningNotFound', nonRetryable: true });
    expect(err.message).toContain(`Oneflow has no event ${eventId} for contract ${OTHER_SIGNED_ID}`);
  });

  it('checkSigningEvent fails an unknown contract with a non-retryable ContractNotFound', async () => {
    const err = await failureOf(activityEnv().run(checkSigningEvent(), { contractId: 424242, eventId: 1 }));

    expect(err).toMatchObject({ type: 'ContractNotFound', nonRetryable: true });
    expect(err.message).toBe('Oneflow has no contract 424242 (or the API token cannot see it)');
  });

  it('checkSigningEvent fails retryably in an outage', async () => {
    const { eventId } = oneflow.sign(DEMO_CONTRACT_ID).delivery;
    await fetch(`${oneflow.origin}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/v1/contracts/*/events', status: 503, times: 1 }),
    });

    const err = await failureOf(
      activityEnv().run(checkSigningEvent(), { contractId: DEMO_CONTRACT_ID, eventId }),
    );

    expect(err).toMatchObject({ type: 'ServerError', nonRetryable: false });
  });
});
