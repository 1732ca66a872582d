import { ConfigError, loadEnvironment } from '../../src/config/env';
import { settingsStoreLocation } from '../../src/runtime/service';

describe('DATABASE_URL', () => {
  it('takes a PostgreSQL URL, either scheme, options passed on', () => {
    for (const url of [
      'postgres://smart:pw@db.internal:5432/smart_sync',
      'postgresql://smart@10.0.0.5/smart_sync?sslmode=require',
    ]) {
      expect(loadEnvironment({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
    expect(loadEnvironment({}).databaseUrl).toBeUndefined();
    expect(loadEnvironment({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
  });

  it.each(['mysql://u:hunter2-secret@db/x', 'db.internal:5432', 'postgres:///nohost'])(
    'refuses %s, naming the variable and the form, never echoing it',
    (url) => {
      let err: unknown;
      try {
        loadEnvironment({ DATABASE_URL: url });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).toContain(
        'DATABASE_URL must be a PostgreSQL URL, postgres://user:password@host:5432/database',
      );
      expect(message).not.toContain('hunter2-secret');
    },
  );

  it('chooses PostgreSQL when set, the SQLite file otherwise, and never a shared database for the demo', () => {
    const url = 'postgres://smart@db/smart_sync';
    const env = (extra: Record<string, string>) =>
      loadEnvironment({ SMART_SYNC_DATA_DIR: '/srv/data', ...extra });
    expect(settingsStoreLocation({ ...env({ DATABASE_URL: url }), demo: false })).toEqual({
      databaseUrl: url,
      sqliteFile: '/srv/data/settings.db',
    });
    expect(settingsStoreLocation({ ...env({}), demo: false }).databaseUrl).toBeUndefined();
    // Demo mode: its own SQLite file under demo/, whatever DATABASE_URL says.
    expect(settingsStoreLocation(env({ DATABASE_URL: url }))).toEqual({
      databaseUrl: undefined,
      sqliteFile: '/srv/data/demo/settings.db',
    });
  });
});
