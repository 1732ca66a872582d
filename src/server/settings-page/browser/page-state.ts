/// <reference lib="dom" />
import type { MappingDocument } from '../../../config/mapping-document';
import type { PropertyCatalog } from '../../../superoffice/field-catalog';
import type { RunDetail, RunSummary } from '../../../temporal/sync-starter';
import type { ConnectionsStatus } from './connection-model';
import type { PreviewPanelState } from './preview-model';
import type { TabId } from './settings-model';

/** What an open Details row of the runs list shows. */
export type RunDetailState = RunDetail | 'loading' | { error: string };

/** The two table rows of one run in the runs list: kept across polls, see the runs tab. */
export interface RunRowElements {
  row: HTMLTableRowElement;
  details: HTMLTableRowElement;
}

/**
 * Everything the settings page remembers while it is open, in one object that the entry
 * file creates and hands to each part of the page: no part keeps state of its own, so
 * what signing out resets, or what a poll depends on, can be read here.
 */
export interface PageState {
  /** The admin token as typed, for when the browser refuses session and local storage. */
  adminToken: string | null;
  activeTab: TabId;
  /** Clears the status line a while after the last announcement. */
  statusTimer: number | undefined;
  mappingDocument: {
    current: MappingDocument | null;
    /** False while the mapping store holds no document yet and the page shows the defaults. */
    stored: boolean;
    /** The version tag of `current`, sent back with the next save. */
    etag: string | null;
    loadError: string | null;
    /** The links form has edits the admin has not saved; a reload must not overwrite them. */
    linksEdited: boolean;
  };
  propertyCatalog: {
    current: PropertyCatalog | null;
    loadError: string | null;
    loading: boolean;
  };
  mappingDialog: {
    /** The mapping being edited, by index in the document; undefined while adding one. */
    editingIndex: number | undefined;
  };
  runs: {
    list: RunSummary[];
    loaded: boolean;
    loadError: string | null;
    loading: boolean;
    /** The runs whose Details are open, by run key. */
    details: Map<string, RunDetailState>;
    /** Runs this page started that the list has not shown yet, with when they were started. */
    awaiting: Map<string, number>;
    rows: Map<string, RunRowElements>;
    pollTimer: number | undefined;
    /** The Preview panel: null while closed. */
    preview: PreviewPanelState | null;
    /** Counts the previews asked for, so that the answer to an older one is dropped. */
    previewRequests: number;
  };
  connections: {
    current: ConnectionsStatus | null;
    loadError: string | null;
    loading: boolean;
  };
}

export function createPageState(): PageState {
  return {
    adminToken: null,
    activeTab: 'smart-sync',
    statusTimer: undefined,
    mappingDocument: { current: null, stored: false, etag: null, loadError: null, linksEdited: false },
    propertyCatalog: { current: null, loadError: null, loading: false },
    mappingDialog: { editingIndex: undefined },
    runs: {
      list: [],
      loaded: false,
      loadError: null,
      loading: false,
      details: new Map(),
      awaiting: new Map(),
      rows: new Map(),
      pollTimer: undefined,
      preview: null,
      previewRequests: 0,
    },
    connections: { current: null, loadError: null, loading: false },
  };
}

/** What signing out forgets, so that the next admin sees nothing of the last one's data. */
export function forgetSignedInData(state: PageState): void {
  state.mappingDocument.current = null;
  state.propertyCatalog.current = null;
  state.runs.list = [];
  state.runs.loaded = false;
  state.runs.details.clear();
  state.runs.preview = null;
  state.runs.previewRequests += 1;
  state.connections.current = null;
}
