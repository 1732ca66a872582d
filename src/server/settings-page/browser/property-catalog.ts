import type { PropertyCatalog } from '../../../superoffice/field-catalog';
import { type AdminApi, SignedOut } from './api-client';
import { messageOf } from './page-messages';
import type { PageState } from './page-state';

/**
 * Loads SuperOffice's properties (GET /api/properties) into page state, at most one load
 * at a time, then calls `onChange`. Until it has them, the mappings work without the ⚡
 * column and the property list.
 */
export function createPropertyCatalogLoader(deps: {
  state: PageState;
  api: AdminApi;
  onChange: () => void;
}): () => Promise<void> {
  const catalog = deps.state.propertyCatalog;
  return async function loadPropertyCatalog(): Promise<void> {
    if (catalog.loading) return;
    catalog.loading = true;
    try {
      catalog.current = (await deps.api<PropertyCatalog>('GET', '/api/properties')).body;
      catalog.loadError = null;
    } catch (err) {
      if (err instanceof SignedOut) return;
      catalog.loadError = messageOf(err);
    } finally {
      catalog.loading = false;
    }
    deps.onChange();
  };
}
