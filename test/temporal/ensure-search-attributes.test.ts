import { createLogger } from '../../src/logging/logger';
import {
  ensureSearchAttributes,
  SearchAttributesMissingError,
  searchAttributeCommands,
} from '../../src/temporal/ensure-search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflow-contract';

/** The operator service as a cluster that refuses the listing, the adding, or neither. */
function operatorService(behaviour: { existing?: string[]; listFails?: Error; addFails?: Error }) {
  const added: Array<Record<string, unknown>> = [];
  return {
    added,
    connection: {
      operatorService: {
        listSearchAttributes: async () => {
          if (behaviour.listFails) throw behaviour.listFails;
          return {
            customAttributes: Object.fromEntries((behaviour.existing ?? []).map((name) => [name, 2])),
          };
        },
        addSearchAttributes: async (request: { searchAttributes: Record<string, unknown> }) => {
          if (behaviour.addFails) throw behaviour.addFails;
          added.push(request.searchAttributes);
          return {};
        },
      },
    } as unknown as Parameters<typeof ensureSearchAttributes>[0],
  };
}

const logger = createLogger('silent');
const allNames = SEARCH_ATTRIBUTE_KEYS.map((k) => k.name);

describe('ensureSearchAttributes', () => {
  it('adds only the missing attributes', async () => {
    const cluster = operatorService({ existing: [allNames[0]!] });
    await ensureSearchAttributes(cluster.connection, 'prod', logger);
    expect(cluster.added).toHaveLength(1);
    expect(Object.keys(cluster.added[0]!).sort()).toEqual(allNames.slice(1).sort());
  });

  it('adds nothing when every attribute exists', async () => {
    const cluster = operatorService({ existing: allNames });
    await ensureSearchAttributes(cluster.connection, 'prod', logger);
    expect(cluster.added).toEqual([]);
  });

  it('stops with the commands for the missing ones when the cluster refuses to add them', async () => {
    const cluster = operatorService({
      existing: [allNames[0]!],
      addFails: new Error('7 PERMISSION_DENIED: Request unauthorized.'),
    });
    const err = await ensureSearchAttributes(cluster.connection, 'prod.a1b2c', logger).catch((e) => e);
    expect(err).toBeInstanceOf(SearchAttributesMissingError);
    expect((err as SearchAttributesMissingError).commands).toEqual(
      searchAttributeCommands('prod.a1b2c', SEARCH_ATTRIBUTE_KEYS.slice(1)),
    );
    expect((err as Error).message).toContain('are not registered in namespace "prod.a1b2c"');
    expect((err as Error).message).toContain('PERMISSION_DENIED');
    expect((err as Error).message).not.toContain(`--name ${allNames[0]} `);
  });

  it('stops with the commands for every attribute when the cluster refuses even the listing', async () => {
    const cluster = operatorService({ listFails: new Error('7 PERMISSION_DENIED: Request unauthorized.') });
    const err = (await ensureSearchAttributes(cluster.connection, 'prod.a1b2c', logger).catch(
      (e) => e,
    )) as SearchAttributesMissingError;
    expect(err).toBeInstanceOf(SearchAttributesMissingError);
    expect(err.message).toContain('could not be listed (7 PERMISSION_DENIED: Request unauthorized.)');
    expect(err.commands).toEqual([
      'temporal operator search-attribute create --namespace prod.a1b2c --name SmartSyncContractId --type Int',
      'temporal operator search-attribute create --namespace prod.a1b2c --name SmartSyncSaleId --type Int',
      'temporal operator search-attribute create --namespace prod.a1b2c --name SmartSyncOutcome --type Keyword',
      'temporal operator search-attribute create --namespace prod.a1b2c --name SmartSyncTrigger --type Keyword',
      'temporal operator search-attribute create --namespace prod.a1b2c --name SmartSyncCallbackId --type Keyword',
    ]);
    for (const command of err.commands) expect(err.message).toContain(`\n  ${command}`);
  });
});
