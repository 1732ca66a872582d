/// <reference lib="dom" />
import { ApiError, SignedOut } from './api-client';
import { byId, h } from './dom-elements';
import type { MappingDocumentApi } from './mapping-document-api';
import { messageOf, reportError, retryButton, showErrorList } from './page-messages';
import type { PageState } from './page-state';
import { describeSource, type MappingRow, mappingRows, withLinks, withoutMapping } from './settings-model';

export interface MappingsTab {
  /** Shows the mappings with their ⚡ readiness, and the links, or why they could not be loaded. */
  render(): void;
  wire(): void;
}

/** The Mapping SuperOffice properties tab: the list of mappings and the links to SuperOffice. */
export function createMappingsTab(deps: {
  state: PageState;
  mappingDocumentApi: MappingDocumentApi;
  loadPropertyCatalog: () => Promise<void>;
  /** Opens the mapping dialog on the mapping at `index`, or on a new one. */
  openMappingDialog: (index?: number) => void;
}): MappingsTab {
  const { state, mappingDocumentApi } = deps;
  const mappingDocument = state.mappingDocument;
  const catalog = state.propertyCatalog;

  function readinessCell(row: MappingRow): HTMLTableCellElement {
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

  function mappingRow(row: MappingRow): HTMLTableRowElement {
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
    edit.addEventListener('click', () => deps.openMappingDialog(row.index));
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
        row.propertyLabel !== row.propertyKey ? h('span', { class: 'property-key' }, row.propertyKey) : null,
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
  }

  function render(): void {
    const stateEl = byId('mappings-state');
    const table = byId('mappings-table');
    const empty = byId('mappings-empty');
    const catalogState = byId('catalog-state');

    if (catalog.loadError) {
      catalogState.replaceChildren(
        `Could not load SuperOffice's properties: ${catalog.loadError}. The ⚡ column and the property list are unavailable until SuperOffice answers; the mappings still work. `,
        retryButton('Try again', () => void deps.loadPropertyCatalog()),
      );
      catalogState.hidden = false;
    } else {
      catalogState.hidden = true;
    }

    if (mappingDocument.loadError) {
      stateEl.replaceChildren(
        h(
          'span',
          { class: 'banner banner-error', role: 'alert' },
          `Could not load the mappings: ${mappingDocument.loadError}`,
        ),
        ' ',
        retryButton('Try again', () => void mappingDocumentApi.load()),
      );
      table.hidden = true;
      empty.hidden = true;
      return;
    }
    const doc = mappingDocument.current;
    if (!doc) return;
    stateEl.textContent = catalog.current || catalog.loadError ? '' : 'Loading the SuperOffice properties…';

    const rows = mappingRows(doc, catalog.current);
    table.hidden = rows.length === 0;
    empty.hidden = rows.length > 0;
    byId('mappings-body').replaceChildren(...rows.map(mappingRow));

    // Links: refreshed unless the admin is typing in them.
    if (!mappingDocument.linksEdited) {
      byId<HTMLInputElement>('links-sale').value = doc.links.sale;
      byId<HTMLInputElement>('links-company').value = doc.links.company ?? '';
    }
  }

  async function removeMapping(index: number): Promise<void> {
    const doc = mappingDocument.current;
    const mapping = doc?.mappings[index];
    if (!doc || !mapping) return;
    const what = `${mapping.object} ${mapping.property} ← ${describeSource(mapping)}`;
    if (!window.confirm(`Remove the mapping ${what}?`)) return;
    try {
      await mappingDocumentApi.save(withoutMapping(doc, index), `Mapping removed: ${what}.`);
      // The focus was on the Remove button just gone: it moves to the Edit button now in that
      // place (or of the new last row), else to Add mapping.
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
    form.addEventListener('input', () => (mappingDocument.linksEdited = true));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const doc = mappingDocument.current;
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
          await mappingDocumentApi.save(
            withLinks(doc, sale.value, byId<HTMLInputElement>('links-company').value),
            'Links saved.',
          );
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

  function wire(): void {
    wireLinks();
  }

  return { render, wire };
}
