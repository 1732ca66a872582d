import { z } from 'zod';
import { type MappingDocument, parseMappingDocument } from '../config/mapping-document';
import { type MappingStore, mappingDocumentVersion, type StoredConnection } from './mapping-store';

/**
 * A whole settings store as one versioned JSON file, for `smart-sync settings export` and
 * `import`: moving a deployment from SQLite to PostgreSQL and back. It holds the current
 * mapping document with its version, the fingerprint of the SMART_SYNC_CONFIG file
 * imported last, and the connection records still sealed: the file reveals no secret, and
 * the store it is imported into must run with the same SMART_SYNC_SECRET_KEY to use them.
 * Not in it: older versions of the document (each store keeps its own history) and sign-ins
 * in flight (they expire within minutes).
 */
export const SNAPSHOT_FORMAT = 'smart-sync-settings';
export const SNAPSHOT_FORMAT_VERSION = 1;

const connectionSchema = z.object({
  provider: z.string().min(1),
  tenant: z.string(),
  webApiUrl: z.string(),
  connectedAt: z.string(),
  sealed: z.string().min(1),
});

const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT, {
    error: `"format" must be "${SNAPSHOT_FORMAT}": is this a Smart Sync settings export?`,
  }),
  formatVersion: z.number().int(),
  exportedAt: z.string(),
  mappingDocument: z.unknown().nullable(),
  mappingDocumentVersion: z.string().nullable(),
  seedFingerprint: z.string().nullable(),
  connections: z.array(connectionSchema),
});

export interface SettingsSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  exportedAt: string;
  mappingDocument: MappingDocument | null;
  mappingDocumentVersion: string | null;
  seedFingerprint: string | null;
  connections: StoredConnection[];
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

export async function exportSettings(store: MappingStore, now = new Date()): Promise<SettingsSnapshot> {
  const doc = await store.getMappingDocument();
  return {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    mappingDocument: doc,
    mappingDocumentVersion: doc && mappingDocumentVersion(doc),
    seedFingerprint: await store.getSeedFingerprint(),
    connections: await store.listConnections(),
  };
}

/** Reads an export, checking every part of it; the error lists what is wrong. */
export function parseSnapshot(raw: unknown): SettingsSnapshot {
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SnapshotError(
      `not a Smart Sync settings export:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(top)'}: ${i.message}`).join('\n')}`,
    );
  }
  const s = parsed.data;
  if (s.formatVersion > SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError(
      `the export is of format version ${s.formatVersion}, newer than this Smart Sync reads (${SNAPSHOT_FORMAT_VERSION}): import it with the version that exported it or a newer one`,
    );
  }
  let doc: MappingDocument | null = null;
  if (s.mappingDocument !== null) {
    const parsedDoc = parseMappingDocument(s.mappingDocument);
    if (!parsedDoc.ok) {
      throw new SnapshotError(
        `the export's mapping document is not valid:\n${parsedDoc.errors.map((e) => `  - ${e}`).join('\n')}`,
      );
    }
    doc = parsedDoc.value;
    if (mappingDocumentVersion(doc) !== s.mappingDocumentVersion) {
      throw new SnapshotError(
        `the export's mapping document does not have the version it names (${String(s.mappingDocumentVersion)}): ` +
          'the file was changed after the export; export again, or edit the document in the settings page instead',
      );
    }
  }
  return { ...s, format: SNAPSHOT_FORMAT, mappingDocument: doc };
}

export interface ImportOptions {
  /** Allow replacing a store that already holds settings other than the export's. */
  replace?: boolean;
  /**
   * Whether a sealed secret opens with this process's SMART_SYNC_SECRET_KEY; undefined
   * when no key is set. A record that would not open is refused before anything is written.
   */
  canOpen?: (sealed: string, provider: string) => boolean;
}

export interface ImportResult {
  document: 'imported' | 'unchanged' | 'none';
  connections: number;
}

function sameConnections(a: StoredConnection[], b: StoredConnection[]): boolean {
  const key = (list: StoredConnection[]) =>
    JSON.stringify(
      [...list]
        .sort((x, y) => x.provider.localeCompare(y.provider))
        .map((c) => [c.provider, c.tenant, c.webApiUrl, c.connectedAt, c.sealed]),
    );
  return key(a) === key(b);
}

/** Writes an export into a store, so that exporting the store again gives the same settings. */
export async function importSettings(
  store: MappingStore,
  snapshot: SettingsSnapshot,
  options: ImportOptions = {},
): Promise<ImportResult> {
  if (snapshot.connections.length > 0) {
    if (!options.canOpen) {
      throw new SnapshotError(
        'the export holds connections sealed with SMART_SYNC_SECRET_KEY, which is not set here: ' +
          'set it to the key of the deployment that exported them (importing needs the same key)',
      );
    }
    const refused = snapshot.connections.filter((c) => !options.canOpen!(c.sealed, c.provider));
    if (refused.length > 0) {
      throw new SnapshotError(
        `the ${refused.map((c) => c.provider).join(', ')} connection in the export was sealed with another SMART_SYNC_SECRET_KEY: ` +
          'set the key of the deployment that exported it (importing needs the same key); nothing was imported',
      );
    }
  }
  const current = await store.getMappingDocument();
  const currentConnections = await store.listConnections();
  const sameDocument =
    (current === null && snapshot.mappingDocument === null) ||
    (current !== null && mappingDocumentVersion(current) === snapshot.mappingDocumentVersion);
  const holdsOther =
    (current !== null && !sameDocument) ||
    (currentConnections.length > 0 && !sameConnections(currentConnections, snapshot.connections));
  if (holdsOther && !options.replace) {
    throw new SnapshotError(
      'the target store already holds other settings (a mapping document or connections); nothing was imported. ' +
        'Export them first if they matter, then import with --replace',
    );
  }
  let document: ImportResult['document'] = 'none';
  if (snapshot.mappingDocument !== null) {
    if (sameDocument && (await store.getSeedFingerprint()) === snapshot.seedFingerprint) {
      document = 'unchanged';
    } else {
      await store.setMappingDocument(snapshot.mappingDocument, {
        source: 'settings import',
        ...(snapshot.seedFingerprint !== null ? { seedFingerprint: snapshot.seedFingerprint } : {}),
      });
      document = 'imported';
    }
  }
  for (const c of currentConnections) {
    if (!snapshot.connections.some((s) => s.provider === c.provider))
      await store.deleteConnection(c.provider);
  }
  for (const c of snapshot.connections) await store.setConnection(c);
  return { document, connections: snapshot.connections.length };
}
