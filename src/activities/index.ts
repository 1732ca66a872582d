import type { Logger } from '../logging/logger';
import type { OneflowClient } from '../oneflow/client';
import type { MappingStore } from '../mapping-store/mapping-store';
import { CatalogCache } from '../superoffice/catalog-loader';
import type { SuperOfficeClient } from '../superoffice/client';
import type { Client } from '@temporalio/client';
import { attachSignedPdfActivity } from './attach-signed-pdf';
import { awaitSyncsActivity } from './await-syncs';
import { checkSigningEventActivity, fetchContractActivity } from './fetch-contract';
import { type RecordOutcomeOptions, recordOutcomeActivity } from './record-outcome';
import { resolvePlanActivity } from './resolve-plan';
import { withCallRetries } from './retry-transient-calls';
import { updateEntityActivity } from './update-entity';
import { updateProductsActivity } from './update-products';
import type { BackfillActivities, OneflowActivities, SuperOfficeActivities } from '../workflow-contract';

/**
 * Activities are built from their dependencies, so tests hand them clients pointed at
 * the emulators instead of mocking modules. Oneflow's are separate because they run on
 * their own, rate-limited task queue.
 */
export function createOneflowActivities(deps: { oneflow: OneflowClient; logger: Logger }): OneflowActivities {
  return {
    fetchSignedContract: fetchContractActivity(deps),
    checkSigningEvent: checkSigningEventActivity(deps),
  };
}

export function createSuperOfficeActivities(deps: {
  superoffice: SuperOfficeClient;
  mappingStore: MappingStore;
  logger: Logger;
  catalog?: CatalogCache;
  /** For the signed PDF (smartSync.attachSignedPdf), which is downloaded from Oneflow. */
  oneflow?: OneflowClient;
  /** How the outcome step waits for an earlier attempt's create (tests scale it down). */
  recordOutcome?: Partial<RecordOutcomeOptions>;
}): SuperOfficeActivities {
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
    attachSignedPdf: attachSignedPdfActivity(retrying),
    recordOutcome: recordOutcomeActivity({ ...retrying, options: deps.recordOutcome }),
  };
}

/** The backfill's wait for its syncs: it calls Temporal only, so it runs on the main task queue. */
export function createBackfillActivities(deps: { client: Client; pollMs?: number }): BackfillActivities {
  return { awaitSyncs: awaitSyncsActivity(deps) };
}
