// The workflow bundle's entry point: every workflow the worker runs is exported here.
export { contractSyncs } from './contract-syncs';
export { reconcileSignings } from './reconcile-signings';
export { smartSync } from './smart-sync';
export { backfill } from './backfill';
