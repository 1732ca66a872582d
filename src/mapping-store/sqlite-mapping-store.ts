import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { type MappingDocument, parseMappingDocument } from '../config/mapping-document';
import {
  type MappingStore,
  MappingStoreError,
  mappingDocumentVersion,
  type PendingAuthorization,
  type PendingAuthorizationLimits,
  type SaveOptions,
  type StoredConnection,
  VersionConflictError,
  versionMatches,
} from './mapping-store';

// Where callers have always found it.
export { MappingStoreError };

/**
 * The settings store `npm start` uses: an embedded SQLite database in one file
 * (data/settings.db by default).
 *
 * SQLite here is sql.js, SQLite compiled to WebAssembly, rather than a native binding:
 * it installs with `npm ci --ignore-scripts` (as the Dockerfile runs it) and needs no
 * compiler or download, on any machine. sql.js works on a copy of the database in
 * memory, so every change is written back as a whole new file (temp file, fsync,
 * rename): a crash leaves the old file or the new one, never half of each. The file
 * stays an ordinary SQLite database that the `sqlite3` tool can open.
 *
 * A change is made to a copy of that copy, which replaces it only once the file is
 * written: after a failed write (a full disk, a folder made read-only) the store goes on
 * serving what the file holds, never a document it could not save.
 *
 * Within a process, operations run one at a time, so a compare-and-set (expectedVersion)
 * checks and writes with no other save in between. A change made to the file by another
 * process is noticed (the file is a new inode after every write) and read before the
 * next operation; two processes writing at the same moment would still race, which is
 * why several instances should use a server database behind the same interface.
 */

type SqlJs = initSqlJs.SqlJsStatic;
type Database = initSqlJs.Database;

const SCHEMA_VERSION = 2;
/** Versions of the mapping document kept, the current one included: a replaced document is never lost at once. */
const DEFAULT_HISTORY_LIMIT = 50;

export interface StoredVersion {
  version: number;
  savedAt: string;
  source: string;
  document: MappingDocument;
}

let engine: Promise<SqlJs> | undefined;
function loadEngine(): Promise<SqlJs> {
  engine ??= initSqlJs().catch((err: unknown) => {
    engine = undefined;
    throw err;
  });
  return engine;
}

/** What changes whenever the file is replaced, by us or by anyone else. */
interface FileIdentity {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

function fileProblem(action: 'read' | 'write', file: string, err: unknown): MappingStoreError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'EACCES' || e.code === 'EPERM'
      ? 'permission denied; make the folder writable by Smart Sync or set SMART_SYNC_DATA_DIR'
      : e.code === 'ENOTDIR'
        ? 'a part of the path is a file, not a folder; set SMART_SYNC_DATA_DIR to a folder'
        : e.code === 'EISDIR'
          ? 'it is a folder, not a file; move it aside or set SMART_SYNC_DATA_DIR'
          : e.code === 'ENOSPC' || e.code === 'EDQUOT'
            ? `the disk is full (${e.message}); make room and try again`
            : e.message;
  return new MappingStoreError(`cannot ${action} the settings database ${file}: ${why}`);
}

