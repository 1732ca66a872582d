import { ConfigError, loadEnvironment } from '../../src/config/env';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnvironment(env, '/srv/app');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('environment', () => {
  it('defaults to demo mode with the embedded dev server', () => {
    const s = loadEnvironment({}, '/srv/app');
    expect(s).toMatchObject({
      port: 3000,
      demo: true,
      temporal: {
        address: undefined,
        namespace: 'default',
        taskQueue: 'smart-sync',
        uiUrl: 'http://localhost:8233',
      },
      dataDir: '/srv/app/data',
    });
  });

  it.each([
    ['abc', /PORT must be a whole number/],
    ['70000', /PORT must be between 1 and 65535/],
    ['0', /PORT must be between 1 and 65535/],
  ])('rejects PORT=%s, naming the variable', (value, message) => {
    const found = problems({ PORT: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each(['http://temporal:7233', 'temporal', 'temporal:port'])('rejects TEMPORAL_ADDRESS=%s', (value) => {
    expect(problems({ TEMPORAL_ADDRESS: value })[0]).toMatch(
      /TEMPORAL_ADDRESS must be host:port without a scheme/,
    );
  });

  it('accepts host:port addresses', () => {
    expect(loadEnvironment({ TEMPORAL_ADDRESS: 'temporal.internal:7233' }).temporal.address).toBe(
      'temporal.internal:7233',
    );
    expect(loadEnvironment({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }).temporal.address).toBe('127.0.0.1:7233');
  });

  it('needs SUPEROFFICE_API_URL when ONEFLOW_API_URL is set', () => {
    const found = problems({
      ONEFLOW_API_URL: 'https://api.oneflow.com/v1',
      ONEFLOW_API_TOKEN: 't',
      ONEFLOW_WEBHOOK_SIGN_KEY: 'k',
      SUPEROFFICE_ACCESS_TOKEN: 's',
      SMART_SYNC_ADMIN_TOKEN: 'a',
    });
    expect(found).toEqual([expect.stringMatching(/^SUPEROFFICE_API_URL is not set but ONEFLOW_API_URL is/)]);
  });

  it('lists every missing secret when real services are configured', () => {
    const found = problems({ SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust1/api' });
    expect(found).toEqual([
      'ONEFLOW_API_TOKEN is required when real services are configured',
      'ONEFLOW_WEBHOOK_SIGN_KEY is required when real services are configured',
      'SUPEROFFICE_ACCESS_TOKEN is required when real services are configured',
      'SMART_SYNC_ADMIN_TOKEN is required when real services are configured',
    ]);
  });

  it('uses the public Oneflow API by default once SuperOffice is configured', () => {
    const s = loadEnvironment({
      SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust1/api/',
      ONEFLOW_API_TOKEN: 't',
      ONEFLOW_WEBHOOK_SIGN_KEY: 'k',
      SUPEROFFICE_ACCESS_TOKEN: 's',
      SMART_SYNC_ADMIN_TOKEN: 'a',
    });
    expect(s.demo).toBe(false);
    expect(s.oneflow.apiUrl).toBe('https://api.oneflow.com/v1');
    expect(s.superoffice.apiUrl).toBe('https://sod2.superoffice.com/Cust1/api');
  });

  it('rejects a malformed URL and a malformed email', () => {
    const found = problems({ SUPEROFFICE_API_URL: 'not a url', ONEFLOW_USER_EMAIL: 'nobody' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/SUPEROFFICE_API_URL must be an http\(s\) URL/),
        expect.stringMatching(/ONEFLOW_USER_EMAIL must be an email address/),
      ]),
    );
  });

  it('reads per-step retry policies, and explains a bad one', () => {
    const s = loadEnvironment({
      SMART_SYNC_RETRY_POLICIES: '{"company":{"maximumAttempts":3,"initialIntervalMs":500}}',
    });
    expect(s.retryPolicies).toEqual({ company: { maximumAttempts: 3, initialIntervalMs: 500 } });
    expect(problems({ SMART_SYNC_RETRY_POLICIES: '{company:' })[0]).toMatch(
      /SMART_SYNC_RETRY_POLICIES must be JSON/,
    );
    expect(problems({ SMART_SYNC_RETRY_POLICIES: '{"compnay":{"maximumAttempts":3}}' })[0]).toMatch(
      /SMART_SYNC_RETRY_POLICIES: .*steps: fetchContract, plan, sale, company/,
    );
    expect(problems({ SMART_SYNC_RETRY_POLICIES: '{"sale":{"maximumAttempts":-1}}' })[0]).toMatch(
      /sale\.maximumAttempts/,
    );
  });

  it('reads retry policies keyed by the activity names the Web UI shows', () => {
    const s = loadEnvironment({
      SMART_SYNC_RETRY_POLICIES:
        '{"updateCompany":{"maximumAttempts":3},"recordOutcome":{"maximumIntervalMs":600000}}',
    });
    expect(s.retryPolicies).toEqual({
      updateCompany: { maximumAttempts: 3 },
      recordOutcome: { maximumIntervalMs: 600000 },
    });
    expect(problems({ SMART_SYNC_RETRY_POLICIES: '{"updateCompnay":{"maximumAttempts":3}}' })[0]).toMatch(
      /by activity name: fetchSignedContract, resolvePlan, updateSale, updateCompany/,
    );
  });

  it('never echoes a secret value in its messages', () => {
    const found = problems({
      SUPEROFFICE_API_URL: 'https://x.example/api',
      ONEFLOW_API_TOKEN: 'super-secret-token',
    });
    expect(found.join('\n')).not.toContain('super-secret-token');
  });
});
