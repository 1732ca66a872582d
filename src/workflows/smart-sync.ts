import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  metricMeter,
  patched,
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
  failedSignedPdf,
  normalizeStepOverrides,
  OUTCOME,
  oneflowTaskQueue,
  outcomeStatus,
  PATCH,
  type PatchId,
  type PlanFailureDetails,
  progressQuery,
  type RecordOutcomeInput,
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

interface FailureFacts {
  message: string;
  type?: string;
  details?: unknown;
}

/** The failure's own message, type and details, from inside Temporal's ActivityFailure wrapper. */
function describeFailure(err: unknown): FailureFacts {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    return { message: cause.message, type: cause.type ?? undefined, details: cause.details?.[0] };
  }
  return { message: cause instanceof Error ? cause.message : String(cause) };
}

/**
 * Whether this run takes the change `id`. A run from 0.4 on (PATCH.oneOutcomeUpsert, asked
 * first) takes every earlier change without asking, so its history holds one patch marker;
 * an older run asks for each as it did. From 0.5 on, PATCH.oneRequestPerOneflowActivity is
 * that one marker and stands for 0.4's too.
 */
type Takes = (id: PatchId) => boolean;

/** A cancelled run stops; runs from before the change keep reporting it as they did. */
function rethrowCancellation(err: unknown, takes: Takes): void {
  if (isCancellation(err) && takes(PATCH.rethrowCancellation)) throw err;
}

/**
 * One sync of one signed contract: fetch it, plan the changes, update the Sale, its
 * Company and the matched Contacts side by side and the Products after the Sale (each
 * under its own retry policy), then record the outcome as Activities in SuperOffice.
 * Runs of one contract are started one at a time by its contractSyncs workflow.
 */
