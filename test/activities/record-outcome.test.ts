import { createSuperOfficeActivities } from '../../src/activities';
import { recordOutcomeActivity } from '../../src/activities/record-outcome';
import { createLogger } from '../../src/logging/logger';
import { FAILURE_PREFIX, SUCCESS_PREFIX } from '../../src/mapping/outcome';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import type { SuperOfficeClient } from '../../src/superoffice/client';
import { useEmulator } from '../superoffice/client-harness';
import { activityEnv, failureOf } from './activity-env';
import type { RecordOutcomeInput, ResourceResult } from '../../src/workflow-contract';

/**
 * recordOutcome against the SuperOffice emulator, run in an activity context, wired as the
 * worker wires it (createSuperOfficeActivities: with the in-attempt call retries). Its own
 * logic: one Appointment per outcome Activity on the Sale, and never a second copy when a
 * retry follows an attempt whose Appointment was created but whose answer was lost.
 */
const so = useEmulator();
const logger = createLogger('silent');
const recordOutcome = (superoffice: SuperOfficeClient = so.client) =>
  createSuperOfficeActivities({ superoffice, mappingStore: new InMemoryMappingStore(), logger })
    .recordOutcome;

const saleWritten: ResourceResult = {
  type: 'Sale',
  id: 2001,
  name: 'Office furniture for Nordlys',
  status: 'updated',
  properties: [{ property: 'Number', label: 'Number', status: 'written', display: 'PO-2026-0042' }],
};
const companyFailed: ResourceResult = {
  type: 'Company',
  id: 101,
  status: 'failed',
  error: 'Company 101 (SuperOffice Contact 101) does not exist in SuperOffice',
  properties: [],
};

function input(resources: ResourceResult[], runId = 'run-1'): RecordOutcomeInput {
  return {
    contractId: 9001,
    saleId: 2001,
    companyId: 101,
    personIds: [301, 302],
    resources,
    notes: [],
    run: { workflowId: 'smart-sync-contract-9001-event-1', runId, trigger: 'webhook' },
  };
}

async function appointments() {
  const rows = await so.client.listSaleActivities(2001);
  const ids = rows.filter((r) => r.entityName.toLowerCase() === 'appointment').map((r) => r.id);
  return Promise.all(ids.map((id) => so.client.getAppointment(id)));
}

async function appointmentPosts() {
  return (await so.requests()).filter((r) => r.method === 'POST' && /\/Appointment$/.test(r.path));
}

describe('recordOutcome', () => {
  it('records a success and a failure Activity on the Sale, linked to the Company and first person', async () => {
    const recorded = await activityEnv().run(recordOutcome(), input([saleWritten, companyFailed]));

    expect(recorded.status).toBe('partially_failed');
    expect(recorded.appointmentIds).toHaveLength(2);
    const [success, failure] = await Promise.all(
      recorded.appointmentIds.map((id) => so.client.getAppointment(id)),
    );
    expect(success?.Description).toMatch(new RegExp(`^${escape(SUCCESS_PREFIX)} Sale\\.`));
    expect(failure?.Description).toMatch(new RegExp(`^${escape(FAILURE_PREFIX)} Company\\.`));
    // The last line names the run: how a retry recognises what an earlier attempt recorded.
    expect(success?.Description).toMatch(
      /\n\nOneflow contract 9001 · webhook run smart-sync-contract-9001-event-1\/run-1 · success$/,
    );
    expect(success).toMatchObject({
      Sale: expect.objectContaining({ SaleId: 2001 }),
      Contact: expect.objectContaining({ ContactId: 101 }),
      Person: expect.objectContaining({ PersonId: 301 }),
    });
  });

  it('a retry after an attempt whose first Appointment was created but whose answer was lost creates no duplicate', async () => {
    // The first POST is carried out, then the connection drops before the answer.
    await so.addFault({ method: 'POST', path: '**/Appointment', dropResponse: true, times: 1 });
    const lost = await failureOf(
      activityEnv({ attempt: 1 }).run(recordOutcome(), input([saleWritten, companyFailed])),
    );
    expect(lost).toMatchObject({ nonRetryable: false });
    expect(await appointmentPosts()).toHaveLength(1); // creating an Activity is never repeated within an attempt
    expect(await appointments()).toHaveLength(1);

    const retried = await activityEnv({ attempt: 2 }).run(
      recordOutcome(),
      input([saleWritten, companyFailed]),
    );

    const stored = await appointments();
    expect(stored).toHaveLength(2);
    expect(stored.map((a) => a.AppointmentId).sort()).toEqual([...retried.appointmentIds].sort());
    // Only the missing (failure) Activity was created by the retry.
    expect(await appointmentPosts()).toHaveLength(2);
    expect(stored.filter((a) => a.Description?.startsWith(SUCCESS_PREFIX))).toHaveLength(1);
  });

  it('a retry after a complete attempt records nothing new and returns the same ids', async () => {
    const first = await activityEnv({ attempt: 1 }).run(recordOutcome(), input([saleWritten]));
    const again = await activityEnv({ attempt: 2 }).run(recordOutcome(), input([saleWritten]));

    expect(again).toEqual(first);
    expect(await appointments()).toHaveLength(1);
  });

  it('another run of the same contract records its own Activities', async () => {
    await activityEnv().run(recordOutcome(), input([saleWritten], 'run-1'));
    await activityEnv().run(recordOutcome(), input([saleWritten], 'run-2'));

    expect(await appointments()).toHaveLength(2);
  });

  it('reads the Appointment itself when the archive cuts its text short, and still finds its own', async () => {
    const reference = 'Oneflow contract 9001 · webhook run smart-sync-contract-9001-event-1/run-1 · success';
    const calls = { getAppointment: [] as number[], createAppointment: 0 };
    const client = {
      listSaleActivities: async () => [
        { id: 77, entityName: 'appointment', text: '[Smart sync] Successfully updated the prop' },
        { id: 78, entityName: 'appointment', text: 'Call Anna about the delivery' },
      ],
      getAppointment: async (id: number) => {
        calls.getAppointment.push(id);
        return { AppointmentId: id, Description: `${SUCCESS_PREFIX} Sale.\n\n${reference}` };
      },
      createAppointment: async () => {
        calls.createAppointment++;
        return { AppointmentId: 99 };
      },
    } as unknown as SuperOfficeClient;

    const recorded = await activityEnv().run(
      recordOutcomeActivity({ superoffice: client, logger }),
      input([saleWritten]),
    );

    expect(recorded).toEqual({ status: 'succeeded', appointmentIds: [77] });
    expect(calls).toEqual({ getAppointment: [77], createAppointment: 0 });
  });

  it('a refused Appointment fails the attempt non-retryably, with the type the workflow reports', async () => {
    await so.addFault({ method: 'POST', path: '**/Appointment', status: 403 });
    const err = await failureOf(activityEnv().run(recordOutcome(), input([saleWritten])));

    expect(err).toMatchObject({ type: 'Forbidden', nonRetryable: true });
    expect(err.message).toMatch(/^recording the outcome on Sale 2001: /);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
