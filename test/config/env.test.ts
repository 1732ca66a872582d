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
      SMART_SYNC_ADMIN_TOKEN: 'a'.repeat(32),
    });
    expect(found).toEqual([expect.stringMatching(/^SUPEROFFICE_API_URL is not set but ONEFLOW_API_URL is/)]);
  });

  it('lists every missing secret when real services are configured', () => {
    const found = problems({ SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust1/api' });
    expect(found).toEqual([
      'ONEFLOW_API_TOKEN is required when real services are configured',
      'ONEFLOW_WEBHOOK_SIGN_KEY is required when real services are configured',
      expect.stringMatching(/^SuperOffice sign-in is not configured: set SUPEROFFICE_REFRESH_TOKEN/),
      'SMART_SYNC_ADMIN_TOKEN is required when real services are configured',
    ]);
  });

  it('uses the public Oneflow API by default once SuperOffice is configured', () => {
    const s = loadEnvironment({
      SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust1/api/',
      ONEFLOW_API_TOKEN: 't',
      ONEFLOW_WEBHOOK_SIGN_KEY: 'k',
      SUPEROFFICE_ACCESS_TOKEN: 's',
      SMART_SYNC_ADMIN_TOKEN: 'a'.repeat(32),
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
      /by activity name: fetchSignedContract, checkSigningEvent, resolvePlan, updateSale, updateCompany/,
    );
  });

  const LIVE = {
    SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust1/api',
    ONEFLOW_API_TOKEN: 't',
    ONEFLOW_WEBHOOK_SIGN_KEY: 'k',
    SUPEROFFICE_ACCESS_TOKEN: 's',
    SMART_SYNC_ADMIN_TOKEN: '0123456789abcdef0123456789abcdef',
  };

  it('binds the demo to 127.0.0.1 and live mode to every interface, unless SMART_SYNC_HOST says otherwise', () => {
    expect(loadEnvironment({}).host).toBe('127.0.0.1');
    expect(loadEnvironment({ SMART_SYNC_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadEnvironment(LIVE).host).toBeUndefined();
    expect(loadEnvironment({ ...LIVE, SMART_SYNC_HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(loadEnvironment({ ...LIVE, SMART_SYNC_HOST: '::1' }).host).toBe('::1');
    expect(loadEnvironment({ ...LIVE, SMART_SYNC_HOST: 'smart-sync.internal' }).host).toBe(
      'smart-sync.internal',
    );
  });

  it.each(['http://0.0.0.0', '127.0.0.1:3000', 'bad host', '-x.example', 'a..b'])(
    'rejects SMART_SYNC_HOST=%s',
    (value) => {
      expect(problems({ SMART_SYNC_HOST: value })).toEqual([
        expect.stringMatching(/^SMART_SYNC_HOST must be an IP address or a host name/),
      ]);
    },
  );

  it('needs an admin token of at least 32 characters in live mode, and says how to make one', () => {
    const found = problems({ ...LIVE, SMART_SYNC_ADMIN_TOKEN: 'short-but-not-empty' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^SMART_SYNC_ADMIN_TOKEN must be at least 32 characters/);
    expect(found[0]).toContain('openssl rand -hex 32');
    expect(found[0]).toContain("require('crypto').randomBytes(32).toString('hex')");
    expect(found[0]).not.toContain('short-but-not-empty');
    expect(loadEnvironment(LIVE).adminToken).toBe(LIVE.SMART_SYNC_ADMIN_TOKEN);
  });

  it.each([
    'ONEFLOW_API_TOKEN',
    'ONEFLOW_WEBHOOK_SIGN_KEY',
    'SUPEROFFICE_ACCESS_TOKEN',
    'SMART_SYNC_ADMIN_TOKEN',
    'SUPEROFFICE_CLIENT_SECRET',
    'SUPEROFFICE_REFRESH_TOKEN',
    'SUPEROFFICE_SYSTEM_USER_TOKEN',
  ])('refuses %s without an API URL instead of running the demo', (name) => {
    const found = problems({ [name]: 'x'.repeat(40) });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(`^${name} is set but neither SUPEROFFICE_API_URL nor ONEFLOW_API_URL is`),
    );
    expect(found[0]).not.toContain('x'.repeat(40));
  });

  it('names every secret set without an API URL, in one message', () => {
    expect(problems({ ONEFLOW_API_TOKEN: 't', SUPEROFFICE_ACCESS_TOKEN: 's' })).toEqual([
      expect.stringMatching(/^ONEFLOW_API_TOKEN, SUPEROFFICE_ACCESS_TOKEN are set but neither/),
    ]);
  });

  it('reads SMART_SYNC_METRICS_TOKEN, at least 32 characters', () => {
    expect(loadEnvironment({}).metricsToken).toBeUndefined();
    expect(loadEnvironment({ SMART_SYNC_METRICS_TOKEN: 'm'.repeat(32) }).metricsToken).toBe('m'.repeat(32));
    expect(problems({ SMART_SYNC_METRICS_TOKEN: 'short' })).toEqual([
      expect.stringMatching(
        /^SMART_SYNC_METRICS_TOKEN must be at least 32 characters: make one with `openssl rand -hex 32`/,
      ),
    ]);
  });

  it('never echoes a secret value in its messages', () => {
    const found = problems({
      SUPEROFFICE_API_URL: 'https://x.example/api',
      ONEFLOW_API_TOKEN: 'super-secret-token',
    });
    expect(found.join('\n')).not.toContain('super-secret-token');
  });
});
