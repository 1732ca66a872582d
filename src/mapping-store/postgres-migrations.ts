import type { ClientBase } from 'pg';
import { MappingStoreError } from './mapping-store';

/**
 * The settings schema in PostgreSQL, one numbered step at a time. A step once released is
 * never edited: a change is a new step, so that every database goes through the same
 * sequence whatever version it started from.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'mapping document, history, meta, connections, pending sign-ins',
    sql: `
      -- Every saved version, newest last: a replaced document is never lost at once.
      CREATE TABLE mapping_document_versions (
        id        BIGSERIAL PRIMARY KEY,
        document  TEXT NOT NULL,
        saved_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
        source    TEXT NOT NULL
      );
      -- The current document, one row that every save locks (SELECT ... FOR UPDATE): the
      -- compare-and-set of If-Match is atomic across every process sharing the database.
      -- TEXT, not JSONB: JSONB reorders keys, and the document's version is a digest of it.
      CREATE TABLE mapping_document_head (
        id        SMALLINT PRIMARY KEY CHECK (id = 1),
        document  TEXT,
        revision  BIGINT NOT NULL DEFAULT 0
      );
      INSERT INTO mapping_document_head (id) VALUES (1);
      CREATE TABLE settings_meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
      -- The secret is sealed (AES-256-GCM under SMART_SYNC_SECRET_KEY) before it gets here.
      CREATE TABLE connections (
        provider      TEXT PRIMARY KEY,
        tenant        TEXT NOT NULL,
        web_api_url   TEXT NOT NULL,
        connected_at  TEXT NOT NULL,
        sealed        TEXT NOT NULL
      );
      -- OAuth states in flight, by digest; seq orders them by age.
      CREATE TABLE pending_authorizations (
        key              TEXT PRIMARY KEY,
        seq              BIGSERIAL NOT NULL,
        sealed_verifier  TEXT NOT NULL,
        expires_at       BIGINT NOT NULL
      );
    `,
  },
];

/**
 * Any fixed number, the same in every process: pg_advisory_lock takes it for the whole
 * database, so two processes starting at once migrate one after the other.
 */
const MIGRATION_LOCK = '7308391744206021';

/**
 * Brings the database to the newest schema this version knows, each step in a transaction
 * of its own, under an advisory lock. Refuses a database a newer Smart Sync has migrated:
 * this version would not know what its tables mean.
 */
export async function migrate(
  client: ClientBase,
  where: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const applied: number[] = [];
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version     INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new MappingStoreError(
        `${where} was migrated by a newer version of Smart Sync (settings schema ${newest}; this version knows ${known}); upgrade Smart Sync or point DATABASE_URL elsewhere`,
      );
    }
    for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(step.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          step.version,
          step.name,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new MappingStoreError(
          `${where}: settings schema migration ${step.version} (${step.name}) failed, nothing of it was applied: ${(err as Error).message}`,
        );
      }
      applied.push(step.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
  return applied;
}
