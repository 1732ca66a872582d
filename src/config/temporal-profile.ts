import path from 'node:path';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

/** What both the client's Connection and the workers' NativeConnection take besides the address. */
export type TemporalConnectionOptions = Pick<NativeConnectionOptions, 'apiKey' | 'tls' | 'metadata'>;

export interface TemporalProfile {
  address: string | undefined;
  namespace: string | undefined;
  connection: TemporalConnectionOptions;
}

/**
 * The Temporal connection as the SDK's own environment configuration describes it
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*,
 * and a profile of the CLI's TOML file), so that one set of variables configures Smart Sync,
 * the Temporal CLI and other SDK programs alike. The file is read only when TEMPORAL_PROFILE
 * or TEMPORAL_CONFIG_FILE asks for it: a profile left in the home folder by the CLI must not
 * turn `smart-sync start` away from its embedded dev server.
 */
export function loadTemporalProfile(env: NodeJS.ProcessEnv, cwd: string): TemporalProfile {
  // envconfig takes an empty variable as a value; the rest of the configuration takes it as unset.
  const given: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('TEMPORAL_') && value !== undefined && value.trim() !== '') given[name] = value;
  }
  if (given.TEMPORAL_CONFIG_FILE) given.TEMPORAL_CONFIG_FILE = path.resolve(cwd, given.TEMPORAL_CONFIG_FILE);
  const useFile = given.TEMPORAL_PROFILE !== undefined || given.TEMPORAL_CONFIG_FILE !== undefined;
  // envconfig finds the CLI's default file through these, read from the variables it is given.
  const { connectionOptions, namespace } = loadClientConnectConfig({
    overrideEnvVars: { ...pick(env, ['HOME', 'XDG_CONFIG_HOME', 'APPDATA']), ...given },
    disableFile: !useFile,
  });
  const connection: TemporalConnectionOptions = {};
  if (connectionOptions.apiKey !== undefined) connection.apiKey = connectionOptions.apiKey;
  if (connectionOptions.tls !== undefined) connection.tls = connectionOptions.tls;
  if (connectionOptions.metadata !== undefined) connection.metadata = connectionOptions.metadata;
  return { address: connectionOptions.address, namespace, connection };
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (env[name] !== undefined) out[name] = env[name]!;
  return out;
}
