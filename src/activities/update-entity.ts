import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import { toJsonPatch } from '../mapping/plan';
import type { SuperOfficeClient } from '../superoffice/client';
import { activityLogger } from './activity-logger';
import { currentAttempt } from './attempt';
import { nonRetryable, toActivityFailure } from './failures';
import {
  FAILURE,
  type PropertyResult,
  type ResourceResult,
  resourceStatus,
  type PropertyChange,
  type EntityUpdate,
} from '../workflow-contract';

type Patch = (id: number, ops: ReturnType<typeof toJsonPatch>) => Promise<unknown>;

const API_NAME: Record<EntityUpdate['type'], string> = {
  Sale: 'Sale',
  Company: 'Contact',
  Contact: 'Person',
};

function written(c: PropertyChange): PropertyResult {
  return { property: c.property, label: c.label, status: 'written', display: c.display, source: c.source };
}

/**
 * Step 3, one record: a single JSON Patch of every planned change. When SuperOffice
 * rejects the patch (400), the changes are tried one by one, so that one value it
 * refuses fails that property only and the others are still written.
 */
export function updateEntityActivity(deps: { superoffice: SuperOfficeClient; logger: Logger }) {
  const patchers = (so: SuperOfficeClient): Record<EntityUpdate['type'], Patch> => ({
    Sale: (id, ops) => so.patchSale(id, ops),
    Company: (id, ops) => so.patchCompany(id, ops),
    Contact: (id, ops) => so.patchPerson(id, ops),
  });

  return async function updateEntity(update: EntityUpdate): Promise<ResourceResult> {
    const patch = patchers(deps.superoffice.forAttempt(currentAttempt().scope))[update.type];
    const what = `${update.type} ${update.id} (SuperOffice ${API_NAME[update.type]} ${update.id})`;
    const base = { type: update.type, id: update.id, name: update.name, participant: update.participant };
    const properties: PropertyResult[] = [];
    const log = activityLogger(deps.logger, { superofficeType: update.type, superofficeId: update.id });
    try {
      await patch(update.id, toJsonPatch(update.changes));
      properties.push(...update.changes.map(written));
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') {
        throw nonRetryable(FAILURE.NotFound, `${what} does not exist in SuperOffice`);
      }
      if (!(err instanceof ApiError && err.kind === 'rejected'))
        throw toActivityFailure(err, `updating ${what}`);
      if (update.changes.length === 1) {
        const [only] = update.changes;
        properties.push({
          ...written(only!),
          status: 'failed',
          reason: `SuperOffice refused the value: ${err.message}`,
        });
      } else {
        deps.logger.info(
          { type: update.type, id: update.id },
          'patch rejected; writing the properties one by one',
        );
        for (const change of update.changes) {
          try {
            await patch(update.id, toJsonPatch([change]));
            properties.push(written(change));
          } catch (one) {
            if (one instanceof ApiError && one.kind === 'rejected') {
              properties.push({
                ...written(change),
                status: 'failed',
                reason: `SuperOffice refused the value: ${one.message}`,
              });
            } else {
              throw toActivityFailure(one, `updating ${what}`);
            }
          }
        }
      }
    }
    const all = [...properties, ...update.planned];
    const anyWritten = all.some((p) => p.status === 'written');
    log.info(
      {
        written: all.filter((p) => p.status === 'written').length,
        failed: all.filter((p) => p.status === 'failed').length,
      },
      `${update.type} ${update.id} ${anyWritten ? 'updated' : 'not updated'}`,
    );
    return {
      ...base,
      status: resourceStatus(all),
      ...(anyWritten ? {} : { error: 'SuperOffice refused every value' }),
      properties: all,
    };
  };
}
