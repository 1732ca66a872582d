import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes that make every run of a contract findable in the Temporal Web UI,
 * e.g. `SmartSyncContractId = 9001 AND SmartSyncOutcome = "failed"`.
 */
export const CONTRACT_ID = defineSearchAttributeKey('SmartSyncContractId', SearchAttributeType.INT);
export const SALE_ID = defineSearchAttributeKey('SmartSyncSaleId', SearchAttributeType.INT);
/** `running` (RUNNING_OUTCOME) while the run lasts, then one of SYNC_OUTCOMES. */
export const OUTCOME = defineSearchAttributeKey('SmartSyncOutcome', SearchAttributeType.KEYWORD);
/** One of TRIGGERS. */
export const TRIGGER = defineSearchAttributeKey('SmartSyncTrigger', SearchAttributeType.KEYWORD);

/**
 * The webhook delivery's callback_id, the one part of a webhook its signature covers:
 * a captured body replayed with another contract or event id carries the same one.
 */
export const CALLBACK_ID = defineSearchAttributeKey('SmartSyncCallbackId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [CONTRACT_ID, SALE_ID, OUTCOME, TRIGGER, CALLBACK_ID] as const;
