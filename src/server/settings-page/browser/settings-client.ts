/// <reference lib="dom" />
import type { MappingDocument, MappingObject } from '../../../config/mapping-document';
import type { PropertyResult, ResourceResult } from '../../../mapping/outcome';
import type { PropertyCatalog } from '../../../superoffice/field-catalog';
import type { RunDetail, RunSummary } from '../../../temporal/sync-starter';
import {
  describeSource,
  emptyDocument,
  formatDuration,
  formValuesOf,
  isRunning,
  type MappingFormField,
  type MappingFormValues,
  mappingFromForm,
  mappingRows,
  nextTabIndex,
  OBJECT_HELP,
  OBJECTS,
  outcomeOf,
  PARTICIPANT_FIELD_LABELS,
  PARTICIPANT_FIELDS,
  PROPERTY_STATUS,
  propertyOptions,
  readinessOf,
  RESOURCE_STATUS,
  resourceTitle,
  splitServerErrors,
  type TabId,
  tabFromHash,
  TABS,
  type Tone,
  withLinks,
  withMapping,
  withoutMapping,
  withToggle,
} from './settings-model';

/**
 * The settings page in the browser: plain DOM, no framework. Everything shown comes from
 * the admin API with the token the admin typed once; text is always set as text, never
 * as HTML, so nothing from SuperOffice or a mapping can inject markup.
 */

const TOKEN_KEY = 'smart-sync.admin-token';
const RUNS_LIMIT = 25;
const POLL_MS = 2000;
/** How long the list waits for a run it started to show up in Temporal's visibility store. */
const AWAIT_RUN_MS = 30_000;

// --- Small DOM helpers ---

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the settings page has no #${id}`);
  return el as T;
}

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** The children worth appending: replaceChildren() takes no nulls. */
function present(...children: Child[]): Array<Node | string> {
  return children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
}

function badge(label: string, tone: Tone): HTMLSpanElement {
  return h('span', { class: `badge tone-${tone}` }, label);
}

/**
 * Marks a control busy without `disabled`, which would take the keyboard focus away from
 * it; clicks while busy are ignored.
 */
async function whileBusy(control: HTMLElement, work: () => Promise<void>): Promise<void> {
  if (control.getAttribute('aria-disabled') === 'true') return;
  control.setAttribute('aria-disabled', 'true');
  try {
    await work();
  } finally {
    control.removeAttribute('aria-disabled');
  }
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

// --- The admin token ---

function storage(kind: 'session' | 'local'): Storage | null {
  try {
    return kind === 'session' ? window.sessionStorage : window.localStorage;
  } catch {
    return null; // storage disabled: the token lives as long as the page
  }
}

let tokenInMemory: string | null = null;

function readToken(): string | null {
  return (
    tokenInMemory ?? storage('session')?.getItem(TOKEN_KEY) ?? storage('local')?.getItem(TOKEN_KEY) ?? null
  );
}

function saveToken(token: string, remember: boolean): void {
  tokenInMemory = token;
  storage('session')?.setItem(TOKEN_KEY, token);
  if (remember) storage('local')?.setItem(TOKEN_KEY, token);
  else storage('local')?.removeItem(TOKEN_KEY);
}

function forgetToken(): void {
  tokenInMemory = null;
  storage('session')?.removeItem(TOKEN_KEY);
  storage('local')?.removeItem(TOKEN_KEY);
}

// --- The admin API ---

class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: string[] = [],
  ) {
    super(message);
  }
}

/** The token was missing or refused; the token screen is showing. */
class SignedOut extends Error {}

async function api<T>(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ body: T; etag: string | null }> {
  const token = readToken();
  if (!token) {
    showTokenScreen('');
    throw new SignedOut();
  }
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...headers, ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('Smart Sync did not answer: is the service running?', 0);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.status === 401) {
    forgetToken();
    showTokenScreen('That admin token was not accepted. Check SMART_SYNC_ADMIN_TOKEN and enter it again.');
    throw new SignedOut();
  }
  if (!res.ok) {
    const problem = (body ?? {}) as { error?: unknown; errors?: unknown };
    throw new ApiError(
      typeof problem.error === 'string'
        ? problem.error
        : `Smart Sync answered ${res.status} ${res.statusText}`,
      res.status,
      Array.isArray(problem.errors) ? problem.errors.map(String) : [],
    );
  }
  return { body: body as T, etag: res.headers.get('ETag') };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// --- Page state ---

interface Warning {
  path: string;
  message: string;
}

type DetailState = RunDetail | 'loading' | { error: string };

