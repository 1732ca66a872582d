import path from 'node:path';
import { z } from 'zod';

/**
 * How Smart Sync signs in to SuperOffice, chosen by which variables are set:
 * - SUPEROFFICE_ACCESS_TOKEN: a fixed token, sent as is (it expires; for trials and tests);
 * - SUPEROFFICE_REFRESH_TOKEN with SUPEROFFICE_CLIENT_ID and SUPEROFFICE_CLIENT_SECRET:
 *   access tokens fetched and refreshed from SuperOffice's token endpoint;
 * - SUPEROFFICE_SYSTEM_USER_TOKEN with SUPEROFFICE_PRIVATE_KEY_FILE and SUPEROFFICE_CLIENT_SECRET:
 *   a system-user ticket;
 * - SUPEROFFICE_CLIENT_ID and SUPEROFFICE_CLIENT_SECRET alone: none yet, until an administrator
 *   connects through SuperOffice's sign-in (POST /api/connections/superoffice/authorize), which
 *   stores the refresh token encrypted.
 * Exactly one is needed with real endpoints.
 */
export type SuperOfficeSignIn =
  | { mode: 'access_token'; accessToken: string }
  | { mode: 'refresh_token'; loginUrl: string; clientId: string; clientSecret: string; refreshToken: string }
  | { mode: 'connect'; loginUrl: string; clientId: string; clientSecret: string }
  | {
      mode: 'system_user';
      loginUrl: string;
      clientSecret: string;
      systemUserToken: string;
      /** Absolute path of the PEM private key. */
      privateKeyFile: string;
    };

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

export const superOfficeSignInFields = {
  SUPEROFFICE_CLIENT_ID: optionalString,
  SUPEROFFICE_CLIENT_SECRET: optionalString,
  SUPEROFFICE_REFRESH_TOKEN: optionalString,
  SUPEROFFICE_SYSTEM_USER_TOKEN: optionalString,
  SUPEROFFICE_PRIVATE_KEY_FILE: optionalString,
  SUPEROFFICE_LOGIN_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({
        protocol: /^https?$/,
        error: 'SUPEROFFICE_LOGIN_URL must be an http(s) URL, e.g. https://sod.superoffice.com/login',
      })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
};

interface SignInVariables {
  SUPEROFFICE_API_URL?: string | undefined;
  SUPEROFFICE_ACCESS_TOKEN?: string | undefined;
  SUPEROFFICE_CLIENT_ID?: string | undefined;
  SUPEROFFICE_CLIENT_SECRET?: string | undefined;
  SUPEROFFICE_REFRESH_TOKEN?: string | undefined;
  SUPEROFFICE_SYSTEM_USER_TOKEN?: string | undefined;
  SUPEROFFICE_PRIVATE_KEY_FILE?: string | undefined;
  SUPEROFFICE_LOGIN_URL?: string | undefined;
}

/**
 * The environment's sign-in host from the tenant's API host: sod2.superoffice.com → sod,
 * online3 → online. Sign-in must not use the numbered hosts. Undefined for a host that is not
 * SuperOffice's (an emulator, a proxy), where SUPEROFFICE_LOGIN_URL must be given.
 */
export function defaultLoginUrl(apiUrl: string | undefined): string | undefined {
  if (!apiUrl) return undefined;
  const host = new URL(apiUrl).hostname.toLowerCase();
  if (!host.endsWith('.superoffice.com')) return undefined;
  const env = (host.split('.')[0] ?? '').replace(/\d+/g, '');
  return env ? `https://${env}.superoffice.com/login` : undefined;
}

