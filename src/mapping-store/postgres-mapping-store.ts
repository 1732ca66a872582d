import { Client, type ClientConfig, Pool, type PoolClient } from 'pg';
import { type MappingDocument, parseMappingDocument } from '../config/mapping-document';
import type { Logger } from '../logging/logger';
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
import { migrate } from './postgres-migrations';
import type { StoredVersion } from './sqlite-mapping-store';

/**
 * The settings store when DATABASE_URL is set: one PostgreSQL database that every api and
 * worker process shares, so that a mapping document saved through any api governs the next
 * sync run by any worker.
 *
 * Change propagation: LISTEN/NOTIFY with a cache. Every change is announced on the
 * `smart_sync_settings` channel in its own transaction (delivered on commit), and each
 * process keeps a connection LISTENing; a notification drops its cached document and
 * connections, so the next read fetches them. While that connection is down (it is
 * reconnected with backoff), nothing is cached and every read asks the database. A cached
 * read is in any case trusted for at most maxCacheAgeMs (5 s), so a notification that
 * never arrives (a pooler in transaction mode does not pass LISTEN on) delays a change by
 * seconds, never longer.
 *
 * Compare-and-set: a save locks the one row holding the current document (SELECT ... FOR
 * UPDATE), checks its version, writes, commits: two api replicas saving with the same
 * If-Match are serialized by PostgreSQL, and the second finds the first's version.
 */

export const NOTIFY_CHANNEL = 'smart_sync_settings';
const DEFAULT_HISTORY_LIMIT = 50;
const DEFAULT_MAX_CACHE_AGE_MS = 5_000;

export interface PostgresMappingStoreOptions {
  historyLimit?: number;
  /** How long a cached read is served without asking the database (default 5 s). */
  maxCacheAgeMs?: number;
  /** First and longest wait before the LISTEN connection is made again (default 0.5 s and 10 s). */
  reconnectDelayMs?: { first: number; max: number };
  /** Connections to the database at most, LISTEN not counted (default 5). */
  poolSize?: number;
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** The URL without its password (and query), for messages and logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'DATABASE_URL (not a URL)';
  }
}

function hintFor(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return `${e.message || e.code}; is PostgreSQL running and DATABASE_URL's host and port right? (a retry helps once it is reachable)`;
    case '28P01':
    case '28000':
      return 'PostgreSQL refused the user or password in DATABASE_URL';
    case '3D000':
      return 'the database named in DATABASE_URL does not exist; create it (createdb) or name another';
    case '42501':
      return `${e.message}; the user in DATABASE_URL needs CREATE on the schema for the migrations`;
    default:
      // A failed connect to a name with several addresses is an AggregateError with no message.
      return e.message || e.code || String(err);
  }
}

/**
 * True for an error of the connection rather than of a statement (which has a five-character
 * SQLSTATE): such a client goes back to the pool destroyed, so the next query opens a new one.
 */
function brokenConnection(err: unknown): boolean {
  if (err === undefined || err instanceof VersionConflictError || err instanceof MappingStoreError)
    return false;
  const code = (err as { code?: unknown }).code;
  return !(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code));
}

interface Cached<T> {
  value: T;
  /** When the read that filled it started. */
  at: number;
}