const state = {
  doc: null as MappingDocument | null,
  /** False while the server has no document yet and the page shows the defaults. */
  stored: false,
  etag: null as string | null,
  configError: null as string | null,
  catalog: null as PropertyCatalog | null,
  catalogError: null as string | null,
  catalogLoading: false,
  runs: [] as RunSummary[],
  runsLoaded: false,
  runsError: null as string | null,
  details: new Map<string, DetailState>(),
  /** Runs this page started that the list has not shown yet, with when they were started. */
  awaiting: new Map<string, number>(),
  activeTab: 'smart-sync' as TabId,
  linksDirty: false,
};

let statusTimer: number | undefined;
function announce(message: string): void {
  const status = byId('status');
  status.textContent = message;
  window.clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => (status.textContent = ''), 6000);
}

function showGlobalError(message: string, details: string[] = []): void {
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

function clearGlobalError(): void {
  byId('global-error').hidden = true;
}

function showErrorList(container: HTMLElement, message: string, errors: string[]): void {
  container.replaceChildren(
    ...present(
      h('strong', {}, message),
      errors.length > 0 ? h('ul', {}, ...errors.map((e) => h('li', {}, e))) : null,
    ),
  );
  container.hidden = false;
}

/** For failures outside a form: signed out is already handled; anything else goes to the banner. */
function reportError(err: unknown, what: string): void {
  if (err instanceof SignedOut) return;
  const errors = err instanceof ApiError ? err.errors : [];
  showGlobalError(`${what}: ${messageOf(err)}`, errors);
}

// --- Signing in ---

function showTokenScreen(message: string): void {
  stopPolling();
  byId('app').hidden = true;
  byId('sign-out').hidden = true;
  byId('token-screen').hidden = false;
  const input = byId<HTMLInputElement>('token-input');
  byId('token-error').textContent = message;
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  input.focus();
}

function wireTokenForm(): void {
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
    saveToken(token, byId<HTMLInputElement>('token-remember').checked);
    input.value = '';
    void enterApp(true);
  });
  byId('sign-out').addEventListener('click', () => {
    forgetToken();
    state.doc = null;
    state.catalog = null;
    state.runs = [];
    state.runsLoaded = false;
    state.details.clear();
    showTokenScreen('');
    announce('The admin token is forgotten on this device.');
  });
}

async function enterApp(fromForm: boolean): Promise<void> {
  // The token is checked by the first call; the app stays hidden until it is accepted.
  const ok = await loadConfig();
  if (!ok) return;
  byId('token-screen').hidden = true;
  byId('token-error').textContent = '';
  byId('app').hidden = false;
  byId('sign-out').hidden = false;
  selectTab(tabFromHash(location.hash), fromForm, false);
  void loadCatalog();
}

// --- Tabs ---

function tabButton(id: TabId): HTMLButtonElement {
  return byId<HTMLButtonElement>(`tab-${id}`);
}

function selectTab(id: TabId, focus: boolean, updateHash = true): void {
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
  if (id === 'runs') void loadRuns();
  else stopPolling();
}

function wireTabs(): void {
  for (const tab of TABS) tabButton(tab.id).addEventListener('click', () => selectTab(tab.id, false));
  document.querySelector('[role="tablist"]')!.addEventListener('keydown', (event) => {
    const e = event as KeyboardEvent;
    const current = TABS.findIndex((t) => tabButton(t.id) === document.activeElement);
    if (current < 0) return;
    const next = nextTabIndex(current, e.key, TABS.length);
    if (next === null) return;
    e.preventDefault();
    selectTab(TABS[next]!.id, true);
  });
  window.addEventListener('hashchange', () => {
    if (!byId('app').hidden) selectTab(tabFromHash(location.hash), false, false);
  });
  document.querySelectorAll<HTMLAnchorElement>('[data-tab-link]').forEach((link) =>
    link.addEventListener('click', (event) => {
      event.preventDefault();
      selectTab(tabFromHash(link.dataset.tabLink ?? ''), true);
    }),
  );
}

// --- The mapping document ---

/** Loads the document; false when signed out. */
async function loadConfig(): Promise<boolean> {
  if (!state.doc) byId('config-state').textContent = 'Loading the settings…';
  try {
    const { body, etag } = await api<MappingDocument>('GET', '/api/config');
    state.doc = body;
    state.stored = true;
    state.etag = etag;
    state.configError = null;
  } catch (err) {
    if (err instanceof SignedOut) return false;
    if (err instanceof ApiError && err.status === 404) {
      state.doc = emptyDocument();
      state.stored = false;
      state.etag = null;
      state.configError = null;
    } else {
      state.configError = messageOf(err);
    }
  }
  state.linksDirty = false;
  renderConfig();
  renderMappings();
  return true;
}

/**
 * Replaces the whole document, as PUT /api/config does, with the version tag of the one
 * this page showed: a change made meanwhile by someone else is reloaded, not overwritten.
 */
