import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { type MappingDocument, parseMappingDocument } from '../../src/config/mapping-document';
import { InMemorySettingsStore, type SettingsStore } from '../../src/settings/settings-store';
import { SettingsStoreError, SqliteSettingsStore } from '../../src/settings/sqlite-settings-store';
import { mappingDocumentFingerprint, seedMappingDocument } from '../../src/settings/seed-mapping-document';
import demoMapping from '../../config/demo-mapping.json';

const demo = () => structuredClone(demoMapping) as MappingDocument;

let dir: string;
const open: SqliteSettingsStore[] = [];
async function openStore(file = path.join(dir, 'settings.db'), options?: { historyLimit?: number }) {
  const store = await SqliteSettingsStore.open(file, options);
  open.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-settings-'));
});

afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteSettingsStore', () => {
  it('creates the file and its folder at open, and starts empty', async () => {
    const file = path.join(dir, 'nested', 'data', 'settings.db');
    const store = await openStore(file);
    expect(existsSync(file)).toBe(true);
    expect(await store.getMappingDocument()).toBeNull();
    expect(await store.getSeedFingerprint()).toBeNull();
  });

  it('keeps the mapping document across a restart', async () => {
    const doc = demo();
    doc.smartSync.products = false;
    const first = await openStore();
    await first.setMappingDocument(doc, { source: 'admin API' });
    await first.close();

    const second = await openStore();
    expect(await second.getMappingDocument()).toEqual(doc);
  });

  it('writes an ordinary SQLite file that another SQLite reader can open', async () => {
    const store = await openStore();
    await store.setMappingDocument(demo(), { source: 'admin API' });
    const sql = await initSqlJs();
    const db = new sql.Database(readFileSync(store.file));
    const [result] = db.exec('SELECT source, document FROM mapping_document_versions');
    expect(result!.values).toHaveLength(1);
    expect(result!.values[0]![0]).toBe('admin API');
    expect(JSON.parse(String(result!.values[0]![1]))).toEqual(demo());
    db.close();
  });

  it('leaves no temporary files behind', async () => {
    const store = await openStore();
    for (let i = 0; i < 5; i++) await store.setMappingDocument(demo());
    expect(readdirSync(dir)).toEqual(['settings.db']);
  });

  it('hands out copies, so a caller cannot change the stored document by accident', async () => {
    const store = await openStore();
    await store.setMappingDocument(demo());
    const got = (await store.getMappingDocument())!;
    got.mappings.length = 0;
    expect((await store.getMappingDocument())!.mappings).toHaveLength(demo().mappings.length);
  });

  it('keeps replaced versions, newest first, up to the history limit', async () => {
    const store = await openStore(undefined, { historyLimit: 3 });
    for (let n = 1; n <= 5; n++) {
      const doc = demo();
      doc.mappings = doc.mappings.slice(0, n);
      await store.setMappingDocument(doc, { source: `save ${n}` });
    }
    const history = await store.history();
    expect(history.map((v) => v.source)).toEqual(['save 5', 'save 4', 'save 3']);
    expect(history.map((v) => v.document.mappings.length)).toEqual([5, 4, 3]);
    expect((await store.getMappingDocument())!.mappings).toHaveLength(5);
  });

  it('refuses an invalid document and keeps the stored one', async () => {
    const store = await openStore();
    await store.setMappingDocument(demo());
    const bad = { ...demo(), mappings: [{ object: 'Person', property: 'Title', dataField: 'x' }] };
    await expect(store.setMappingDocument(bad as unknown as MappingDocument)).rejects.toThrow(
      /mappings\[0\]\.object: must be "Sale", "Company" or "Contact", got "Person"/,
    );
    expect(await store.getMappingDocument()).toEqual(demo());
  });

  it('serializes concurrent saves: every one lands in the history and the last one wins', async () => {
    const store = await openStore();
    const docs = Array.from({ length: 8 }, (_, n) => {
      const doc = demo();
      doc.links.sale = `sale_field_${n}`;
      return doc;
    });
    await Promise.all(docs.map((doc, n) => store.setMappingDocument(doc, { source: `writer ${n}` })));
    expect((await store.getMappingDocument())!.links.sale).toBe('sale_field_7');
    expect((await store.history()).map((v) => v.source)).toEqual(docs.map((_, n) => `writer ${n}`).reverse());
  });

  it("sees another process's change to the file before its next read", async () => {
    const mine = await openStore();
    const theirs = await openStore();
    await mine.setMappingDocument(demo());
    expect(await theirs.getMappingDocument()).toEqual(demo());
    const changed = demo();
    changed.smartSync.dataFields = false;
    await theirs.setMappingDocument(changed);
    expect((await mine.getMappingDocument())!.smartSync.dataFields).toBe(false);
  });

  it('stops with a clear message on a file that is not a database', async () => {
    const file = path.join(dir, 'settings.db');
    writeFileSync(file, 'this is a text file, not SQLite '.repeat(40));
    await expect(SqliteSettingsStore.open(file)).rejects.toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a SQLite database .*move it aside`),
    );
  });

  it('stops with a clear message on a file written by a newer version', async () => {
    const sql = await initSqlJs();
    const db = new sql.Database();
    db.run('PRAGMA user_version = 99');
    const file = path.join(dir, 'settings.db');
    writeFileSync(file, db.export());
    db.close();
    await expect(SqliteSettingsStore.open(file)).rejects.toThrow(
      /newer version of Smart Sync \(settings schema 99/,
    );
  });

  it('reports a stored document that no longer validates, naming the problem', async () => {
    const store = await openStore();
    await store.setMappingDocument(demo());
    const sql = await initSqlJs();
    const db = new sql.Database(readFileSync(store.file));
    db.run(
      `UPDATE mapping_document_versions SET document = '{"smartSync":{"dataFields":"yes","products":true},"links":{"sale":"s"},"mappings":[]}'`,
    );
    writeFileSync(store.file, db.export());
    db.close();
    await expect(store.getMappingDocument()).rejects.toThrow(
      /smartSync\.dataFields: must be true or false, got "yes"/,
    );
  });

  it('stops at open with a clear message when the file cannot be reached', async () => {
    // A folder that is a file: fails for root too, unlike a permission bit.
    writeFileSync(path.join(dir, 'not-a-folder'), '');
    await expect(SqliteSettingsStore.open(path.join(dir, 'not-a-folder', 'settings.db'))).rejects.toThrow(
      /cannot read the settings database .*not-a-folder\/settings\.db: a part of the path is a file, not a folder/,
    );
  });

  it('refuses to work after close', async () => {
    const store = await openStore();
    await store.close();
    await expect(store.getMappingDocument()).rejects.toBeInstanceOf(SettingsStoreError);
  });
});

describe('seeding from SMART_SYNC_CONFIG', () => {
  const stores: Array<[string, () => Promise<SettingsStore>]> = [
    ['SQLite', () => openStore()],
    ['in memory', async () => new InMemorySettingsStore()],
  ];

  describe.each(stores)('%s store', (_name, make) => {
    it('seeds an empty store', async () => {
      const store = await make();
      expect(await seedMappingDocument(store, demo(), 'SMART_SYNC_CONFIG')).toBe('seeded');
      expect(await store.getMappingDocument()).toEqual(demo());
      expect(await store.getSeedFingerprint()).toBe(mappingDocumentFingerprint(demo()));
    });

    it('keeps changes made since (in the page) while the file stays the same', async () => {
      const store = await make();
      await seedMappingDocument(store, demo(), 'SMART_SYNC_CONFIG');
      const edited = demo();
      edited.smartSync.products = false;
      await store.setMappingDocument(edited, { source: 'admin API' });
      expect(await seedMappingDocument(store, demo(), 'SMART_SYNC_CONFIG')).toBe('kept');
      expect((await store.getMappingDocument())!.smartSync.products).toBe(false);
    });

    it('imports the file again once it has changed', async () => {
      const store = await make();
      await seedMappingDocument(store, demo(), 'SMART_SYNC_CONFIG');
      await store.setMappingDocument({ ...demo(), mappings: [] }, { source: 'admin API' });
      const fileNow = demo();
      fileNow.links.company = 'company_id_field';
      expect(await seedMappingDocument(store, fileNow, 'SMART_SYNC_CONFIG')).toBe('replaced');
      expect(await store.getMappingDocument()).toEqual(fileNow);
    });

    it('imports a file named for the first time over a document made elsewhere', async () => {
      const store = await make();
      await store.setMappingDocument({ ...demo(), mappings: [] }, { source: 'admin API' });
      expect(await seedMappingDocument(store, demo(), 'SMART_SYNC_CONFIG')).toBe('replaced');
      expect(await store.getMappingDocument()).toEqual(demo());
    });
  });

  it('keeps the document the file replaced in the SQLite history', async () => {
    const store = await openStore();
    const mine = { ...demo(), mappings: [] };
    await store.setMappingDocument(mine, { source: 'admin API' });
    await seedMappingDocument(store, demo(), 'SMART_SYNC_CONFIG');
    const [now, before] = await store.history();
    expect(now).toMatchObject({ source: 'SMART_SYNC_CONFIG', document: demo() });
    expect(before).toMatchObject({ source: 'admin API', document: mine });
  });

  it('does not count a reformatted file as a change', () => {
    const reordered = JSON.parse(
      JSON.stringify({ mappings: demo().mappings, links: demo().links, smartSync: demo().smartSync }),
    );
    // The fingerprint is taken of the parsed document, whose key order the schema fixes.
    const parsed = parseMappingDocument(reordered);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(mappingDocumentFingerprint(parsed.value)).toBe(mappingDocumentFingerprint(demo()));
  });
});
