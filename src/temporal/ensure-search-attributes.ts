import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from '../logging/logger';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflow-contract';

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

/**
 * On a cluster (TEMPORAL_ADDRESS set) our search attributes may not exist yet. Add the
 * missing ones where the server allows it; where it does not (Temporal Cloud, a locked
 * down cluster), say exactly which command an operator has to run.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  logger: Logger,
): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTE_KEYS.filter((k) => customAttributes[k.name] === undefined);
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED_TYPE[k.type]!])),
    });
    logger.info({ added: missing.map((k) => k.name) }, 'registered Smart Sync search attributes');
  } catch (err) {
    const commands = missing
      .map(
        (k) =>
          `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${k.type === 'INT' ? 'Int' : 'Keyword'}`,
      )
      .join('\n  ');
    throw new Error(
      `the search attributes ${missing.map((k) => k.name).join(', ')} are not registered in namespace "${namespace}" ` +
        `and could not be added (${(err as Error).message}). Register them once with:\n  ${commands}`,
      { cause: err },
    );
  }
}
