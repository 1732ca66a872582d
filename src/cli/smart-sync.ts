#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnvironment } from '../config/env';
import { createLogger } from '../logging/logger';
import type { ContractPreview } from '../mapping/preview';
import { describeCliSource, findTemporalCli } from '../temporal/cli-binary';
import { runBackfillCommand } from './backfill-command';
import { formatPreview } from './preview-table';

const USAGE = `smart-sync <command>

Commands:
  start                     run the service (webhooks, worker, admin API); with no
                            TEMPORAL_ADDRESS it also runs the Temporal dev server and Web UI,
                            with no ONEFLOW_API_URL/SUPEROFFICE_API_URL the demo emulators
  worker                    run only the workflows and activities, against TEMPORAL_ADDRESS;
                            health and metrics on SMART_SYNC_WORKER_HEALTH_PORT (9091)
  api                       run only the webhooks, admin API and settings page on PORT,
                            against TEMPORAL_ADDRESS (no workers)
  resync <contractId>       start a manual re-run of a contract's sync, print its link
  runs <contractId>         list the runs of a contract, newest first
  preview <contractId>      what a sync of the contract would write to SuperOffice now,
                            signed or not; writes nothing
  backfill --signed-since <date> [--signed-until <date>] [--dry-run]
                            sync the contracts signed in a period (e.g. before Smart Sync
                            was turned on), drawing its progress; Ctrl-C asks whether to
                            cancel it or detach; --follow <id> / --cancel <id> later
  temporal-cli              find the Temporal CLI, or build it with Go, and say where it is
  demo                      sign the demo contract in the running demo and follow its sync
  settings export [--out <file>]
                            write the settings store (mapping document, sealed connections)
                            as JSON: PostgreSQL when DATABASE_URL is set, else the SQLite
                            file under SMART_SYNC_DATA_DIR
  settings import <file> [--replace]
                            load such an export into that store; sealed connections need the
                            exporting deployment's SMART_SYNC_SECRET_KEY

Options for resync, runs, preview and backfill:
  --url <url>               the running service (default http://localhost:$PORT or :3000)
  --token <token>           admin token (default $SMART_SYNC_ADMIN_TOKEN)
  --document <file>         preview only: with this mapping document instead of the stored one
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function adminCall(
  method: 'GET' | 'POST',
  path: string,
  url: string | undefined,
  token: string | undefined,
  body?: unknown,
) {
  const base = (url ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '');
  const auth =
    token ??
    process.env.SMART_SYNC_ADMIN_TOKEN ??
    (process.env.ONEFLOW_API_URL || process.env.SUPEROFFICE_API_URL ? undefined : 'demo-admin-token');
  if (!auth) fail('No admin token: pass --token or set SMART_SYNC_ADMIN_TOKEN.');
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${auth}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    fail(
      `Cannot reach Smart Sync at ${base} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}). Is it running (npm start)?`,
    );
  }
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    // A refused mapping document lists each problem: the admin needs all of them, not the headline.
    const details = Array.isArray(answer.errors)
      ? answer.errors.map((e) => `\n  - ${String(e)}`).join('')
      : '';
    fail(`${method} ${path} → ${res.status}: ${String(answer.error ?? JSON.stringify(answer))}${details}`);
  }
  return answer;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      document: { type: 'string' },
      'signed-since': { type: 'string' },
      'signed-until': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'max-in-flight': { type: 'string' },
      follow: { type: 'string' },
      cancel: { type: 'string' },
      detach: { type: 'boolean' },
      out: { type: 'string' },
      replace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  switch (command) {
    case 'start':
    case 'worker':
    case 'api': {
      let environment;
      try {
        environment = loadEnvironment();
      } catch (err) {
        if (err instanceof ConfigError) fail(`Smart Sync cannot start. ${err.message}`);
        throw err;
      }
      const logger = createLogger(environment.logLevel);
      const { runService } = await import('../runtime/service');
      await runService(environment, logger, command === 'start' ? 'all' : command);
      return;
    }
    case 'temporal-cli': {
      const cli = await findTemporalCli({ report: (line) => process.stdout.write(`${line}\n`) });
      process.stdout.write(`${describeCliSource(cli)}\n`);
      return;
    }
    case 'resync': {
      const id = rest[0];
      if (!id || !/^\d+$/.test(id))
        fail('Usage: smart-sync resync <contractId> (a Oneflow contract id, e.g. 9001)');
      const body = await adminCall('POST', `/api/contracts/${id}/resync`, values.url, values.token);
      process.stdout.write(
        `Started a manual sync of contract ${id}.\n  workflow: ${String(body.workflowId)}\n  run:      ${String(body.runId)}\n  watch it: ${String(body.link)}\n`,
      );
      return;
    }
    case 'runs': {
      const id = rest[0];
      if (!id || !/^\d+$/.test(id)) fail('Usage: smart-sync runs <contractId>');
      const body = await adminCall('GET', `/api/contracts/${id}/runs`, values.url, values.token);
      const runs = (body.runs ?? []) as Array<Record<string, unknown>>;
      if (runs.length === 0) process.stdout.write(`No runs of contract ${id} yet.\n`);
      for (const r of runs) {
        process.stdout.write(
          `${String(r.startTime)}  ${String(r.status).padEnd(10)} ${String(r.outcome ?? '').padEnd(17)} ${String(r.trigger ?? '').padEnd(8)} ${String(r.link)}\n`,
        );
      }
      return;
    }
    case 'preview': {
      const id = rest[0];
      if (!id || !/^\d+$/.test(id))
        fail('Usage: smart-sync preview <contractId> [--document <file>] (a Oneflow contract id, e.g. 9001)');
      let document: unknown;
      if (values.document !== undefined) {
        try {
          document = JSON.parse(readFileSync(values.document, 'utf8'));
        } catch (err) {
          fail(`--document ${values.document}: ${(err as Error).message}`);
        }
      }
      const body = await adminCall(
        'POST',
        `/api/contracts/${id}/preview`,
        values.url,
        values.token,
        document,
      );
      process.stdout.write(formatPreview(body as unknown as ContractPreview));
      return;
    }
    case 'backfill': {
      const code = await runBackfillCommand(
        {
          signedSince: values['signed-since'],
          signedUntil: values['signed-until'],
          dryRun: values['dry-run'],
          maxInFlight: values['max-in-flight'],
          follow: values.follow,
          cancel: values.cancel,
          detach: values.detach,
        },
        (method, path, body) => adminCall(method, path, values.url, values.token, body),
        {
          write: (text) => process.stdout.write(text),
          isTTY: Boolean(process.stdout.isTTY),
          canAsk: Boolean(process.stdin.isTTY),
        },
      );
      process.exitCode = code;
      return;
    }
    case 'demo': {
      const { runDemo } = await import('./demo');
      const port = process.env.PORT || '3000';
      await runDemo(
        {
          serviceUrl: values.url ?? `http://localhost:${port}`,
          oneflowUrl: `http://localhost:${process.env.DEMO_ONEFLOW_PORT || 4010}`,
          superofficeUrl: `http://localhost:${process.env.DEMO_SUPEROFFICE_PORT || 4020}`,
          adminToken: values.token ?? process.env.SMART_SYNC_ADMIN_TOKEN ?? 'demo-admin-token',
        },
        (line) => process.stdout.write(`${line}\n`),
      );
      return;
    }
    case 'settings': {
      const { runSettingsCommand, TransferError } = await import('./settings-transfer');
      try {
        await runSettingsCommand(
          { sub: rest[0], file: rest[1], out: values.out, replace: values.replace },
          {
            stdout: (text) => process.stdout.write(text),
            stderr: (text) => process.stderr.write(text),
          },
        );
      } catch (err) {
        if (err instanceof TransferError) fail(err.message);
        throw err;
      }
      return;
    }
    default:
      fail(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