async function save(next: MappingDocument, message: string): Promise<Warning[]> {
  const headers: Record<string, string> = state.etag ? { 'If-Match': state.etag } : {};
  try {
    const { body, etag } = await api<MappingDocument & { warnings?: Warning[] }>('PUT', '/api/config', {
      body: next,
      headers,
    });
    const { warnings, ...doc } = body;
    state.doc = doc;
    state.etag = etag;
    state.stored = true;
    state.linksDirty = false;
    clearGlobalError();
    renderConfig();
    renderMappings();
    announce(message);
    return warnings ?? [];
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) {
      await loadConfig();
      throw new ApiError(
        'Someone else changed the settings after this page loaded them. The page now shows their version: make your change again.',
        412,
      );
    }
    throw err;
  }
}

function retryButton(label: string, action: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button-small' }, label);
  button.addEventListener('click', action);
  return button;
}

function renderConfig(): void {
  const stateEl = byId('config-state');
  const toggles = byId('toggles');
  if (state.configError) {
    stateEl.replaceChildren(
      h(
        'span',
        { class: 'banner banner-error', role: 'alert' },
        `Could not load the settings: ${state.configError}`,
      ),
      ' ',
      retryButton('Try again', () => void loadConfig()),
    );
    toggles.hidden = true;
    return;
  }
  const doc = state.doc;
  if (!doc) return;
  stateEl.textContent = state.stored
    ? ''
    : 'No settings have been saved yet, so these are the defaults. Your first change saves them.';
  toggles.hidden = false;
  byId<HTMLInputElement>('toggle-dataFields').checked = doc.smartSync.dataFields;
  byId<HTMLInputElement>('toggle-products').checked = doc.smartSync.products;
}

function wireToggles(): void {
  const labels = { dataFields: 'Data fields', products: 'Products' } as const;
  for (const key of ['dataFields', 'products'] as const) {
    const input = byId<HTMLInputElement>(`toggle-${key}`);
    input.addEventListener('click', (event) => {
      if (input.getAttribute('aria-disabled') === 'true') event.preventDefault();
    });
    input.addEventListener('change', () => {
      const doc = state.doc;
      if (!doc) return;
      const on = input.checked;
      void whileBusy(input, async () => {
        try {
          await save(withToggle(doc, key, on), `${labels[key]} ${on ? 'on' : 'off'}: saved.`);
        } catch (err) {
          input.checked = !on;
          reportError(err, `${labels[key]} could not be turned ${on ? 'on' : 'off'}`);
        }
      });
    });
  }
}

