/// <reference lib="dom" />
import type { PageState } from './page-state';

/**
 * Where the admin token is kept: for the tab's session, and across browser restarts only
 * when the admin asked for it. Page state holds it too, so that the page still works when
 * the browser refuses storage.
 */

const TOKEN_KEY = 'smart-sync.admin-token';

type TokenMemory = Pick<PageState, 'adminToken'>;

function storage(kind: 'session' | 'local'): Storage | null {
  try {
    return kind === 'session' ? window.sessionStorage : window.localStorage;
  } catch {
    return null; // storage disabled: the token lives as long as the page
  }
}

export function readAdminToken(memory: TokenMemory): string | null {
  return (
    memory.adminToken ??
    storage('session')?.getItem(TOKEN_KEY) ??
    storage('local')?.getItem(TOKEN_KEY) ??
    null
  );
}

export function saveAdminToken(memory: TokenMemory, token: string, remember: boolean): void {
  memory.adminToken = token;
  storage('session')?.setItem(TOKEN_KEY, token);
  if (remember) storage('local')?.setItem(TOKEN_KEY, token);
  else storage('local')?.removeItem(TOKEN_KEY);
}

export function forgetAdminToken(memory: TokenMemory): void {
  memory.adminToken = null;
  storage('session')?.removeItem(TOKEN_KEY);
  storage('local')?.removeItem(TOKEN_KEY);
}
