/**
 * The steps of a Smart Sync run. Each name is the activity type the Temporal Web UI shows
 * in the run's history, and the key of that step's retry policy and of its overrides.
 */
export const STEP = {
  fetchSignedContract: 'fetchSignedContract',
  /** Since 0.5: a webhook's event is a signing of its contract (beside the fetch). */
  checkSigningEvent: 'checkSigningEvent',
  resolvePlan: 'resolvePlan',
  updateSale: 'updateSale',
  updateCompany: 'updateCompany',
  updateContact: 'updateContact',
  updateProducts: 'updateProducts',
  /** smartSync.attachSignedPdf: the signed PDF, from Oneflow, filed as a Document on the Sale. */
  attachSignedPdf: 'attachSignedPdf',
  recordOutcome: 'recordOutcome',
} as const;

export type StepName = keyof typeof STEP;

export const STEP_NAMES = Object.values(STEP) as readonly StepName[];

/**
 * The step keys SMART_SYNC_RETRY_POLICIES took before the keys became the activity
 * names. Deployments configured with them keep working.
 */
export const LEGACY_STEP_KEYS = {
  fetchContract: STEP.fetchSignedContract,
  plan: STEP.resolvePlan,
  sale: STEP.updateSale,
  company: STEP.updateCompany,
  contact: STEP.updateContact,
  products: STEP.updateProducts,
  outcome: STEP.recordOutcome,
} as const satisfies Record<string, StepName>;

export type LegacyStepKey = keyof typeof LEGACY_STEP_KEYS;

/** Where a running sync is, as the progress query answers it. */
export const SYNC_PHASES = [
  'fetching-contract',
  'planning',
  'updating',
  'recording-outcome',
  'done',
] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];
