import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import type { OneflowClient } from '../oneflow/client';
import type { OneflowContract } from '../oneflow/contract';
import { toContractFacts } from '../mapping/contract-facts';
import { checkSigningEvent } from '../mapping/signing-check';
import { activityLogger } from './activity-logger';
import { startEarly } from './early-reads';
import { currentAttempt } from './attempt';
import { nonRetryable, toActivityFailure } from './failures';
import {
  FAILURE,
  type ContractFacts,
  type FetchContractInput,
  type SigningEventCheck,
} from '../workflow-contract';

/**
 * Step 1: the contract, from the Oneflow API. The webhook body is trusted for nothing
 * but the contract id, so the state is checked here: only a signed contract is synced.
 * Because the webhook's signature does not cover its body, a captured webhook can be
 * replayed with another contract's id or a made-up event id; so when the run names its
 * event, that event must be a signing among the contract's own events in Oneflow: checked
 * here for runs from before 0.5, by checkSigningEvent beside it since.
 */
export function fetchContractActivity(deps: { oneflow: OneflowClient; logger: Logger }) {
  // Runs started before the event check was added pass the contract id alone.
  return async function fetchSignedContract(input: number | FetchContractInput): Promise<ContractFacts> {
    const { contractId, eventId, checkSigning } =
      typeof input === 'number' ? { contractId: input, eventId: undefined, checkSigning: undefined } : input;
    const oneflow = deps.oneflow.forAttempt(currentAttempt().scope);
    // The contract and its events are read side by side (neither needs the other), and
    // awaited in this order, so a missing contract is still reported as such.
    const contractRead = startEarly(() => readContract(oneflow, contractId));
    const signing =
      eventId !== undefined && checkSigning !== false
        ? startEarly(() => requireSigningEvent(oneflow, contractId, eventId))
        : undefined;
    const contract = await contractRead;
    // Before the state: a replayed webhook naming a pending contract is reported as what
    // it is, not as a contract waiting for signatures.
    await signing;
    if (contract.state !== 'signed') {
      throw nonRetryable(
        FAILURE.ContractNotSigned,
        `contract ${contractId} is "${contract.state}" in Oneflow, not signed by all parties; nothing was written`,
      );
    }
    const facts = toContractFacts(contract);
    activityLogger(deps.logger, { contractId, ...(eventId !== undefined ? { eventId } : {}) }).info(
      { dataFields: Object.keys(facts.dataFields).length, products: facts.products.length },
      'signed contract fetched from Oneflow',
    );
    return facts;
  };
}

/**
 * Since 0.5, the webhook's event check as a step of its own, so that every activity on the
 * Oneflow task queue makes one request and its rate limit counts requests.
 */
export function checkSigningEventActivity(deps: { oneflow: OneflowClient; logger: Logger }) {
  return async function checkSigningEvent(input: SigningEventCheck): Promise<void> {
    const oneflow = deps.oneflow.forAttempt(currentAttempt().scope);
    await requireSigningEvent(oneflow, input.contractId, input.eventId);
    activityLogger(deps.logger, { ...input }).info(
      'the webhook event is a signing of its contract in Oneflow',
    );
  };
}

/**
 * The contract as Oneflow has it now, in whatever state: the sync step checks the state
 * itself, while a preview shows a contract still being negotiated too.
 */
export async function readContract(oneflow: OneflowClient, contractId: number): Promise<OneflowContract> {
  try {
    return await oneflow.getContract(contractId);
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'not_found') {
      throw nonRetryable(
        FAILURE.ContractNotFound,
        `Oneflow has no contract ${contractId} (or the API token cannot see it)`,
      );
    }
    throw toActivityFailure(err, `fetching Oneflow contract ${contractId}`);
  }
}

async function requireSigningEvent(
  oneflow: OneflowClient,
  contractId: number,
  eventId: number,
): Promise<void> {
  let events;
  try {
    // Newest first: the webhook's event is almost always on the first page, so the check
    // costs one more call against Oneflow's rate limit, not one per page of history.
    events = await oneflow.listContractEvents(contractId, {
      sort: '-id',
      until: (e) => e.id === eventId,
    });
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'not_found') {
      throw nonRetryable(
        FAILURE.ContractNotFound,
        `Oneflow has no contract ${contractId} (or the API token cannot see it)`,
      );
    }
    throw toActivityFailure(err, `listing the events of Oneflow contract ${contractId}`);
  }
  const check = checkSigningEvent(contractId, eventId, events);
  if (!check.signing) {
    throw nonRetryable(
      FAILURE.SigningNotFound,
      `${check.reason}; the webhook is not taken for a signing, and nothing was written`,
    );
  }
}
