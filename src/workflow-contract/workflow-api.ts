import { defineQuery } from '@temporalio/workflow';
import type { SyncProgress } from './step-io';

/** The workflow type, as clients start it and the Web UI lists it. */
export const SMART_SYNC_WORKFLOW = 'smartSync';

/** Where a running sync is; answered from memory, so it is cheap to ask while it runs. */
export const progressQuery = defineQuery<SyncProgress>('progress');
