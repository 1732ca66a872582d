import { readFileSync } from 'node:fs';
import type { SuperOfficeSignIn } from '../../config/superoffice-sign-in';
import type { SuperOfficeClientOptions } from '../client';
import { NotConnectedCredentials } from './oauth-connect';
import { RefreshTokenCredentials } from './refresh-token';
import { SystemUserCredentials } from './system-user';
import { contextIdOf, lookUpTenantApi } from './tenant';

export { type SuperOfficeCredentials, StaticTokenCredentials } from './credentials';
export { RECONNECT_MESSAGE, RefreshTokenCredentials, type RefreshTokenOptions } from './refresh-token';
export { SystemUserCredentials, type SystemUserOptions, signSystemUserToken } from './system-user';
export { contextIdOf, lookUpTenantApi } from './tenant';
export { StoredConnectionCredentials, SUPEROFFICE_PROVIDER, type OAuthClient } from './oauth-connect';

/**
 * The client options for a sign-in mode: one credential source for the whole process (every
 * worker shares it, so there is one refresh at a time) and, with a sign-in host, the tenant
 * lookup after a 421. A fixed access token needs neither.
 */
export function signInClientOptions(
  signIn: SuperOfficeSignIn | undefined,
  apiUrl: string,
): Pick<SuperOfficeClientOptions, 'credentials' | 'relocate'> {
  if (!signIn || signIn.mode === 'access_token') return {};
  const contextId = contextIdOf(apiUrl);
  const relocate = () => lookUpTenantApi(signIn.loginUrl, contextId);
  if (signIn.mode === 'refresh_token') {
    return { credentials: new RefreshTokenCredentials(signIn), relocate };
  }
  if (signIn.mode === 'connect') return { credentials: new NotConnectedCredentials(), relocate };
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(signIn.privateKeyFile, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    throw new Error(`SUPEROFFICE_PRIVATE_KEY_FILE ${signIn.privateKeyFile} cannot be read (${reason})`, {
      cause: err,
    });
  }
  try {
    return {
      credentials: new SystemUserCredentials({ ...signIn, privateKeyPem, contextId }),
      relocate,
    };
  } catch (err) {
    throw new Error(`SUPEROFFICE_PRIVATE_KEY_FILE ${signIn.privateKeyFile} is not a PEM RSA private key`, {
      cause: err,
    });
  }
}
