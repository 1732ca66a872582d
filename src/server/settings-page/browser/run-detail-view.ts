/// <reference lib="dom" />
import type { RunDetail } from '../../../temporal/sync-starter';
import { type Child, h, present } from './dom-elements';
import type { RunDetailState } from './page-state';
import { PROPERTY_STATUS, RESOURCE_STATUS, resourceTitle, type Tone } from './settings-model';
import type { PropertyResult, ResourceResult } from '../../../workflow-contract';

/** What the runs list shows of a run: status badges and the content of its Details row. */

export function statusBadge(label: string, tone: Tone): HTMLSpanElement {
  return h('span', { class: `badge tone-${tone}` }, label);
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
          h('td', {}, statusBadge(status.label, status.tone)),
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
    h('h4', {}, resourceTitle(resource), statusBadge(status.label, status.tone)),
    resource.error ? h('p', { class: 'error' }, resource.error) : null,
    resource.properties.length > 0 ? propertyTable(resource.properties) : null,
  );
}

/** A run's result, or while it runs, how far it has got (the workflow's progress query). */
function runDetailParts(detail: RunDetail): Child[] {
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
  const appointments = result?.appointments;
  if (appointments?.appointmentIds.length) {
    parts.push(
      h(
        'p',
        { class: 'run-meta' },
        `Recorded in SuperOffice as Activity ${appointments.appointmentIds.join(', ')} on the Sale.`,
      ),
    );
  } else if (appointments?.notRecordedReason) {
    parts.push(h('p', { class: 'run-meta' }, `No Activity recorded: ${appointments.notRecordedReason}`));
  }
  return parts;
}

/** The content of an open Details row. */
export function runDetailContent(detail: RunDetailState): Array<Node | string> {
  if (detail === 'loading') return [h('p', { class: 'run-meta' }, 'Loading the result…')];
  if ('error' in detail) {
    return [h('p', { class: 'banner banner-error' }, `Could not load this run: ${detail.error}`)];
  }
  return present(...runDetailParts(detail));
}