export async function smartSync(input: SmartSyncInput): Promise<SmartSyncResult> {
  // Before any command, so that a run started before 0.5 (0.4) replays with it false.
  const since05 = patched(PATCH.oneRequestPerOneflowActivity);
  const since04 = since05 || patched(PATCH.oneOutcomeUpsert);
  const takes: Takes = (id) => since04 || patched(id);
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
    // Since 0.4 the Sale id comes with the outcome, in the run's one upsert: while it runs,
    // the run is found by its contract id (set at start) and tells its Sale in the progress query.
    upsertSearchAttributes([
      { key: OUTCOME, value: outcome },
      ...(since04 && result.saleId !== undefined ? [{ key: SALE_ID, value: result.saleId }] : []),
    ]);
    // Exported with the SDK's metrics (GET /metrics) as smart_sync_syncs_total{outcome,trigger}.
    metricMeter
      .createCounter('smart_sync_syncs', 'syncs', 'Finished Smart Sync runs, by outcome')
      .add(1, { outcome, trigger: input.trigger });
    return result;
  };
  const knowSale = (saleId: number) => {
    result.saleId = saleId;
    progress.saleId = saleId;
    if (!since04) upsertSearchAttributes([{ key: SALE_ID, value: saleId }]);
  };

  const overrides = normalizeStepOverrides(input.steps);
  const step = <S extends StepName>(name: S, taskQueue?: string): SmartSyncActivities[S] =>
    proxyActivities<SmartSyncActivities>(stepActivityOptions(name, overrides[name], taskQueue))[name];
  const fetchSignedContract = step('fetchSignedContract', oneflowTaskQueue(workflowInfo().taskQueue));
  const checkSigningEvent = step('checkSigningEvent', oneflowTaskQueue(workflowInfo().taskQueue));
  const resolvePlan = step('resolvePlan');
  const updateSale = step('updateSale');
  const updateCompany = step('updateCompany');
  const updateContact = step('updateContact');
  const updateProducts = step('updateProducts');
  const attachSignedPdf = step('attachSignedPdf');
  const recordOutcome = step('recordOutcome');
  const info = workflowInfo();
  const run = { workflowId: info.workflowId, runId: info.runId, trigger: input.trigger };

  // 1. The contract, from Oneflow: the webhook is trusted for nothing but the ids, and
  // its event must be a signing of this contract.
  let facts: ContractFacts;
  try {
    facts = since05
      ? await fetchChecked()
      : await fetchSignedContract(
          input.eventId !== undefined
            ? { contractId: input.contractId, eventId: input.eventId }
            : input.contractId,
        );
  } catch (err) {
    rethrowCancellation(err, takes);
    const { message, type } = describeFailure(err);
    result.notes.push(`The contract was not synced: ${message}`);
    if (type === FAILURE.ContractNotSigned || type === FAILURE.SigningNotFound) return finish('not_signed');
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
    rethrowCancellation(err, takes);
    const failure = describeFailure(err);
    result.notes.push(`Nothing was written: ${failure.message}`);
    const known = failure.details as PlanFailureDetails | undefined;
    // The rep looking at the Sale must see that the sync failed, not nothing at all.
    if (known?.saleId !== undefined && takes(PATCH.recordPlanFailure)) {
      knowSale(known.saleId);
      progress.phase = 'recording-outcome';
      await record({
        contractId: input.contractId,
        saleId: known.saleId,
        companyId: known.companyId,
        personIds: [],
        resources: [],
        notes: result.notes,
        planFailure: { type: failure.type, message: failure.message, types: known.types },
        run,
      });
    }
    return finish('failed');
  }
  result.notes.push(...plan.notes);
  if (plan.saleId !== undefined) knowSale(plan.saleId);

  // 3. The updates: the Company and the Contacts beside the Sale and the Products, never the
  // Sale beside the Products, because the quote's recalculation moves the Sale's amount and
  // SuperOffice saves a patched Sale whole, which could put the old amount back. Since 0.3
  // the quote comes first, so that a Sale marked Sold is saved with the final amount (the
  // PATCH applies to the Sale as SuperOffice holds it then); before, the Sale came first.
  progress.phase = 'updating';
  progress.resources = [...plan.settled];
  const settle = async (work: Promise<ResourceResult>, onFailure: (error: string) => ResourceResult) => {
    let resource: ResourceResult;
    try {
      resource = await work;
    } catch (err) {
      rethrowCancellation(err, takes);
      resource = onFailure(describeFailure(err).message);
    }
    progress.resources.push(resource);
    return resource;
  };
  const { sale, company, products, signedPdf } = plan;
  const updates: Promise<ResourceResult>[] = [];
  if (sale && products && takes(PATCH.productsBeforeSale)) {
    const productsUpdate = settle(updateProducts(products), (e) => failedProductsUpdate(products, e));
    updates.push(productsUpdate.then(() => settle(updateSale(sale), (e) => failedEntityUpdate(sale, e))));
    if (company) updates.push(settle(updateCompany(company), (e) => failedEntityUpdate(company, e)));
    for (const contact of plan.contacts) {
      updates.push(settle(updateContact(contact), (e) => failedEntityUpdate(contact, e)));
    }
    updates.push(productsUpdate);
  } else {
    const saleUpdate = sale ? settle(updateSale(sale), (e) => failedEntityUpdate(sale, e)) : undefined;
    if (saleUpdate) updates.push(saleUpdate);
    if (company) updates.push(settle(updateCompany(company), (e) => failedEntityUpdate(company, e)));
    for (const contact of plan.contacts) {
      updates.push(settle(updateContact(contact), (e) => failedEntityUpdate(contact, e)));
    }
    if (products) {
      if (saleUpdate && takes(PATCH.saleBeforeProducts)) await saleUpdate;
      updates.push(settle(updateProducts(products), (e) => failedProductsUpdate(products, e)));
    }
  }
  // The signed PDF touches no field the updates write, so it is filed beside them.
  if (signedPdf && takes(PATCH.attachSignedPdf)) {
    updates.push(settle(attachSignedPdf(signedPdf), (e) => failedSignedPdf(signedPdf, e)));
  }
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
  const recorded = await record({
    contractId: input.contractId,
    saleId: plan.saleId,
    companyId: plan.companyId,
    personIds: plan.personIds,
    resources: result.resources,
    notes: result.notes,
    nothingToSync: plan.nothingToSync,
    run,
  });
  // recordOutcome decides the outcome; when it could not run, the same rules decide here.
  return finish(recorded ?? outcomeStatus(result.resources, plan.nothingToSync));

  /**
   * Since 0.5: the contract, and beside it the check of a webhook's event, one Oneflow
   * request each. A missing contract is reported first, then a webhook that names no
   * signing (a replayed webhook naming a pending contract is told as what it is), then
   * the contract's own state.
   */
  async function fetchChecked(): Promise<ContractFacts> {
    const { contractId, eventId } = input;
    const fetched = fetchSignedContract({
      contractId,
      ...(eventId !== undefined ? { eventId } : {}),
      checkSigning: false,
    });
    if (eventId === undefined || input.trigger !== 'webhook') return fetched;
    const [contract, signing] = await Promise.allSettled([
      fetched,
      checkSigningEvent({ contractId, eventId }),
    ]);
    if (contract.status === 'rejected' && describeFailure(contract.reason).type === FAILURE.ContractNotFound)
      throw contract.reason;
    if (signing.status === 'rejected') throw signing.reason;
    if (contract.status === 'rejected') throw contract.reason;
    return contract.value;
  }

  /** Records the outcome Activities; undefined when they could not be recorded (said in the result). */
  async function record(outcome: RecordOutcomeInput) {
    try {
      const recorded = await recordOutcome(outcome);
      result.appointments = { appointmentIds: recorded.appointmentIds };
      return recorded.status;
    } catch (err) {
      rethrowCancellation(err, takes);
      result.appointments = { appointmentIds: [], notRecordedReason: describeFailure(err).message };
      return undefined;
    }
  }
}
