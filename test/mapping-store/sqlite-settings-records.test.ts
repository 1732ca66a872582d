import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { readFile, writeFile } from 'node:fs/promises';
import { SqliteMappingStore } from '../../src/mapping-store/sqlite-mapping-store';

const record = {
  provider: 'superoffice',
  tenant: 'Cust1',
  webApiUrl: 'https://sod.example/Cust1/api',
  connectedAt: '2026-12-02T00:00:00.000Z',
  sealed: 'v1.sealed',
};

/** The SQLite store's connection list and sign-ins in flight (schema 2), as the PostgreSQL one has them. */
describe('the SQLite store', () => {
  const fileIn = () =>
    path.join(mkdtempSync(path.join(os.tmpdir(), 'smart-sync-sqlite-records-')), 'settings.db');

  it('lists the connections by provider', async () => {
    const store = await SqliteMappingStore.open(fileIn());
    try {
      expect(await store.listConnections()).toEqual([]);
      await store.setConnection(record);
      await store.setConnection({ ...record, provider: 'another' });
      expect((await store.listConnections()).map((c) => c.provider)).toEqual(['another', 'superoffice']);
    } finally {
      await store.close();
    }
  });

  it('hands out a pending sign-in once, never after it expired, and keeps at most `max`', async () => {
    const file = fileIn();
    const store = await SqliteMappingStore.open(file);
    try {
      const now = 1_000_000;
      await store.putPendingAuthorization(
        'k1',
        { sealedVerifier: 's1', expiresAt: now + 10 },
        { now, max: 100 },
      );
      // Another process opening the same file finds it (after a restart, say).
      const other = await SqliteMappingStore.open(file);
      expect(await other.takePendingAuthorization('k1', now)).toEqual({
        sealedVerifier: 's1',
        expiresAt: now + 10,
      });
      await other.close();
      expect(await store.takePendingAuthorization('k1', now)).toBeNull();
      await store.putPendingAuthorization(
        'k2',
        { sealedVerifier: 's2', expiresAt: now + 10 },
        { now, max: 100 },
      );
      expect(await store.takePendingAuthorization('k2', now + 10)).toBeNull();
      expect(await store.takePendingAuthorization('k2', now)).toBeNull();
      for (let i = 0; i < 5; i++) {
        await store.putPendingAuthorization(
          `m${i}`,
          { sealedVerifier: `v${i}`, expiresAt: now + 10 },
          { now, max: 3 },
        );
      }
      const left = [];
      for (let i = 0; i < 5; i++)
        left.push((await store.takePendingAuthorization(`m${i}`, now))?.sealedVerifier);
      expect(left).toEqual([undefined, undefined, 'v2', 'v3', 'v4']);
    } finally {
      await store.close();
    }
  });

  it('upgrades a file of schema 1 in place, keeping its document and connections', async () => {
    const file = fileIn();
    const SQL = await initSqlJs();
    const v1 = new SQL.Database();
    v1.run(`
      CREATE TABLE mapping_document_versions (version INTEGER PRIMARY KEY AUTOINCREMENT, document TEXT NOT NULL, saved_at TEXT NOT NULL, source TEXT NOT NULL);
      CREATE TABLE settings_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      PRAGMA user_version = 1;
    `);
    const doc = {
      smartSync: { dataFields: true, products: false },
      links: { sale: 'sale_id' },
      mappings: [],
    };
    v1.run('INSERT INTO mapping_document_versions (document, saved_at, source) VALUES (?, ?, ?)', [
      JSON.stringify(doc),
      '2026-01-01T00:00:00.000Z',
      'test',
    ]);
    v1.run('INSERT INTO settings_meta (key, value) VALUES (?, ?)', [
      'connection:superoffice',
      JSON.stringify(record),
    ]);
    await writeFile(file, v1.export());
    v1.close();
    const store = await SqliteMappingStore.open(file);
    try {
      expect((await store.getMappingDocument())?.links).toEqual({ sale: 'sale_id' });
      expect(await store.getConnection('superoffice')).toEqual(record);
      await store.putPendingAuthorization('k', { sealedVerifier: 's', expiresAt: 2 }, { now: 1, max: 10 });
    } finally {
      await store.close();
    }
    const upgraded = new SQL.Database(await readFile(file));
    expect(upgraded.exec('PRAGMA user_version')[0]!.values[0]![0]).toBe(2);
    upgraded.close();
  });
});