function wireImportExport(): void {
  byId('export-document').addEventListener('click', () => {
    if (!state.doc) return;
    const blob = new Blob([`${JSON.stringify(state.doc, null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: 'smart-sync-mapping.json' });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    announce('Exported the mapping document as smart-sync-mapping.json.');
  });
  const file = byId<HTMLInputElement>('import-document');
  const errors = byId('import-errors');
  byId('import-button').addEventListener('click', () => file.click());
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (!chosen) return;
    void (async () => {
      errors.hidden = true;
      let parsed: unknown;
      try {
        parsed = JSON.parse(await chosen.text());
      } catch (err) {
        showErrorList(errors, `${chosen.name} is not JSON: ${messageOf(err)}`, []);
        return;
      }
      if (!window.confirm(`Replace all Smart Sync settings with the ones in ${chosen.name}?`)) return;
      try {
        await save(parsed as MappingDocument, `Imported the settings from ${chosen.name}.`);
      } catch (err) {
        if (err instanceof SignedOut) return;
        showErrorList(
          errors,
          `${chosen.name} was not imported: ${messageOf(err)}`,
          err instanceof ApiError ? err.errors : [],
        );
      }
      byId('import-button').focus();
    })();
  });
}

// --- The property catalog ---

async function loadCatalog(): Promise<void> {
  if (state.catalogLoading) return;
  state.catalogLoading = true;
  try {
    state.catalog = (await api<PropertyCatalog>('GET', '/api/properties')).body;
    state.catalogError = null;
  } catch (err) {
    if (err instanceof SignedOut) return;
    state.catalogError = messageOf(err);
  } finally {
    state.catalogLoading = false;
  }
  renderMappings();
}

// --- The mappings tab ---

function readinessCell(row: ReturnType<typeof mappingRows>[number]): HTMLTableCellElement {
  const r = row.readiness;
  switch (r.state) {
    case 'ready':
      return h(
        'td',
        {},
        h(
          'span',
          { class: 'ready', role: 'img', 'aria-label': 'Smart-sync-ready', title: 'Smart-sync-ready' },
          '⚡',
        ),
      );
    case 'not-ready':
    case 'unknown':
      return h(
        'td',
        {},
        h(
          'span',
          { class: 'not-ready', 'data-warning': r.state },
          h('span', { class: 'not-ready-icon', 'aria-hidden': 'true' }, '⚠'),
          h('span', {}, r.message),
        ),
      );
    case 'unchecked':
      return h('td', {}, h('span', { class: 'help' }, 'Not checked (SuperOffice did not answer)'));
  }
}

function renderMappings(): void {
  const stateEl = byId('mappings-state');
  const table = byId('mappings-table');
  const empty = byId('mappings-empty');
  const catalogState = byId('catalog-state');

  if (state.catalogError) {
    catalogState.replaceChildren(
      `Could not load SuperOffice's properties: ${state.catalogError}. The ⚡ column and the property list are unavailable until SuperOffice answers; the mappings still work. `,
      retryButton('Try again', () => void loadCatalog()),
    );
    catalogState.hidden = false;
  } else {
    catalogState.hidden = true;
  }

  if (state.configError) {
    stateEl.replaceChildren(
      h(
        'span',
        { class: 'banner banner-error', role: 'alert' },
        `Could not load the mappings: ${state.configError}`,
      ),
      ' ',
      retryButton('Try again', () => void loadConfig()),
    );
    table.hidden = true;
    empty.hidden = true;
    return;
  }
  const doc = state.doc;
  if (!doc) return;
  stateEl.textContent = state.catalog || state.catalogError ? '' : 'Loading the SuperOffice properties…';

  const rows = mappingRows(doc, state.catalog);
  table.hidden = rows.length === 0;
  empty.hidden = rows.length > 0;
  byId('mappings-body').replaceChildren(
    ...rows.map((row) => {
      const name = `${row.object} ${row.propertyLabel}`;
      const edit = h(
        'button',
        {
          type: 'button',
          class: 'button-small',
          'data-edit': row.index,
          'aria-label': `Edit mapping: ${name}`,
        },
        'Edit',
      );
      edit.addEventListener('click', () => openMappingDialog(row.index));
      const remove = h(
        'button',
        { type: 'button', class: 'button-small button-danger', 'aria-label': `Remove mapping: ${name}` },
        'Remove',
      );
      remove.addEventListener('click', () => void removeMapping(row.index));
      const notReady = row.readiness.state === 'not-ready' || row.readiness.state === 'unknown';
      return h(
        'tr',
        { class: notReady ? 'row-not-ready' : undefined, 'data-index': row.index },
        h('td', {}, row.object),
        h(
          'td',
          {},
          row.propertyLabel,
          row.propertyLabel !== row.propertyKey
            ? h('span', { class: 'property-key' }, row.propertyKey)
            : null,
        ),
        h('td', {}, row.source),
        h(
          'td',
          {},
          row.participant || h('span', { 'aria-label': 'none' }, h('span', { 'aria-hidden': 'true' }, '—')),
        ),
        readinessCell(row),
        h('td', { class: 'actions' }, edit, remove),
      );
    }),
  );

  // Links: refreshed unless the admin is typing in them.
  if (!state.linksDirty) {
    byId<HTMLInputElement>('links-sale').value = doc.links.sale;
    byId<HTMLInputElement>('links-company').value = doc.links.company ?? '';
  }
}

async function removeMapping(index: number): Promise<void> {
  const doc = state.doc;
  const mapping = doc?.mappings[index];
  if (!doc || !mapping) return;
  const what = `${mapping.object} ${mapping.property} ← ${describeSource(mapping)}`;
  if (!window.confirm(`Remove the mapping ${what}?`)) return;
  try {
    await save(withoutMapping(doc, index), `Mapping removed: ${what}.`);
    const next = document.querySelector<HTMLButtonElement>(
      `[data-edit="${Math.min(index, doc.mappings.length - 2)}"]`,
    );
    (next ?? byId('add-mapping')).focus();
  } catch (err) {
    reportError(err, 'The mapping was not removed');
  }
}

function wireLinks(): void {
  const form = byId<HTMLFormElement>('links-form');
  const errors = byId('links-errors');
  form.addEventListener('input', () => (state.linksDirty = true));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const doc = state.doc;
    if (!doc) return;
    const sale = byId<HTMLInputElement>('links-sale');
    errors.hidden = true;
    sale.removeAttribute('aria-invalid');
    if (sale.value.trim() === '') {
      sale.setAttribute('aria-invalid', 'true');
      showErrorList(
        errors,
        'Give the data field that holds the SuperOffice Sale id, e.g. superoffice_sale_id.',
        [],
      );
      sale.focus();
      return;
    }
    void (async () => {
      try {
        await save(withLinks(doc, sale.value, byId<HTMLInputElement>('links-company').value), 'Links saved.');
      } catch (err) {
        if (err instanceof SignedOut) return;
        showErrorList(
          errors,
          `The links were not saved: ${messageOf(err)}`,
          err instanceof ApiError ? err.errors : [],
        );
      }
    })();
  });
}

// --- The add / edit mapping dialog ---

let editingIndex: number | undefined;

const FORM_FIELDS: Record<MappingFormField, string> = {
  object: 'f-object',
  property: 'f-property',
  sourceKind: 'f-source-dataField',
  dataField: 'f-dataField',
  participantField: 'f-participantField',
  participant: 'f-participant',
};

