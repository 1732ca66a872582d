import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '../../src/config/env';

/**
 * No Docker engine runs on CI machines, so the compose file is checked by reading it:
 * the services a cluster deployment needs, their ports, and that the service gets every
 * variable the README's configuration table names.
 */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[] };
  ports?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }> | string[];
  read_only?: boolean;
  tmpfs?: string[] | string;
  volumes?: string[];
}

const root = path.join(__dirname, '..', '..');
// Docker Compose merges `<<:` keys (the api and the workers share their environment that way).
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

function service(name: string): ComposeService {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

describe('docker-compose.yml', () => {
  it('runs Temporal on PostgreSQL', () => {
    expect(service('postgresql').image).toMatch(/^postgres:\d+/);
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+\.\d+$/);
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(temporal.ports).toContain('7233:7233');
    expect(temporal.depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });
  });

  it('serves the Temporal Web UI wired to the server', () => {
    const ui = service('temporal-ui');
    expect(ui.image).toMatch(/^temporalio\/ui:/);
    expect(ui.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(ui.ports).toContain('8080:8080');
  });

  it('builds Smart Sync from the Dockerfile and points the api and the workers at the cluster', () => {
    for (const name of ['smart-sync-api', 'smart-sync-worker']) {
      const app = service(name);
      expect(app.build).toBe('.');
      expect(app.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(app.environment?.TEMPORAL_UI_URL).toBe('http://localhost:8080');
      expect(app.depends_on).toMatchObject({ temporal: { condition: 'service_healthy' } });
    }
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(
      /CMD \["node", "dist\/cli\/smart-sync\.js", "start"\]/,
    );
  });

  it('runs `smart-sync api` and `smart-sync worker` apart, never the embedded dev server', () => {
    expect(compose.services['smart-sync']).toBeUndefined();
    const api = service('smart-sync-api');
    expect(api.command).toEqual(['node', 'dist/cli/smart-sync.js', 'api']);
    expect(api.ports).toEqual(['3000:3000']);
    expect(api.environment?.PORT).toBe(3000);
    const worker = service('smart-sync-worker');
    expect(worker.command).toEqual(['node', 'dist/cli/smart-sync.js', 'worker']);
    // Replicas publish no host port; the health check asks the worker's own health port.
    expect(worker.ports).toBeUndefined();
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.environment?.SMART_SYNC_WORKER_HEALTH_PORT).toBe(9091);
    expect(worker.healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:9091/readyz');
    for (const s of Object.values(compose.services)) {
      // `smart-sync start` with TEMPORAL_ADDRESS unset would run a dev server of its own.
      expect(s.command ?? []).not.toContain('start');
    }
  });

  it('passes every variable of the configuration table to the api and the workers, and only known ones', () => {
    for (const name of ['smart-sync-api', 'smart-sync-worker']) {
      const env = service(name).environment ?? {};
      const configurationTable = [
        'PORT',
        'TEMPORAL_ADDRESS',
        'TEMPORAL_NAMESPACE',
        'TEMPORAL_TASK_QUEUE',
        'ONEFLOW_API_URL',
        'ONEFLOW_API_TOKEN',
        'ONEFLOW_USER_EMAIL',
        'ONEFLOW_WEBHOOK_SIGN_KEY',
        'SUPEROFFICE_API_URL',
        'SUPEROFFICE_ACCESS_TOKEN',
        'SMART_SYNC_ADMIN_TOKEN',
        'SMART_SYNC_CONFIG',
      ];
      // The workers serve no HTTP API, so PORT is the api's alone.
      for (const v of configurationTable.filter((v) => name === 'smart-sync-api' || v !== 'PORT')) {
        expect(Object.keys(env)).toContain(v);
      }
      const known = Object.keys(envSchema.shape);
      for (const v of Object.keys(env)) expect(known).toContain(v);
    }
  });

  it('runs the workers on a read-only root filesystem, their data dir in memory', () => {
    const worker = service('smart-sync-worker');
    expect(worker.read_only).toBe(true);
    expect(worker.tmpfs).toEqual(['/tmp', worker.environment?.SMART_SYNC_DATA_DIR]);
    expect((worker.volumes ?? []).every((v) => /:ro$/.test(v))).toBe(true);
  });

  it('runs the api on a read-only root filesystem, writable only where it writes', () => {
    const app = service('smart-sync-api');
    expect(app.read_only).toBe(true);
    const tmpfs = typeof app.tmpfs === 'string' ? [app.tmpfs] : (app.tmpfs ?? []);
    expect(tmpfs.map((t) => t.split(':')[0])).toEqual(['/tmp']);
    const volumes = app.volumes ?? [];
    const writable = volumes.filter((v) => !/:ro$/.test(v)).map((v) => v.split(':')[1]);
    // The settings database (SMART_SYNC_DATA_DIR) is the one thing the service keeps.
    expect(writable).toEqual([app.environment?.SMART_SYNC_DATA_DIR]);
    expect(app.environment?.SMART_SYNC_DATA_DIR).toBe('/data');
    const config = volumes.find((v) => v.split(':')[1] === '/config');
    expect(config).toMatch(/:ro$/);
  });

  it('requires the secrets instead of defaulting them', () => {
    const env = service('smart-sync-api').environment ?? {};
    for (const secret of [
      'ONEFLOW_API_TOKEN',
      'ONEFLOW_WEBHOOK_SIGN_KEY',
      'SUPEROFFICE_ACCESS_TOKEN',
      'SMART_SYNC_ADMIN_TOKEN',
    ]) {
      expect(String(env[secret])).toMatch(new RegExp(`^\\$\\{${secret}:\\?`));
    }
  });
});