async function identityOf(file: string): Promise<FileIdentity | null> {
  try {
    const s = await stat(file, { bigint: true });
    return { ino: s.ino, size: s.size, mtimeNs: s.mtimeNs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileProblem('read', file, err);
  }
}

function sameIdentity(a: FileIdentity | null, b: FileIdentity | null): boolean {
  return a !== null && b !== null && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

function migrate(db: Database, file: string): void {
  const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  if (version > SCHEMA_VERSION) {
    throw new MappingStoreError(
      `${file} was written by a newer version of Smart Sync (settings schema ${version}; this version knows ${SCHEMA_VERSION}); upgrade Smart Sync or point SMART_SYNC_DATA_DIR elsewhere`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  // Each step takes the file from one schema version to the next; a file is migrated in
  // memory and written back whole with the next change, so a failed step leaves it as it was.
  if (version < 1) {
    db.run(`
      CREATE TABLE IF NOT EXISTS mapping_document_versions (
        version   INTEGER PRIMARY KEY AUTOINCREMENT,
        document  TEXT NOT NULL,
        saved_at  TEXT NOT NULL,
        source    TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS settings_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  }
  if (version < 2) {
    // Sign-ins in flight (OAuth state digest -> sealed PKCE verifier); seq orders them by age.
    db.run(`
      CREATE TABLE IF NOT EXISTS pending_authorizations (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        key              TEXT NOT NULL UNIQUE,
        sealed_verifier  TEXT NOT NULL,
        expires_at       INTEGER NOT NULL
      );
    `);
  }
  db.run(`PRAGMA user_version = ${SCHEMA_VERSION};`);
}

/**
 * Replaces `file` with `bytes` so that it holds the old bytes or the new ones, never a
 * mix, whatever happens meanwhile: a temporary file beside it, fsynced, renamed over it.
 */
export async function writeFileAtomically(file: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'w', mode);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

export interface SqliteMappingStoreOptions {
  historyLimit?: number;
  /**
   * How the database reaches its file: writeFileAtomically unless a test makes writes
   * fail, which a read-only folder cannot do when the tests run as root.
   */
  writeFile?: (file: string, bytes: Uint8Array) => Promise<void>;
}

function parseStored(json: string, file: string, version: number): MappingDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new MappingStoreError(
      `${file}: version ${version} of the mapping document is not JSON: ${(err as Error).message}`,
    );
  }
  const parsed = parseMappingDocument(raw);
  if (!parsed.ok) {
    throw new MappingStoreError(
      `${file}: the stored mapping document (version ${version}) is not valid any more:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}\nPUT a corrected one to /api/config`,
    );
  }
  return parsed.value;
}

export class SqliteMappingStore implements MappingStore {
  private db: Database | undefined;
  private loadedFrom: FileIdentity | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly sql: SqlJs,
    private readonly historyLimit: number,
    private readonly writeFile: (file: string, bytes: Uint8Array) => Promise<void>,
  ) {}

  /**
   * Opens the database, creating the file (and its folder) when there is none, so that a
   * folder Smart Sync cannot write to stops the start with a clear message rather than
   * the first save from the settings page.
   */
  static async open(file: string, options: SqliteMappingStoreOptions = {}): Promise<SqliteMappingStore> {
    const store = new SqliteMappingStore(
      path.resolve(file),
      await loadEngine(),
      Math.max(1, options.historyLimit ?? DEFAULT_HISTORY_LIMIT),
      options.writeFile ?? writeFileAtomically,
    );
    try {
      await store.exclusive(async () => {
        const db = await store.current();
        if (store.loadedFrom === null) await store.replaceWith(store.copyOf(db));
      });
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async getMappingDocument(): Promise<MappingDocument | null> {
    return this.exclusive(async () => this.latest(await this.current()));
  }

  async setMappingDocument(doc: MappingDocument, options: SaveOptions = {}): Promise<void> {
    // The store is a boundary of its own: nothing invalid goes in, whoever calls.
    const parsed = parseMappingDocument(doc);
    if (!parsed.ok) {
      throw new MappingStoreError(
        `not saving an invalid mapping document:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`,
      );
    }
    await this.exclusive(async () => {
      const db = await this.current();
      const { expectedVersion } = options;
      if (expectedVersion !== undefined) {
        const stored = this.latest(db);
        const currentVersion = stored && mappingDocumentVersion(stored);
        if (!versionMatches(expectedVersion, currentVersion)) {
          throw new VersionConflictError(expectedVersion, currentVersion);
        }
      }
      const next = this.copyOf(db);
      try {
        next.run('INSERT INTO mapping_document_versions (document, saved_at, source) VALUES (?, ?, ?)', [
          JSON.stringify(parsed.value),
          new Date().toISOString(),
          options.source ?? 'unknown',
        ]);
        if (options.seedFingerprint !== undefined) {
          next.run("INSERT OR REPLACE INTO settings_meta (key, value) VALUES ('seed_fingerprint', ?)", [
            options.seedFingerprint,
          ]);
        }
        next.run(
          'DELETE FROM mapping_document_versions WHERE version <= (SELECT MAX(version) FROM mapping_document_versions) - ?',
          [this.historyLimit],
        );
      } catch (err) {
        next.close();
        throw err;
      }
      await this.replaceWith(next);
    });
  }

  async getSeedFingerprint(): Promise<string | null> {
    return this.exclusive(async () => {
      const row = (await this.current()).exec(
        "SELECT value FROM settings_meta WHERE key = 'seed_fingerprint'",
      )[0]?.values[0];
      return row ? String(row[0]) : null;
    });
  }

  // Connections live in settings_meta, one JSON row per provider, so the schema stays at its version.
  async getConnection(provider: string): Promise<StoredConnection | null> {
    return this.exclusive(async () => {
      const row = (await this.current()).exec('SELECT value FROM settings_meta WHERE key = ?', [
        `connection:${provider}`,
      ])[0]?.values[0];
      if (!row) return null;
      try {
        return JSON.parse(String(row[0])) as StoredConnection;
      } catch (err) {
        throw new MappingStoreError(
          `${this.file}: the stored ${provider} connection is not JSON (${(err as Error).message}); disconnect and connect again`,
        );
      }
    });
  }

  async setConnection(connection: StoredConnection): Promise<void> {
    await this.changeMeta((next) =>
      next.run('INSERT OR REPLACE INTO settings_meta (key, value) VALUES (?, ?)', [
        `connection:${connection.provider}`,
        JSON.stringify(connection),
      ]),
    );
  }

  async deleteConnection(provider: string): Promise<boolean> {
    let deleted = false;
    await this.changeMeta((next) => {
      next.run('DELETE FROM settings_meta WHERE key = ?', [`connection:${provider}`]);
      deleted = next.getRowsModified() > 0;
    });
    return deleted;
  }

  async listConnections(): Promise<StoredConnection[]> {
    return this.exclusive(async () => {
      const rows =
        (await this.current()).exec(
          "SELECT key, value FROM settings_meta WHERE key LIKE 'connection:%' ORDER BY key",
        )[0]?.values ?? [];
      return rows.map(([key, value]) => {
        try {
          return JSON.parse(String(value)) as StoredConnection;
        } catch (err) {
          throw new MappingStoreError(
            `${this.file}: the stored ${String(key).slice('connection:'.length)} connection is not JSON (${(err as Error).message}); disconnect and connect again`,
          );
        }
      });
    });
  }

  async putPendingAuthorization(
    key: string,
    pending: PendingAuthorization,
    limits: PendingAuthorizationLimits,
  ): Promise<void> {
    await this.changeMeta((next) => {
      next.run('DELETE FROM pending_authorizations WHERE expires_at <= ?', [limits.now]);
      next.run(
        'DELETE FROM pending_authorizations WHERE seq IN (SELECT seq FROM pending_authorizations ORDER BY seq DESC LIMIT -1 OFFSET ?)',
        [Math.max(0, limits.max - 1)],
      );
      next.run(
        'INSERT OR REPLACE INTO pending_authorizations (key, sealed_verifier, expires_at) VALUES (?, ?, ?)',
        [key, pending.sealedVerifier, pending.expiresAt],
      );
    });
  }

  async takePendingAuthorization(key: string, now: number): Promise<PendingAuthorization | null> {
    let taken: PendingAuthorization | null = null;
    await this.changeMeta((next) => {
      const row = next.exec('SELECT sealed_verifier, expires_at FROM pending_authorizations WHERE key = ?', [
        key,
      ])[0]?.values[0];
      if (!row) return;
      next.run('DELETE FROM pending_authorizations WHERE key = ?', [key]);
      taken = { sealedVerifier: String(row[0]), expiresAt: Number(row[1]) };
    });
    const found = taken as PendingAuthorization | null;
    return found && found.expiresAt > now ? found : null;
  }

  private async changeMeta(change: (next: Database) => void): Promise<void> {
    await this.exclusive(async () => {
      const next = this.copyOf(await this.current());
      try {
        change(next);
      } catch (err) {
        next.close();
        throw err;
      }
      await this.replaceWith(next);
    });
  }

  /** The versions kept, newest first: what an operator restores from when a document was replaced by mistake. */
  async history(): Promise<StoredVersion[]> {
    return this.exclusive(async () => {
      const result = (await this.current()).exec(
        'SELECT version, saved_at, source, document FROM mapping_document_versions ORDER BY version DESC',
      )[0];
      return (result?.values ?? []).map(([version, savedAt, source, document]) => ({
        version: Number(version),
        savedAt: String(savedAt),
        source: String(source),
        document: parseStored(String(document), this.file, Number(version)),
      }));
    });
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      this.closed = true;
      this.db?.close();
      this.db = undefined;
    });
  }

  private latest(db: Database): MappingDocument | null {
    const row = db.exec(
      'SELECT version, document FROM mapping_document_versions ORDER BY version DESC LIMIT 1',
    )[0]?.values[0];
    return row ? parseStored(String(row[1]), this.file, Number(row[0])) : null;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new MappingStoreError(`the settings store ${this.file} is closed`);
      return work();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The database as the file holds it now: reread when another process replaced the file. */
  private async current(): Promise<Database> {
    const now = await identityOf(this.file);
    if (this.db && sameIdentity(now, this.loadedFrom)) return this.db;
    let db: Database;
    if (now === null) {
      db = new this.sql.Database();
    } else {
      const bytes = await readFile(this.file).catch((err: unknown) => {
        throw fileProblem('read', this.file, err);
      });
      db = new this.sql.Database(bytes);
      try {
        // sql.js opens anything; the first statement finds out whether it is a database.
        db.exec('SELECT count(*) FROM sqlite_master');
      } catch (err) {
        db.close();
        throw new MappingStoreError(
          `${this.file} is not a SQLite database (${(err as Error).message}); move it aside and Smart Sync starts with empty settings`,
        );
      }
    }
    try {
      migrate(db, this.file);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db?.close();
    this.db = db;
    this.loadedFrom = now;
    return db;
  }

  /** A database of its own to change: the one served stays as the file holds it until the change is written. */
  private copyOf(db: Database): Database {
    return new this.sql.Database(db.export());
  }

  /**
   * Writes `next` to the file and serves it from then on. When the write fails, `next`
   * is dropped and the database served is still the one the file holds.
   */
  private async replaceWith(next: Database): Promise<void> {
    try {
      await this.writeFile(this.file, next.export());
    } catch (err) {
      next.close();
      throw fileProblem('write', this.file, err);
    }
    // The file is replaced: `next` is what it holds, even when it cannot be looked at
    // now, in which case the identity stays unknown and the next operation rereads it.
    const written = await identityOf(this.file).catch(() => null);
    if (this.db !== next) this.db?.close();
    this.db = next;
    this.loadedFrom = written;
  }
}
