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
  ports?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }> | string[];
  read_only?: boolean;
  tmpfs?: string[] | string;
  volumes?: string[];
}

const root = path.join(__dirname, '..', '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
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

  it('builds Smart Sync from the Dockerfile and points it at the cluster', () => {
    const app = service('smart-sync');
    expect(app.build).toBe('.');
    expect(app.ports).toContain('3000:3000');
    expect(app.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(app.environment?.TEMPORAL_UI_URL).toBe('http://localhost:8080');
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(
      /CMD \["node", "dist\/cli\/smart-sync\.js", "start"\]/,
    );
  });

  it('passes every variable of the configuration table to the service, and only known ones', () => {
    const env = service('smart-sync').environment ?? {};
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
    for (const name of configurationTable) expect(Object.keys(env)).toContain(name);
    const known = Object.keys(envSchema.shape);
    for (const name of Object.keys(env)) expect(known).toContain(name);
  });

  it('runs the service on a read-only root filesystem, writable only where it writes', () => {
    const app = service('smart-sync');
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
    const env = service('smart-sync').environment ?? {};
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
