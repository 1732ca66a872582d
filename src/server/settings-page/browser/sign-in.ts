/// <reference lib="dom" />
import { byId } from './dom-elements';
import { announce } from './page-messages';
import { forgetSignedInData, type PageState } from './page-state';
import { type TabId, tabFromHash } from './settings-model';
import { forgetAdminToken, saveAdminToken } from './token-storage';

export interface SignIn {
  /** Hides the app behind the token form, with `message` saying why ('' for none). */
  showTokenScreen(message: string): void;
  /** Shows the app once the admin API accepts the token; `fromForm` moves the focus to the tab. */
  enterApp(fromForm: boolean): Promise<void>;
  wire(): void;
}

/** The token screen, and the Forget admin token button that leads back to it. */
export function createSignIn(deps: {
  state: PageState;
  /** Loads the mapping document; false when the token was refused. */
  loadMappingDocument: () => Promise<boolean>;
  loadPropertyCatalog: () => Promise<void>;
  selectTab: (id: TabId, focus: boolean, updateHash: boolean) => void;
  stopRunPolling: () => void;
}): SignIn {
  const { state } = deps;

  function showTokenScreen(message: string): void {
    deps.stopRunPolling();
    byId('app').hidden = true;
    byId('sign-out').hidden = true;
    byId('token-screen').hidden = false;
    const input = byId<HTMLInputElement>('token-input');
    byId('token-error').textContent = message;
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    input.focus();
  }

  async function enterApp(fromForm: boolean): Promise<void> {
    // The token is checked by the first call; the app stays hidden until it is accepted.
    const ok = await deps.loadMappingDocument();
    if (!ok) return;
    byId('token-screen').hidden = true;
    byId('token-error').textContent = '';
    byId('app').hidden = false;
    byId('sign-out').hidden = false;
    deps.selectTab(tabFromHash(location.hash), fromForm, false);
    void deps.loadPropertyCatalog();
  }

  function wire(): void {
    byId('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId<HTMLInputElement>('token-input');
      const token = input.value.trim();
      if (token === '') {
        byId('token-error').textContent = 'Enter the admin token.';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      saveAdminToken(state, token, byId<HTMLInputElement>('token-remember').checked);
      input.value = '';
      void enterApp(true);
    });
    byId('sign-out').addEventListener('click', () => {
      forgetAdminToken(state);
      forgetSignedInData(state);
      showTokenScreen('');
      announce(state, 'The admin token is forgotten on this device.');
    });
  }

  return { showTokenScreen, enterApp, wire };
}
