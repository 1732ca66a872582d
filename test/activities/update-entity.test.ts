import { updateEntityActivity } from '../../src/activities/update-entity';
import { createLogger } from '../../src/logging/logger';
import { useEmulator } from '../superoffice/client-harness';
import { activityEnv, failureOf } from './activity-env';
import type { PropertyChange, EntityUpdate } from '../../src/workflow-contract';

/**
 * updateSale / updateCompany / updateContact (one implementation) against the SuperOffice
 * emulator, run in an activity context: one JSON Patch for every change; when SuperOffice
 * refuses it (400), the changes one by one, so that one refused value fails only its own
 * property; and the failures Temporal acts on (NotFound stops, a 5xx is retried).
 * The activity is built without the in-attempt call retries of createSuperOfficeActivities,
 * so that each injected fault reaches it.
 */
const so = useEmulator();
const logger = createLogger('silent');
const updateEntity = () => updateEntityActivity({ superoffice: so.client, logger });

const change = (property: string, patchPath: string, value: string, extra: Partial<PropertyChange> = {}) =>
  ({
    property,
    label: property,
    kind: property.startsWith('SuperOffice:') ? 'udef' : 'standard',
    type: 'text',
    patchPath,
    value,
    display: value,
    source: `data field "${property}"`,
    ...extra,
  }) as PropertyChange;

const number = change('Number', 'Number', 'PO-2026-0042');
const deliveryDate = change('SuperOffice:2', 'CustomFields/SuperOffice:2', '2026-12-15', {
  label: 'Delivery date',
  type: 'date',
});
/** Customer reference is a ShortText of at most 40 characters: SuperOffice answers 400. */
const tooLong = change('SuperOffice:1', 'CustomFields/SuperOffice:1', 'x'.repeat(60), {
  label: 'Customer reference',
});

function saleUpdate(changes: PropertyChange[], id = 2001): EntityUpdate {
  return {
    type: 'Sale',
    id,
    name: 'Office furniture for Nordlys',
    changes,
    planned: [
      { property: 'SuperOffice:3', status: 'skipped', source: 'data field "x"', reason: 'empty value' },
    ],
  };
}

async function patchRequests() {
  return (await so.requests()).filter((r) => r.method === 'PATCH');
}

describe('updateEntity', () => {
  it('writes every change in one PATCH and reports them written, with the planned properties', async () => {
    const result = await activityEnv().run(updateEntity(), saleUpdate([number, deliveryDate]));

    expect(result).toMatchObject({ type: 'Sale', id: 2001, status: 'updated' });
    expect(result.error).toBeUndefined();
    expect(result.properties.map((p) => [p.property, p.status])).toEqual([
      ['Number', 'written'],
      ['SuperOffice:2', 'written'],
      ['SuperOffice:3', 'skipped'],
    ]);
    expect(await patchRequests()).toHaveLength(1);
    expect((await so.client.getSale(2001)).Number).toBe('PO-2026-0042');
  });

  it('on a 400, writes the changes one by one: the refused value fails alone, the others are written', async () => {
    const result = await activityEnv().run(updateEntity(), saleUpdate([number, tooLong, deliveryDate]));

    expect(result.status).toBe('updated');
    expect(result.properties.map((p) => [p.property, p.status])).toEqual([
      ['Number', 'written'],
      ['SuperOffice:1', 'failed'],
      ['SuperOffice:2', 'written'],
      ['SuperOffice:3', 'skipped'],
    ]);
    expect(result.properties[1]?.reason).toMatch(/^SuperOffice refused the value: /);
    // The combined patch, then one per change.
    expect(await patchRequests()).toHaveLength(4);
    expect((await so.client.getSale(2001)).Number).toBe('PO-2026-0042');
  });

  it('a single refused change is not tried again: the property and the record fail', async () => {
    const result = await activityEnv().run(updateEntity(), saleUpdate([tooLong]));

    expect(result).toMatchObject({ status: 'failed', error: 'SuperOffice refused every value' });
    expect(result.properties[0]).toMatchObject({ property: 'SuperOffice:1', status: 'failed' });
    expect(await patchRequests()).toHaveLength(1);
  });

  it('a record SuperOffice does not have fails non-retryably with NotFound', async () => {
    const err = await failureOf(activityEnv().run(updateEntity(), saleUpdate([number], 999_999)));

    expect(err).toMatchObject({ type: 'NotFound', nonRetryable: true });
    expect(err.message).toBe('Sale 999999 (SuperOffice Sale 999999) does not exist in SuperOffice');
  });

  it('a SuperOffice outage fails the attempt retryably', async () => {
    await so.addFault({ method: 'PATCH', path: '**/Sale/2001', status: 503, times: 1 });
    const err = await failureOf(activityEnv().run(updateEntity(), saleUpdate([number])));

    expect(err).toMatchObject({ type: 'ServerError', nonRetryable: false });
    expect(err.message).toMatch(/^updating Sale 2001 \(SuperOffice Sale 2001\): /);
  });

  it('an outage during the one-by-one writes fails the attempt retryably too, rather than a property', async () => {
    await so.addFault({ method: 'PATCH', path: '**/Sale/2001', status: 400, times: 1 });
    await so.addFault({ method: 'PATCH', path: '**/Sale/2001', status: 503, times: 1 });
    const err = await failureOf(activityEnv().run(updateEntity(), saleUpdate([number, deliveryDate])));

    expect(err).toMatchObject({ type: 'ServerError', nonRetryable: false });
    expect(await patchRequests()).toHaveLength(2);
  });

  it('patches the API entity of each record type: Company → Contact, Contact → Person', async () => {
    const env = activityEnv();
    const title = change('Title', 'Title', 'Head of Purchasing');
    const orgNr = change('OrgNr', 'OrgNr', '987654321');
    const company = await env.run(updateEntity(), {
      type: 'Company',
      id: 101,
      changes: [orgNr],
      planned: [],
    });
    const person = await env.run(updateEntity(), {
      type: 'Contact',
      id: 301,
      participant: 1,
      changes: [title],
      planned: [],
    });

    expect([company.status, person.status]).toEqual(['updated', 'updated']);
    expect(person.participant).toBe(1);
    expect((await patchRequests()).map((r) => r.path.replace(/^.*\/api\/v1\//, ''))).toEqual([
      'Contact/101',
      'Person/301',
    ]);
  });
});