/** Problems with the sign-in variables when real services are configured, each naming its variable. */
export function superOfficeSignInProblems(env: SignInVariables): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const modes = (
    ['SUPEROFFICE_ACCESS_TOKEN', 'SUPEROFFICE_REFRESH_TOKEN', 'SUPEROFFICE_SYSTEM_USER_TOKEN'] as const
  ).filter((name) => env[name] !== undefined);
  // The client alone is the connect mode: the sign-in is made later, from the settings.
  const canConnect = env.SUPEROFFICE_CLIENT_ID !== undefined && env.SUPEROFFICE_CLIENT_SECRET !== undefined;
  if (modes.length === 0 && !canConnect) {
    return [
      {
        path: 'SUPEROFFICE_ACCESS_TOKEN',
        message:
          'SuperOffice sign-in is not configured: set SUPEROFFICE_REFRESH_TOKEN with SUPEROFFICE_CLIENT_ID and ' +
          'SUPEROFFICE_CLIENT_SECRET, or SUPEROFFICE_SYSTEM_USER_TOKEN with SUPEROFFICE_PRIVATE_KEY_FILE and ' +
          'SUPEROFFICE_CLIENT_SECRET, or SUPEROFFICE_ACCESS_TOKEN (a fixed token, which expires), or ' +
          "SUPEROFFICE_CLIENT_ID and SUPEROFFICE_CLIENT_SECRET alone to connect through SuperOffice's sign-in",
      },
    ];
  }
  if (modes.length > 1) {
    return [
      {
        path: modes[1]!,
        message: `${modes.join(' and ')} are both set: choose one way to sign in to SuperOffice`,
      },
    ];
  }
  const need = (mode: string, names: Array<keyof SignInVariables>) => {
    for (const name of names) {
      if (env[name] === undefined) problems.push({ path: name, message: `${name} is required with ${mode}` });
    }
  };
  if (modes[0] === 'SUPEROFFICE_REFRESH_TOKEN') {
    need('SUPEROFFICE_REFRESH_TOKEN', ['SUPEROFFICE_CLIENT_ID', 'SUPEROFFICE_CLIENT_SECRET']);
  }
  if (modes[0] === 'SUPEROFFICE_SYSTEM_USER_TOKEN') {
    need('SUPEROFFICE_SYSTEM_USER_TOKEN', ['SUPEROFFICE_PRIVATE_KEY_FILE', 'SUPEROFFICE_CLIENT_SECRET']);
  }
  if (env.SUPEROFFICE_PRIVATE_KEY_FILE !== undefined && modes[0] !== 'SUPEROFFICE_SYSTEM_USER_TOKEN') {
    problems.push({
      path: 'SUPEROFFICE_PRIVATE_KEY_FILE',
      message: 'SUPEROFFICE_PRIVATE_KEY_FILE is set without SUPEROFFICE_SYSTEM_USER_TOKEN, which it signs',
    });
  }
  if (
    modes[0] !== 'SUPEROFFICE_ACCESS_TOKEN' &&
    env.SUPEROFFICE_LOGIN_URL === undefined &&
    env.SUPEROFFICE_API_URL !== undefined &&
    defaultLoginUrl(env.SUPEROFFICE_API_URL) === undefined
  ) {
    problems.push({
      path: 'SUPEROFFICE_LOGIN_URL',
      message:
        'SUPEROFFICE_LOGIN_URL is required when SUPEROFFICE_API_URL is not on superoffice.com ' +
        '(e.g. https://sod.superoffice.com/login)',
    });
  }
  return problems;
}

/** The chosen sign-in, for a validated environment with real services; undefined in demo mode. */
export function superOfficeSignIn(env: SignInVariables, cwd: string): SuperOfficeSignIn | undefined {
  const loginUrl = env.SUPEROFFICE_LOGIN_URL ?? defaultLoginUrl(env.SUPEROFFICE_API_URL) ?? '';
  if (env.SUPEROFFICE_REFRESH_TOKEN && env.SUPEROFFICE_CLIENT_ID && env.SUPEROFFICE_CLIENT_SECRET) {
    return {
      mode: 'refresh_token',
      loginUrl,
      clientId: env.SUPEROFFICE_CLIENT_ID,
      clientSecret: env.SUPEROFFICE_CLIENT_SECRET,
      refreshToken: env.SUPEROFFICE_REFRESH_TOKEN,
    };
  }
  if (
    env.SUPEROFFICE_SYSTEM_USER_TOKEN &&
    env.SUPEROFFICE_PRIVATE_KEY_FILE &&
    env.SUPEROFFICE_CLIENT_SECRET
  ) {
    return {
      mode: 'system_user',
      loginUrl,
      clientSecret: env.SUPEROFFICE_CLIENT_SECRET,
      systemUserToken: env.SUPEROFFICE_SYSTEM_USER_TOKEN,
      privateKeyFile: path.resolve(cwd, env.SUPEROFFICE_PRIVATE_KEY_FILE),
    };
  }
  if (env.SUPEROFFICE_ACCESS_TOKEN)
    return { mode: 'access_token', accessToken: env.SUPEROFFICE_ACCESS_TOKEN };
  if (env.SUPEROFFICE_CLIENT_ID && env.SUPEROFFICE_CLIENT_SECRET) {
    return {
      mode: 'connect',
      loginUrl,
      clientId: env.SUPEROFFICE_CLIENT_ID,
      clientSecret: env.SUPEROFFICE_CLIENT_SECRET,
    };
  }
  return undefined;
}
