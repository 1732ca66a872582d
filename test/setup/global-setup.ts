import { describeCliSource, findTemporalCli } from '../../src/temporal/cli-binary';
import { startDevServer } from '../../src/temporal/dev-server';
import { startPostgresForRun } from './postgres-setup';

/**
 * One real Temporal dev server for the whole test run (in memory, headless, on a free
 * port). Test files find it through TEMPORAL_TEST_ADDRESS, which jest's workers inherit.
 */
export default async function globalSetup(
  _globalConfig?: unknown,
  projectConfig?: { displayName?: { name?: string } },
): Promise<void> {
  // The reliability suite runs replicas sharing their settings in PostgreSQL as well.
  if (projectConfig?.displayName?.name === 'reliability') await startPostgresForRun();
  const report = (line: string) => process.stderr.write(`[temporal] ${line}\n`);
  const cli = await findTemporalCli({ report });
  report(describeCliSource(cli));
  const started = Date.now();
  const server = await startDevServer({ cliPath: cli.path, port: 0, startTimeoutMs: 120_000 });
  report(`dev server ready at ${server.address} in ${Date.now() - started} ms (pid ${server.process.pid})`);
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.TEMPORAL_TEST_NAMESPACE = server.namespace;
  (globalThis as { __temporalDevServer?: typeof server }).__temporalDevServer = server;
}
