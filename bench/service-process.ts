// First, so that it sees the workflow threads the SDK starts (opt-in, see the file).
import './memory-probe';
import { z } from 'zod';
import { loadEnvironment } from '../src/config/env';
import { createLogger } from '../src/logging/logger';
import { type ServiceRole, startParts } from '../src/runtime/service';

/**
 * The service under test, in a process of its own so that its memory is its own: what
 * `npm start` runs (embedded dev server, workers, HTTP server), configured through the
 * environment, plus the tuning overrides the benchmark passes in BENCH_SERVICE_OVERRIDES.
 * It tells its parent when it is ready, and stops cleanly when asked or orphaned.
 */

const overridesSchema = z.strictObject({
  oneflowActivitiesPerSecond: z.number().positive().optional(),
  workerOptions: z.record(z.string(), z.unknown()).optional(),
});

export type BenchServiceOverrides = z.infer<typeof overridesSchema>;

export type ServiceMessage =
  { type: 'ready'; url: string; temporalAddress: string } | { type: 'failed'; message: string };

async function main(): Promise<void> {
  const overrides = overridesSchema.parse(JSON.parse(process.env.BENCH_SERVICE_OVERRIDES ?? '{}'));
  const environment = loadEnvironment(process.env);
  // BENCH_SERVICE_ROLE=api|worker: one half, against TEMPORAL_ADDRESS (the scale-out phase).
  const role = z.enum(['all', 'api', 'worker']).parse(process.env.BENCH_SERVICE_ROLE ?? 'all') as ServiceRole;
  const service = await startParts(role, environment, createLogger(environment.logLevel), overrides);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= service.stop().finally(() => process.exit(0));
    return stopping;
  };
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  const ready: ServiceMessage = { type: 'ready', url: service.url, temporalAddress: service.temporalAddress };
  process.send?.(ready);
}

main().catch((err: Error) => {
  const failed: ServiceMessage = { type: 'failed', message: err.message };
  process.send?.(failed);
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
