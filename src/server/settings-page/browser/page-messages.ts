/// <reference lib="dom" />
import { ApiError, SignedOut } from './api-client';
import { byId, h, present } from './dom-elements';
import type { PageState } from './page-state';

/** What the settings page tells the admin outside the forms: the status line and the error banner. */

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The status line, read out by screen readers; it empties itself a while later. */
export function announce(state: Pick<PageState, 'statusTimer'>, message: string): void {
  const status = byId('status');
  status.textContent = message;
  window.clearTimeout(state.statusTimer);
  state.statusTimer = window.setTimeout(() => (status.textContent = ''), 6000);
}

export function showGlobalError(message: string, details: string[] = []): void {
  const banner = byId('global-error');
  banner.replaceChildren(
    ...present(
      h('strong', {}, message),
      details.length > 0 ? h('ul', {}, ...details.map((d) => h('li', {}, d))) : null,
      h('button', { type: 'button', class: 'button-small', id: 'dismiss-error' }, 'Dismiss'),
    ),
  );
  banner.hidden = false;
  byId('dismiss-error').addEventListener('click', () => {
    banner.hidden = true;
    byId('main').focus();
  });
}

export function clearGlobalError(): void {
  byId('global-error').hidden = true;
}

/** A form's own error box: the message, then the API's list of what is wrong. */
export function showErrorList(container: HTMLElement, message: string, errors: string[]): void {
  container.replaceChildren(
    ...present(
      h('strong', {}, message),
      errors.length > 0 ? h('ul', {}, ...errors.map((e) => h('li', {}, e))) : null,
    ),
  );
  container.hidden = false;
}

/** For failures outside a form: signed out is already handled; anything else goes to the banner. */
export function reportError(err: unknown, what: string): void {
  if (err instanceof SignedOut) return;
  const errors = err instanceof ApiError ? err.errors : [];
  showGlobalError(`${what}: ${messageOf(err)}`, errors);
}

/** The button beside a "Could not load …" message. */
export function retryButton(label: string, action: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button-small' }, label);
  button.addEventListener('click', action);
  return button;
}
