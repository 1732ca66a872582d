import { ConfigError, loadEnvironment } from '../../src/config/env';
import { setCurrentVersionCommand, workerDeploymentOptions } from '../../src/temporal/worker-versioning';

/** The settings for running on a cluster: the shutdown grace period and worker versioning. */
const live = {
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
  ONEFLOW_API_TOKEN: 'oneflow-token',
  ONEFLOW_WEBHOOK_SIGN_KEY: 'sign-key',
  SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust12345/api',
  SUPEROFFICE_ACCESS_TOKEN: 'superoffice-token',
  SMART_SYNC_ADMIN_TOKEN: 'a'.repeat(32),
};

function problems(env: Record<string, string>): string[] {
  try {
    loadEnvironment({ ...live, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('SMART_SYNC_SHUTDOWN_GRACE_SECONDS', () => {
  it('defaults to 30 s, as Kubernetes gives a pod by default', () => {
    expect(loadEnvironment(live).shutdownGraceMs).toBe(30_000);
  });

  it('takes whole seconds, 0 (no drain) included', () => {
    expect(loadEnvironment({ ...live, SMART_SYNC_SHUTDOWN_GRACE_SECONDS: '90' }).shutdownGraceMs).toBe(
      90_000,
    );
    expect(loadEnvironment({ ...live, SMART_SYNC_SHUTDOWN_GRACE_SECONDS: '0' }).shutdownGraceMs).toBe(0);
  });

  it.each(['30s', '-1', '1.5'])('refuses %s with a message naming the variable', (value) => {
    expect(problems({ SMART_SYNC_SHUTDOWN_GRACE_SECONDS: value })).toEqual([
      'SMART_SYNC_SHUTDOWN_GRACE_SECONDS must be a whole number of seconds, e.g. 30',
    ]);
  });

  it('refuses more than an hour', () => {
    expect(problems({ SMART_SYNC_SHUTDOWN_GRACE_SECONDS: '7200' })).toEqual([
      'SMART_SYNC_SHUTDOWN_GRACE_SECONDS must be at most 3600 (an hour)',
    ]);
  });
});

describe('worker versioning', () => {
  it('is off unless TEMPORAL_DEPLOYMENT_NAME is set', () => {
    expect(loadEnvironment(live).temporal.versioning).toBeUndefined();
    expect(loadEnvironment({ ...live, TEMPORAL_WORKER_BUILD_ID: 'b1' }).temporal.versioning).toBeUndefined();
  });

  it('uses the bundle build id with AUTO_UPGRADE by default', () => {
    const { versioning } = loadEnvironment({ ...live, TEMPORAL_DEPLOYMENT_NAME: 'smart-sync' }).temporal;
    expect(versioning).toEqual({ deploymentName: 'smart-sync', behavior: 'AUTO_UPGRADE' });
    expect(workerDeploymentOptions(versioning!, 'wf-0123456789abcdef')).toEqual({
      workerDeploymentOptions: {
        useWorkerVersioning: true,
        version: { deploymentName: 'smart-sync', buildId: 'wf-0123456789abcdef' },
        defaultVersioningBehavior: 'AUTO_UPGRADE',
      },
    });
  });

  it('takes the build id and PINNED when given, as the Worker Controller gives them', () => {
    const { versioning } = loadEnvironment({
      ...live,
      TEMPORAL_DEPLOYMENT_NAME: 'default/smart-sync',
      TEMPORAL_WORKER_BUILD_ID: '5b9c7f-1',
      SMART_SYNC_VERSIONING_BEHAVIOR: 'pinned',
    }).temporal;
    expect(workerDeploymentOptions(versioning!, 'wf-ignored').workerDeploymentOptions).toMatchObject({
      version: { deploymentName: 'default/smart-sync', buildId: '5b9c7f-1' },
      defaultVersioningBehavior: 'PINNED',
    });
  });

  it('refuses names Temporal would refuse, saying what is allowed', () => {
    expect(problems({ TEMPORAL_DEPLOYMENT_NAME: 'smart.sync' })).toEqual([
      'TEMPORAL_DEPLOYMENT_NAME must be letters, digits, -, _ or / (no dots), e.g. smart-sync',
    ]);
    expect(
      problems({ TEMPORAL_DEPLOYMENT_NAME: 'smart-sync', SMART_SYNC_VERSIONING_BEHAVIOR: 'sticky' }),
    ).toEqual(['SMART_SYNC_VERSIONING_BEHAVIOR must be auto-upgrade (the default) or pinned']);
  });

  it('prints the command that makes a version current', () => {
    expect(setCurrentVersionCommand('prod', 'smart-sync', 'wf-0123456789abcdef')).toBe(
      'temporal worker deployment set-current-version --namespace prod --deployment-name smart-sync --build-id wf-0123456789abcdef',
    );
  });
});
