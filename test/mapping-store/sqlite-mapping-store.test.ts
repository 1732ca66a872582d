import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import initSqlJs from 'sql.js';
import { type MappingDocument, parseMappingDocument } from '../../src/config/mapping-document';
import {
  ANY_VERSION,
  type ExpectedVersion,
  InMemoryMappingStore,
  type MappingStore,
  mappingDocumentVersion,
  VersionConflictError,
} from '../../src/mapping-store/mapping-store';
import {
  MappingStoreError,
  SqliteMappingStore,
  type SqliteMappingStoreOptions,
  writeFileAtomically,
} from '../../src/mapping-store/sqlite-mapping-store';
import {
  mappingDocumentFingerprint,
  seedMappingDocument,
} from '../../src/mapping-store/seed-mapping-document';
import demoMapping from '../../config/demo-mapping.json';

const demo = () => structuredClone(demoMapping) as MappingDocument;

let dir: string;
const open: SqliteMappingStore[] = [];
async function openStore(file = path.join(dir, 'settings.db'), options?: SqliteMappingStoreOptions) {
  const store = await SqliteMappingStore.open(file, options);
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

describe('SqliteMappingStore', () => {
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
    await expect(SqliteMappingStore.open(file)).rejects.toThrow(
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
    await expect(SqliteMappingStore.open(file)).rejects.toThrow(
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
    await expect(SqliteMappingStore.open(path.join(dir, 'not-a-folder', 'settings.db'))).rejects.toThrow(
      /cannot read the settings database .*not-a-folder\/settings\.db: a part of the path is a file, not a folder/,
    );
  });

  it('refuses to work after close', async () => {
    const store = await openStore();
    await store.close();
    await expect(store.getMappingDocument()).rejects.toBeInstanceOf(MappingStoreError);
  });
});

describe('SqliteMappingStore when the file cannot be written', () => {
  /** The error the next writes fail with, or null to write for real. */
  let failWith: NodeJS.ErrnoException | null = null;
  const failing = (code: string, message: string) => Object.assign(new Error(message), { code });
  const options: SqliteMappingStoreOptions = {
    writeFile: async (file, bytes) => {
      if (failWith) throw failWith;
      await writeFileAtomically(file, bytes);
    },
  };

  beforeEach(() => {
    failWith = null;
  });

  it('keeps serving the saved document, says why, and saves the next one once it can', async () => {
    const store = await openStore(undefined, options);
    await store.setMappingDocument(demo(), { source: 'first', seedFingerprint: 'seed-1' });
    const onDisk = readFileSync(store.file);
    const mine = demo();
    mine.smartSync.products = false;

    failWith = failing('ENOSPC', 'ENOSPC: no space left on device, write');
    const failed = store.setMappingDocument(mine, { source: 'second', seedFingerprint: 'seed-2' });
    await expect(failed).rejects.toBeInstanceOf(MappingStoreError);
    await expect(failed).rejects.toThrow(
      /^cannot write the settings database .*settings\.db: the disk is full \(ENOSPC: no space left on device, write\); make room and try again$/,
    );
    expect(await store.getMappingDocument()).toEqual(demo());
    expect(await store.getSeedFingerprint()).toBe('seed-1');
    expect((await store.history()).map((v) => v.source)).toEqual(['first']);
    expect(readFileSync(store.file).equals(onDisk)).toBe(true);

    failWith = null;
    await store.setMappingDocument(mine, { source: 'second' });
    expect(await store.getMappingDocument()).toEqual(mine);
    expect((await store.history()).map((v) => v.source)).toEqual(['second', 'first']);
    expect(await (await openStore()).getMappingDocument()).toEqual(mine);
  });

  it('names a permission problem, and keeps the version a compare-and-set can retry from', async () => {
    const store = await openStore(undefined, options);
    await store.setMappingDocument(demo());
    const version = mappingDocumentVersion(demo());
    const mine = { ...demo(), mappings: [] };

    failWith = failing('EACCES', 'EACCES: permission denied, open');
    await expect(store.setMappingDocument(mine, { expectedVersion: version })).rejects.toThrow(
      /settings\.db: permission denied; make the folder writable by Smart Sync or set SMART_SYNC_DATA_DIR$/,
    );
    failWith = null;
    await store.setMappingDocument(mine, { expectedVersion: version });
    expect(await store.getMappingDocument()).toEqual(mine);
  });

  it('stops at open when the new file cannot be written', async () => {
    failWith = failing('EROFS', 'EROFS: read-only file system, open');
    await expect(SqliteMappingStore.open(path.join(dir, 'settings.db'), options)).rejects.toThrow(
      /^cannot write the settings database .*settings\.db: EROFS: read-only file system, open$/,
    );
  });

  // Real failures, which root meets too (a read-only folder does not stop root).

  it('fails for real past a file-size limit, keeps the file and serves what it holds', async () => {
    const store = await openStore();
    await store.setMappingDocument(demo(), { source: 'saved' });
    await store.close();
    const onDisk = readFileSync(store.file);
    // 2048 blocks of 512 or 1024 bytes (as the shell counts), well below the 8 MB document.
    const { stdout } = await promisify(execFile)(
      '/bin/sh',
      [
        '-c',
        'ulimit -f 2048 && exec "$0" "$@"',
        process.execPath,
        '--import',
        'tsx',
        path.join(__dirname, 'save-beyond-file-size-limit.ts'),
        store.file,
      ],
      { timeout: 30_000 },
    );
    const child = JSON.parse(stdout) as {
      error: string;
      served: unknown;
      history: string[];
      files: string[];
    };
    expect(child.error).toMatch(/^cannot write the settings database .*settings\.db: EFBIG: file too large/);
    expect(child.served).toEqual(demo());
    expect(child.history).toEqual(['saved']);
    expect(child.files).toEqual(['settings.db']);
    expect(readFileSync(store.file).equals(onDisk)).toBe(true);
  });

  it('writes nothing over a folder in the way, and leaves no temporary file', async () => {
    const target = path.join(dir, 'settings.db');
    mkdirSync(target);
    writeFileSync(path.join(target, 'keep-me'), 'x');
    await expect(writeFileAtomically(target, new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/),
    });
    expect(readdirSync(dir)).toEqual(['settings.db']);
    expect(readdirSync(target)).toEqual(['keep-me']);
  });

  it('never serves a document it could not save, even once its file is back', async () => {
    const store = await openStore();
    await store.setMappingDocument(demo());
    const aside = path.join(dir, 'moved-aside.db');
    renameSync(store.file, aside);
    mkdirSync(store.file);
    await expect(store.setMappingDocument({ ...demo(), mappings: [] })).rejects.toThrow(
      /settings\.db: it is a folder, not a file; move it aside or set SMART_SYNC_DATA_DIR$/,
    );
    await expect(store.getMappingDocument()).rejects.toBeInstanceOf(MappingStoreError);
    rmSync(store.file, { recursive: true });
    renameSync(aside, store.file);
    expect(await store.getMappingDocument()).toEqual(demo());
  });
});

