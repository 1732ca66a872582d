/// <reference lib="dom" />
import type { AdminApi } from './api-client';
import { SignedOut } from './api-client';
import { whileBusy } from './busy-control';
import {
  awaitingConnect,
  type ConnectedServiceName,
  connectedFromQuery,
  connectionFacts,
  type ConnectionsStatus,
  statusOf,
  superOfficeActions,
} from './connection-model';
import { byId, h } from './dom-elements';
import { announce, messageOf, reportError, retryButton } from './page-messages';
import type { PageState } from './page-state';

export interface ConnectionTab {
  /** Asks the service how it reaches SuperOffice and Oneflow now (each a live call). */
  load(): Promise<void>;
  wire(): void;
}

/**
 * The Connection tab: for SuperOffice and Oneflow, the mode, whether it works right now, the
 * tenant and the last error; and Connect / Disconnect for SuperOffice's sign-in. Connect
 * leaves the page for SuperOffice's consent, whose callback sends the browser back here
 * with `?connected=superoffice`.
 */
export function createConnectionTab(deps: { state: PageState; api: AdminApi }): ConnectionTab {
  const { state, api } = deps;
  const connections = state.connections;

  function card(service: ConnectedServiceName, status: ConnectionsStatus[ConnectedServiceName]): void {
    const badge = statusOf(status.works);
    byId(`connection-${service}-status`).replaceChildren(
      h('span', { class: `badge tone-${badge.tone}` }, badge.text),
    );
    byId(`connection-${service}-facts`).replaceChildren(
      ...connectionFacts(service, status).flatMap((fact) => [
        h('dt', {}, fact.label),
        h('dd', fact.tone ? { class: `fact-${fact.tone}` } : {}, fact.value),
      ]),
    );
  }

  function render(): void {
    const stateEl = byId('connection-state');
    const cards = byId('connection-cards');
    if (connections.loadError) {
      stateEl.replaceChildren(
        h(
          'span',
          { class: 'banner banner-error', role: 'alert' },
          `Could not check the connections: ${connections.loadError}`,
        ),
        ' ',
        retryButton('Try again', () => void load()),
      );
      cards.hidden = true;
      return;
    }
    const status = connections.current;
    if (!status) {
      stateEl.textContent = connections.loading ? 'Checking the connections…' : '';
      cards.hidden = true;
      return;
    }
    stateEl.textContent = connections.loading ? 'Checking the connections…' : '';
    cards.hidden = false;
    card('superoffice', status.superoffice);
    card('oneflow', status.oneflow);
    byId('connection-superoffice-hint').hidden = !awaitingConnect(status.superoffice);
    const actions = superOfficeActions(status.superoffice);
    const connect = byId<HTMLButtonElement>('connect-superoffice');
    connect.hidden = actions.connect === null;
    connect.textContent = actions.connect ?? 'Connect SuperOffice';
    byId('disconnect-superoffice').hidden = !actions.disconnect;
  }

  async function load(): Promise<void> {
    if (connections.loading) return;
    connections.loading = true;
    render();
    try {
      const { body } = await api<ConnectionsStatus>('GET', '/api/connections');
      connections.current = body;
      connections.loadError = null;
    } catch (err) {
      if (err instanceof SignedOut) return;
      connections.loadError = messageOf(err);
    } finally {
      connections.loading = false;
      render();
    }
  }

  function wire(): void {
    const connect = byId<HTMLButtonElement>('connect-superoffice');
    connect.addEventListener('click', () => {
      void whileBusy(connect, async () => {
        try {
          const { body } = await api<{ authorizeUrl: string }>(
            'POST',
            '/api/connections/superoffice/authorize',
          );
          // SuperOffice's sign-in and consent; its callback brings the browser back to this tab.
          window.location.assign(body.authorizeUrl);
        } catch (err) {
          reportError(err, 'SuperOffice could not be connected');
        }
      });
    });
    const disconnect = byId<HTMLButtonElement>('disconnect-superoffice');
    disconnect.addEventListener('click', () => {
      if (
        !window.confirm(
          'Disconnect SuperOffice? Syncs then use the sign-in configured in the environment, if any, until someone connects again.',
        )
      ) {
        return;
      }
      void whileBusy(disconnect, async () => {
        try {
          await api('DELETE', '/api/connections/superoffice');
          announce(state, 'SuperOffice is disconnected.');
        } catch (err) {
          reportError(err, 'SuperOffice could not be disconnected');
        }
        await load();
      });
    });
    const refresh = byId<HTMLButtonElement>('connection-refresh');
    refresh.addEventListener('click', () => void whileBusy(refresh, load));
    if (connectedFromQuery(location.search) === 'superoffice') {
      announce(state, 'SuperOffice is connected.');
      // Not announced again on a reload.
      history.replaceState(null, '', `${location.pathname}${location.hash || '#connection'}`);
    }
  }

  return { load, wire };
}
