import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MappingDocument } from '../../src/config/mapping-document';
import { runSettingsCommand, TransferError } from '../../src/cli/settings-transfer';
import { PostgresMappingStore } from '../../src/mapping-store/postgres-mapping-store';
import { SqliteMappingStore } from '../../src/mapping-store/sqlite-mapping-store';
import { mappingDocumentFingerprint } from '../../src/mapping-store/seed-mapping-document';
import { sealSecret } from '../../src/superoffice/sign-in/sealed-secret';
import { createTestDatabase } from '../support/postgres-server';

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'smart-sync.ts');
const KEY = 'a-secret-key-for-the-transfer-test-0123456789';

const DOCUMENT = {
  smartSync: { dataFields: true, products: true, markSaleSold: false },
  links: { sale: 'superoffice_sale_id', company: 'superoffice_contact_id' },
  mappings: [
    { object: 'Sale', property: 'Number', dataField: 'po_number' },
    { object: 'Sale', property: 'Heading', dataField: 'Ünïcode — “quoted”' },
  ],
} as unknown as MappingDocument;

/** `npx smart-sync settings …` as an operator runs it: its own process, configured by its environment. */
async function smartSync(
  args: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'settings', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

function withoutExportTime(json: string): unknown {
  const { exportedAt, ...rest } = JSON.parse(json) as Record<string, unknown>;
  expect(typeof exportedAt).toBe('string');
  return rest;
}

async function sqliteWithSettings(dir: string): Promise<void> {
  const store = await SqliteMappingStore.open(path.join(dir, 'settings.db'));
  await store.setMappingDocument(DOCUMENT, {
    source: 'SMART_SYNC_CONFIG',
    seedFingerprint: mappingDocumentFingerprint(DOCUMENT),
  });
  await store.setConnection({
    provider: 'superoffice',
    tenant: 'Cust12345',
    webApiUrl: 'https://sod2.superoffice.com/Cust12345/api',
    connectedAt: '2026-12-01T09:30:00.000Z',
    sealed: sealSecret('the-refresh-token', KEY, 'superoffice'),
  });
  await store.close();
}

describe('smart-sync settings export and import', () => {
  it('moves a store from SQLite to PostgreSQL and back exactly, connections still sealed', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-transfer-'));
    const sqliteDir = path.join(work, 'from');
    await sqliteWithSettings(sqliteDir);
    const databaseUrl = await createTestDatabase();

    // SQLite → file (stdout and --out) → PostgreSQL.
    const fromSqlite = await smartSync(['export'], { SMART_SYNC_DATA_DIR: sqliteDir });
    expect(fromSqlite.stdout).not.toContain('the-refresh-token');
    const file = path.join(work, 'settings.json');
    const written = await smartSync(['export', '--out', file], { SMART_SYNC_DATA_DIR: sqliteDir });
    expect(written.stderr).toMatch(
      /Exported the settings of SQLite .*settings\.db .*1 connection\(s\), still sealed/,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(withoutExportTime(readFileSync(file, 'utf8'))).toEqual(withoutExportTime(fromSqlite.stdout));
    const imported = await smartSync(['import', file], {
      DATABASE_URL: databaseUrl,
      SMART_SYNC_SECRET_KEY: KEY,
    });
    expect(imported.stderr).toMatch(
      /into PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+: mapping document imported, 1 connection/,
    );

    // PostgreSQL → file → a new SQLite store.
    const fromPostgres = await smartSync(['export'], { DATABASE_URL: databaseUrl });
    expect(withoutExportTime(fromPostgres.stdout)).toEqual(withoutExportTime(fromSqlite.stdout));
    const back = path.join(work, 'back.json');
    writeFileSync(back, fromPostgres.stdout);
    const sqliteAgain = path.join(work, 'again');
    await smartSync(['import', back], { SMART_SYNC_DATA_DIR: sqliteAgain, SMART_SYNC_SECRET_KEY: KEY });
    const fromSqliteAgain = await smartSync(['export'], { SMART_SYNC_DATA_DIR: sqliteAgain });
    expect(withoutExportTime(fromSqliteAgain.stdout)).toEqual(withoutExportTime(fromSqlite.stdout));

    // What the service then reads from the PostgreSQL store is the document and connection.
    const pg = await PostgresMappingStore.open(databaseUrl);
    try {
      expect(await pg.getMappingDocument()).toEqual(DOCUMENT);
      expect(await pg.getSeedFingerprint()).toBe(mappingDocumentFingerprint(DOCUMENT));
      expect((await pg.getConnection('superoffice'))?.tenant).toBe('Cust12345');
    } finally {
      await pg.close();
    }
  }, 120_000);

  describe('refusals, nothing written', () => {
    const io = { stdout: () => undefined, stderr: () => undefined };
    let work: string;
    let file: string;
    beforeAll(async () => {
      work = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-transfer-refusals-'));
      await sqliteWithSettings(path.join(work, 'from'));
      file = path.join(work, 'settings.json');
      await runSettingsCommand(
        { sub: 'export', out: file },
        { ...io, env: { SMART_SYNC_DATA_DIR: path.join(work, 'from') } },
      );
    });

    async function importInto(env: Record<string, string>, args: { file?: string; replace?: boolean } = {}) {
      return runSettingsCommand(
        { sub: 'import', file: args.file ?? file, replace: args.replace },
        { ...io, env },
      );
    }

    async function pgDocument(url: string): Promise<MappingDocument | null> {
      const store = await PostgresMappingStore.open(url);
      try {
        return await store.getMappingDocument();
      } finally {
        await store.close();
      }
    }

    it('without SMART_SYNC_SECRET_KEY, or with another one', async () => {
      const url = await createTestDatabase();
      await expect(importInto({ DATABASE_URL: url })).rejects.toThrow(
        /SMART_SYNC_SECRET_KEY, which is not set here: set it to the key of the deployment that exported them/,
      );
      await expect(importInto({ DATABASE_URL: url, SMART_SYNC_SECRET_KEY: 'x'.repeat(40) })).rejects.toThrow(
        /superoffice connection in the export was sealed with another SMART_SYNC_SECRET_KEY/,
      );
      expect(await pgDocument(url)).toBeNull();
    });

    it('into a store that holds other settings, unless --replace', async () => {
      const url = await createTestDatabase();
      const store = await PostgresMappingStore.open(url);
      const other = { ...DOCUMENT, mappings: [DOCUMENT.mappings[0]!] } as MappingDocument;
      await store.setMappingDocument(other);
      await store.close();
      const env = { DATABASE_URL: url, SMART_SYNC_SECRET_KEY: KEY };
      await expect(importInto(env)).rejects.toThrow(/already holds other settings .* import with --replace/);
      expect(await pgDocument(url)).toEqual(other);
      await importInto(env, { replace: true });
      expect(await pgDocument(url)).toEqual(DOCUMENT);
      // Importing the same export again changes nothing and needs no --replace.
      await importInto(env);
    });

    it('a file changed after the export, or not an export at all', async () => {
      const url = await createTestDatabase();
      const env = { DATABASE_URL: url, SMART_SYNC_SECRET_KEY: KEY };
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { mappingDocument: MappingDocument };
      snapshot.mappingDocument.mappings.pop();
      const edited = path.join(work, 'edited.json');
      writeFileSync(edited, JSON.stringify(snapshot));
      await expect(importInto(env, { file: edited })).rejects.toThrow(/was changed after the export/);
      const wrong = path.join(work, 'wrong.json');
      writeFileSync(wrong, JSON.stringify({ smartSync: {} }));
      await expect(importInto(env, { file: wrong })).rejects.toThrow(/not a Smart Sync settings export/);
      await expect(importInto(env, { file: path.join(work, 'missing.json') })).rejects.toThrow(TransferError);
      await expect(
        runSettingsCommand({ sub: 'import', file }, { ...io, env: { DATABASE_URL: 'mysql://x' } }),
      ).rejects.toThrow(/DATABASE_URL must be a PostgreSQL URL/);
      expect(await pgDocument(url)).toBeNull();
    });
  });
});
