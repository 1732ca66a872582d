import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ConfigError,
  DEFAULT_SHUTDOWN_GRACE_SECONDS,
  envSchema,
  loadEnvironment,
} from '../../src/config/env';

/**
 * No Kubernetes runs on CI machines, so the manifests in deploy/k8s are checked by reading
 * them, as docker-compose.yml is: the shape (api and worker Deployments, a Service, probes),
 * that a pod is given time to drain before SIGKILL, and that secrets come only by reference.
 */
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  timeoutSeconds?: number;
}
interface Container {
  command?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  resources?: string[];
  spec?: {
    replicas?: number;
    selector?: Record<string, unknown> & { matchLabels?: Record<string, string> };
    ports?: Array<{ port: number; targetPort: string | number }>;
    template?: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsNonRoot?: boolean };
        containers: Container[];
      };
    };
  };
}

const dir = path.join(__dirname, '..', '..', 'deploy', 'k8s');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const byFile = new Map<string, Manifest[]>(
  files.map((f) => [
    f,
    parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => {
      if (d.errors.length > 0) throw new Error(`${f}: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as Manifest;
    }),
  ]),
);
const all = [...byFile.values()].flat();

function one(kind: string, name: string): Manifest {
  const found = all.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`deploy/k8s has ${found.length} ${kind} named ${name}`);
  return found[0]!;
}

const configMap = one('ConfigMap', 'smart-sync');
const secretExample = one('Secret', 'smart-sync');
const deployments = {
  api: one('Deployment', 'smart-sync-api'),
  worker: one('Deployment', 'smart-sync-worker'),
};
const containerOf = (d: Manifest) => d.spec!.template!.spec.containers[0]!;
const SECRET_NAMES = Object.keys(secretExample.stringData ?? {});

describe('deploy/k8s', () => {
  it('lists every manifest in its kustomization except the Secret, which is made by hand', () => {
    const kustomization = byFile.get('kustomization.yaml')![0]!;
    expect([...(kustomization.resources ?? [])].sort()).toEqual(
      files.filter((f) => f !== 'kustomization.yaml' && f !== 'secret.example.yaml').sort(),
    );
  });

  it.each(['api', 'worker'] as const)('runs `smart-sync %s` in two replicas or more', (role) => {
    const d = deployments[role];
    expect(d.spec!.replicas).toBeGreaterThanOrEqual(2);
    expect(containerOf(d).command).toEqual(['node', 'dist/cli/smart-sync.js', role]);
    // The selector picks this Deployment's pods only.
    expect(d.spec!.selector!.matchLabels).toEqual(d.spec!.template!.metadata.labels);
    expect(d.spec!.template!.metadata.labels['app.kubernetes.io/component']).toBe(role);
    // `start` would run an embedded dev server of its own in each pod.
    expect(containerOf(d).command).not.toContain('start');
  });

  it.each(['api', 'worker'] as const)(
    'probes the %s on the port it serves: /readyz for readiness, /healthz for liveness',
    (role) => {
      const c = containerOf(deployments[role]);
      const [port] = c.ports ?? [];
      const env = configMap.data ?? {};
      const expected =
        role === 'api'
          ? Number(c.env?.find((e) => e.name === 'PORT')?.value)
          : Number(env.SMART_SYNC_WORKER_HEALTH_PORT);
      expect(port!.containerPort).toBe(expected);
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: port!.name });
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: port!.name });
      expect(c.startupProbe?.httpGet).toEqual({ path: '/healthz', port: port!.name });
      // /readyz waits up to 2 s for Temporal's answer (src/server/health.ts), /healthz 0.5 s.
      expect(c.readinessProbe!.timeoutSeconds).toBeGreaterThan(2);
      expect(c.livenessProbe!.timeoutSeconds).toBeGreaterThanOrEqual(1);
    },
  );

  it.each(['api', 'worker'] as const)(
    'gives the %s time to drain before SIGKILL: preStop pause + shutdown grace + margin',
    (role) => {
      const spec = deployments[role].spec!.template!.spec;
      const preStop = containerOf(deployments[role]).lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop[0]).toBe('sleep');
      const grace = Number(configMap.data?.SMART_SYNC_SHUTDOWN_GRACE_SECONDS);
      expect(grace).toBeGreaterThan(0);
      // 5 s left after the drain for the connections to close.
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(preStop[1]) + grace + 5);
    },
  );

  it('puts the api replicas behind one Service on their named port', () => {
    const service = one('Service', 'smart-sync-api');
    expect(service.spec!.selector).toEqual(deployments.api.spec!.template!.metadata.labels);
    expect(service.spec!.ports).toEqual([expect.objectContaining({ targetPort: 'http' })]);
    expect(containerOf(deployments.api).ports![0]!.name).toBe('http');
    // No Service selects the workers: they take no traffic.
    const services = all.filter((m) => m.kind === 'Service');
    expect(services).toHaveLength(1);
  });

  it('passes the secrets only by reference, from the Secret, never as literal values', () => {
    for (const name of SECRET_NAMES) expect(Object.keys(configMap.data ?? {})).not.toContain(name);
    for (const d of Object.values(deployments)) {
      const c = containerOf(d);
      for (const name of [
        'ONEFLOW_API_TOKEN',
        'ONEFLOW_WEBHOOK_SIGN_KEY',
        'SUPEROFFICE_ACCESS_TOKEN',
        'SMART_SYNC_ADMIN_TOKEN',
        'DATABASE_URL',
        'TEMPORAL_API_KEY',
      ]) {
        const entry = c.env?.find((e) => e.name === name);
        expect(entry?.value).toBeUndefined();
        expect(entry?.valueFrom?.secretKeyRef).toMatchObject({ name: 'smart-sync', key: name });
      }
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef) expect(SECRET_NAMES).toContain(e.valueFrom.secretKeyRef.key);
        else expect(SECRET_NAMES).not.toContain(e.name);
      }
      // Only the Temporal API key (not for a self-hosted cluster), the encryption key and
      // the metrics token may be absent.
      const optional = (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef?.optional).map((e) => e.name);
      expect(optional.sort()).toEqual([
        'SMART_SYNC_METRICS_TOKEN',
        'SMART_SYNC_SECRET_KEY',
        'TEMPORAL_API_KEY',
      ]);
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'smart-sync' } }]);
    }
  });

  it('names only variables Smart Sync knows', () => {
    const known = Object.keys(envSchema.shape);
    const names = [
      ...Object.keys(configMap.data ?? {}),
      ...SECRET_NAMES,
      ...Object.values(deployments).flatMap((d) => (containerOf(d).env ?? []).map((e) => e.name)),
    ];
    for (const name of names) expect(known).toContain(name);
  });

  it('is a configuration Smart Sync accepts once the Secret is filled in, and refuses while it is empty', () => {
    const filled: Record<string, string> = {
      ...configMap.data,
      PORT: '3000',
      ...Object.fromEntries(SECRET_NAMES.map((n) => [n, 'x'.repeat(40)])),
      DATABASE_URL: 'postgres://smart_sync:pw@postgres:5432/smart_sync',
    };
    const environment = loadEnvironment(filled, '/app');
    expect(environment.demo).toBe(false);
    expect(environment.temporal.address).toBe(configMap.data!.TEMPORAL_ADDRESS);
    expect(environment.shutdownGraceMs).toBe(30_000);
    // An API key turns TLS on, as Temporal Cloud needs.
    expect(environment.temporal.connection.apiKey).toBe('x'.repeat(40));
    const empty = { ...configMap.data, PORT: '3000', ...secretExample.stringData };
    let refusal: unknown;
    try {
      loadEnvironment(empty, '/app');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).message).toContain('SMART_SYNC_ADMIN_TOKEN');
  });

  it('runs the pods as the image’s unprivileged user on a read-only root filesystem', () => {
    for (const d of Object.values(deployments)) {
      expect(d.spec!.template!.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(containerOf(d).securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
    }
  });

  it('docker-compose.yml gives its api and workers the same time to drain', () => {
    const compose = parseAllDocuments(
      readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'),
    )[0]!.toJS({
      maxAliasCount: -1,
    }) as { services: Record<string, { stop_grace_period?: string; environment?: Record<string, unknown> }> };
    for (const name of ['smart-sync-api', 'smart-sync-worker']) {
      const service = compose.services[name]!;
      const grace = Number(
        service.environment?.SMART_SYNC_SHUTDOWN_GRACE_SECONDS ?? DEFAULT_SHUTDOWN_GRACE_SECONDS,
      );
      expect(Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1])).toBeGreaterThanOrEqual(grace + 5);
    }
  });
});