function propertyInput(): HTMLInputElement | HTMLSelectElement {
  return state.catalog ? byId<HTMLSelectElement>('f-property') : byId<HTMLInputElement>('f-property-text');
}

function readForm(): MappingFormValues {
  const source = document.querySelector<HTMLInputElement>('input[name="sourceKind"]:checked')?.value;
  return {
    object: byId<HTMLSelectElement>('f-object').value,
    property: propertyInput().value,
    sourceKind: source === 'participantField' ? 'participantField' : 'dataField',
    dataField: byId<HTMLInputElement>('f-dataField').value,
    participantField: byId<HTMLSelectElement>('f-participantField').value,
    participant: byId<HTMLInputElement>('f-participant').value,
  };
}

function fillPropertyChoices(object: MappingObject, current: string): void {
  const select = byId<HTMLSelectElement>('f-property');
  const text = byId<HTMLInputElement>('f-property-text');
  select.hidden = state.catalog === null;
  text.hidden = state.catalog !== null;
  if (state.catalog === null) {
    text.value = current;
    return;
  }
  const options = propertyOptions(state.catalog, object, current || undefined);
  select.replaceChildren(
    h('option', { value: '' }, 'Choose a property…'),
    ...options.map((o) => h('option', { value: o.value }, o.label)),
  );
  const match = options.find((o) => o.value.toLowerCase() === current.toLowerCase());
  select.value = match?.value ?? '';
}

function updatePropertyWarning(): void {
  const values = readForm();
  const warning = byId('f-property-warning');
  const object = OBJECTS.find((o) => o === values.object);
  const readiness =
    object && values.property ? readinessOf({ object, property: values.property }, state.catalog) : null;
  if (readiness && (readiness.state === 'not-ready' || readiness.state === 'unknown')) {
    warning.textContent = `⚠ ${readiness.message}`;
    warning.hidden = false;
  } else {
    warning.textContent = '';
    warning.hidden = true;
  }
}

function updateFormVisibility(): void {
  const values = readForm();
  const isContact = values.object === 'Contact';
  const object = OBJECTS.find((o) => o === values.object);
  byId('f-object-help').textContent = object ? `Writes to ${OBJECT_HELP[object]}.` : '';
  byId('f-participant-field').hidden = !isContact;
  byId('f-source').hidden = !isContact;
  const participantSource = isContact && values.sourceKind === 'participantField';
  byId('f-dataField-field').hidden = participantSource;
  byId('f-participantField-field').hidden = !participantSource;
}

function clearFormErrors(): void {
  for (const id of [...Object.values(FORM_FIELDS), 'f-property-text']) {
    document.getElementById(id)?.removeAttribute('aria-invalid');
    const error = document.getElementById(`${id}-error`);
    if (error) error.textContent = '';
  }
  byId('mapping-form-errors').hidden = true;
}

function openMappingDialog(index?: number): void {
  const mapping = index === undefined ? undefined : state.doc?.mappings[index];
  editingIndex = mapping ? index : undefined;
  const values = formValuesOf(mapping);
  byId('mapping-dialog-title').textContent = mapping ? 'Edit mapping' : 'Add mapping';
  byId<HTMLSelectElement>('f-object').value = values.object;
  byId<HTMLInputElement>('f-dataField').value = values.dataField;
  byId<HTMLInputElement>('f-participant').value = values.participant;
  byId<HTMLSelectElement>('f-participantField').value = values.participantField;
  byId<HTMLInputElement>(`f-source-${values.sourceKind}`).checked = true;
  byId('known-data-fields').replaceChildren(
    ...[...new Set((state.doc?.mappings ?? []).flatMap((m) => ('dataField' in m ? [m.dataField] : [])))].map(
      (f) => h('option', { value: f }),
    ),
  );
  fillPropertyChoices(values.object as MappingObject, values.property);
  clearFormErrors();
  updateFormVisibility();
  updatePropertyWarning();
  const dialog = byId<HTMLDialogElement>('mapping-dialog');
  dialog.showModal();
  byId('f-object').focus();
  if (state.catalog === null && !state.catalogLoading) void loadCatalog();
}

function closeMappingDialog(): void {
  const dialog = byId<HTMLDialogElement>('mapping-dialog');
  if (dialog.open) dialog.close();
}

/** Where the keyboard focus goes when the dialog closes: the row's Edit button, else Add mapping. */
function focusAfterDialog(): void {
  const target =
    editingIndex !== undefined
      ? document.querySelector<HTMLButtonElement>(`[data-edit="${editingIndex}"]`)
      : null;
  (target ?? byId('add-mapping')).focus();
}

