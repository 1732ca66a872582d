import type { Logger } from '../logging/logger';
import type { OneflowClient } from '../oneflow/client';
import type { SettingsStore } from '../settings/settings-store';
import { CatalogCache } from '../superoffice/catalog-loader';
import type { SuperOfficeClient } from '../superoffice/client';
import { fetchContractActivity } from './fetch-contract';
import { recordOutcomeActivity } from './record-outcome';
import { resolvePlanActivity } from './resolve-plan';
import { withCallRetries } from './retry-transient-calls';
import { updateEntityActivity } from './update-entity';
import { updateProductsActivity } from './update-products';

/**
 * Activities are built from their dependencies, so tests hand them clients pointed at
 * the emulators instead of mocking modules. Oneflow's are separate because they run on
 * their own, rate-limited task queue.
 */
export function createOneflowActivities(deps: { oneflow: OneflowClient; logger: Logger }) {
  return { fetchSignedContract: fetchContractActivity(deps) };
}

export function createSuperOfficeActivities(deps: {
  superoffice: SuperOfficeClient;
  settings: SettingsStore;
  logger: Logger;
  catalog?: CatalogCache;
}) {
  // Every repeatable SuperOffice call is retried briefly before its failure fails an attempt.
  const retrying = { ...deps, superoffice: withCallRetries(deps.superoffice) };
  const catalog = deps.catalog ?? new CatalogCache(retrying.superoffice);
  const updateEntity = updateEntityActivity(retrying);
  return {
    resolvePlan: resolvePlanActivity({ ...retrying, catalog }),
    // One implementation, three activity names: each record type gets its own retry
    // policy in the workflow and its own row in the Temporal Web UI.
    updateSale: updateEntity,
    updateCompany: updateEntity,
    updateContact: updateEntity,
    updateProducts: updateProductsActivity(retrying),
    recordOutcome: recordOutcomeActivity(retrying),
  };
}

export type OneflowActivities = ReturnType<typeof createOneflowActivities>;
export type SuperOfficeActivities = ReturnType<typeof createSuperOfficeActivities>;
