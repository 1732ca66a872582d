import type { Logger } from '../logging/logger';
import { describeOutcome, type OutcomeAppointment } from '../mapping/outcome';
import type { SuperOfficeClient } from '../superoffice/client';
import { activityLogger } from './activity-logger';
import { toActivityFailure } from './failures';
import type { RecordedOutcome, RecordOutcomeInput } from '../workflow-contract';

const TITLE: Record<OutcomeAppointment['kind'], string> = {
  success: 'Smart sync: SuperOffice updated from the signed contract',
  failure: 'Smart sync: some updates failed',
  info: 'Smart sync: nothing updated',
};

/**
 * The last line of every outcome Activity names the run and the kind of Activity. It is
 * how a retry of this step recognises an Activity it already created (the create call
 * succeeded but its answer was lost), so the Sale never gets the same Activity twice.
 */
function runReference(input: RecordOutcomeInput, kind: OutcomeAppointment['kind']): string {
  return `Oneflow contract ${input.contractId} · ${input.run.trigger} run ${input.run.workflowId}/${input.run.runId} · ${kind}`;
}

/** Step 4: the outcome, as Activities (SuperOffice Appointments) linked to the Sale. */
export function recordOutcomeActivity(deps: { superoffice: SuperOfficeClient; logger: Logger }) {
  const so = deps.superoffice;

  async function findRecordedAppointments(
    saleId: number,
    references: string[],
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const rows = (await so.listSaleActivities(saleId)).filter(
      (r) => r.entityName.toLowerCase() === 'appointment',
    );
    for (const row of rows) {
      let text = row.text;
      // The archive's text column may be cut short; read the Activity itself when it might be ours.
      if (!references.some((ref) => text.includes(ref)) && (text === '' || text.startsWith('[Smart sync]'))) {
        text = (await so.getAppointment(row.id)).Description ?? '';
      }
      for (const ref of references) if (text.includes(ref)) found.set(ref, row.id);
    }
    return found;
  }

  return async function recordOutcome(input: RecordOutcomeInput): Promise<RecordedOutcome> {
    const outcome = describeOutcome({
      contractId: input.contractId,
      saleId: input.saleId,
      resources: input.resources,
      notes: input.notes,
      nothingToSync: input.nothingToSync,
    });
    const log = activityLogger(deps.logger, { contractId: input.contractId, saleId: input.saleId });
    try {
      const references = outcome.appointments.map((a) => runReference(input, a.kind));
      const existing = await findRecordedAppointments(input.saleId, references);
      const appointmentIds: number[] = [];
      for (const [index, appointment] of outcome.appointments.entries()) {
        const reference = references[index]!;
        const already = existing.get(reference);
        if (already !== undefined) {
          deps.logger.info(
            { appointmentId: already, kind: appointment.kind },
            'outcome Activity already recorded by an earlier attempt',
          );
          appointmentIds.push(already);
          continue;
        }
        const now = new Date().toISOString().slice(0, 19);
        const created = await so.createAppointment({
          Title: TITLE[appointment.kind],
          Description: `${appointment.description}\n\n${reference}`,
          StartDate: now,
          EndDate: now,
          Type: 'Note',
          Completed: 'Completed',
          Sale: { SaleId: input.saleId },
          ...(input.companyId !== undefined ? { Contact: { ContactId: input.companyId } } : {}),
          ...(input.personIds[0] !== undefined ? { Person: { PersonId: input.personIds[0] } } : {}),
        });
        appointmentIds.push(created.AppointmentId);
        log.info(
          { appointmentId: created.AppointmentId, kind: appointment.kind },
          'outcome Activity recorded',
        );
      }
      log.info(
        { outcome: outcome.status },
        `sync of contract ${input.contractId} finished: ${outcome.status}`,
      );
      return { status: outcome.status, appointmentIds };
    } catch (err) {
      throw toActivityFailure(err, `recording the outcome on Sale ${input.saleId}`);
    }
  };
}
