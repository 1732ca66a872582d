import type { Router } from 'express';
import type { Environment } from '../config/env';
import type { Logger } from '../logging/logger';
import type { MappingStore } from '../mapping-store/mapping-store';
import type { OneflowClient } from '../oneflow/client';
import { CALLBACK_PATH, type ConnectionMode, connectionsRouter } from '../server/connections';
import type { SuperOfficeClient, SuperOfficeClientOptions } from '../superoffice/client';
import {
  contextIdOf,
  lookUpTenantApi,
  type OAuthClient,
  signInClientOptions,
  StaticTokenCredentials,
  StoredConnectionCredentials,
  SUPEROFFICE_PROVIDER,
} from '../superoffice/sign-in';

type Wiring = Pick<Environment, 'demo' | 'publicUrl' | 'secretKey'> & {
  superoffice: Pick<Environment['superoffice'], 'signIn'>;
};

/** The OAuth client when the environment has one (the refresh-token or connect mode), else undefined. */
export function oauthClientOf(environment: Wiring): OAuthClient | undefined {
  const signIn = environment.superoffice.signIn;
  if (environment.demo || !signIn || (signIn.mode !== 'refresh_token' && signIn.mode !== 'connect')) {
    return undefined;
  }
  return {
    loginUrl: signIn.loginUrl,
    clientId: signIn.clientId,
    clientSecret: signIn.clientSecret,
    redirectUri: `${environment.publicUrl}${CALLBACK_PATH}`,
  };
}

/**
 * The SuperOffice client's sign-in: the environment's, with a connection made through the
 * sign-in taking precedence whenever one is stored, at its own tenant's address (the
 * id_token's webapi_url) rather than SUPEROFFICE_API_URL; a 421 then looks up that tenant.
 */
export function superOfficeSignInOptions(
  environment: Wiring,
  store: MappingStore,
  apiUrl: string,
  accessToken: string | undefined,
): Pick<SuperOfficeClientOptions, 'credentials' | 'relocate'> {
  const base = signInClientOptions(environment.demo ? undefined : environment.superoffice.signIn, apiUrl);
  const oauth = oauthClientOf(environment);
  if (!oauth) return base;
  const credentials = new StoredConnectionCredentials({
    store,
    secretKey: environment.secretKey,
    loginUrl: oauth.loginUrl,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    fallback: base.credentials ?? new StaticTokenCredentials(accessToken ?? ''),
  });
  const relocateConfigured = base.relocate;
  return {
    credentials,
    relocate: async () => {
      const stored = await credentials.relocateStored((contextId) =>
        lookUpTenantApi(oauth.loginUrl, contextId),
      );
      if (stored !== undefined) return stored;
      if (!relocateConfigured) throw new Error('SuperOffice answered 421 and there is no tenant to look up');
      return relocateConfigured();
    },
  };
}

/**
 * SMART_SYNC_SECRET_KEY is required once a connection is stored that the sign-in would use:
 * without it, the start stops here, saying so, rather than every sync failing later. A key
 * that does not open the connection (a new one) does not stop the start: syncs then fail
 * naming it, and the Connection tab offers Reconnect, which seals the connection anew.
 */
export async function requireSecretKeyForStoredConnection(
  environment: Wiring,
  store: MappingStore,
): Promise<void> {
  if (environment.secretKey || !oauthClientOf(environment)) return;
  const stored = await store.getConnection(SUPEROFFICE_PROVIDER);
  if (!stored) return;
  throw new Error(
    `SMART_SYNC_SECRET_KEY is not set, and a SuperOffice connection is stored (tenant ${stored.tenant}, ` +
      `connected ${stored.connectedAt}) that can only be opened with it: set SMART_SYNC_SECRET_KEY to the key ` +
      'it was connected with (with a new key, connect again from the Connection tab)',
  );
}

function superOfficeMode(environment: Wiring): ConnectionMode {
  const mode = environment.demo ? undefined : environment.superoffice.signIn?.mode;
  if (mode === undefined) return 'demo';
  if (mode === 'system_user') return 'system-user';
  if (mode === 'access_token') return 'static-token';
  return 'oauth';
}

export function connectionsRouterFor(deps: {
  environment: Wiring;
  store: MappingStore;
  superoffice: SuperOfficeClient;
  superofficeApiUrl: string;
  oneflow: OneflowClient;
  adminToken: string;
  logger: Logger;
}): Router {
  const { environment } = deps;
  let tenant: string | null = null;
  try {
    tenant = contextIdOf(deps.superofficeApiUrl);
  } catch {
    // An API URL without a tenant in its path: nothing to show.
  }
  return connectionsRouter({
    store: deps.store,
    adminToken: deps.adminToken,
    logger: deps.logger,
    oauth: oauthClientOf(environment),
    secretKey: environment.secretKey,
    superoffice: {
      mode: superOfficeMode(environment),
      tenant,
      // The smallest authenticated read there is: one entity's custom-field list.
      probe: async (signal) => void (await deps.superoffice.getCustomFields('Sale', { signal })),
    },
    oneflow: {
      mode: environment.demo ? 'demo' : 'static-token',
      tenant: null,
      probe: (signal) => deps.oneflow.ping({ signal }),
    },
  });
}
