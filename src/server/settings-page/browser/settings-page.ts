/// <reference lib="dom" />
import { createAdminApi } from './api-client';
import { createBackfillPanel } from './backfill-panel';
import { createConnectionTab } from './connection-tab';
import { createMappingForm } from './mapping-form';
import { createMappingDocumentApi } from './mapping-document-api';
import { createMappingsTab } from './mappings-tab';
import { reportError } from './page-messages';
import { createPageState } from './page-state';
import { createPropertyCatalogLoader } from './property-catalog';
import { createRunsTab } from './runs-tab';
import { createSignIn } from './sign-in';
import { createSmartSyncTab } from './smart-sync-tab';
import { createTabs } from './tabs';
import { readAdminToken } from './token-storage';

/**
 * The settings page in the browser: plain DOM, no framework. Everything shown comes from
 * the admin API with the token the admin typed once; text is always set as text, never
 * as HTML, so nothing from SuperOffice or a mapping can inject markup.
 *
 * This file only connects the parts. They call each other in a circle (a refused token
 * stops the runs polling, a saved document redraws the tabs that save it), while the
 * page's script runs each module once, after the modules it imports (client-script.ts),
 * which a circle of imports would defeat. So each part takes the others' functions as
 * arguments, and the closures below refer to parts made after them, which exist by the
 * time anything is clicked or loaded.
 */

const state = createPageState();
const api = createAdminApi({ state, onSignedOut: (message) => signIn.showTokenScreen(message) });
const mappingDocumentApi = createMappingDocumentApi({
  state,
  api,
  onChange: () => {
    smartSyncTab.render();
    mappingsTab.render();
  },
});
const loadPropertyCatalog = createPropertyCatalogLoader({ state, api, onChange: () => mappingsTab.render() });
const runsTab = createRunsTab({ state, api });
const backfillPanel = createBackfillPanel({ api });
const connectionTab = createConnectionTab({ state, api });
const tabs = createTabs({
  state,
  onRunsShown: () => {
    void runsTab.load();
    void backfillPanel.load();
  },
  onRunsHidden: () => runsTab.stopPolling(),
  onConnectionShown: () => void connectionTab.load(),
});
const signIn = createSignIn({
  state,
  loadMappingDocument: () => mappingDocumentApi.load(),
  loadPropertyCatalog,
  selectTab: (id, focus, updateHash) => tabs.select(id, focus, updateHash),
  stopRunPolling: () => runsTab.stopPolling(),
});
const smartSyncTab = createSmartSyncTab({ state, mappingDocumentApi, api });
const mappingForm = createMappingForm({ state, mappingDocumentApi, loadPropertyCatalog });
const mappingsTab = createMappingsTab({
  state,
  mappingDocumentApi,
  loadPropertyCatalog,
  openMappingDialog: (index) => mappingForm.open(index),
});

signIn.wire();
tabs.wire();
smartSyncTab.wire();
mappingForm.wire();
mappingsTab.wire();
runsTab.wire();
backfillPanel.wire();
connectionTab.wire();
window.addEventListener('unhandledrejection', (event) => reportError(event.reason, 'Something went wrong'));
if (readAdminToken(state)) void signIn.enterApp(false);
else signIn.showTokenScreen('');
