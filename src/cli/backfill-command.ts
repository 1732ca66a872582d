import { createInterface } from 'node:readline/promises';
import type { BackfillProgress } from '../workflow-contract';
import { formatBackfillLine, formatBackfillSummary } from './backfill-progress';

/** An admin API call that answers the JSON body, or ends the process saying why (smart-sync.ts). */
export type AdminCall = (
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

export interface BackfillOptions {
  signedSince?: string;
  signedUntil?: string;
  dryRun?: boolean;
  maxInFlight?: string;
  /** Follow a backfill started earlier instead of starting one. */
  follow?: string;
  /** Cancel a backfill. */
  cancel?: string;
  /** Start it and print its id without following it. */
  detach?: boolean;
}

export const BACKFILL_USAGE =
  'Usage: smart-sync backfill --signed-since <date> [--signed-until <date>] [--dry-run] [--max-in-flight <n>] [--detach]\n' +
  '       smart-sync backfill --follow <backfill id>\n' +
  '       smart-sync backfill --cancel <backfill id>\n' +
  'Dates are "2026-11-01" (midnight UTC) or date-times with a zone, "2026-11-01T08:00:00+01:00".';

interface Io {
  write: (text: string) => void;
  /** Whether the output is a terminal: the bar is redrawn in place; otherwise a line every 10 s. */
  isTTY: boolean;
  /** Whether a person can answer a question (stdin is a terminal). */
  canAsk: boolean;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `smart-sync backfill`: starts a backfill through the admin API and draws its progress
 * until it ends. Ctrl-C asks whether to cancel the backfill or only to stop watching it
 * (detach: it goes on in the service, and `--follow <id>` watches it again); without a
 * terminal to ask at, Ctrl-C detaches, since cancelling is the step that cannot be undone.
 */
export async function runBackfillCommand(options: BackfillOptions, call: AdminCall, io: Io): Promise<number> {
  if (options.cancel) {
    await call('POST', `/api/backfills/${encodeURIComponent(options.cancel)}/cancel`);
    io.write(
      `Asked backfill ${options.cancel} to cancel: it starts no more syncs; those already started finish.\n`,
    );
    return 0;
  }
  let backfillId = options.follow;
  if (!backfillId) {
    if (!options.signedSince) {
      io.write(`${BACKFILL_USAGE}\n`);
      return 2;
    }
    const maxInFlight = options.maxInFlight === undefined ? undefined : Number(options.maxInFlight);
    const started = await call('POST', '/api/backfills', {
      signedSince: options.signedSince,
      ...(options.signedUntil !== undefined ? { signedUntil: options.signedUntil } : {}),
      dryRun: options.dryRun ?? false,
      // Sent as typed: the service says what is wrong with it.
      ...(maxInFlight !== undefined
        ? { maxInFlight: Number.isNaN(maxInFlight) ? options.maxInFlight : maxInFlight }
        : {}),
    });
    backfillId = String(started.backfillId);
    io.write(
      `Started ${options.dryRun ? 'a dry run of ' : ''}backfill ${backfillId} of the contracts signed from ${String(started.signedSince)} to ${String(started.signedUntil)}.\n` +
        `  watch it in Temporal: ${String(started.link)}\n`,
    );
    if (options.detach) {
      io.write(`Follow it with: smart-sync backfill --follow ${backfillId}\n`);
      return 0;
    }
  }
  return follow(backfillId, call, io);
}

async function follow(backfillId: string, call: AdminCall, io: Io): Promise<number> {
  let interrupted = false;
  let detached = false;
  let asking = false;
  const onInterrupt = () => {
    if (asking || !io.canAsk) {
      detached = true;
      return;
    }
    interrupted = true;
  };
  process.on('SIGINT', onInterrupt);
  let lastPlain = 0;
  try {
    for (;;) {
      if (interrupted) {
        interrupted = false;
        asking = true;
        if (io.isTTY) io.write('\n');
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await Promise.race([
          rl.question('Cancel the backfill (y), or stop watching and leave it running (N)? '),
          new Promise<string>((resolve) => rl.once('SIGINT', () => resolve('n'))),
        ]);
        rl.close();
        asking = false;
        if (/^y(es)?$/i.test(answer.trim())) {
          await call('POST', `/api/backfills/${encodeURIComponent(backfillId)}/cancel`);
          io.write('Cancelling: no more syncs are started; those running finish.\n');
        } else detached = true;
      }
      if (detached) {
        io.write(
          `\nDetached; the backfill goes on. Follow it again with: smart-sync backfill --follow ${backfillId}\n`,
        );
        return 0;
      }
      const status = await call('GET', `/api/backfills/${encodeURIComponent(backfillId)}`);
      const progress = status.progress as BackfillProgress | undefined;
      if (status.status !== 'RUNNING') {
        if (io.isTTY) io.write('\n');
        if (progress) {
          io.write(formatBackfillSummary(progress));
          return 0;
        }
        io.write(`Backfill ${backfillId} ended ${String(status.status)}: ${String(status.failure ?? '')}\n`);
        return 1;
      }
      const line = progress
        ? formatBackfillLine(progress)
        : `waiting for a worker: ${String(status.progressUnavailable ?? '')}`;
      if (io.isTTY) io.write(`\r\x1b[2K${line}`);
      else if (Date.now() - lastPlain >= 10_000) {
        io.write(`${line}\n`);
        lastPlain = Date.now();
      }
      await sleep(io.pollMs ?? 1_000);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
