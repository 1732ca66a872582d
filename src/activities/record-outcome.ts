import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import { describeOutcome, type OutcomeAppointment } from '../mapping/outcome';
import type { SuperOfficeClient } from '../superoffice/client';
import { activityLogger } from './activity-logger';
import { type Attempt, currentAttempt } from './attempt';
import { toActivityFailure } from './failures';
import { FAILURE, type RecordedOutcome, type RecordOutcomeInput } from '../workflow-contract';

const TITLE: Record<OutcomeAppointment['kind'], string> = {
  success: 'Smart sync: SuperOffice updated from the signed contract',
  failure: 'Smart sync: some updates failed',
  info: 'Smart sync: nothing updated',
};

type Run = RecordOutcomeInput['run'];

/**
 * The part of every token that names the run: a hash of its workflow and run ids, short,
 * and only letters, digits and hyphens, which a text filter takes as they are.
 */
function runToken(run: Run): string {
  const hash = createHash('sha256').update(`${run.workflowId}\n${run.runId}`).digest('hex');
  return `smartsync-${hash.slice(0, 16)}`;
}

/** Names one outcome Activity of one run: no other Activity anywhere has it. */
function appointmentToken(run: Run, kind: OutcomeAppointment['kind']): string {
  return `${runToken(run)}-${kind}`;
}

/**
 * The last line of every outcome Activity names the run and the kind of Activity, for
 * people, and ends with the Activity's token. The token is how a retry of this step finds
 * an Activity an earlier attempt created (its answer lost, or its create committed after
 * the client gave up), with one filtered call however many Activities the Sale has.
 */
function runReference(input: RecordOutcomeInput, kind: OutcomeAppointment['kind']): string {
  return `Oneflow contract ${input.contractId} · ${input.run.trigger} run ${input.run.workflowId}/${input.run.runId} · ${kind} · ref ${appointmentToken(input.run, kind)}`;
}

export interface RecordOutcomeOptions {
  /**
   * How long after an earlier attempt sent a create, while no Activity with its token has
   * shown up, an attempt waits before it creates one itself: SuperOffice may still commit
   * a POST whose client gave up waiting (the client's timeout aborts only our side).
   */
  createGraceMs: number;
  /** How often the waiting attempt looks again, with one call each time. */
  recheckMs: number;
}

export const DEFAULT_RECORD_OUTCOME_OPTIONS: RecordOutcomeOptions = {
  createGraceMs: 120_000,
  recheckMs: 5_000,
};

/**
 * What an attempt reports in its heartbeats for the next one: the creates sent so far
 * (by any attempt), each with when it was last sent by the sending worker's clock (the
 * grace is long beside any skew between workers). Carried from attempt to attempt.
 */
interface OutcomeProgress {
  creates: Array<{ token: string; sentAt: number }>;
}

function progressFrom(details: unknown): OutcomeProgress {
  const creates = (details as Partial<OutcomeProgress> | null | undefined)?.creates;
  if (!Array.isArray(creates)) return { creates: [] };
  return {
    creates: creates.filter(
      (c): c is OutcomeProgress['creates'][number] =>
        typeof c?.token === 'string' && typeof c?.sentAt === 'number',
    ),
  };
}

/**
 * Whether SuperOffice finished with a request it answered with this error: then whatever
 * it committed is there for the next attempt to find at once, and nothing is left to wait
 * for. A timeout, a lost connection, or a gateway's 502 or 504 (its server may still be at
 * work) leave that open.
 */
function answered(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    err.kind !== 'timeout' &&
    err.kind !== 'network' &&
    err.status !== 502 &&
    err.status !== 504
  );
}

/** Line breaks and the ends as any server may store them. */
function sameText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/** The ids of the Sale's Activities of this run, by token. */
type Recorded = Map<string, number[]>;

