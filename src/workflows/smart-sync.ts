import {
  ActivityFailure,
  ApplicationFailure,
  metricMeter,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type ContractFacts,
  FAILURE,
  failedEntityUpdate,
  failedProductsUpdate,
  normalizeStepOverrides,
  OUTCOME,
  oneflowTaskQueue,
  outcomeStatus,
  progressQuery,
  type ResolvedPlan,
  type ResourceResult,
  SALE_ID,
  type SmartSyncActivities,
  type SmartSyncInput,
  type SmartSyncResult,
  type StepName,
  stepActivityOptions,
  type SyncOutcome,
  type SyncProgress,
} from '../workflow-contract';

/** The failure's own message and type, from inside Temporal's ActivityFailure wrapper. */
function describeFailure(err: unknown): { message: string; type?: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { message: cause.message, type: cause.type ?? undefined };
  return { message: cause instanceof Error ? cause.message : String(cause) };
}

/**
 * One sync of one signed contract: fetch it, plan the changes, update the Sale, its
 * Company, the matched Contacts and the Products side by side (each under its own
 * retry policy), then record the outcome as Activities in SuperOffice.
 */
export async function smartSync(input: SmartSyncInput): Promise<SmartSyncResult> {
  const progress: SyncProgress = { phase: 'fetching-contract', contractId: input.contractId, resources: [] };
  setHandler(progressQuery, () => progress);
  const result: SmartSyncResult = {
    contractId: input.contractId,
    trigger: input.trigger,
    outcome: 'failed',
    resources: [],
    notes: [],
  };
  const finish = (outcome: SyncOutcome): SmartSyncResult => {
    result.outcome = outcome;
    progress.phase = 'done';
    progress.outcome = outcome;
    upsertSearchAttributes([{ key: OUTCOME, value: outcome }]);
    // Exported with the SDK's metrics (GET /metrics) as smart_sync_syncs_total{outcome,trigger}.
    metricMeter
      .createCounter('smart_sync_syncs', 'syncs', 'Finished Smart Sync runs, by outcome')
      .add(1, { outcome, trigger: input.trigger });
    return result;
  };

  const overrides = normalizeStepOverrides(input.steps);
  const step = <S extends StepName>(name: S, taskQueue?: string): SmartSyncActivities[S] =>
    proxyActivities<SmartSyncActivities>(stepActivityOptions(name, overrides[name], taskQueue))[name];
  const fetchSignedContract = step('fetchSignedContract', oneflowTaskQueue(workflowInfo().taskQueue));
  const resolvePlan = step('resolvePlan');
  const updateSale = step('updateSale');
  const updateCompany = step('updateCompany');
  const updateContact = step('updateContact');
  const updateProducts = step('updateProducts');
  const recordOutcome = step('recordOutcome');

  // 1. The contract, from Oneflow: the webhook is trusted for nothing but the id.
  let facts: ContractFacts;
  try {
    facts = await fetchSignedContract(input.contractId);
  } catch (err) {
    const { message, type } = describeFailure(err);
    result.notes.push(`The contract was not synced: ${message}`);
    if (type === FAILURE.ContractNotSigned) return finish('not_signed');
    if (type === FAILURE.ContractNotFound) return finish('failed');
    finish('failed');
    throw ApplicationFailure.nonRetryable(
      `Could not fetch contract ${input.contractId} from Oneflow: ${message}`,
      FAILURE.FetchFailed,
    );
  }

  // 2. The plan: which records, which properties, which values.
  progress.phase = 'planning';
  let plan: ResolvedPlan;
  try {
    plan = await resolvePlan({ contractId: input.contractId, facts });
  } catch (err) {
    result.notes.push(`Nothing was written: ${describeFailure(err).message}`);
    return finish('failed');
  }
  result.notes.push(...plan.notes);
  if (plan.saleId !== undefined) {
    result.saleId = plan.saleId;
    progress.saleId = plan.saleId;
    upsertSearchAttributes([{ key: SALE_ID, value: plan.saleId }]);
  }

  // 3. The updates, side by side: no record depends on another.
  progress.phase = 'updating';
  progress.resources = [...plan.settled];
  const settle = async (work: Promise<ResourceResult>, onFailure: (error: string) => ResourceResult) => {
    let resource: ResourceResult;
    try {
      resource = await work;
    } catch (err) {
      resource = onFailure(describeFailure(err).message);
    }
    progress.resources.push(resource);
    return resource;
  };
  const updates: Promise<ResourceResult>[] = [];
  const { sale, company, products } = plan;
  if (sale) updates.push(settle(updateSale(sale), (e) => failedEntityUpdate(sale, e)));
  if (company) updates.push(settle(updateCompany(company), (e) => failedEntityUpdate(company, e)));
  for (const contact of plan.contacts) {
    updates.push(settle(updateContact(contact), (e) => failedEntityUpdate(contact, e)));
  }
  if (products) updates.push(settle(updateProducts(products), (e) => failedProductsUpdate(products, e)));
  result.resources = [...plan.settled, ...(await Promise.all(updates))];

  // 4. The outcome, as Activities on the Sale.
  progress.phase = 'recording-outcome';
  if (plan.saleId === undefined) {
    result.appointments = {
      appointmentIds: [],
      notRecordedReason: 'the contract links to no SuperOffice Sale',
    };
    return finish(plan.nothingToSync !== undefined ? 'nothing_to_sync' : 'failed');
  }
  const info = workflowInfo();
  try {
    const recorded = await recordOutcome({
      contractId: input.contractId,
      saleId: plan.saleId,
      companyId: plan.companyId,
      personIds: plan.personIds,
      resources: result.resources,
      notes: result.notes,
      nothingToSync: plan.nothingToSync,
      run: { workflowId: info.workflowId, runId: info.runId, trigger: input.trigger },
    });
    result.appointments = { appointmentIds: recorded.appointmentIds };
    return finish(recorded.status);
  } catch (err) {
    result.appointments = { appointmentIds: [], notRecordedReason: describeFailure(err).message };
    // recordOutcome decides the outcome; when it could not run, the same rules decide here.
    return finish(outcomeStatus(result.resources));
  }
}
