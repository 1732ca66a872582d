import type { MappingDocument } from '../config/mapping-document';

/**
 * Where the mapping document lives between restarts. One small interface, so a server
 * database can stand in for the local one when several instances run.
 */
export interface SettingsStore {
  getMappingDocument(): Promise<MappingDocument | null>;
  setMappingDocument(doc: MappingDocument): Promise<void>;
  close(): Promise<void>;
}

/** Process memory only: for tests, and until a persistent store is configured. */
export class InMemorySettingsStore implements SettingsStore {
  private doc: MappingDocument | null;
  constructor(initial: MappingDocument | null = null) {
    this.doc = initial;
  }
  async getMappingDocument(): Promise<MappingDocument | null> {
    return this.doc ? structuredClone(this.doc) : null;
  }
  async setMappingDocument(doc: MappingDocument): Promise<void> {
    this.doc = structuredClone(doc);
  }
  async close(): Promise<void> {}
}