function wireMappingDialog(): void {
  const dialog = byId<HTMLDialogElement>('mapping-dialog');
  const form = byId<HTMLFormElement>('mapping-form');
  byId('add-mapping').addEventListener('click', () => openMappingDialog());
  byId('add-first-mapping').addEventListener('click', () => openMappingDialog());
  byId('mapping-cancel').addEventListener('click', closeMappingDialog);
  dialog.addEventListener('close', focusAfterDialog);

  const participantField = byId<HTMLSelectElement>('f-participantField');
  participantField.replaceChildren(
    ...PARTICIPANT_FIELDS.map((f) => h('option', { value: f }, `${PARTICIPANT_FIELD_LABELS[f]} (${f})`)),
  );

  byId('f-object').addEventListener('change', () => {
    const values = readForm();
    fillPropertyChoices(values.object as MappingObject, '');
    updateFormVisibility();
    updatePropertyWarning();
  });
  form.addEventListener('change', (event) => {
    const target = event.target as HTMLElement;
    if (target.getAttribute('name') === 'sourceKind') updateFormVisibility();
    if (target.id === 'f-property' || target.id === 'f-property-text') updatePropertyWarning();
  });
  byId('f-property-text').addEventListener('input', updatePropertyWarning);

  const saveButton = byId<HTMLButtonElement>('mapping-save');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFormErrors();
    const doc = state.doc;
    if (!doc) return;
    const result = mappingFromForm(readForm());
    if (!result.ok) {
      for (const { field, message } of result.errors) {
        const id = field === 'property' && state.catalog === null ? 'f-property-text' : FORM_FIELDS[field];
        document.getElementById(id)?.setAttribute('aria-invalid', 'true');
        const error = document.getElementById(`${FORM_FIELDS[field]}-error`);
        if (error) error.textContent = message;
      }
      const first = result.errors[0]!.field;
      (first === 'property' ? propertyInput() : byId(FORM_FIELDS[first])).focus();
      return;
    }
    const mapping = result.mapping;
    const index = editingIndex ?? doc.mappings.length;
    const what = `${mapping.object} ${mapping.property} ← ${describeSource(mapping)}`;
    void whileBusy(saveButton, async () => {
      try {
        await save(
          withMapping(doc, mapping, editingIndex),
          editingIndex === undefined ? `Mapping added: ${what}.` : `Mapping saved: ${what}.`,
        );
        if (editingIndex === undefined) editingIndex = index;
        closeMappingDialog();
      } catch (err) {
        if (err instanceof SignedOut) {
          closeMappingDialog();
          return;
        }
        const errors =
          err instanceof ApiError ? splitServerErrors(err.errors, index) : { mapping: [], other: [] };
        showErrorList(byId('mapping-form-errors'), `Not saved: ${messageOf(err)}`, [
          ...errors.mapping,
          ...errors.other,
        ]);
      }
    });
  });
}

// --- The runs tab ---

let pollTimer: number | undefined;

function stopPolling(): void {
  window.clearTimeout(pollTimer);
  pollTimer = undefined;
}

function schedulePoll(): void {
  stopPolling();
  const now = Date.now();
  for (const [id, since] of state.awaiting) if (now - since > AWAIT_RUN_MS) state.awaiting.delete(id);
  if (state.activeTab !== 'runs' || byId('app').hidden) return;
  if (state.runs.some(isRunning) || state.awaiting.size > 0) {
    pollTimer = window.setTimeout(() => void loadRuns(), POLL_MS);
  }
}

const runKey = (run: Pick<RunSummary, 'workflowId' | 'runId'>) => `${run.workflowId}/${run.runId}`;

let loadingRuns = false;
async function loadRuns(): Promise<void> {
  if (loadingRuns) return;
  loadingRuns = true;
  if (!state.runsLoaded) byId('runs-state').textContent = 'Loading runs…';
  try {
    state.runs = (await api<{ runs: RunSummary[] }>('GET', `/api/runs?limit=${RUNS_LIMIT}`)).body.runs;
    state.runsError = null;
    state.runsLoaded = true;
    for (const run of state.runs) state.awaiting.delete(run.workflowId);
  } catch (err) {
    if (err instanceof SignedOut) return;
    state.runsError = messageOf(err);
  } finally {
    loadingRuns = false;
  }
  renderRuns();
  // Open details of a run that is still going, or has just finished, follow the list.
  for (const run of state.runs) {
    const detail = state.details.get(runKey(run));
    const shownRunning = typeof detail === 'object' && 'status' in detail && detail.status === 'RUNNING';
    if (detail !== undefined && (isRunning(run) || shownRunning)) void loadDetail(run);
  }
  schedulePoll();
}

async function loadDetail(run: RunSummary): Promise<void> {
  const key = runKey(run);
  if (!state.details.has(key)) state.details.set(key, 'loading');
  renderDetail(run);
  try {
    const detail = (
      await api<RunDetail>(
        'GET',
        `/api/runs/${encodeURIComponent(run.workflowId)}?runId=${encodeURIComponent(run.runId)}`,
      )
    ).body;
    if (state.details.has(key)) state.details.set(key, detail);
  } catch (err) {
    if (err instanceof SignedOut) return;
    if (state.details.has(key)) state.details.set(key, { error: messageOf(err) });
  }
  renderDetail(run);
}

