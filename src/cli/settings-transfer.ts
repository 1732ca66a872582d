import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { envSchema } from '../config/env';
import { writeFileAtomically } from '../mapping-store/sqlite-mapping-store';
import { openSettingsStore, type OpenedSettingsStore } from '../mapping-store/open-settings-store';
import { MappingStoreError } from '../mapping-store/mapping-store';
import {
  exportSettings,
  importSettings,
  parseSnapshot,
  SnapshotError,
} from '../mapping-store/settings-snapshot';
import { openSecret } from '../superoffice/sign-in/sealed-secret';

/**
 * `smart-sync settings export [--out file]` and `smart-sync settings import <file> [--replace]`.
 * The store is the one the service would use with the same environment: PostgreSQL when
 * DATABASE_URL is set, else the live SQLite file under SMART_SYNC_DATA_DIR (not the demo's).
 * Only these variables are read, so that a store can be moved from a machine where the rest
 * of the service's configuration is not at hand.
 */
const transferEnvSchema = z.object({
  DATABASE_URL: envSchema.shape.DATABASE_URL,
  SMART_SYNC_DATA_DIR: envSchema.shape.SMART_SYNC_DATA_DIR,
  SMART_SYNC_SECRET_KEY: envSchema.shape.SMART_SYNC_SECRET_KEY,
});

export class TransferError extends Error {
  override readonly name = 'TransferError';
}

function transferEnvironment(env: NodeJS.ProcessEnv, cwd: string) {
  const parsed = transferEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new TransferError(
      parsed.error.issues
        .map((i) => {
          const name = i.path.join('.');
          return i.message.includes(name) ? i.message : `${name}: ${i.message}`;
        })
        .join('\n'),
    );
  }
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    // The file the live service uses (see runtime/service.ts: settingsFile).
    sqliteFile: path.join(path.resolve(cwd, parsed.data.SMART_SYNC_DATA_DIR), 'settings.db'),
    secretKey: parsed.data.SMART_SYNC_SECRET_KEY,
  };
}

async function withStore<T>(
  location: { databaseUrl?: string; sqliteFile: string },
  work: (opened: OpenedSettingsStore) => Promise<T>,
): Promise<T> {
  const opened = await openSettingsStore(location);
  try {
    return await work(opened);
  } finally {
    await opened.store.close();
  }
}

export interface TransferIo {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the export goes when there is no --out, and the one-line reports. */
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function runSettingsCommand(
  args: { sub: string | undefined; file?: string; out?: string; replace?: boolean },
  io: TransferIo,
): Promise<void> {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const location = transferEnvironment(env, cwd);
  try {
    if (args.sub === 'export') {
      await withStore(location, async ({ store, kind, where }) => {
        const snapshot = await exportSettings(store);
        const json = `${JSON.stringify(snapshot, null, 2)}\n`;
        if (args.out) {
          // No secret is in the clear, but the file is the whole configuration: keep it private.
          await writeFileAtomically(path.resolve(cwd, args.out), Buffer.from(json, 'utf8'), 0o600);
          io.stderr(
            `Exported the settings of ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${where} to ${args.out} ` +
              `(${snapshot.mappingDocument ? 'a mapping document' : 'no mapping document'}, ${snapshot.connections.length} connection(s), still sealed).\n`,
          );
        } else {
          io.stdout(json);
        }
      });
      return;
    }
    if (args.sub === 'import') {
      if (!args.file) throw new TransferError('Usage: smart-sync settings import <file> [--replace]');
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(path.resolve(cwd, args.file), 'utf8'));
      } catch (err) {
        throw new TransferError(`${args.file}: ${(err as Error).message}`);
      }
      const snapshot = parseSnapshot(raw);
      const { secretKey } = location;
      const canOpen = secretKey
        ? (sealed: string, provider: string) => {
            try {
              openSecret(sealed, secretKey, provider);
              return true;
            } catch {
              return false;
            }
          }
        : undefined;
      await withStore(location, async ({ store, kind, where }) => {
        const result = await importSettings(store, snapshot, { replace: args.replace, canOpen });
        io.stderr(
          `Imported ${args.file} into ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${where}: mapping document ${result.document}, ` +
            `${result.connections} connection(s).\n`,
        );
      });
      return;
    }
    throw new TransferError(
      'Usage: smart-sync settings export [--out <file>] | smart-sync settings import <file> [--replace]',
    );
  } catch (err) {
    if (err instanceof SnapshotError || err instanceof MappingStoreError)
      throw new TransferError(err.message);
    throw err;
  }
}
