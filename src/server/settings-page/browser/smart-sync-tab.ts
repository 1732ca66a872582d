/// <reference lib="dom" />
import type { MappingDocument } from '../../../config/mapping-document';
import { ApiError, SignedOut } from './api-client';
import { whileBusy } from './busy-control';
import { byId, h } from './dom-elements';
import type { MappingDocumentApi } from './mapping-document-api';
import { announce, messageOf, reportError, retryButton, showErrorList } from './page-messages';
import type { PageState } from './page-state';
import { withToggle } from './settings-model';

export interface SmartSyncTab {
  /** Shows the mapping document's switches, or why it could not be loaded. */
  render(): void;
  wire(): void;
}

/** The Smart sync tab: its switches, and exporting or importing the whole mapping document. */
export function createSmartSyncTab(deps: {
  state: PageState;
  mappingDocumentApi: MappingDocumentApi;
}): SmartSyncTab {
  const { state, mappingDocumentApi } = deps;
  const mappingDocument = state.mappingDocument;

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
    byId<HTMLInputElement>('toggle-dataFields').checked = doc.smartSync.dataFields;
    byId<HTMLInputElement>('toggle-products').checked = doc.smartSync.products;
    byId<HTMLInputElement>('toggle-markSaleSold').checked = doc.smartSync.markSaleSold === true;
  }

  function wireToggles(): void {
    const labels = {
      dataFields: 'Data fields',
      products: 'Products',
      markSaleSold: 'Mark the Sale sold',
    } as const;
    for (const key of ['dataFields', 'products', 'markSaleSold'] as const) {
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
            await mappingDocumentApi.save(
              withToggle(doc, key, on),
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
    wireImportExport();
  }

  return { render, wire };
}
