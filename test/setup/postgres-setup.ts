import { startTestPostgres, type TestPostgres } from '../support/postgres-server';

/**
 * One real PostgreSQL server for the whole run of the tests that need one; test files
 * find it through TEST_POSTGRES_URL, which jest's workers inherit, and each makes a
 * database of its own in it (createTestDatabase).
 */
export async function startPostgresForRun(): Promise<void> {
  if ((globalThis as { __testPostgres?: TestPostgres }).__testPostgres) return;
  const started = Date.now();
  const server = await startTestPostgres();
  process.stderr.write(`[postgres] ready at 127.0.0.1:${server.port} in ${Date.now() - started} ms\n`);
  process.env.TEST_POSTGRES_URL = server.url;
  (globalThis as { __testPostgres?: TestPostgres }).__testPostgres = server;
}

export async function stopPostgresForRun(): Promise<void> {
  const holder = globalThis as { __testPostgres?: TestPostgres };
  const server = holder.__testPostgres;
  holder.__testPostgres = undefined;
  await server?.stop();
}

export default startPostgresForRun;
