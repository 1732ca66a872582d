import { stopPostgresForRun } from './postgres-setup';
import type { RunningDevServer } from '../../src/temporal/dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __temporalDevServer?: RunningDevServer }).__temporalDevServer;
  await server?.stop();
  await stopPostgresForRun();
}
