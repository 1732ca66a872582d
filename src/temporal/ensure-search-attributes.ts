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
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  logger: Logger,
): Promise<void> {
  // Both calls inside the try: a key without operator rights may be refused the listing as
  // well as the adding, and either refusal must end in the commands, not in a bare gRPC error.
  let missing: Array<(typeof SEARCH_ATTRIBUTE_KEYS)[number]> = [...SEARCH_ATTRIBUTE_KEYS];
  let listed = false;
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    listed = true;
    missing = SEARCH_ATTRIBUTE_KEYS.filter((k) => customAttributes[k.name] === undefined);
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED_TYPE[k.type]!])),
    });
    logger.info({ added: missing.map((k) => k.name) }, 'registered Smart Sync search attributes');
  } catch (err) {
    throw new SearchAttributesMissingError(namespace, missing, listed, err);
  }
}

/** The exact commands that register the attributes, one a line, as an operator pastes them. */
export function searchAttributeCommands(
  namespace: string,
  keys: ReadonlyArray<(typeof SEARCH_ATTRIBUTE_KEYS)[number]> = SEARCH_ATTRIBUTE_KEYS,
): string[] {
  return keys.map(
    (k) =>
      `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${k.type === 'INT' ? 'Int' : 'Keyword'}`,
  );
}

/**
 * Start-up stops on this: without the attributes every webhook would fail to start its run.
 * Not retryable: registering them is an operator's step, done once per namespace.
 */
export class SearchAttributesMissingError extends Error {
  override readonly name = 'SearchAttributesMissingError';
  readonly commands: string[];
  constructor(
    namespace: string,
    missing: ReadonlyArray<(typeof SEARCH_ATTRIBUTE_KEYS)[number]>,
    listed: boolean,
    cause: unknown,
  ) {
    const commands = searchAttributeCommands(namespace, missing);
    const names = missing.map((k) => k.name).join(', ');
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(
      (listed
        ? `the search attributes ${names} are not registered in namespace "${namespace}" and could not be added (${reason}). `
        : `the search attributes of namespace "${namespace}" could not be listed (${reason}), so ${names} may be missing. `) +
        `Register them once with:\n  ${commands.join('\n  ')}`,
      { cause },
    );
    this.commands = commands;
  }
}
