/// <reference lib="dom" />
import type { MappingDocument } from '../../../config/mapping-document';
import { type AdminApi, ApiError, SignedOut } from './api-client';
import { whileBusy } from './busy-control';
import { byId, h } from './dom-elements';
import type { MappingDocumentApi } from './mapping-document-api';
import { announce, messageOf, reportError, retryButton, showErrorList } from './page-messages';
import type { PageState } from './page-state';
import { type SmartSyncToggle, withDocumentType, withToggle } from './settings-model';

const TOGGLES = [
  'dataFields',
  'products',
  'markSaleSold',
  'attachSignedPdf',
  'addProducts',
  'removeProducts',
] as const satisfies readonly SmartSyncToggle[];

interface DocumentType {
  id: number;
  name: string;
}

export interface SmartSyncTab {
  /** Shows the mapping document's switches, or why it could not be loaded. */
  render(): void;
  wire(): void;
}

/** The Smart sync tab: its switches, and exporting or importing the whole mapping document. */
export function createSmartSyncTab(deps: {
  state: PageState;
  mappingDocumentApi: MappingDocumentApi;
  api: AdminApi;
}): SmartSyncTab {
  const { state, mappingDocumentApi } = deps;
  const mappingDocument = state.mappingDocument;
  let documentTypes: DocumentType[] | undefined;
  let documentTypesLoading = false;

  /** The tenant's document types for the signed PDF's picker, asked for once. */
  async function loadDocumentTypes(): Promise<void> {
    if (documentTypes || documentTypesLoading) return;
    documentTypesLoading = true;
    const stateEl = byId('signedPdf-documentType-state');
    stateEl.textContent = 'Loading the document types from SuperOffice…';
    try {
      const res = await deps.api<{ documentTypes: DocumentType[] }>('GET', '/api/document-types');
      documentTypes = res.body.documentTypes;
      stateEl.textContent = '';
      render();
    } catch (err) {
      if (err instanceof SignedOut) return;
      stateEl.textContent = `Could not load the document types: ${messageOf(err)}`;
    } finally {
      documentTypesLoading = false;
    }
  }

  function renderDocumentTypes(chosen: number | undefined): void {
    const select = byId<HTMLSelectElement>('signedPdf-documentType');
    const types = documentTypes ?? [];
    const options = types.map((t) => h('option', { value: String(t.id) }, t.name));
    if (chosen !== undefined && !types.some((t) => t.id === chosen)) {
      options.unshift(
        h('option', { value: String(chosen) }, `Document type ${chosen} (not in SuperOffice's list)`),
      );
    }
    select.replaceChildren(...options);
    if (chosen !== undefined) select.value = String(chosen);
    select.disabled = options.length === 0;
  }

  function render(): void {
    const stateEl = byId('config-state');
    const toggles = byId('toggles');
    if (mappingDocument.loadError) {
      stateEl.replaceChildren(
        h(
          'span',
          { class: 'banner banner-error', role: 'alert' },
          `Could not load the settings: ${mappingDocument.loadError}`,
        ),
        ' ',
        retryButton('Try again', () => void mappingDocumentApi.load()),
      );
      toggles.hidden = true;
      return;
    }
    const doc = mappingDocument.current;
    if (!doc) return;
    stateEl.textContent = mappingDocument.stored
      ? ''
      : 'No settings have been saved yet, so these are the defaults. Your first change saves them.';
    toggles.hidden = false;
    for (const key of TOGGLES) byId<HTMLInputElement>(`toggle-${key}`).checked = doc.smartSync[key] === true;
    renderDocumentTypes(doc.smartSync.signedPdfDocumentTypeId);
    void loadDocumentTypes();
  }

  function wireToggles(): void {
    const labels = {
      dataFields: 'Data fields',
      products: 'Products',
      markSaleSold: 'Mark the Sale sold',
      attachSignedPdf: 'File the signed PDF',
      addProducts: 'Add new quote lines',
      removeProducts: 'Remove dropped quote lines',
    } as const satisfies Record<SmartSyncToggle, string>;
    for (const key of TOGGLES) {
      const input = byId<HTMLInputElement>(`toggle-${key}`);
      input.addEventListener('click', (event) => {
        if (input.getAttribute('aria-disabled') === 'true') event.preventDefault();
      });
      input.addEventListener('change', () => {
        const doc = mappingDocument.current;
        if (!doc) return;
        const on = input.checked;
        void whileBusy(input, async () => {
          try {
            const picked = Number(byId<HTMLSelectElement>('signedPdf-documentType').value) || undefined;
            await mappingDocumentApi.save(
              withToggle(doc, key, on, picked),
              `${labels[key]} ${on ? 'on' : 'off'}: saved.`,
            );
          } catch (err) {
            input.checked = !on;
            reportError(err, `${labels[key]} could not be turned ${on ? 'on' : 'off'}`);
          }
        });
      });
    }
  }

  function wireDocumentType(): void {
    const select = byId<HTMLSelectElement>('signedPdf-documentType');
    select.addEventListener('change', () => {
      const doc = mappingDocument.current;
      const id = Number(select.value);
      if (!doc || !id) return;
      const previous = doc.smartSync.signedPdfDocumentTypeId;
      const name = select.selectedOptions[0]?.textContent ?? String(id);
      void whileBusy(select, async () => {
        try {
          await mappingDocumentApi.save(
            withDocumentType(doc, id),
            `The signed PDF is filed as "${name}": saved.`,
          );
        } catch (err) {
          if (previous !== undefined) select.value = String(previous);
          reportError(err, 'The document type could not be saved');
        }
      });
    });
  }

  function wireImportExport(): void {
    byId('export-document').addEventListener('click', () => {
      if (!mappingDocument.current) return;
      const blob = new Blob([`${JSON.stringify(mappingDocument.current, null, 2)}\n`], {
        type: 'application/json',
      });
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: 'smart-sync-mapping.json' });
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      announce(state, 'Exported the mapping document as smart-sync-mapping.json.');
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
          // Not checked here: the API validates it and lists what is wrong.
          await mappingDocumentApi.save(
            parsed as MappingDocument,
            `Imported the settings from ${chosen.name}.`,
          );
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

  function wire(): void {
    wireToggles();
    wireDocumentType();
    wireImportExport();
  }

  return { render, wire };
}
