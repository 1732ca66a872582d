import type { ConnectionMode as ServerConnectionMode } from '../../src/server/connections';
import {
  awaitingConnect,
  connectedFromQuery,
  connectionFacts,
  type ConnectionMode,
  type ConnectionsStatus,
  describeMode,
  statusOf,
  superOfficeActions,
} from '../../src/server/settings-page/browser/connection-model';

const notConnected: ConnectionsStatus['superoffice'] = {
  mode: 'oauth',
  works: false,
  tenant: null,
  canConnect: true,
  lastError: 'SuperOffice is not connected yet: an administrator connects it through SuperOffice sign-in',
  lastConnectError: null,
};

const connected: ConnectionsStatus['superoffice'] = {
  mode: 'oauth',
  works: true,
  tenant: 'Cust12345',
  webApiUrl: 'https://sod2.superoffice.com/Cust12345/api',
  connectedAt: '2026-12-02T10:00:00.000Z',
  canConnect: true,
  lastError: null,
  lastConnectError: null,
};

describe('the Connection tab model', () => {
  it('has a label for every mode the server answers', () => {
    // Compile-time: the two lists of modes are the same.
    const modes: ServerConnectionMode[] = [
      'oauth',
      'system-user',
      'static-token',
      'demo',
    ] satisfies ConnectionMode[];
    for (const mode of modes) {
      expect(describeMode('superoffice', mode)).not.toBe(mode);
      expect(describeMode('oneflow', mode)).not.toBe(mode);
    }
    expect(describeMode('superoffice', 'static-token')).toContain('SUPEROFFICE_ACCESS_TOKEN');
    expect(describeMode('oneflow', 'static-token')).toContain('ONEFLOW_API_TOKEN');
  });

  it('offers Connect before the first connect, and Reconnect and Disconnect once connected', () => {
    expect(superOfficeActions(notConnected)).toEqual({ connect: 'Connect SuperOffice', disconnect: false });
    expect(superOfficeActions(connected)).toEqual({ connect: 'Reconnect SuperOffice', disconnect: true });
    // Without a client (system user, fixed token, demo) there is nothing to connect.
    expect(superOfficeActions({ ...notConnected, mode: 'system-user', canConnect: false })).toEqual({
      connect: null,
      disconnect: false,
    });
    expect(awaitingConnect(notConnected)).toBe(true);
    expect(awaitingConnect(connected)).toBe(false);
    expect(awaitingConnect({ ...notConnected, mode: 'static-token' })).toBe(false);
  });

  it('lists the tenant, its address and the last errors, and only what is known', () => {
    const facts = connectionFacts('superoffice', connected).map((f) => f.label);
    expect(facts).toEqual(['Mode', 'Tenant', 'Web API', 'Connected']);
    const failing = connectionFacts('superoffice', {
      ...connected,
      works: false,
      lastError: 'SuperOffice refused the stored connection (invalid_grant)',
      lastConnectError: 'the id_token SuperOffice answered does not validate',
    });
    expect(failing.filter((f) => f.tone === 'danger').map((f) => [f.label, f.value])).toEqual([
      ['Last error', 'SuperOffice refused the stored connection (invalid_grant)'],
      ['Last connect attempt', 'the id_token SuperOffice answered does not validate'],
    ]);
    const oneflow = connectionFacts('oneflow', {
      mode: 'static-token',
      works: false,
      tenant: null,
      lastError: 'The API token is invalid. Check ONEFLOW_API_TOKEN',
    });
    expect(oneflow.map((f) => f.label)).toEqual(['Mode', 'Last error']);
    expect(statusOf(true)).toEqual({ text: 'Works', tone: 'success' });
    expect(statusOf(false)).toEqual({ text: 'Not working', tone: 'danger' });
  });

  it('reads the callback query that says SuperOffice was connected, and nothing else', () => {
    expect(connectedFromQuery('?connected=superoffice')).toBe('superoffice');
    expect(connectedFromQuery('?connected=oneflow')).toBeNull();
    expect(connectedFromQuery('')).toBeNull();
  });
});
