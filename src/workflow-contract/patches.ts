/**
 * The patch ids of every deliberate change to the smartSync workflow's commands since
 * version 0.1. A run that started before a change replays without it (patched() is false
 * there); new runs take the new path. README, "Changing the workflow", says how to add one.
 */
export const PATCH = {
  /** 0.2: a failed plan with a known Sale records a failure Activity on it. */
  recordPlanFailure: 'record-plan-failure',
  /** 0.2: the Sale is saved before the quote is recalculated, not beside it. */
  saleBeforeProducts: 'sale-before-products',
  /** 0.2: a cancelled run stops instead of reporting the cancellation as a failed step. */
  rethrowCancellation: 'rethrow-cancellation',
  /**
   * 0.3: the quote is written (lines updated, added, removed, recalculated) before the Sale,
   * so that a Sale marked Sold is saved with the quote's final amount.
   */
  productsBeforeSale: 'products-before-sale',
  /** 0.3: smartSync.attachSignedPdf files the signed PDF as a Document on the Sale. */
  attachSignedPdf: 'attach-signed-pdf',
  /**
   * 0.4: the run's search attributes are upserted once, at the end (the Sale id with the
   * outcome), not also when the Sale is known. Asked once, first: a run that has it takes
   * every earlier change without asking for them, so that it records one patch marker
   * (each patch costs a marker and a TemporalChangeVersion upsert in every history).
   */
  oneOutcomeUpsert: 'one-outcome-upsert',
  /**
   * 0.5: every Oneflow activity makes one request, so that the Oneflow task queue's rate
   * limit counts requests: a webhook's event is checked by its own step, checkSigningEvent,
   * beside the fetch, and a signing found by reconciliation or a backfill is not checked
   * again (the run that started it read it from Oneflow). Asked first, like 0.4's, and a
   * run that has it takes 0.4 and everything before without asking.
   */
  oneRequestPerOneflowActivity: 'one-request-per-oneflow-activity',
} as const;

export type PatchId = (typeof PATCH)[keyof typeof PATCH];
