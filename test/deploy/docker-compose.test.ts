import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '../../src/config/env';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflow-contract';

/**
 * No Docker engine runs on CI machines, so the compose file is checked by reading it:
 * the services a cluster deployment needs, their ports, and that the service gets every
 * variable the README's configuration table names.
 */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
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
  it('runs Temporal from temporalio/server on PostgreSQL, never the deprecated auto-setup image', () => {
    expect(service('postgresql').image).toMatch(/^postgres:\d+/);
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(temporal.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
      POSTGRES_USER: service('postgresql').environment?.POSTGRES_USER,
      POSTGRES_PWD: service('postgresql').environment?.POSTGRES_PASSWORD,
      // Reachable from the other containers, not only from its own loopback.
      BIND_ON_IP: '0.0.0.0',
    });
    for (const s of Object.values(compose.services)) expect(s.image ?? '').not.toMatch(/auto-setup/);
    // The dynamic config file it is told to read is mounted there.
    const dynamicConfig = String(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH);
    expect(temporal.volumes).toContainEqual(expect.stringMatching(new RegExp(`:${dynamicConfig}:ro$`)));
    const mounted = temporal.volumes!.find((v) => v.includes(dynamicConfig))!.split(':')[0]!;
    expect(parse(readFileSync(path.join(root, mounted), 'utf8'))).toEqual(expect.any(Object));
  });

  it('sets up the schema of both Temporal databases with temporalio/admin-tools before the server starts', () => {
    const schema = service('temporal-schema');
    const temporal = service('temporal');
    // The schema is brought to admin-tools' version: it must be the server's.
    expect(schema.image).toBe(temporal.image!.replace('temporalio/server:', 'temporalio/admin-tools:'));
    expect(schema.environment).toMatchObject({
      SQL_PLUGIN: temporal.environment?.DB,
      SQL_HOST: temporal.environment?.POSTGRES_SEEDS,
      SQL_PORT: temporal.environment?.DB_PORT,
      SQL_USER: temporal.environment?.POSTGRES_USER,
      SQL_PASSWORD: temporal.environment?.POSTGRES_PWD,
    });
    expect(schema.depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });
    expect(temporal.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    // It runs the mounted script (test/deploy/temporal-setup-scripts.test.ts runs it).
    expect(schema.volumes).toContain('./deploy/temporal/setup-schema.sh:/scripts/setup-schema.sh:ro');
    expect(schema.entrypoint).toEqual(['/bin/sh', '/scripts/setup-schema.sh']);
  });

  it('creates the namespace Smart Sync uses and its search attributes before any api or worker starts', () => {
    const setup = service('temporal-setup');
    expect(setup.image).toBe(service('temporal-schema').image);
    expect(setup.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(setup.depends_on).toMatchObject({ temporal: { condition: 'service_healthy' } });
    expect(setup.volumes).toContain('./deploy/temporal/setup-namespace.sh:/scripts/setup-namespace.sh:ro');
    expect(setup.entrypoint).toEqual(['/bin/sh', '/scripts/setup-namespace.sh']);
    for (const name of ['smart-sync-api', 'smart-sync-worker']) {
      const app = service(name);
      expect(setup.environment?.NAMESPACE).toBe(app.environment?.TEMPORAL_NAMESPACE);
      expect(app.depends_on).toMatchObject({
        'temporal-setup': { condition: 'service_completed_successfully' },
      });
    }
    // The script's list is Smart Sync's.
    const script = readFileSync(path.join(root, 'deploy', 'temporal', 'setup-namespace.sh'), 'utf8');
    const listed = [...script.matchAll(/^(SmartSync\w+) (Int|Keyword)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(listed).toEqual(
      SEARCH_ATTRIBUTE_KEYS.map((k) => `${k.name} ${k.type === 'INT' ? 'Int' : 'Keyword'}`),
    );
  });

  it('pins every image to a version, never `latest`', () => {
    const images = Object.values(compose.services).flatMap((s) => (s.image ? [s.image] : []));
    expect(images.length).toBeGreaterThanOrEqual(6);
    for (const image of images) expect(image).toMatch(/^[\w./-]+:\d+(\.\d+)*(-[\w.]+)?$/);
  });

  it('publishes only the Smart Sync port to other machines; Temporal’s gRPC port and the Web UI stay on 127.0.0.1', () => {
    expect(service('temporal').ports).toEqual(['127.0.0.1:7233:7233']);
    expect(service('temporal-ui').ports).toEqual(['127.0.0.1:8080:8080']);
    const open = Object.entries(compose.services).flatMap(([name, s]) =>
      (s.ports ?? []).filter((p) => !String(p).startsWith('127.0.0.1:')).map((p) => `${name} ${p}`),
    );
    expect(open).toEqual(['smart-sync-proxy 3000:3000']);
    // Neither database port is published at all.
    expect(service('postgresql').ports).toBeUndefined();
  });

  it('runs two api replicas behind one published port, the proxy following them by name', () => {
    const api = service('smart-sync-api');
    const proxy = service('smart-sync-proxy');
    expect(api.deploy?.replicas).toBe(2);
    // Replicas cannot share a host port: only the proxy has one.
    expect(api.ports).toBeUndefined();
    expect(proxy.image).toMatch(/^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+-alpine$/);
    expect(proxy.depends_on).toMatchObject({ 'smart-sync-api': { condition: 'service_healthy' } });
    expect(proxy.read_only).toBe(true);
    expect(proxy.volumes).toEqual(['./deploy/nginx/smart-sync-api.conf:/etc/nginx/conf.d/default.conf:ro']);
    const conf = readFileSync(path.join(root, 'deploy', 'nginx', 'smart-sync-api.conf'), 'utf8').replace(
      /#.*$/gm,
      '',
    );
    // Every replica's address, re-resolved as they are replaced (Docker's DNS answers them all).
    expect(conf).toMatch(new RegExp(`server smart-sync-api:${api.environment?.PORT} resolve;`));
    expect(conf).toMatch(/resolver 127\.0\.0\.11\b/);
    expect(conf).toMatch(/proxy_pass http:\/\/smart_sync_api;/);
    expect(conf).toMatch(/proxy_next_upstream error timeout;/);
    const [, listen] = /listen (\d+);/.exec(conf) ?? [];
    expect(proxy.ports).toEqual([`3000:${listen}`]);
  });

  it('checks the api replicas’ readiness on /readyz, as the Kubernetes probe does', () => {
    const api = service('smart-sync-api');
    expect(api.healthcheck?.test?.join(' ')).toContain(`http://127.0.0.1:${api.environment?.PORT}/readyz`);
  });

  it('serves the Temporal Web UI wired to the server', () => {
    const ui = service('temporal-ui');
    expect(ui.image).toMatch(/^temporalio\/ui:/);
    expect(ui.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(ui.ports).toEqual(['127.0.0.1:8080:8080']);
  });

  it('builds Smart Sync from the Dockerfile and points the api and the workers at the cluster', () => {
    for (const name of ['smart-sync-api', 'smart-sync-worker']) {
      const app = service(name);
      expect(app.build).toBe('.');
      expect(app.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(app.environment?.TEMPORAL_UI_URL).toBe('http://localhost:8080');
      expect(app.depends_on).toMatchObject({
        'temporal-setup': { condition: 'service_completed_successfully' },
      });
    }
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(
      /CMD \["node", "dist\/cli\/smart-sync\.js", "start"\]/,
    );
  });

  it('runs `smart-sync api` and `smart-sync worker` apart, never the embedded dev server', () => {
    expect(compose.services['smart-sync']).toBeUndefined();
    const api = service('smart-sync-api');
    expect(api.command).toEqual(['node', 'dist/cli/smart-sync.js', 'api']);
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

  it('runs the api on a read-only root filesystem, keeping nothing on its own disk', () => {
    const app = service('smart-sync-api');
    expect(app.read_only).toBe(true);
    const tmpfs = typeof app.tmpfs === 'string' ? [app.tmpfs] : (app.tmpfs ?? []);
    // The settings are in PostgreSQL, so the data dir is in memory and no volume is writable.
    expect(tmpfs.map((t) => t.split(':')[0])).toEqual(['/tmp', app.environment?.SMART_SYNC_DATA_DIR]);
    expect(app.environment?.SMART_SYNC_DATA_DIR).toBe('/data');
    const volumes = app.volumes ?? [];
    expect(volumes.filter((v) => !/:ro$/.test(v))).toEqual([]);
    const config = volumes.find((v) => v.split(':')[1] === '/config');
    expect(config).toMatch(/:ro$/);
  });

  it('keeps the settings of every api and worker replica in one PostgreSQL database of their own', () => {
    const postgres = service('postgresql');
    // The init script creates the smart_sync user and database on a new volume.
    expect(postgres.volumes).toContain(
      './deploy/postgres/create-settings-database.sh:/docker-entrypoint-initdb.d/create-settings-database.sh:ro',
    );
    expect(postgres.environment?.SMART_SYNC_DB_PASSWORD).toBe(
      '${SMART_SYNC_DB_PASSWORD:?set SMART_SYNC_DB_PASSWORD}',
    );
    for (const name of ['smart-sync-api', 'smart-sync-worker']) {
      const app = service(name);
      expect(app.environment?.DATABASE_URL).toBe(
        'postgres://smart_sync:${SMART_SYNC_DB_PASSWORD:?set SMART_SYNC_DB_PASSWORD}@postgresql:5432/smart_sync',
      );
      expect(app.depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });
    }
    // With a password in place, the URL is one the service accepts.
    const url = String(service('smart-sync-api').environment?.DATABASE_URL).replace(
      /\$\{SMART_SYNC_DB_PASSWORD[^}]*\}/,
      'a1b2c3',
    );
    expect(envSchema.shape.DATABASE_URL.parse(url)).toBe(url);
    // No Smart Sync volume is left: nothing of the settings lives on a replica's disk.
    expect(Object.values(compose.services).flatMap((s) => s.volumes ?? [])).not.toContainEqual(
      expect.stringMatching(/^smart-sync-data:/),
    );
  });

  it('requires the secrets instead of defaulting them', () => {
    // Temporal's database password too: no guessable default in a production-like setup.
    for (const [name, v] of [
      ['postgresql', 'POSTGRES_PASSWORD'],
      ['temporal-schema', 'SQL_PASSWORD'],
      ['temporal', 'POSTGRES_PWD'],
    ] as const) {
      expect(String(service(name).environment?.[v])).toBe('${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}');
    }
    const env = service('smart-sync-api').environment ?? {};
    for (const secret of ['ONEFLOW_API_TOKEN', 'ONEFLOW_WEBHOOK_SIGN_KEY', 'SMART_SYNC_ADMIN_TOKEN']) {
      expect(String(env[secret])).toMatch(new RegExp(`^\\$\\{${secret}:\\?`));
    }
  });

  it('passes every SuperOffice sign-in variable and requires none, so that any sign-in mode can be chosen', () => {
    for (const name of ['smart-sync-api', 'smart-sync-worker']) {
      const env = service(name).environment ?? {};
      for (const v of [
        'SUPEROFFICE_ACCESS_TOKEN',
        'SUPEROFFICE_CLIENT_ID',
        'SUPEROFFICE_CLIENT_SECRET',
        'SUPEROFFICE_REFRESH_TOKEN',
        'SUPEROFFICE_SYSTEM_USER_TOKEN',
        'SUPEROFFICE_PRIVATE_KEY_FILE',
        'SUPEROFFICE_LOGIN_URL',
        'SMART_SYNC_SECRET_KEY',
        'SMART_SYNC_METRICS_TOKEN',
      ]) {
        // `${X:-}`: passed through when set, empty (read as unset) otherwise; never `${X:?…}`.
        expect(String(env[v])).toBe(`\${${v}:-}`);
      }
      expect(String(env.SMART_SYNC_PUBLIC_URL)).toMatch(/^\$\{SMART_SYNC_PUBLIC_URL:-http/);
    }
  });

  it('has the shape of deploy/k8s: as many api and worker replicas, readiness on /readyz', () => {
    const k8s = (file: string) =>
      parse(readFileSync(path.join(root, 'deploy', 'k8s', file), 'utf8')) as {
        spec: { replicas: number; template: { spec: { containers: Array<{ readinessProbe: unknown }> } } };
      };
    for (const role of ['api', 'worker'] as const) {
      const deployment = k8s(`${role}.yaml`);
      const app = service(`smart-sync-${role}`);
      expect(app.deploy?.replicas).toBe(deployment.spec.replicas);
      expect(deployment.spec.template.spec.containers[0]!.readinessProbe).toMatchObject({
        httpGet: { path: '/readyz' },
      });
      expect(app.healthcheck?.test?.join(' ')).toMatch(/http:\/\/127\.0\.0\.1:\d+\/readyz/);
    }
  });
});
