/// <reference lib="dom" />
import { type Child, h, present } from './dom-elements';
import {
  type PreviewPanelState,
  type PreviewRow,
  type PreviewSection,
  previewView,
  type PreviewView,
} from './preview-model';
import { statusBadge } from './run-detail-view';

/** The Runs tab's Preview panel: the table of what a sync of a contract would write. */

function rowOf(row: PreviewRow): HTMLTableRowElement {
  // Marked by colour and a glyph, and for screen readers in words: colour alone says nothing to them.
  const mark = row.changed
    ? h(
        'span',
        { class: 'changed-mark' },
        h('span', { 'aria-hidden': 'true' }, '●'),
        h('span', { class: 'visually-hidden' }, 'changes: '),
      )
    : null;
  return h(
    'tr',
    { class: row.changed ? 'preview-changed' : undefined, 'data-changed': row.changed ? 'true' : 'false' },
    h('th', { scope: 'row' }, mark, row.name, row.key ? h('span', { class: 'property-key' }, row.key) : null),
    h('td', {}, statusBadge(row.status.label, row.status.tone)),
    h('td', { 'data-cell': 'now' }, row.now),
    h('td', { 'data-cell': 'would-write' }, row.changed ? h('strong', {}, row.wouldWrite) : row.wouldWrite),
    h('td', {}, row.why),
  );
}

function sectionOf(section: PreviewSection): HTMLLIElement {
  return h(
    'li',
    { class: 'resource' },
    h('h4', {}, section.title, statusBadge(section.status.label, section.status.tone)),
    section.error ? h('p', { class: 'error' }, section.error) : null,
    section.rows.length > 0
      ? h(
          'table',
          {},
          h('caption', { class: 'visually-hidden' }, `${section.title}: what a sync would write`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Property', 'Result', 'In SuperOffice now', 'Would write', 'From / why skipped'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h('tbody', {}, ...section.rows.map(rowOf)),
        )
      : null,
  );
}

function viewParts(view: PreviewView): Child[] {
  return [
    h('h3', { id: 'preview-title' }, view.heading),
    view.notice ? h('p', { class: 'banner banner-warning' }, view.notice) : null,
    view.failure ? h('p', { class: 'banner banner-error', role: 'alert' }, view.failure) : null,
    h(
      'p',
      { class: 'preview-summary' },
      statusBadge(view.summary.label, view.summary.tone),
      view.changedCount > 0
        ? ` ${view.changedCount} ${view.changedCount === 1 ? 'value' : 'values'} would change, marked ●.`
        : null,
    ),
    view.sections.length > 0 ? h('ul', { class: 'resources' }, ...view.sections.map(sectionOf)) : null,
    view.notes.length > 0 ? h('ul', { class: 'notes' }, ...view.notes.map((n) => h('li', {}, n))) : null,
  ];
}

/** The panel's content for its state: waiting, the API's error, or the preview. */
export function previewPanelContent(state: PreviewPanelState): Array<Node | string> {
  if (state.kind === 'loading')
    return [h('p', { class: 'run-meta' }, `Previewing contract ${state.contractId}…`)];
  if (state.kind === 'error') {
    return [
      h(
        'p',
        { class: 'banner banner-error', role: 'alert' },
        `Could not preview contract ${state.contractId}: ${state.message}`,
      ),
    ];
  }
  return present(...viewParts(previewView(state.preview)));
}
