import { createSuperOfficeActivities } from '../../src/activities';
import { type RecordOutcomeOptions, recordOutcomeActivity } from '../../src/activities/record-outcome';
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
const recordOutcome = (
  superoffice: SuperOfficeClient = so.client,
  options: Partial<RecordOutcomeOptions> = {},
) =>
  createSuperOfficeActivities({
    superoffice,
    mappingStore: new InMemoryMappingStore(),
    logger,
    recordOutcome: options,
  }).recordOutcome;

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

async function clearRequestLog() {
  await fetch(`${so.emu.origin}/_emulator/requests`, { method: 'DELETE' });
}

/** What an attempt told the next one in its heartbeats: the creates it sent. */
interface Creates {
  creates: Array<{ token: string; sentAt: number }>;
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
    // The last line names the run for people, and ends with the token a retry finds it by.
    expect(success?.Description).toMatch(
      /\n\nOneflow contract 9001 · webhook run smart-sync-contract-9001-event-1\/run-1 · success · ref smartsync-[0-9a-f]{16}-success$/,
    );
    expect(failure?.Description).toMatch(/ · failure · ref smartsync-[0-9a-f]{16}-failure$/);
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

  it('reads the Appointment itself when the archive shows its text cut short, and still finds its own', async () => {
    const recorded = await activityEnv().run(recordOutcome(), input([saleWritten]));
    const [id] = recorded.appointmentIds;
    const { Description: description } = await so.client.getAppointment(id!);
    const calls = { find: [] as string[], getAppointment: [] as number[], createAppointment: 0 };
    const client = {
      forAttempt: () => client,
      // A text column cut short, as an archive may show it: the filter matched the whole text.
      findSaleAppointments: async (_saleId: number, text: string) => {
        calls.find.push(text);
        return [{ id: id!, entityName: 'appointment', text: description!.slice(0, 40) }];
      },
      getAppointment: async (appointmentId: number) => {
        calls.getAppointment.push(appointmentId);
        return { AppointmentId: appointmentId, Description: description };
      },
      createAppointment: async () => {
        calls.createAppointment++;
        return { AppointmentId: 99 };
      },
    } as unknown as SuperOfficeClient;

    const again = await activityEnv({ attempt: 2 }).run(
      recordOutcomeActivity({ superoffice: client, logger }),
      input([saleWritten]),
    );

    expect(again).toEqual(recorded);
    expect(calls).toEqual({
      find: [expect.stringMatching(/^smartsync-[0-9a-f]{16}$/)],
      getAppointment: [id],
      createAppointment: 0,
    });
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

describe('recordOutcome, finding what earlier attempts recorded', () => {
  it('costs the same few calls on a Sale with 50 earlier Smart Sync Activities', async () => {
    for (let i = 0; i < 50; i++) {
      await activityEnv().run(recordOutcome(), input([saleWritten], `earlier-run-${i}`));
    }
    expect(await appointments()).toHaveLength(50);
    await clearRequestLog();

    const recorded = await activityEnv({ attempt: 1 }).run(recordOutcome(), input([saleWritten], 'run-51'));
    const first = await so.requests();
    await clearRequestLog();
    const retried = await activityEnv({ attempt: 2 }).run(recordOutcome(), input([saleWritten], 'run-51'));
    const retry = await so.requests();

    expect(retried).toEqual(recorded);
    // A first attempt, alone, has nothing to look for: it creates; a retry only looks.
    expect(first.map((r) => `${r.method} ${r.path.replace(/^.*\/v1/, '')}`)).toEqual(['POST /Appointment']);
    expect(retry.map((r) => `${r.method} ${r.path.replace(/^.*\/v1/, '')}`)).toEqual([
      'GET /Sale/2001/Activities',
    ]);
    expect(retry[0]!.query).toMatchObject({
      $entities: 'appointment',
      $filter: expect.stringMatching(/^text contains 'smartsync-[0-9a-f]{16}'$/),
    });
    process.stderr.write(
      `\n  [outcome calls] Sale with 50 earlier Smart Sync Activities: first attempt ${first.length} calls, ` +
        `retry ${retry.length} call (one read per earlier Activity would be 1 + 50)\n`,
    );
  });

  it('a first attempt that has run past half its heartbeat timeout looks again after its create', async () => {
    // Temporal may have timed it out by then and started a second attempt beside it.
    await clearRequestLog();
    await activityEnv({ attempt: 1, heartbeatTimeoutMs: 1 }).run(
      recordOutcome(),
      input([saleWritten], 'slow-run'),
    );
    const calls = (await so.requests()).map((r) => `${r.method} ${r.path.replace(/^.*\/v1/, '')}`);
    expect(calls).toContain('POST /Appointment');
    expect(calls.at(-1)).toBe('GET /Sale/2001/Activities');
    expect(await appointments()).toHaveLength(1);
  });

  it('waits for the create an earlier attempt gave up on, and creates no second Activity when it commits late', async () => {
    // The first attempt's POST is answered (and committed) after 1.5 s; its client gives up at 0.3 s.
    await so.addFault({ method: 'POST', path: '**/Appointment', latencyMs: 1_500, times: 1 });
    const impatient = recordOutcome(so.clientWith({ timeoutMs: 300 }), {
      createGraceMs: 5_000,
      recheckMs: 100,
    });
    const first = activityEnv({ attempt: 1, startToCloseTimeoutMs: 10_000 });
    let details: unknown;
    first.env.on('heartbeat', (d: unknown) => (details = d));

    const lost = await failureOf(first.run(impatient, input([saleWritten])));
    expect(lost).toMatchObject({ type: 'Timeout', nonRetryable: false });
    expect(details).toEqual({
      creates: [
        { token: expect.stringMatching(/^smartsync-[0-9a-f]{16}-success$/), sentAt: expect.any(Number) },
      ],
    });
    expect(await appointments()).toHaveLength(0); // not committed yet

    const started = Date.now();
    const second = activityEnv({ attempt: 2, startToCloseTimeoutMs: 10_000, heartbeatDetails: details });
    const retried = await second.run(impatient, input([saleWritten]));

    const stored = await appointments();
    expect(stored).toHaveLength(1);
    expect(retried.appointmentIds).toEqual([stored[0]!.AppointmentId]);
    expect(await appointmentPosts()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('does not wait for a create SuperOffice answered with an error: nothing of it is still under way', async () => {
    await so.addFault({ method: 'POST', path: '**/Appointment', status: 503, times: 1 });
    const slowToGiveUp = recordOutcome(so.client, { createGraceMs: 60_000, recheckMs: 100 });
    const first = activityEnv({ attempt: 1, startToCloseTimeoutMs: 10_000 });
    let details: unknown;
    first.env.on('heartbeat', (d: unknown) => (details = d));
    expect(await failureOf(first.run(slowToGiveUp, input([saleWritten])))).toMatchObject({
      type: 'ServerError',
    });
    expect(details).toEqual({ creates: [] });

    const started = Date.now();
    const second = activityEnv({ attempt: 2, startToCloseTimeoutMs: 10_000, heartbeatDetails: details });
    const recorded = await second.run(slowToGiveUp, input([saleWritten]));

    expect(recorded.appointmentIds).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('creates its own once the grace of the earlier create is over', async () => {
    const token = await tokenOf(input([saleWritten]));
    const earlier: Creates = { creates: [{ token, sentAt: Date.now() - 10_000 }] };
    const env = activityEnv({ attempt: 2, startToCloseTimeoutMs: 10_000, heartbeatDetails: earlier });

    const recorded = await env.run(recordOutcome(so.client, { createGraceMs: 5_000 }), input([saleWritten]));

    expect(recorded.appointmentIds).toHaveLength(1);
    expect(await appointmentPosts()).toHaveLength(1);
  });

  it('ends an attempt too short to wait out the grace retryably, having created nothing', async () => {
    const token = await tokenOf(input([saleWritten]));
    const earlier: Creates = { creates: [{ token, sentAt: Date.now() }] };
    const env = activityEnv({ attempt: 2, startToCloseTimeoutMs: 1_000, heartbeatDetails: earlier });
    const heartbeats: unknown[] = [];
    env.env.on('heartbeat', (d: unknown) => heartbeats.push(d));

    const waited = await failureOf(
      env.run(recordOutcome(so.client, { createGraceMs: 60_000, recheckMs: 100 }), input([saleWritten])),
    );

    expect(waited).toMatchObject({ type: 'Timeout', nonRetryable: false, nextRetryDelay: 100 });
    expect(waited.message).toMatch(/has not shown up yet; waiting up to \d+ s more/);
    expect(await appointmentPosts()).toHaveLength(0);
    // Each look heartbeats, carrying on what the earlier attempt said.
    expect(heartbeats.length).toBeGreaterThan(1);
    expect(new Set(heartbeats.map((h) => JSON.stringify(h)))).toEqual(new Set([JSON.stringify(earlier)]));
  });

  it('deletes a duplicate of its Activity, keeping the lowest id, and leaves other texts alone', async () => {
    const recorded = await activityEnv().run(recordOutcome(), input([saleWritten]));
    const original = await so.client.getAppointment(recorded.appointmentIds[0]!);
    const copy = await so.client.createAppointment({
      Description: original.Description ?? '',
      Sale: { SaleId: 2001 },
    });
    const quoted = await so.client.createAppointment({
      Description: `Anna asked about this: ${original.Description}\n(forwarded)`,
      Sale: { SaleId: 2001 },
    });
    await clearRequestLog();

    const retried = await activityEnv({ attempt: 2 }).run(recordOutcome(), input([saleWritten]));

    expect(retried.appointmentIds).toEqual(recorded.appointmentIds);
    const left = (await appointments()).map((a) => a.AppointmentId).sort((a, b) => a - b);
    expect(left).toEqual([original.AppointmentId, quoted.AppointmentId]);
    expect((await so.requests()).filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      expect.stringMatching(new RegExp(`/Appointment/${copy.AppointmentId}$`)),
    ]);
  });
});

/** The token the outcome Activity of this input gets, read off one recorded in a scratch run. */
async function tokenOf(of: RecordOutcomeInput): Promise<string> {
  const recorded = await activityEnv().run(recordOutcome(), of);
  const { Description } = await so.client.getAppointment(recorded.appointmentIds[0]!);
  await so.client.deleteAppointment(recorded.appointmentIds[0]!);
  await clearRequestLog();
  return /ref (smartsync-[0-9a-f]{16}-\w+)$/.exec(Description ?? '')![1]!;
}
