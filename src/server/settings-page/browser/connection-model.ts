/**
 * What the Connection tab shows, without the DOM: the answer of GET /api/connections and
 * how each part of it reads to an admin. The browser runs this file as it is, and the unit
 * tests check it.
 */

export type ConnectionMode = 'oauth' | 'system-user' | 'static-token' | 'demo';
export type ConnectedServiceName = 'superoffice' | 'oneflow';

/** GET /api/connections (src/server/connections.ts). */
export interface ConnectionsStatus {
  superoffice: {
    mode: ConnectionMode;
    works: boolean;
    tenant: string | null;
    /** Only for a connection made through SuperOffice's sign-in: the id_token's webapi_url. */
    webApiUrl?: string;
    connectedAt?: string;
    /** Whether Connect can be offered (SUPEROFFICE_CLIENT_ID and SUPEROFFICE_CLIENT_SECRET set). */
    canConnect: boolean;
    lastError: string | null;
    lastConnectError: string | null;
  };
  oneflow: {
    mode: ConnectionMode;
    works: boolean;
    tenant: string | null;
    lastError: string | null;
  };
}

export interface ConnectionFact {
  label: string;
  value: string;
  /** A fact worth the admin's attention (the last error). */
  tone?: 'danger';
}

const MODE_LABELS: Readonly<Record<ConnectedServiceName, Readonly<Record<ConnectionMode, string>>>> = {
  superoffice: {
    oauth: 'Connected through SuperOffice sign-in (OAuth); access tokens renew themselves',
    'system-user': 'System user (SUPEROFFICE_SYSTEM_USER_TOKEN, signed with SUPEROFFICE_PRIVATE_KEY_FILE)',
    'static-token': 'Fixed access token (SUPEROFFICE_ACCESS_TOKEN), which expires',
    demo: 'Demo: the built-in SuperOffice emulator',
  },
  oneflow: {
    oauth: 'OAuth',
    'system-user': 'System user',
    'static-token': 'API token (ONEFLOW_API_TOKEN)',
    demo: 'Demo: the built-in Oneflow emulator',
  },
};

export function describeMode(service: ConnectedServiceName, mode: ConnectionMode): string {
  return MODE_LABELS[service][mode] ?? mode;
}

/** What works and what does not, in a word each, for the status badge. */
export function statusOf(works: boolean): { text: string; tone: 'success' | 'danger' } {
  return works ? { text: 'Works', tone: 'success' } : { text: 'Not working', tone: 'danger' };
}

function formatWhen(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
}

/**
 * SuperOffice before its first connect: no tenant yet and nothing stored, with the client
 * configured. The page then says what Connect does rather than only "Not working".
 */
export function awaitingConnect(status: ConnectionsStatus['superoffice']): boolean {
  return status.canConnect && status.connectedAt === undefined && status.mode === 'oauth' && !status.works;
}

/** The rows of one service's card, in the order shown. */
export function connectionFacts(
  service: ConnectedServiceName,
  status: ConnectionsStatus['superoffice'] | ConnectionsStatus['oneflow'],
): ConnectionFact[] {
  const facts: ConnectionFact[] = [{ label: 'Mode', value: describeMode(service, status.mode) }];
  if (status.tenant) facts.push({ label: 'Tenant', value: status.tenant });
  if ('webApiUrl' in status && status.webApiUrl) facts.push({ label: 'Web API', value: status.webApiUrl });
  if ('connectedAt' in status && status.connectedAt) {
    facts.push({ label: 'Connected', value: formatWhen(status.connectedAt) });
  }
  if (status.lastError) facts.push({ label: 'Last error', value: status.lastError, tone: 'danger' });
  if ('lastConnectError' in status && status.lastConnectError) {
    facts.push({ label: 'Last connect attempt', value: status.lastConnectError, tone: 'danger' });
  }
  return facts;
}

/** Which buttons the SuperOffice card offers. */
export function superOfficeActions(status: ConnectionsStatus['superoffice']): {
  connect: string | null;
  disconnect: boolean;
} {
  const stored = status.connectedAt !== undefined;
  return {
    connect: status.canConnect ? (stored ? 'Reconnect SuperOffice' : 'Connect SuperOffice') : null,
    disconnect: stored,
  };
}

/** The query the sign-in's callback sends the browser back with (`?connected=superoffice`). */
export function connectedFromQuery(search: string): ConnectedServiceName | null {
  const value = new URLSearchParams(search).get('connected');
  return value === 'superoffice' ? value : null;
}
