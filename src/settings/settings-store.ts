import type { MappingDocument } from '../config/mapping-document';

export interface SaveOptions {
  /** Who saved this version, kept with it: "admin API", "SMART_SYNC_CONFIG", "demo". */
  source?: string;
  /**
   * Set when the document was imported from the SMART_SYNC_CONFIG file: the fingerprint of
   * that file's document, so that the next start can tell whether the file has changed.
   */
  seedFingerprint?: string;
}

/**
 * Where the mapping document lives between restarts. One small interface, so a server
 * database can stand in for the local one when several instances run.
 */
export interface SettingsStore {
  getMappingDocument(): Promise<MappingDocument | null>;
  setMappingDocument(doc: MappingDocument, options?: SaveOptions): Promise<void>;
  /** The fingerprint of the SMART_SYNC_CONFIG document imported last; null when none ever was. */
  getSeedFingerprint(): Promise<string | null>;
  close(): Promise<void>;
}

/** Process memory only: for tests, and for callers that want no file. */
export class InMemorySettingsStore implements SettingsStore {
  private doc: MappingDocument | null;
  private seedFingerprint: string | null = null;
  constructor(initial: MappingDocument | null = null) {
    this.doc = initial;
  }
  async getMappingDocument(): Promise<MappingDocument | null> {
    return this.doc ? structuredClone(this.doc) : null;
  }
  async setMappingDocument(doc: MappingDocument, options: SaveOptions = {}): Promise<void> {
    this.doc = structuredClone(doc);
    if (options.seedFingerprint !== undefined) this.seedFingerprint = options.seedFingerprint;
  }
  async getSeedFingerprint(): Promise<string | null> {
    return this.seedFingerprint;
  }
  /** Back to no document at all, as on a first start (tests of the empty state). */
  clear(): void {
    this.doc = null;
    this.seedFingerprint = null;
  }
  async close(): Promise<void> {}
}