export class PostgresMappingStore implements MappingStore {
  private closed = false;
  private listener: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay: number;
  /** Bumped whenever a cached value may have become stale: a read started before keeps nothing. */
  private epoch = 0;
  private documentCache: Cached<MappingDocument | null> | undefined;
  private connectionsCache: Cached<Map<string, StoredConnection>> | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly clientConfig: ClientConfig,
    /** For messages: the URL without its password. */
    readonly where: string,
    private readonly options: Required<Omit<PostgresMappingStoreOptions, 'logger'>> & { logger?: Logger },
  ) {
    this.reconnectDelay = options.reconnectDelayMs.first;
  }

  /** Connects, migrates the schema (see postgres-migrations.ts) and starts listening for changes. */
  static async open(url: string, options: PostgresMappingStoreOptions = {}): Promise<PostgresMappingStore> {
    const where = describeDatabaseUrl(url);
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const clientConfig: ClientConfig = {
      connectionString: url,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      application_name: 'smart-sync',
    };
    const pool = new Pool({ ...clientConfig, max: options.poolSize ?? 5, idleTimeoutMillis: 30_000 });
    const store = new PostgresMappingStore(pool, clientConfig, where, {
      historyLimit: Math.max(1, options.historyLimit ?? DEFAULT_HISTORY_LIMIT),
      maxCacheAgeMs: options.maxCacheAgeMs ?? DEFAULT_MAX_CACHE_AGE_MS,
      reconnectDelayMs: options.reconnectDelayMs ?? { first: 500, max: 10_000 },
      poolSize: options.poolSize ?? 5,
      connectTimeoutMs,
      logger: options.logger,
    });
    // An idle pooled connection that breaks (a database restart) must not end the process;
    // the next query takes a fresh one.
    pool.on('error', (err) =>
      options.logger?.warn(
        { err: { message: err.message } },
        `settings database ${where}: idle connection lost`,
      ),
    );
    try {
      const client = await store.connect();
      try {
        const applied = await migrate(client, where);
        if (applied.length > 0) {
          options.logger?.info({ database: where, applied }, 'settings database migrated');
        }
      } finally {
        client.release();
      }
      await store.listen();
    } catch (err) {
      await store.close();
      throw err instanceof MappingStoreError ? err : store.problem('open', err);
    }
    return store;
  }

  async getMappingDocument(): Promise<MappingDocument | null> {
    const doc = await this.cached(
      () => this.documentCache,
      (c) => (this.documentCache = c),
      async () => {
        const row = (
          await this.query<{ document: string | null; revision: string }>(
            'read',
            'SELECT document, revision FROM mapping_document_head WHERE id = 1',
          )
        ).rows[0];
        return row?.document ? this.parseStored(row.document, `revision ${row.revision}`) : null;
      },
    );
    return doc && structuredClone(doc);
  }

  async setMappingDocument(doc: MappingDocument, options: SaveOptions = {}): Promise<void> {
    const parsed = parseMappingDocument(doc);
    if (!parsed.ok) {
      throw new MappingStoreError(
        `not saving an invalid mapping document:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`,
      );
    }
    await this.transaction('write', async (client) => {
      const head = (
        await client.query<{ document: string | null }>(
          'SELECT document FROM mapping_document_head WHERE id = 1 FOR UPDATE',
        )
      ).rows[0];
      const { expectedVersion } = options;
      if (expectedVersion !== undefined) {
        const stored = head?.document ? this.parseStored(head.document, 'the current version') : null;
        const currentVersion = stored && mappingDocumentVersion(stored);
        if (!versionMatches(expectedVersion, currentVersion)) {
          throw new VersionConflictError(expectedVersion, currentVersion);
        }
      }
      const json = JSON.stringify(parsed.value);
      await client.query('INSERT INTO mapping_document_versions (document, source) VALUES ($1, $2)', [
        json,
        options.source ?? 'unknown',
      ]);
      await client.query(
        'UPDATE mapping_document_head SET document = $1, revision = revision + 1 WHERE id = 1',
        [json],
      );
      if (options.seedFingerprint !== undefined) {
        await client.query(
          `INSERT INTO settings_meta (key, value) VALUES ('seed_fingerprint', $1)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
          [options.seedFingerprint],
        );
      }
      await client.query(
        'DELETE FROM mapping_document_versions WHERE id <= (SELECT max(id) FROM mapping_document_versions) - $1',
        [this.options.historyLimit],
      );
      await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, 'document']);
    });
    this.invalidate();
  }

  async getSeedFingerprint(): Promise<string | null> {
    const row = (
      await this.query<{ value: string }>(
        'read',
        "SELECT value FROM settings_meta WHERE key = 'seed_fingerprint'",
      )
    ).rows[0];
    return row?.value ?? null;
  }

  async getConnection(provider: string): Promise<StoredConnection | null> {
    const c = (await this.connections()).get(provider);
    return c ? { ...c } : null;
  }

  async listConnections(): Promise<StoredConnection[]> {
    return [...(await this.connections()).values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => a.provider.localeCompare(b.provider));
  }

  async setConnection(connection: StoredConnection): Promise<void> {
    await this.transaction('write', async (client) => {
      await client.query(
        `INSERT INTO connections (provider, tenant, web_api_url, connected_at, sealed) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (provider) DO UPDATE SET tenant = EXCLUDED.tenant, web_api_url = EXCLUDED.web_api_url,
           connected_at = EXCLUDED.connected_at, sealed = EXCLUDED.sealed`,
        [
          connection.provider,
          connection.tenant,
          connection.webApiUrl,
          connection.connectedAt,
          connection.sealed,
        ],
      );
      await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, 'connections']);
    });
    this.invalidate();
  }

  async deleteConnection(provider: string): Promise<boolean> {
    let deleted = false;
    await this.transaction('write', async (client) => {
      deleted =
        ((await client.query('DELETE FROM connections WHERE provider = $1', [provider])).rowCount ?? 0) > 0;
      if (deleted) await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, 'connections']);
    });
    this.invalidate();
    return deleted;
  }

  async putPendingAuthorization(
    key: string,
    pending: PendingAuthorization,
    limits: PendingAuthorizationLimits,
  ): Promise<void> {
    await this.transaction('write', async (client) => {
      await client.query('DELETE FROM pending_authorizations WHERE expires_at <= $1', [limits.now]);
      await client.query(
        `DELETE FROM pending_authorizations WHERE key IN (
           SELECT key FROM pending_authorizations ORDER BY seq DESC OFFSET $1)`,
        [Math.max(0, limits.max - 1)],
      );
      await client.query(
        `INSERT INTO pending_authorizations (key, sealed_verifier, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET sealed_verifier = EXCLUDED.sealed_verifier, expires_at = EXCLUDED.expires_at`,
        [key, pending.sealedVerifier, pending.expiresAt],
      );
    });
  }

  async takePendingAuthorization(key: string, now: number): Promise<PendingAuthorization | null> {
    // One statement: of two replicas taking the same state, one gets the row, the other none.
    const row = (
      await this.query<{ sealed_verifier: string; expires_at: string }>(
        'write',
        'DELETE FROM pending_authorizations WHERE key = $1 RETURNING sealed_verifier, expires_at',
        [key],
      )
    ).rows[0];
    if (!row) return null;
    const expiresAt = Number(row.expires_at);
    return expiresAt > now ? { sealedVerifier: row.sealed_verifier, expiresAt } : null;
  }

  /** The versions kept, newest first: what an operator restores from when a document was replaced by mistake. */
  async history(): Promise<StoredVersion[]> {
    const rows = (
      await this.query<{ id: string; saved_at: Date; source: string; document: string }>(
        'read',
        'SELECT id, saved_at, source, document FROM mapping_document_versions ORDER BY id DESC',
      )
    ).rows;
    return rows.map((r) => ({
      version: Number(r.id),
      savedAt: r.saved_at.toISOString(),
      source: r.source,
      document: this.parseStored(r.document, `version ${r.id}`),
    }));
  }

  /** True while changes made by other processes reach this one by notification. */
  isListening(): boolean {
    return this.listener !== undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    this.invalidate();
    await listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async connections(): Promise<Map<string, StoredConnection>> {
    return this.cached(
      () => this.connectionsCache,
      (c) => (this.connectionsCache = c),
      async () => {
        const rows = (
          await this.query<{
            provider: string;
            tenant: string;
            web_api_url: string;
            connected_at: string;
            sealed: string;
          }>('read', 'SELECT provider, tenant, web_api_url, connected_at, sealed FROM connections')
        ).rows;
        return new Map(
          rows.map((r) => [
            r.provider,
            {
              provider: r.provider,
              tenant: r.tenant,
              webApiUrl: r.web_api_url,
              connectedAt: r.connected_at,
              sealed: r.sealed,
            },
          ]),
        );
      },
    );
  }

  /**
   * The cached value while it may be trusted (listening, younger than maxCacheAgeMs), else a
   * fresh read, kept only when nothing has changed since the read began.
   */
  private async cached<T>(
    get: () => Cached<T> | undefined,
    set: (c: Cached<T>) => void,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = get();
    const now = Date.now();
    if (this.listener && hit && now - hit.at < this.options.maxCacheAgeMs) return hit.value;
    const epoch = this.epoch;
    const value = await load();
    if (this.listener && this.epoch === epoch) set({ value, at: now });
    return value;
  }

  private invalidate(): void {
    this.epoch++;
    this.documentCache = undefined;
    this.connectionsCache = undefined;
  }

  private async listen(): Promise<void> {
    const client = new Client(this.clientConfig);
    client.on('notification', (msg) => {
      if (msg.channel === NOTIFY_CHANNEL) this.invalidate();
    });
    client.on('error', (err) => this.listenerLost(client, err));
    client.on('end', () => this.listenerLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw this.problem('listen for changes in', err);
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.reconnectDelay = this.options.reconnectDelayMs.first;
    // Changes made while no one listened are not announced again: read afresh.
    this.invalidate();
  }

  private listenerLost(client: Client, err?: Error): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    this.invalidate();
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.logger?.warn(
      { database: this.where, err: err && { message: err.message } },
      'settings database: lost the connection that listens for changes; reading without cache until it is back',
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.options.reconnectDelayMs.max);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listen().then(
        () =>
          this.options.logger?.info(
            { database: this.where },
            'settings database: listening for changes again',
          ),
        () => this.scheduleReconnect(),
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private async connect(): Promise<PoolClient> {
    if (this.closed) throw new MappingStoreError(`the settings store ${this.where} is closed`);
    try {
      return await this.pool.connect();
    } catch (err) {
      throw this.problem('reach', err);
    }
  }

  private async query<R extends object>(
    action: 'read' | 'write',
    sql: string,
    values: unknown[] = [],
  ): Promise<{ rows: R[]; rowCount: number | null }> {
    const client = await this.connect();
    let failure: unknown;
    try {
      return await client.query<R>(sql, values);
    } catch (err) {
      failure = err;
      throw this.problem(action, err);
    } finally {
      client.release(brokenConnection(failure));
    }
  }

  private async transaction(action: 'write', work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.connect();
    let failure: unknown;
    try {
      await client.query('BEGIN');
      try {
        await work(client);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } catch (err) {
      failure = err;
      if (err instanceof VersionConflictError || err instanceof MappingStoreError) throw err;
      throw this.problem(action, err);
    } finally {
      client.release(brokenConnection(failure));
    }
  }

  private problem(action: string, err: unknown): MappingStoreError {
    return new MappingStoreError(`cannot ${action} the settings database ${this.where}: ${hintFor(err)}`);
  }

  private parseStored(json: string, which: string): MappingDocument {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw new MappingStoreError(
        `${this.where}: the stored mapping document (${which}) is not JSON: ${(err as Error).message}`,
      );
    }
    const parsed = parseMappingDocument(raw);
    if (!parsed.ok) {
      throw new MappingStoreError(
        `${this.where}: the stored mapping document (${which}) is not valid any more:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}\nPUT a corrected one to /api/config`,
      );
    }
    return parsed.value;
  }
}
