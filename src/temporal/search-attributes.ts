import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';

/**
 * Search attributes that make every run of a contract findable in the Temporal Web UI,
 * e.g. `SmartSyncContractId = 9001 AND SmartSyncOutcome = "failed"`. Imported by the
 * workflow too, so this file must stay free of Node APIs.
 */
export const CONTRACT_ID = defineSearchAttributeKey('SmartSyncContractId', SearchAttributeType.INT);
export const SALE_ID = defineSearchAttributeKey('SmartSyncSaleId', SearchAttributeType.INT);
/** running | succeeded | partially-failed | failed | nothing-to-sync */
export const OUTCOME = defineSearchAttributeKey('SmartSyncOutcome', SearchAttributeType.KEYWORD);
/** webhook | manual */
export const TRIGGER = defineSearchAttributeKey('SmartSyncTrigger', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [CONTRACT_ID, SALE_ID, OUTCOME, TRIGGER] as const;

/** As the dev server's --search-attribute flag wants them: Name=Type. */
export function searchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTE_KEYS.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
  ]);
}