/** Step 4: the outcome, as Activities (SuperOffice Appointments) linked to the Sale. */
export function recordOutcomeActivity(deps: {
  superoffice: SuperOfficeClient;
  logger: Logger;
  options?: Partial<RecordOutcomeOptions>;
}) {
  const options = { ...DEFAULT_RECORD_OUTCOME_OPTIONS, ...deps.options };

  /**
   * One filtered archive call (plus a read of any row whose text does not show a token).
   * Assumed, as SuperOffice's documentation does not say: `text contains` filters on the
   * Activity's stored text, not on the archive's text column, which may be cut short. So
   * the token may sit at the end of a long text, and a row it matched whose shown text
   * lacks it is read in full; only this run's Activities match, so those reads are few.
   */
  async function findRecorded(
    so: SuperOfficeClient,
    saleId: number,
    run: Run,
    tokens: string[],
  ): Promise<Recorded> {
    const found: Recorded = new Map(tokens.map((t) => [t, []]));
    for (const row of await so.findSaleAppointments(saleId, runToken(run))) {
      if (row.entityName.toLowerCase() !== 'appointment') continue;
      let text = row.text;
      if (!tokens.some((t) => text.includes(t))) {
        const appointment = await readOrNull(so, row.id);
        text = appointment?.Description ?? '';
      }
      for (const t of tokens) if (text.includes(t)) found.get(t)!.push(row.id);
    }
    return found;
  }

  /**
   * Until every create an earlier attempt sent has shown up or its grace is over, looks
   * again every `recheckMs`. The wait takes the first half of the attempt at most, which
   * leaves the second for the creates; an attempt too short for the rest of it ends,
   * retryably, and the next attempt waits on: its heartbeats carry the same creates.
   */
  async function awaitEarlierCreates(
    so: SuperOfficeClient,
    attempt: Attempt,
    input: RecordOutcomeInput,
    tokens: string[],
    progress: OutcomeProgress,
    found: Recorded,
  ): Promise<Recorded> {
    const waitUntil = Date.now() + attempt.remainingMs() / 2;
    for (;;) {
      const graceEnds = progress.creates
        .filter((c) => tokens.includes(c.token) && found.get(c.token)!.length === 0)
        .map((c) => c.sentAt + options.createGraceMs)
        .filter((end) => end > Date.now());
      if (graceEnds.length === 0) return found;
      const wait = Math.min(options.recheckMs, Math.min(...graceEnds) - Date.now());
      if (Date.now() + wait > waitUntil) {
        throw ApplicationFailure.create({
          type: FAILURE.Timeout,
          message:
            `an earlier attempt's outcome Activity on Sale ${input.saleId} has not shown up yet; ` +
            `waiting up to ${Math.ceil((Math.max(...graceEnds) - Date.now()) / 1000)} s more before creating it`,
          nextRetryDelay: options.recheckMs,
        });
      }
      await attempt.sleep(wait);
      found = await findRecorded(so, input.saleId, input.run, tokens);
    }
  }

  /**
   * Keeps the lowest id of a token's Activities and deletes the others: the same text of
   * the same run, sent again by a retry while an earlier create was still being committed.
   * An Activity with the token but another text is left alone (someone's copy, say).
   */
  async function keepOne(
    so: SuperOfficeClient,
    ids: number[],
    description: string,
    log: Logger,
  ): Promise<number> {
    const [kept, ...extra] = [...new Set(ids)].sort((a, b) => a - b);
    for (const id of extra) {
      try {
        const copy = await readOrNull(so, id);
        if (copy === null || sameText(copy.Description ?? '') !== sameText(description)) continue;
        await so.deleteAppointment(id);
        log.warn({ appointmentId: id, kept }, 'duplicate outcome Activity deleted');
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        // Already gone, or not ours to delete: the outcome is recorded either way.
        if (err.kind !== 'not_found')
          log.warn({ appointmentId: id, err: err.message }, 'duplicate outcome Activity not deleted');
      }
    }
    return kept!;
  }

  return async function recordOutcome(input: RecordOutcomeInput): Promise<RecordedOutcome> {
    const outcome = describeOutcome({
      contractId: input.contractId,
      saleId: input.saleId,
      resources: input.resources,
      notes: input.notes,
      nothingToSync: input.nothingToSync,
      planFailure: input.planFailure,
    });
    const log = activityLogger(deps.logger, { contractId: input.contractId, saleId: input.saleId });
    const attempt = currentAttempt();
    const so = deps.superoffice.forAttempt(attempt.scope);
    const progress = progressFrom(attempt.previousDetails);
    try {
      const tokens = outcome.appointments.map((a) => appointmentToken(input.run, a.kind));
      const descriptions = outcome.appointments.map(
        (a) => `${a.description}\n\n${runReference(input, a.kind)}`,
      );
      // A first attempt has no earlier one whose Activities it could find: the look is saved
      // (one SuperOffice call off every sync's critical path).
      const first = attempt.aloneSoFar();
      let found: Recorded = first
        ? new Map(tokens.map((t) => [t, []]))
        : await findRecorded(so, input.saleId, input.run, tokens);
      found = await awaitEarlierCreates(so, attempt, input, tokens, progress, found);
      let created = false;
      for (const [index, appointment] of outcome.appointments.entries()) {
        const token = tokens[index]!;
        const already = found.get(token)!;
        if (already.length > 0) {
          log.info(
            { appointmentId: already[0], kind: appointment.kind },
            'outcome Activity already recorded by an earlier attempt',
          );
          continue;
        }
        // Said before the POST: should its answer never come, the next attempt knows it
        // may still be committed, and waits for it instead of creating a second one.
        progress.creates = [
          ...progress.creates.filter((c) => c.token !== token),
          { token, sentAt: Date.now() },
        ];
        attempt.record(progress);
        const now = new Date().toISOString().slice(0, 19);
        const appointmentCreated = await so
          .createAppointment({
            Title: TITLE[appointment.kind],
            Description: descriptions[index]!,
            StartDate: now,
            EndDate: now,
            Type: 'Note',
            Completed: 'Completed',
            Sale: { SaleId: input.saleId },
            ...(input.companyId !== undefined ? { Contact: { ContactId: input.companyId } } : {}),
            ...(input.personIds[0] !== undefined ? { Person: { PersonId: input.personIds[0] } } : {}),
          })
          .catch((err: unknown) => {
            if (answered(err)) {
              progress.creates = progress.creates.filter((c) => c.token !== token);
              attempt.record(progress);
            }
            throw err;
          });
        created = true;
        already.push(appointmentCreated.AppointmentId);
        log.info(
          { appointmentId: appointmentCreated.AppointmentId, kind: appointment.kind },
          'outcome Activity recorded',
        );
      }
      // A create an earlier attempt gave up on may have been committed meanwhile; or, while
      // this attempt took long, a later one may have started beside it and created its own.
      // Neither can have happened while this is the first attempt and alone.
      if (created && !(first && attempt.aloneSoFar())) {
        const after = await findRecorded(so, input.saleId, input.run, tokens);
        for (const [token, ids] of after) found.get(token)!.push(...ids);
      }
      const appointmentIds: number[] = [];
      for (const [index, token] of tokens.entries()) {
        appointmentIds.push(await keepOne(so, found.get(token)!, descriptions[index]!, log));
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

/** The Appointment, or null when it is gone (deleted after the archive listed it). */
async function readOrNull(so: SuperOfficeClient, appointmentId: number) {
  try {
    return await so.getAppointment(appointmentId);
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'not_found') return null;
    throw err;
  }
}
