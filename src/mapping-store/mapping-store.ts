import { createHash } from 'node:crypto';
import type { MappingDocument } from '../config/mapping-document';

/** Whichever document is stored, as long as there is one (If-Match: *). */
export const ANY_VERSION = Symbol('any stored version');

/** One version, any of several (If-Match may list more than one), or ANY_VERSION. */
export type ExpectedVersion = string | readonly string[] | typeof ANY_VERSION;

export interface SaveOptions {
  /** Who saved this version, kept with it: "admin API", "SMART_SYNC_CONFIG", "demo". */
  source?: string;
  /**
   * Set when the document was imported from the SMART_SYNC_CONFIG file: the fingerprint of
   * that file's document, so that the next start can tell whether the file has changed.
   */
  seedFingerprint?: string;
  /**
   * Makes the save a compare-and-set: it fails with VersionConflictError, saving nothing,
   * unless the stored document has this version (see mappingDocumentVersion). A store
   * checks and writes in one step that no other save can come between, or two admins
   * holding the same version could both pass the check and the first change be lost. A
   * SQL store does it in the statement itself, `UPDATE ... SET document = $doc, version =
   * $new WHERE version = $expected` (`= ANY($expected)` for several, no condition for
   * ANY_VERSION), and reads the current version for the error when no row was updated.
   */
  expectedVersion?: ExpectedVersion;
}

/**
 * The version of a mapping document, for If-Match and the ETag of /api/config. It is a
 * digest of the content rather than a counter, so every store computes the same one
 * without keeping it, and it survives a restart or a move to another store. A document
 * changed and changed back has its old version again, which is right for a
 * compare-and-set: whoever loaded it would be changing exactly what is stored.
 */
export function mappingDocumentVersion(doc: MappingDocument): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32);
}

export function versionMatches(expected: ExpectedVersion, current: string | null): boolean {
  if (current === null) return false;
  if (expected === ANY_VERSION) return true;
  return typeof expected === 'string' ? expected === current : expected.includes(current);
}

/** A store that cannot do what was asked: its file or server cannot be reached, or it is closed. */
export class MappingStoreError extends Error {
  override readonly name = 'MappingStoreError';
}

function describeExpected(expected: ExpectedVersion): string {
  if (expected === ANY_VERSION) return 'any';
  const versions = typeof expected === 'string' ? [expected] : expected;
  return versions.length === 0 ? 'none' : versions.join(' or ');
}

/** A compare-and-set found another version stored than the one expected; nothing was saved. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly expected: ExpectedVersion,
    /** null when no document is stored at all. */
    readonly currentVersion: string | null,
  ) {
    super(
      currentVersion === null
        ? 'no mapping document is stored yet, so there is none to replace'
        : `the stored mapping document has version ${currentVersion}; expected ${describeExpected(expected)}`,
    );
  }
}

/**
 * A connection to a service made through its sign-in (SuperOffice's OAuth consent). The
 * secret (a refresh token) is only ever stored sealed: the store never sees it in the clear.
 */
export interface StoredConnection {
  /** "superoffice". */
  provider: string;
  /** The tenant, e.g. Cust12345. */
  tenant: string;
  /** The tenant's web API from the sign-in, e.g. https://sod2.superoffice.com/Cust12345/api. */
  webApiUrl: string;
  connectedAt: string;
  /** The secret, encrypted and authenticated (see superoffice/sign-in/sealed-secret.ts). */
  sealed: string;
}

/**
 * A sign-in (OAuth `state`) handed out and not yet come back, kept in the store so that the
 * callback may land on any api replica. The store sees only the state's digest as the key
 * and the PKCE verifier sealed: what it holds cannot complete a sign-in by itself.
 */
export interface PendingAuthorization {
  /** The PKCE verifier, encrypted and authenticated (see superoffice/sign-in/sealed-secret.ts). */
  sealedVerifier: string;
  /** Epoch milliseconds after which the state is refused. */
  expiresAt: number;
}

export interface PendingAuthorizationLimits {
  /** Epoch milliseconds: the pending ones expired by then are dropped first. */
  now: number;
  /** At most this many are kept; the oldest give way to a new one. */
  max: number;
}

