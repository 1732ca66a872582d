import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PostgresMappingStore } from '../../src/mapping-store/postgres-mapping-store';
import { testPostgresUrl } from '../support/postgres-server';

const script = path.join(__dirname, '..', '..', 'deploy', 'postgres', 'create-settings-database.sh');

/**
 * The compose file's PostgreSQL runs deploy/postgres/create-settings-database.sh on a new
 * volume; run here against a real server, it makes a user and database with which Smart
 * Sync migrates its schema and stores settings (the test server trusts local connections,
 * so the password itself is not checked here).
 */
describe('deploy/postgres/create-settings-database.sh', () => {
  it('creates the smart_sync user and database that DATABASE_URL names, and Smart Sync migrates it', async () => {
    const server = new URL(testPostgresUrl());
    await promisify(execFile)('bash', [script], {
      env: {
        PATH: process.env.PATH,
        POSTGRES_USER: 'postgres',
        PGHOST: server.hostname,
        PGPORT: server.port,
        SMART_SYNC_DB_PASSWORD: 'a1b2c3d4',
      },
    });
    const url = `postgres://smart_sync:a1b2c3d4@${server.host}/smart_sync`;
    const store = await PostgresMappingStore.open(url);
    try {
      await store.setConnection({
        provider: 'superoffice',
        tenant: 'Cust1',
        webApiUrl: 'https://sod.example/Cust1/api',
        connectedAt: '2026-12-02T00:00:00.000Z',
        sealed: 'v1.x',
      });
      expect((await store.listConnections()).map((c) => c.provider)).toEqual(['superoffice']);
    } finally {
      await store.close();
    }
  });

  it('refuses to run without SMART_SYNC_DB_PASSWORD', async () => {
    await expect(
      promisify(execFile)('bash', [script], { env: { PATH: process.env.PATH, POSTGRES_USER: 'postgres' } }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('set SMART_SYNC_DB_PASSWORD') });
  });
});
