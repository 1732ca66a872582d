import type { Logger } from '../logging/logger';
import type { MappingStore } from './mapping-store';
import { describeDatabaseUrl, PostgresMappingStore } from './postgres-mapping-store';
import { SqliteMappingStore } from './sqlite-mapping-store';

export interface SettingsStoreLocation {
  /** DATABASE_URL: PostgreSQL, shared by every process given the same URL. */
  databaseUrl?: string;
  /** Otherwise this SQLite file, one process's. */
  sqliteFile: string;
}

export interface OpenedSettingsStore {
  store: MappingStore;
  kind: 'postgres' | 'sqlite';
  /** Where it is, with no password: for logs and messages. */
  where: string;
}

/** The settings store the environment names: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
export async function openSettingsStore(
  location: SettingsStoreLocation,
  logger?: Logger,
): Promise<OpenedSettingsStore> {
  if (location.databaseUrl) {
    return {
      store: await PostgresMappingStore.open(location.databaseUrl, { logger }),
      kind: 'postgres',
      where: describeDatabaseUrl(location.databaseUrl),
    };
  }
  return {
    store: await SqliteMappingStore.open(location.sqliteFile),
    kind: 'sqlite',
    where: location.sqliteFile,
  };
}
