import { ApplicationFailure } from '@temporalio/common';
import { currentAttempt, runAsAttempt } from '../activities/attempt';
import { readContract } from '../activities/fetch-contract';
import { resolvePlanActivity } from '../activities/resolve-plan';
import { withCallRetries } from '../activities/retry-transient-calls';
import type { MappingDocument } from '../config/mapping-document';
import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import { toContractFacts } from '../mapping/contract-facts';
import { type ContractPreview, type PreviewCurrentState, recordKey, shapePreview } from '../mapping/preview';
import { InMemoryMappingStore, type MappingStore } from '../mapping-store/mapping-store';
import type { OneflowClient } from '../oneflow/client';
import { CatalogCache } from '../superoffice/catalog-loader';
import type { SuperOfficeClient } from '../superoffice/client';
import { FAILURE, type ResolvedPlan } from '../workflow-contract';

/** A preview that could not be made, with the HTTP status that says why. */
export class PreviewError extends Error {
  override readonly name = 'PreviewError';
  constructor(
    readonly status: 404 | 502 | 503 | 504,
    message: string,
  ) {
    super(message);
  }
}

export interface PreviewDeps {
  oneflow: OneflowClient;
  superoffice: SuperOfficeClient;
  store: MappingStore;
  logger: Logger;
}

/** Well past a healthy preview's second or two, and short of the patience of an admin at a prompt. */
export const PREVIEW_DEADLINE_MS = 60_000;

/** Cancelled (deadline, admin gone): the caller says why; the failure it caused says nothing. */
const stopped = () => currentAttempt().scope.signal.aborted;

/** Transient: the caller may simply ask again; an unexpected error is a bug and is not hidden as one. */
function transient(err: unknown): boolean {
  if (err instanceof ApiError) return err.retryable;
  return err instanceof ApplicationFailure && !err.nonRetryable && err.type !== FAILURE.Unexpected;
}

/**
 * What a sync of the contract would write, with nothing written: the sync's own fetch and
 * plan steps, called as plain functions outside Temporal (one attempt, which the deadline or
 * the admin going away cancels; its heartbeats go nowhere), then a read of the records the
 * plan would write to, for their current values. The plan step's result carries only the new values, so those
 * records are read once more; a preview is rare, and reads are all it makes.
 */
export async function previewContract(
  deps: PreviewDeps,
  contractId: number,
  options: { document?: MappingDocument; signal?: AbortSignal; deadlineMs?: number } = {},
): Promise<ContractPreview> {
  const deadline = AbortSignal.timeout(options.deadlineMs ?? PREVIEW_DEADLINE_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    return await runAsAttempt(signal, () => preview(deps, contractId, options.document));
  } catch (err) {
    if (deadline.aborted)
      throw new PreviewError(
        504,
        `the preview took longer than ${Math.round((options.deadlineMs ?? PREVIEW_DEADLINE_MS) / 1000)} s: Oneflow or SuperOffice is answering slowly; try again later`,
      );
    throw err;
  }
}

async function preview(
  deps: PreviewDeps,
  contractId: number,
  document: MappingDocument | undefined,
): Promise<ContractPreview> {
  let contract;
  try {
    contract = await readContract(deps.oneflow.forAttempt(currentAttempt().scope), contractId);
  } catch (err) {
    if (stopped()) throw err;
    if (err instanceof ApplicationFailure && err.type === FAILURE.ContractNotFound)
      throw new PreviewError(404, err.message);
    if (transient(err))
      throw new PreviewError(503, `Oneflow is not answering, try again later: ${(err as Error).message}`);
    if (err instanceof ApplicationFailure)
      throw new PreviewError(502, `Oneflow refused to give the contract: ${err.message}`);
    throw err;
  }
  const facts = toContractFacts(contract);
  const superoffice = withCallRetries(deps.superoffice);
  // Its own catalog, loaded now: an admin previewing after changing a field in SuperOffice
  // should not see the metadata a sync cached minutes ago.
  const catalog = new CatalogCache(superoffice);
  const resolvePlan = resolvePlanActivity({
    superoffice,
    mappingStore: document ? new InMemoryMappingStore(document) : deps.store,
    catalog,
    logger: deps.logger,
  });
  let plan: ResolvedPlan;
  try {
    plan = await resolvePlan({ contractId, facts });
  } catch (err) {
    if (stopped()) throw err;
    if (transient(err))
      throw new PreviewError(503, `SuperOffice is not answering, try again later: ${(err as Error).message}`);
    if (err instanceof ApplicationFailure) {
      // What the sync would do too: fail before writing anything, for this reason.
      return shapePreview({
        contractId,
        contractState: facts.state,
        failure: { ...(err.type ? { type: err.type } : {}), message: err.message },
      });
    }
    throw err;
  }
  let current: PreviewCurrentState;
  try {
    current = await readCurrentState(superoffice, plan, catalog);
  } catch (err) {
    if (stopped()) throw err;
    if (transient(err))
      throw new PreviewError(503, `SuperOffice is not answering, try again later: ${(err as Error).message}`);
    throw err;
  }
  return shapePreview({ contractId, contractState: facts.state, plan, current });
}

async function readCurrentState(
  client: SuperOfficeClient,
  plan: ResolvedPlan,
  catalog: CatalogCache,
): Promise<PreviewCurrentState> {
  const superoffice = client.forAttempt(currentAttempt().scope);
  const records: PreviewCurrentState['records'] = {};
  const reads: Array<Promise<void>> = [];
  const read = (type: string, id: number, load: () => Promise<Record<string, unknown>>) =>
    reads.push(
      load().then(
        (entity) => {
          records[recordKey(type, id)] = entity;
        },
        (err: unknown) => {
          // Gone since the plan read it: the preview shows no current value rather than failing.
          if (!(err instanceof ApiError && err.kind === 'not_found')) throw err;
        },
      ),
    );
  if (plan.sale) read('Sale', plan.sale.id, () => superoffice.getSale(plan.sale!.id));
  if (plan.company) read('Company', plan.company.id, () => superoffice.getCompany(plan.company!.id));
  for (const c of plan.contacts) read('Contact', c.id, () => superoffice.getPerson(c.id));
  const [quoteLines, loaded] = await Promise.all([
    plan.products ? superoffice.getQuoteLines(plan.products.quoteAlternativeId) : [],
    catalog.get(superoffice),
    ...reads,
  ]);
  return { records, quoteLines, catalog: loaded };
}
