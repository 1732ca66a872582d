import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  metricMeter,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OneflowActivities, SuperOfficeActivities } from '../activities';
import { outcomeStatus } from '../mapping/outcome-status';
import { OUTCOME, SALE_ID } from '../temporal/search-attributes';
import { oneflowTaskQueue } from '../temporal/task-queues';
import { activityOptions } from './activity-options';
import type {
  EntityUpdate,
  Outcome,
  ResolvedPlan,
  ResourceResult,
  SmartSyncInput,
  SmartSyncResult,
  SyncProgress,
} from './sync-types';

export const progressQuery = defineQuery<SyncProgress>('progress');

/** The failure's own message and type, from inside Temporal's ActivityFailure wrapper. */
function describeFailure(err: unknown): { message: string; type?: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { message: cause.message, type: cause.type ?? undefined };
  return { message: cause instanceof Error ? cause.message : String(cause) };
}

function failedEntity(update: EntityUpdate, error: string): ResourceResult {
  return {
    type: update.type,
    id: update.id,
    name: update.name,
    participant: update.participant,
    status: 'failed',
    error,
    properties: [
      ...update.changes.map((c) => ({
        property: c.property,
        label: c.label,
        status: 'failed' as const,
        display: c.display,
        source: c.source,
        reason: 'not written',
      })),
      ...update.planned,
    ],
  };
}

/**
 * One sync of one signed contract: fetch it, plan the changes, update the Sale, its
 * Company, the matched Contacts and the Products side by side (each under its own
 * retry policy), then record the outcome as Activities in SuperOffice.
 */
export async function smartSync(input: SmartSyncInput): Promise<SmartSyncResult> {
  const progress: SyncProgress = { phase: 'fetching-contract', contractId: input.contractId, resources: [] };
  setHandler(progressQuery, () => progress);
  const steps = input.steps ?? {};
  const result: SmartSyncResult = {
    contractId: input.contractId,
    trigger: input.trigger,
    outcome: 'failed',
    resources: [],
    notes: [],
  };
  const finish = (outcome: Outcome): SmartSyncResult => {
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

  const { fetchSignedContract } = proxyActivities<OneflowActivities>(
    activityOptions('fetchContract', steps.fetchContract, oneflowTaskQueue(workflowInfo().taskQueue)),
  );
  const { resolvePlan } = proxyActivities<SuperOfficeActivities>(activityOptions('plan', steps.plan));
  const { updateSale } = proxyActivities<SuperOfficeActivities>(activityOptions('sale', steps.sale));
  const { updateCompany } = proxyActivities<SuperOfficeActivities>(activityOptions('company', steps.company));
  const { updateContact } = proxyActivities<SuperOfficeActivities>(activityOptions('contact', steps.contact));
  const { updateProducts } = proxyActivities<SuperOfficeActivities>(
    activityOptions('products', steps.products),
  );
  const { recordOutcome } = proxyActivities<SuperOfficeActivities>(activityOptions('outcome', steps.outcome));

  // 1. The contract, from Oneflow: the webhook is trusted for nothing but the id.
  let facts: Awaited<ReturnType<OneflowActivities['fetchSignedContract']>>;
  try {
    facts = await fetchSignedContract(input.contractId);
  } catch (err) {
    const { message, type } = describeFailure(err);
    result.notes.push(`The contract was not synced: ${message}`);
    if (type === 'ContractNotSigned') return finish('not_signed');
    if (type === 'ContractNotFound') return finish('failed');
    finish('failed');
    throw ApplicationFailure.nonRetryable(
      `Could not fetch contract ${input.contractId} from Oneflow: ${message}`,
      'FetchFailed',
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
    let outcome: ResourceResult;
    try {
      outcome = await work;
    } catch (err) {
      outcome = onFailure(describeFailure(err).message);
    }
    progress.resources.push(outcome);
    return outcome;
  };
  const updates: Promise<ResourceResult>[] = [];
  const { sale, company, products } = plan;
  if (sale) updates.push(settle(updateSale(sale), (e) => failedEntity(sale, e)));
  if (company) updates.push(settle(updateCompany(company), (e) => failedEntity(company, e)));
  for (const contact of plan.contacts) {
    updates.push(settle(updateContact(contact), (e) => failedEntity(contact, e)));
  }
  if (products) {
    updates.push(
      settle(updateProducts(products), (error) => ({
        type: 'Products',
        id: products.saleId,
        status: 'failed',
        error,
        properties: products.planned,
      })),
    );
  }
  result.resources = [...plan.settled, ...(await Promise.all(updates))];

  // 4. The outcome, as Activities on the Sale.
  progress.phase = 'recording-outcome';
  if (plan.saleId === undefined) {
    result.activities = {
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
    result.activities = { appointmentIds: recorded.appointmentIds };
    return finish(recorded.status);
  } catch (err) {
    result.activities = { appointmentIds: [], notRecordedReason: describeFailure(err).message };
    // recordOutcome decides the outcome; when it could not run, the same rules decide here.
    return finish(outcomeStatus(result.resources));
  }
}