describe('compare-and-set (expectedVersion)', () => {
  const stores: Array<[string, () => Promise<MappingStore>]> = [
    ['SQLite', () => openStore()],
    ['in memory', async () => new InMemoryMappingStore()],
  ];
  const changed = (n: number) => {
    const doc = demo();
    doc.links.sale = `sale_field_${n}`;
    return doc;
  };

  describe.each(stores)('%s store', (_name, make) => {
    it('saves over the version expected, and over any of several', async () => {
      const store = await make();
      await store.setMappingDocument(demo());
      await store.setMappingDocument(changed(1), { expectedVersion: mappingDocumentVersion(demo()) });
      await store.setMappingDocument(changed(2), {
        expectedVersion: ['0'.repeat(32), mappingDocumentVersion(changed(1))],
      });
      await store.setMappingDocument(changed(3), { expectedVersion: ANY_VERSION });
      expect(await store.getMappingDocument()).toEqual(changed(3));
    });

    it('refuses another version with the one stored, and saves nothing', async () => {
      const store = await make();
      await store.setMappingDocument(demo(), { seedFingerprint: 'seed' });
      const stale = mappingDocumentVersion(changed(1));
      const refused = store.setMappingDocument(changed(2), { expectedVersion: stale, seedFingerprint: 'x' });
      await expect(refused).rejects.toBeInstanceOf(VersionConflictError);
      await expect(refused).rejects.toMatchObject({
        expected: stale,
        currentVersion: mappingDocumentVersion(demo()),
      });
      await expect(store.setMappingDocument(changed(2), { expectedVersion: [] })).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      expect(await store.getMappingDocument()).toEqual(demo());
      expect(await store.getSeedFingerprint()).toBe('seed');
      if (store instanceof SqliteMappingStore) expect(await store.history()).toHaveLength(1);
    });

    it('refuses every expected version, any included, while there is no document', async () => {
      const store = await make();
      const expectations: ExpectedVersion[] = [mappingDocumentVersion(demo()), [], ANY_VERSION];
      for (const expectedVersion of expectations) {
        await expect(store.setMappingDocument(demo(), { expectedVersion })).rejects.toMatchObject({
          name: 'VersionConflictError',
          currentVersion: null,
        });
      }
      expect(await store.getMappingDocument()).toBeNull();
    });

    it('lets exactly one of several concurrent saves from the same version through', async () => {
      const store = await make();
      await store.setMappingDocument(demo());
      const expectedVersion = mappingDocumentVersion(demo());
      const results = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((n) => store.setMappingDocument(changed(n), { expectedVersion })),
      );
      const saved = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i + 1] : []));
      expect(saved).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(VersionConflictError);
      }
      expect(await store.getMappingDocument()).toEqual(changed(saved[0]!));
      if (store instanceof SqliteMappingStore) expect(await store.history()).toHaveLength(2);
    });
  });
});

describe('seeding from SMART_SYNC_CONFIG', () => {
  const stores: Array<[string, () => Promise<MappingStore>]> = [
    ['SQLite', () => openStore()],
    ['in memory', async () => new InMemoryMappingStore()],
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
