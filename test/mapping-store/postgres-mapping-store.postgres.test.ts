import { Client } from 'pg';
import type { MappingDocument } from '../../src/config/mapping-document';
import {
  ANY_VERSION,
  MappingStoreError,
  mappingDocumentVersion,
  VersionConflictError,
} from '../../src/mapping-store/mapping-store';
import { PostgresMappingStore } from '../../src/mapping-store/postgres-mapping-store';
import { MIGRATIONS, migrate } from '../../src/mapping-store/postgres-migrations';
import { seedMappingDocument } from '../../src/mapping-store/seed-mapping-document';
import { freePort } from '../../src/temporal/dev-server';
import { createTestDatabase } from '../support/postgres-server';

function doc(number: string): MappingDocument {
  return {
    smartSync: { dataFields: true, products: false },
    links: { sale: 'superoffice_sale_id' },
    mappings: [{ object: 'Sale', property: 'Number', dataField: number }],
  } as MappingDocument;
}

function dataFieldOf(d: MappingDocument | null): string | undefined {
  return (d?.mappings[0] as { dataField?: string } | undefined)?.dataField;
}

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

async function sql<T extends object>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL settings store', () => {
  const open: PostgresMappingStore[] = [];
  const openStore = async (url: string, options = {}) => {
    const store = await PostgresMappingStore.open(url, options);
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('migrates a new database once when several processes start at the same moment', async () => {
    const url = await createTestDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openStore(url)));
    expect(stores).toHaveLength(4);
    const applied = await sql<{ version: number }>(
      url,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    // Opened again later: nothing left to apply.
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      expect(await migrate(client, 'test')).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('refuses a database that a newer Smart Sync has migrated', async () => {
    const url = await createTestDatabase();
    await (await openStore(url)).close();
    await sql(url, "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
    await expect(PostgresMappingStore.open(url)).rejects.toThrow(
      /migrated by a newer version of Smart Sync \(settings schema 999; this version knows 1\)/,
    );
  });

  it('saves, reads back, keeps a bounded history and the seed fingerprint', async () => {
    const url = await createTestDatabase();
    const store = await openStore(url, { historyLimit: 3 });
    expect(await store.getMappingDocument()).toBeNull();
    expect(await seedMappingDocument(store, doc('a'), 'SMART_SYNC_CONFIG')).toBe('seeded');
    expect(await seedMappingDocument(store, doc('a'), 'SMART_SYNC_CONFIG')).toBe('kept');
    for (const n of ['b', 'c', 'd', 'e']) await store.setMappingDocument(doc(n), { source: 'admin API' });
    expect(await store.getMappingDocument()).toEqual(doc('e'));
    const history = await sql<{ document: string; source: string }>(
      url,
      'SELECT document, source FROM mapping_document_versions ORDER BY id',
    );
    expect(history.map((h) => dataFieldOf(JSON.parse(h.document) as MappingDocument))).toEqual([
      'c',
      'd',
      'e',
    ]);
    expect((await store.history()).map((v) => [dataFieldOf(v.document), v.source])).toEqual([
      ['e', 'admin API'],
      ['d', 'admin API'],
      ['c', 'admin API'],
    ]);
    expect(await store.getSeedFingerprint()).toMatch(/^[0-9a-f]{64}$/);
    await expect(
      store.setMappingDocument({ smartSync: 'yes' } as unknown as MappingDocument),
    ).rejects.toThrow(MappingStoreError);
    expect(await store.getMappingDocument()).toEqual(doc('e'));
  });

  it('is a compare-and-set across processes: of saves with the same If-Match exactly one wins', async () => {
    const url = await createTestDatabase();
    const replicas = await Promise.all([1, 2, 3, 4].map(() => openStore(url)));
    await replicas[0]!.setMappingDocument(doc('start'));
    const version = mappingDocumentVersion((await replicas[1]!.getMappingDocument())!);
    const results = await Promise.allSettled(
      replicas.flatMap((store, i) =>
        [0, 1].map((j) => store.setMappingDocument(doc(`by-${i}-${j}`), { expectedVersion: version })),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    const stored = await sql<{ document: string }>(url, 'SELECT document FROM mapping_document_head');
    const current = JSON.parse(stored[0]!.document) as MappingDocument;
    for (const r of lost) {
      expect(r.reason).toBeInstanceOf(VersionConflictError);
      expect((r.reason as VersionConflictError).currentVersion).toBe(mappingDocumentVersion(current));
    }
    // ANY_VERSION needs a document to be there; a list matches any of its versions.
    await replicas[2]!.setMappingDocument(doc('any'), { expectedVersion: ANY_VERSION });
    const now = mappingDocumentVersion(doc('any'));
    await replicas[3]!.setMappingDocument(doc('listed'), { expectedVersion: ['nope', now] });
    const empty = await openStore(await createTestDatabase());
    await expect(empty.setMappingDocument(doc('x'), { expectedVersion: ANY_VERSION })).rejects.toThrow(
      /no mapping document is stored yet/,
    );
  });

  it('tells every other process of a saved document at once (NOTIFY), long before its cache would expire', async () => {
    const url = await createTestDatabase();
    const writer = await openStore(url);
    const reader = await openStore(url, { maxCacheAgeMs: 60_000 });
    await writer.setMappingDocument(doc('first'));
    expect(await reader.getMappingDocument()).toEqual(doc('first'));
    // Now cached in the reader: the next reads do not ask the database...
    expect(reader.isListening()).toBe(true);
    await writer.setMappingDocument(doc('second'));
    // ...and yet the change is seen as soon as the notification arrives.
    const waited = await until(async () => dataFieldOf(await reader.getMappingDocument()) === 'second');
    expect(waited).toBeLessThan(2_000);
  });

  it('reads without a cache while the listening connection is down, and listens again once it can', async () => {
    const url = await createTestDatabase();
    const writer = await openStore(url);
    const reader = await openStore(url, {
      maxCacheAgeMs: 60_000,
      reconnectDelayMs: { first: 200, max: 400 },
    });
    await writer.setMappingDocument(doc('before'));
    expect(await reader.getMappingDocument()).toEqual(doc('before'));
    // The server ends the reader's LISTEN connection (a restart, a network cut would too).
    await sql(
      url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND datname = current_database()",
    );
    await until(async () => !reader.isListening());
    // A notification sent now reaches no one: a cached copy would be stale for a minute.
    await writer.setMappingDocument(doc('while-down'));
    expect(await reader.getMappingDocument()).toEqual(doc('while-down'));
    await until(async () => reader.isListening());
    await writer.setMappingDocument(doc('after'));
    await until(async () => dataFieldOf(await reader.getMappingDocument()) === 'after', 2_000);
  });

  it('goes on after the server drops every connection (a restart, a failover)', async () => {
    const url = await createTestDatabase();
    const store = await openStore(url, { reconnectDelayMs: { first: 100, max: 200 } });
    await store.setMappingDocument(doc('kept'));
    expect(await store.getMappingDocument()).toEqual(doc('kept'));
    await sql(
      url,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await until(async () => !store.isListening());
    // A broken pooled connection fails one call at most (MappingStoreError: a retry helps).
    await until(async () => (await store.getMappingDocument().catch(() => null)) !== null);
    await store.setMappingDocument(doc('after'));
    expect(await store.getMappingDocument()).toEqual(doc('after'));
    await until(async () => store.isListening());
  });

  it('serves a cached read for at most maxCacheAgeMs even when no notification comes', async () => {
    const url = await createTestDatabase();
    // Long enough that the check below comes well within it on a busy machine.
    const reader = await openStore(url, { maxCacheAgeMs: 3_000 });
    // Written behind its back, with no NOTIFY (as through a pooler that drops them): a save
    // of its own would notify itself and drop the cache this test is about.
    await sql(url, 'UPDATE mapping_document_head SET document = $1', [JSON.stringify(doc('old'))]);
    expect(await reader.getMappingDocument()).toEqual(doc('old'));
    // Changed behind its back with no NOTIFY (as through a pooler that drops them).
    await sql(url, 'UPDATE mapping_document_head SET document = $1', [JSON.stringify(doc('quiet'))]);
    // Served from the cache meanwhile: this is what the notification tests above rely on.
    expect(await reader.getMappingDocument()).toEqual(doc('old'));
    await new Promise((r) => setTimeout(r, 3_100));
    expect(await reader.getMappingDocument()).toEqual(doc('quiet'));
  });

  it('shares the sealed connection records, changes seen by the other processes', async () => {
    const url = await createTestDatabase();
    const a = await openStore(url);
    const b = await openStore(url, { maxCacheAgeMs: 60_000 });
    const record = {
      provider: 'superoffice',
      tenant: 'Cust1',
      webApiUrl: 'https://sod.example/Cust1/api',
      connectedAt: '2026-12-02T10:00:00.000Z',
      sealed: 'v1.sealed',
    };
    expect(await b.getConnection('superoffice')).toBeNull();
    await a.setConnection(record);
    await until(async () => (await b.getConnection('superoffice')) !== null);
    expect(await b.getConnection('superoffice')).toEqual(record);
    await a.setConnection({ ...record, tenant: 'Cust2' });
    await until(async () => (await b.getConnection('superoffice'))?.tenant === 'Cust2');
    await a.setConnection({ ...record, provider: 'another' });
    expect((await a.listConnections()).map((c) => c.provider)).toEqual(['another', 'superoffice']);
    expect(await b.deleteConnection('superoffice')).toBe(true);
    expect(await b.deleteConnection('superoffice')).toBe(false);
    await until(async () => (await a.getConnection('superoffice')) === null);
  });

  it('hands a pending sign-in to exactly one of the processes taking it, and not after it expired', async () => {
    const url = await createTestDatabase();
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    const now = Date.now();
    await a!.putPendingAuthorization(
      'k1',
      { sealedVerifier: 's1', expiresAt: now + 600_000 },
      { now, max: 100 },
    );
    const taken = await Promise.all([
      a!.takePendingAuthorization('k1', now),
      b!.takePendingAuthorization('k1', now),
    ]);
    expect(taken.filter((t) => t !== null)).toEqual([{ sealedVerifier: 's1', expiresAt: now + 600_000 }]);
    await a!.putPendingAuthorization(
      'k2',
      { sealedVerifier: 's2', expiresAt: now + 1_000 },
      { now, max: 100 },
    );
    expect(await b!.takePendingAuthorization('k2', now + 1_000)).toBeNull();
    // Expired, it is gone for good, even for a clock that is behind.
    expect(await b!.takePendingAuthorization('k2', now)).toBeNull();
    for (let i = 0; i < 5; i++) {
      await a!.putPendingAuthorization(
        `m${i}`,
        { sealedVerifier: `v${i}`, expiresAt: now + 600_000 },
        { now, max: 3 },
      );
    }
    const left = await sql<{ key: string }>(url, 'SELECT key FROM pending_authorizations ORDER BY seq');
    expect(left.map((r) => r.key)).toEqual(['m2', 'm3', 'm4']);
  });

  it('says which database it cannot reach, without its password', async () => {
    const port = await freePort();
    const err = await PostgresMappingStore.open(`postgres://smart:s3cret-pw@127.0.0.1:${port}/settings`, {
      connectTimeoutMs: 2_000,
    }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(MappingStoreError);
    expect((err as Error).message).toContain(`postgres://smart@127.0.0.1:${port}/settings`);
    expect((err as Error).message).toMatch(/is PostgreSQL running/);
    expect((err as Error).message).not.toContain('s3cret-pw');
    const missing = new URL(await createTestDatabase());
    missing.pathname = '/no_such_database';
    await expect(PostgresMappingStore.open(missing.toString())).rejects.toThrow(/does not exist; create it/);
  });
});
