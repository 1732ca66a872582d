import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadEnvironment } from '../../src/config/env';

describe('the Temporal connection from the SDK environment configuration', () => {
  const cloudToml = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-sync-envconfig-'));
    writeFileSync(
      path.join(dir, 'temporal.toml'),
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '',
        '[profile.cloud]',
        'address = "smart-sync.a1b2c.tmprl.cloud:7233"',
        'namespace = "smart-sync.a1b2c"',
        'api_key = "key-from-the-file"',
        '',
      ].join('\n'),
    );
    return dir;
  };

  it('connects to the embedded dev server with nothing set, without reading a profile', () => {
    const home = cloudToml();
    const temporal = loadEnvironment({ HOME: home, XDG_CONFIG_HOME: home }).temporal;
    expect(temporal.address).toBeUndefined();
    expect(temporal.namespace).toBe('default');
    expect(temporal.connection).toEqual({});
  });

  it('turns TEMPORAL_API_KEY into an API key over TLS (Temporal Cloud)', () => {
    const temporal = loadEnvironment({
      TEMPORAL_ADDRESS: 'smart-sync.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'smart-sync.a1b2c',
      TEMPORAL_API_KEY: 'the-api-key',
    }).temporal;
    expect(temporal).toMatchObject({
      address: 'smart-sync.a1b2c.tmprl.cloud:7233',
      namespace: 'smart-sync.a1b2c',
      connection: { apiKey: 'the-api-key', tls: true },
    });
  });

  it('reads TEMPORAL_TLS and TEMPORAL_GRPC_META_*', () => {
    const temporal = loadEnvironment({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_GRPC_META_X_TEAM: 'sales',
    }).temporal;
    expect(temporal.connection.tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
    expect(temporal.connection.metadata).toEqual({ 'x-team': 'sales' });
  });

  it('takes address, namespace and API key from TEMPORAL_PROFILE in TEMPORAL_CONFIG_FILE, the variables winning', () => {
    const file = path.join(cloudToml(), 'temporal.toml');
    const temporal = loadEnvironment({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' }).temporal;
    expect(temporal).toMatchObject({
      address: 'smart-sync.a1b2c.tmprl.cloud:7233',
      namespace: 'smart-sync.a1b2c',
      connection: { apiKey: 'key-from-the-file', tls: true },
    });
    expect(
      loadEnvironment({
        TEMPORAL_CONFIG_FILE: file,
        TEMPORAL_PROFILE: 'cloud',
        TEMPORAL_NAMESPACE: 'other',
        TEMPORAL_API_KEY: 'key-from-the-environment',
      }).temporal,
    ).toMatchObject({ namespace: 'other', connection: { apiKey: 'key-from-the-environment' } });
  });

  it('names the variable when the profile is not there', () => {
    const file = path.join(cloudToml(), 'temporal.toml');
    expect(() => loadEnvironment({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' })).toThrow(
      ConfigError,
    );
    expect(() => loadEnvironment({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' })).toThrow(
      /TEMPORAL_CONFIG_FILE=.*temporal\.toml: Profile 'staging' not found/,
    );
  });

  it('keeps the TEMPORAL_ADDRESS message', () => {
    expect(() => loadEnvironment({ TEMPORAL_ADDRESS: 'http://temporal:7233' })).toThrow(
      /TEMPORAL_ADDRESS must be host:port without a scheme/,
    );
  });
});
