import { ConfigError, loadEnvironment } from '../../src/config/env';
import { defaultLoginUrl } from '../../src/config/superoffice-sign-in';

const LIVE = {
  SUPEROFFICE_API_URL: 'https://sod2.superoffice.com/Cust1/api',
  ONEFLOW_API_TOKEN: 't',
  ONEFLOW_WEBHOOK_SIGN_KEY: 'k',
  SMART_SYNC_ADMIN_TOKEN: 'a'.repeat(32),
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnvironment(env, '/srv/app');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('SuperOffice sign-in configuration', () => {
  it('derives the sign-in host from the API host without its digits, and only on superoffice.com', () => {
    expect(defaultLoginUrl('https://sod2.superoffice.com/Cust1/api')).toBe(
      'https://sod.superoffice.com/login',
    );
    expect(defaultLoginUrl('https://online3.superoffice.com/Cust1/api')).toBe(
      'https://online.superoffice.com/login',
    );
    expect(defaultLoginUrl('https://qaonline.superoffice.com/Cust1/api')).toBe(
      'https://qaonline.superoffice.com/login',
    );
    expect(defaultLoginUrl('http://127.0.0.1:4020/Cust1/api')).toBeUndefined();
  });

  it('keeps a fixed access token working', () => {
    const env = loadEnvironment({ ...LIVE, SUPEROFFICE_ACCESS_TOKEN: 's' }, '/srv/app');
    expect(env.superoffice.signIn).toEqual({ mode: 'access_token', accessToken: 's' });
    expect(env.superoffice.accessToken).toBe('s');
  });

  it('selects the refresh token with the client, and the default sign-in host', () => {
    const env = loadEnvironment(
      {
        ...LIVE,
        SUPEROFFICE_REFRESH_TOKEN: 'r',
        SUPEROFFICE_CLIENT_ID: 'id',
        SUPEROFFICE_CLIENT_SECRET: 'sec',
      },
      '/srv/app',
    );
    expect(env.superoffice.signIn).toEqual({
      mode: 'refresh_token',
      loginUrl: 'https://sod.superoffice.com/login',
      clientId: 'id',
      clientSecret: 'sec',
      refreshToken: 'r',
    });
  });

  it('selects the system user, with the key file resolved and an explicit sign-in host', () => {
    const env = loadEnvironment(
      {
        ...LIVE,
        SUPEROFFICE_SYSTEM_USER_TOKEN: 'App-1',
        SUPEROFFICE_PRIVATE_KEY_FILE: 'keys/app.pem',
        SUPEROFFICE_CLIENT_SECRET: 'sec',
        SUPEROFFICE_LOGIN_URL: 'https://sod.superoffice.com/login/',
      },
      '/srv/app',
    );
    expect(env.superoffice.signIn).toEqual({
      mode: 'system_user',
      loginUrl: 'https://sod.superoffice.com/login',
      clientSecret: 'sec',
      systemUserToken: 'App-1',
      privateKeyFile: '/srv/app/keys/app.pem',
    });
  });

  it('names what an incomplete or ambiguous combination lacks', () => {
    expect(problems(LIVE)).toEqual([expect.stringMatching(/^SuperOffice sign-in is not configured/)]);
    expect(problems({ ...LIVE, SUPEROFFICE_REFRESH_TOKEN: 'r' })).toEqual([
      'SUPEROFFICE_CLIENT_ID is required with SUPEROFFICE_REFRESH_TOKEN',
      'SUPEROFFICE_CLIENT_SECRET is required with SUPEROFFICE_REFRESH_TOKEN',
    ]);
    expect(
      problems({ ...LIVE, SUPEROFFICE_SYSTEM_USER_TOKEN: 'App-1', SUPEROFFICE_CLIENT_SECRET: 'x' }),
    ).toEqual(['SUPEROFFICE_PRIVATE_KEY_FILE is required with SUPEROFFICE_SYSTEM_USER_TOKEN']);
    expect(problems({ ...LIVE, SUPEROFFICE_ACCESS_TOKEN: 's', SUPEROFFICE_REFRESH_TOKEN: 'r' })).toEqual([
      'SUPEROFFICE_ACCESS_TOKEN and SUPEROFFICE_REFRESH_TOKEN are both set: choose one way to sign in to SuperOffice',
    ]);
    expect(
      problems({ ...LIVE, SUPEROFFICE_ACCESS_TOKEN: 's', SUPEROFFICE_PRIVATE_KEY_FILE: 'k.pem' }),
    ).toEqual(['SUPEROFFICE_PRIVATE_KEY_FILE is set without SUPEROFFICE_SYSTEM_USER_TOKEN, which it signs']);
    expect(
      problems({
        ...LIVE,
        SUPEROFFICE_API_URL: 'http://127.0.0.1:4020/Cust1/api',
        SUPEROFFICE_REFRESH_TOKEN: 'r',
        SUPEROFFICE_CLIENT_ID: 'id',
        SUPEROFFICE_CLIENT_SECRET: 'sec',
      }),
    ).toEqual([
      expect.stringMatching(/^SUPEROFFICE_LOGIN_URL is required when SUPEROFFICE_API_URL is not on/),
    ]);
    expect(problems({ ...LIVE, SUPEROFFICE_ACCESS_TOKEN: 's', SUPEROFFICE_LOGIN_URL: 'ftp://x' })).toEqual([
      expect.stringMatching(/^SUPEROFFICE_LOGIN_URL must be an http\(s\) URL/),
    ]);
  });

  it('needs no sign-in in demo mode', () => {
    expect(loadEnvironment({}, '/srv/app').superoffice.signIn).toBeUndefined();
  });
});
