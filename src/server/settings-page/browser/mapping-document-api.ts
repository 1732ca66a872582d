/// <reference lib="dom" />
import type { MappingDocument } from '../../../config/mapping-document';
import { type AdminApi, ApiError, SignedOut } from './api-client';
import { byId } from './dom-elements';
import { announce, clearGlobalError, messageOf } from './page-messages';
import type { PageState } from './page-state';
import { emptyDocument } from './settings-model';

/** What the API found when it checked the saved mappings against SuperOffice's properties. */
export interface SaveWarning {
  path: string;
  message: string;
}

export interface MappingDocumentApi {
  /** Loads the mapping document; false when signed out. */
  load(): Promise<boolean>;
  /**
   * Replaces the whole mapping document, as PUT /api/config does, and announces `message`;
   * resolves to the API's warnings.
   */
  save(next: MappingDocument, message: string): Promise<SaveWarning[]>;
}

/**
 * Loads and saves the mapping document through the admin API (GET and PUT /api/config),
 * which keeps it in the mapping store; page state holds the copy the page shows. After
 * every load or save, `onChange` shows the new state in the tabs that show the document.
 */
export function createMappingDocumentApi(deps: {
  state: PageState;
  api: AdminApi;
  onChange: () => void;
}): MappingDocumentApi {
  const { state, api, onChange } = deps;
  const mappingDocument = state.mappingDocument;

  async function load(): Promise<boolean> {
    if (!mappingDocument.current) byId('config-state').textContent = 'Loading the settings…';
    try {
      const { body, etag } = await api<MappingDocument>('GET', '/api/config');
      mappingDocument.current = body;
      mappingDocument.stored = true;
      mappingDocument.etag = etag;
      mappingDocument.loadError = null;
    } catch (err) {
      if (err instanceof SignedOut) return false;
      if (err instanceof ApiError && err.status === 404) {
        mappingDocument.current = emptyDocument();
        mappingDocument.stored = false;
        mappingDocument.etag = null;
        mappingDocument.loadError = null;
      } else {
        mappingDocument.loadError = messageOf(err);
      }
    }
    mappingDocument.linksEdited = false;
    onChange();
    return true;
  }

  /**
   * Sends the version tag of the document this page showed: a change made meanwhile by
   * someone else is reloaded, not overwritten.
   */
  async function save(next: MappingDocument, message: string): Promise<SaveWarning[]> {
    const headers: Record<string, string> = mappingDocument.etag ? { 'If-Match': mappingDocument.etag } : {};
    try {
      const { body, etag } = await api<MappingDocument & { warnings?: SaveWarning[] }>('PUT', '/api/config', {
        body: next,
        headers,
      });
      const { warnings, ...doc } = body;
      mappingDocument.current = doc;
      mappingDocument.etag = etag;
      mappingDocument.stored = true;
      mappingDocument.linksEdited = false;
      clearGlobalError();
      onChange();
      announce(state, message);
      return warnings ?? [];
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await load();
        throw new ApiError(
          'Someone else changed the settings after this page loaded them. The page now shows their version: make your change again.',
          412,
        );
      }
      throw err;
    }
  }

  return { load, save };
}
