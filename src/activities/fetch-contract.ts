import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import type { OneflowClient } from '../oneflow/client';
import { toContractFacts } from '../mapping/contract-facts';
import { activityLogger } from './activity-logger';
import { nonRetryable, toActivityFailure } from './failures';
import { FAILURE, type ContractFacts } from '../workflow-contract';

/**
 * Step 1: the contract, from the Oneflow API. The webhook body is trusted for nothing
 * but the contract id, so the state is checked here: only a signed contract is synced.
 */
export function fetchContractActivity(deps: { oneflow: OneflowClient; logger: Logger }) {
  return async function fetchSignedContract(contractId: number): Promise<ContractFacts> {
    let contract;
    try {
      contract = await deps.oneflow.getContract(contractId);
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') {
        throw nonRetryable(
          FAILURE.ContractNotFound,
          `Oneflow has no contract ${contractId} (or the API token cannot see it)`,
        );
      }
      throw toActivityFailure(err, `fetching Oneflow contract ${contractId}`);
    }
    if (contract.state !== 'signed') {
      throw nonRetryable(
        FAILURE.ContractNotSigned,
        `contract ${contractId} is "${contract.state}" in Oneflow, not signed by all parties; nothing was written`,
      );
    }
    const facts = toContractFacts(contract);
    activityLogger(deps.logger, { contractId }).info(
      { dataFields: Object.keys(facts.dataFields).length, products: facts.products.length },
      'signed contract fetched from Oneflow',
    );
    return facts;
  };
}
