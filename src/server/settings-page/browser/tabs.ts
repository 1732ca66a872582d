/// <reference lib="dom" />
import { byId } from './dom-elements';
import type { PageState } from './page-state';
import { nextTabIndex, type TabId, tabFromHash, TABS } from './settings-model';

export interface Tabs {
  /** Shows a tab; the URL's hash follows unless `updateHash` is false (it is where the tab came from). */
  select(id: TabId, focus: boolean, updateHash?: boolean): void;
  wire(): void;
}

/**
 * The tab list, keyboard-operable as an ARIA tablist, and the tab named in the URL's hash.
 * The runs tab polls only while it is showing, so `onRunsShown` and `onRunsHidden` start
 * and stop it.
 */
export function createTabs(deps: {
  state: PageState;
  onRunsShown: () => void;
  onRunsHidden: () => void;
  /** The Connection tab checks the connections each time it is shown. */
  onConnectionShown: () => void;
}): Tabs {
  const { state } = deps;

  function tabButton(id: TabId): HTMLButtonElement {
    return byId<HTMLButtonElement>(`tab-${id}`);
  }

  function select(id: TabId, focus: boolean, updateHash = true): void {
    state.activeTab = id;
    for (const tab of TABS) {
      const selected = tab.id === id;
      const button = tabButton(tab.id);
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      byId(`panel-${tab.id}`).hidden = !selected;
    }
    if (focus) tabButton(id).focus();
    if (updateHash && location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
    if (id === 'runs') deps.onRunsShown();
    else deps.onRunsHidden();
    if (id === 'connection') deps.onConnectionShown();
  }

  function wire(): void {
    for (const tab of TABS) tabButton(tab.id).addEventListener('click', () => select(tab.id, false));
    document.querySelector('[role="tablist"]')!.addEventListener('keydown', (event) => {
      const e = event as KeyboardEvent;
      const current = TABS.findIndex((t) => tabButton(t.id) === document.activeElement);
      if (current < 0) return;
      const next = nextTabIndex(current, e.key, TABS.length);
      if (next === null) return;
      e.preventDefault();
      select(TABS[next]!.id, true);
    });
    window.addEventListener('hashchange', () => {
      if (!byId('app').hidden) select(tabFromHash(location.hash), false, false);
    });
    document.querySelectorAll<HTMLAnchorElement>('[data-tab-link]').forEach((link) =>
      link.addEventListener('click', (event) => {
        event.preventDefault();
        select(tabFromHash(link.dataset.tabLink ?? ''), true);
      }),
    );
  }

  return { select, wire };
}