/**
 * Where the mapping document lives between restarts. One small interface, so a server
 * database can stand in for the local one when several instances run.
 */
export interface MappingStore {
  getMappingDocument(): Promise<MappingDocument | null>;
  /**
   * Resolves once the document is stored for good; rejects, storing nothing and leaving
   * the previous document in place, when it cannot be (MappingStoreError) or when
   * options.expectedVersion does not match (VersionConflictError).
   */
  setMappingDocument(doc: MappingDocument, options?: SaveOptions): Promise<void>;
  /** The fingerprint of the SMART_SYNC_CONFIG document imported last; null when none ever was. */
  getSeedFingerprint(): Promise<string | null>;
  getConnection(provider: string): Promise<StoredConnection | null>;
  /** Replaces the provider's connection, if any. */
  setConnection(connection: StoredConnection): Promise<void>;
  /** True when there was one to delete. */
  deleteConnection(provider: string): Promise<boolean>;
  /** Every stored connection, by provider (for settings export). */
  listConnections(): Promise<StoredConnection[]>;
  putPendingAuthorization(
    key: string,
    pending: PendingAuthorization,
    limits: PendingAuthorizationLimits,
  ): Promise<void>;
  /**
   * Takes the pending authorization out, in one step no other take can come between, so a
   * state is accepted once even when two replicas get the same callback; null when there is
   * none, and when it has expired by `now` (it is deleted all the same).
   */
  takePendingAuthorization(key: string, now: number): Promise<PendingAuthorization | null>;
  close(): Promise<void>;
}

/** Process memory only: for tests, and for callers that want no file. */
export class InMemoryMappingStore implements MappingStore {
  private doc: MappingDocument | null;
  private seedFingerprint: string | null = null;
  private readonly connections = new Map<string, StoredConnection>();
  private readonly pending = new Map<string, PendingAuthorization>();
  constructor(initial: MappingDocument | null = null) {
    this.doc = initial;
  }
  async getMappingDocument(): Promise<MappingDocument | null> {
    return this.doc ? structuredClone(this.doc) : null;
  }
  async setMappingDocument(doc: MappingDocument, options: SaveOptions = {}): Promise<void> {
    // No await from the check to the change: no other save can run in between.
    if (options.expectedVersion !== undefined) {
      const current = this.doc && mappingDocumentVersion(this.doc);
      if (!versionMatches(options.expectedVersion, current)) {
        throw new VersionConflictError(options.expectedVersion, current);
      }
    }
    this.doc = structuredClone(doc);
    if (options.seedFingerprint !== undefined) this.seedFingerprint = options.seedFingerprint;
  }
  async getSeedFingerprint(): Promise<string | null> {
    return this.seedFingerprint;
  }
  async getConnection(provider: string): Promise<StoredConnection | null> {
    const c = this.connections.get(provider);
    return c ? { ...c } : null;
  }
  async setConnection(connection: StoredConnection): Promise<void> {
    this.connections.set(connection.provider, { ...connection });
  }
  async deleteConnection(provider: string): Promise<boolean> {
    return this.connections.delete(provider);
  }
  async listConnections(): Promise<StoredConnection[]> {
    return [...this.connections.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => a.provider.localeCompare(b.provider));
  }
  async putPendingAuthorization(
    key: string,
    pending: PendingAuthorization,
    limits: PendingAuthorizationLimits,
  ): Promise<void> {
    for (const [k, p] of this.pending) if (p.expiresAt <= limits.now) this.pending.delete(k);
    // A Map iterates in insertion order: the first key is the oldest.
    while (this.pending.size >= limits.max) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(key, { ...pending });
  }
  async takePendingAuthorization(key: string, now: number): Promise<PendingAuthorization | null> {
    const p = this.pending.get(key);
    this.pending.delete(key);
    return p && p.expiresAt > now ? { ...p } : null;
  }
  /** Back to no document at all, as on a first start (tests of the empty state). */
  clear(): void {
    this.doc = null;
    this.seedFingerprint = null;
  }
  async close(): Promise<void> {}
}