const rowElements = new Map<string, { row: HTMLTableRowElement; details: HTMLTableRowElement }>();

function renderRuns(): void {
  const stateEl = byId('runs-state');
  const table = byId('runs-table');
  const empty = byId('runs-empty');
  if (state.runsError) {
    stateEl.replaceChildren(
      h(
        'span',
        { class: 'banner banner-error', role: 'alert' },
        `Could not load the runs: ${state.runsError}`,
      ),
      ' ',
      retryButton('Try again', () => void loadRuns()),
    );
  } else {
    stateEl.textContent = state.awaiting.size > 0 ? 'Waiting for the new run to appear…' : '';
  }
  if (!state.runsLoaded) {
    table.hidden = true;
    empty.hidden = true;
    return;
  }
  table.hidden = state.runs.length === 0;
  empty.hidden = state.runs.length > 0;

  // Rows are kept and updated in place, never rebuilt, so that polling does not take
  // the keyboard focus away from a button in the list.
  const body = byId('runs-body');
  const wanted = new Set(state.runs.map(runKey));
  for (const [key, els] of rowElements) {
    if (!wanted.has(key)) {
      els.row.remove();
      els.details.remove();
      rowElements.delete(key);
      state.details.delete(key);
    }
  }
  let cursor: ChildNode | null = body.firstChild;
  for (const run of state.runs) {
    const key = runKey(run);
    let els = rowElements.get(key);
    if (!els) {
      els = createRunRow(run);
      rowElements.set(key, els);
    }
    updateRunRow(run, els.row);
    if (cursor === els.row) {
      cursor = els.details.nextSibling;
    } else {
      body.insertBefore(els.row, cursor);
      body.insertBefore(els.details, cursor);
    }
  }
}

function triggerLabel(trigger: string | undefined): string {
  if (trigger === 'webhook') return 'Signed (webhook)';
  if (trigger === 'manual') return 'Re-run';
  return trigger ?? '—';
}

function createRunRow(run: RunSummary): { row: HTMLTableRowElement; details: HTMLTableRowElement } {
  const key = runKey(run);
  const detailsId = `run-details-${rowElements.size}-${Math.random().toString(36).slice(2, 8)}`;
  const contract = run.contractId !== undefined ? String(run.contractId) : '—';
  const started = formatTime(run.startTime);

  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button-small',
      'aria-expanded': 'false',
      'aria-controls': detailsId,
      'aria-label': `Details of the run of contract ${contract} started ${started}`,
    },
    'Details',
  );
  const actions = h('td', { class: 'actions' }, toggle);
  if (run.contractId !== undefined) {
    const contractId = run.contractId;
    const rerun = h(
      'button',
      { type: 'button', class: 'button-small', 'aria-label': `Re-run contract ${contractId}` },
      'Re-run',
    );
    rerun.addEventListener('click', () => void whileBusy(rerun, () => startRun(contractId)));
    actions.append(rerun);
  }
  actions.append(
    h(
      'a',
      {
        class: 'external',
        href: run.link,
        target: '_blank',
        rel: 'noopener noreferrer',
        'aria-label': `Temporal Web UI: the run of contract ${contract} started ${started} (opens in a new tab)`,
      },
      'Temporal Web UI',
    ),
  );

  const row = h(
    'tr',
    { 'data-run': key },
    h('td', {}, h('time', { datetime: run.startTime }, started)),
    h(
      'td',
      {},
      contract,
      run.saleId !== undefined ? h('span', { class: 'property-key' }, `Sale ${run.saleId}`) : null,
    ),
    h('td', {}, triggerLabel(run.trigger)),
    h('td', { 'data-cell': 'outcome' }),
    h('td', { 'data-cell': 'duration' }),
    actions,
  );
  const details = h('tr', { class: 'run-details', id: detailsId, hidden: true }, h('td', { colspan: 6 }));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') === 'true';
    toggle.setAttribute('aria-expanded', String(!open));
    details.hidden = open;
    const current = state.runs.find((r) => runKey(r) === key) ?? run;
    if (open) state.details.delete(key);
    else void loadDetail(current);
  });
  return { row, details };
}

function updateRunRow(run: RunSummary, row: HTMLTableRowElement): void {
  const outcome = outcomeOf(run);
  const outcomeCell = row.querySelector('[data-cell="outcome"]')!;
  if (outcomeCell.textContent !== outcome.label)
    outcomeCell.replaceChildren(badge(outcome.label, outcome.tone));
  const duration = formatDuration(run.startTime, run.closeTime);
  const durationCell = row.querySelector('[data-cell="duration"]')!;
  if (durationCell.textContent !== duration) durationCell.textContent = duration;
}

function propertyTable(properties: PropertyResult[]): HTMLTableElement {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h('tr', {}, ...['Property', 'Result', 'Value', 'From', 'Why'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...properties.map((p) => {
        const status = PROPERTY_STATUS[p.status] ?? { label: p.status, tone: 'neutral' as Tone };
        return h(
          'tr',
          {},
          h(
            'td',
            {},
            p.label ?? p.property,
            p.label && p.label !== p.property ? h('span', { class: 'property-key' }, p.property) : null,
          ),
          h('td', {}, badge(status.label, status.tone)),
          h('td', {}, p.display ?? ''),
          h('td', {}, p.source ?? ''),
          h('td', {}, p.reason ?? ''),
        );
      }),
    ),
  );
}

function resourceItem(resource: ResourceResult): HTMLLIElement {
  const status = RESOURCE_STATUS[resource.status] ?? { label: resource.status, tone: 'neutral' as Tone };
  return h(
    'li',
    { class: 'resource' },
    h('h4', {}, resourceTitle(resource), badge(status.label, status.tone)),
    resource.error ? h('p', { class: 'error' }, resource.error) : null,
    resource.properties.length > 0 ? propertyTable(resource.properties) : null,
  );
}

function renderDetail(run: RunSummary): void {
  const key = runKey(run);
  const els = rowElements.get(key);
  if (!els) return;
  const cell = els.details.firstElementChild as HTMLTableCellElement;
  const detail = state.details.get(key);
  if (detail === undefined) return;
  if (detail === 'loading') {
    cell.replaceChildren(h('p', { class: 'run-meta' }, 'Loading the result…'));
    return;
  }
  if ('error' in detail) {
    cell.replaceChildren(
      h('p', { class: 'banner banner-error' }, `Could not load this run: ${detail.error}`),
    );
    return;
  }
  const parts: Child[] = [
    h('p', { class: 'run-meta' }, `Workflow ${detail.workflowId} · run ${detail.runId}`),
  ];
  if (detail.failure)
    parts.push(h('p', { class: 'banner banner-error' }, `The workflow failed: ${detail.failure}`));
  const result = detail.result;
  const progress = detail.progress;
  if (detail.status === 'RUNNING') {
    parts.push(h('p', {}, progress ? `Running: ${progress.phase.replace(/-/g, ' ')}…` : 'Running…'));
  }
  const resources = result?.resources ?? progress?.resources ?? [];
  const notes = result?.notes ?? [];
  if (notes.length > 0) parts.push(h('ul', { class: 'notes' }, ...notes.map((n) => h('li', {}, n))));
  if (resources.length > 0) parts.push(h('ul', { class: 'resources' }, ...resources.map(resourceItem)));
  else if (result) parts.push(h('p', {}, 'No SuperOffice resource was touched.'));
  const activities = result?.activities;
  if (activities?.appointmentIds.length) {
    parts.push(
      h(
        'p',
        { class: 'run-meta' },
        `Recorded in SuperOffice as Activity ${activities.appointmentIds.join(', ')} on the Sale.`,
      ),
    );
  } else if (activities?.notRecordedReason) {
    parts.push(h('p', { class: 'run-meta' }, `No Activity recorded: ${activities.notRecordedReason}`));
  }
  cell.replaceChildren(...present(...parts));
}

async function startRun(contractId: number): Promise<void> {
  try {
    const { body } = await api<{ workflowId: string; runId: string; link: string }>(
      'POST',
      `/api/contracts/${contractId}/resync`,
    );
    state.awaiting.set(body.workflowId, Date.now());
    announce(`Sync of contract ${contractId} started.`);
    clearGlobalError();
    await loadRuns();
  } catch (err) {
    reportError(err, `Contract ${contractId} could not be synced`);
  }
}

function wireRuns(): void {
  const refresh = byId('runs-refresh');
  refresh.addEventListener('click', () => void whileBusy(refresh, loadRuns));
  const input = byId<HTMLInputElement>('sync-contract');
  const error = byId('sync-error');
  byId('sync-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const raw = input.value.trim();
    if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) {
      error.textContent = 'Give a Oneflow contract id: a whole number such as 9001.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const submit = (event.target as HTMLFormElement).querySelector(
      'button[type="submit"]',
    ) as HTMLButtonElement;
    void whileBusy(submit, () => startRun(Number(raw)));
  });
}

// --- Start ---

function start(): void {
  wireTokenForm();
  wireTabs();
  wireToggles();
  wireImportExport();
  wireMappingDialog();
  wireLinks();
  wireRuns();
  window.addEventListener('unhandledrejection', (event) => reportError(event.reason, 'Something went wrong'));
  if (readToken()) void enterApp(false);
  else showTokenScreen('');
}

start();
