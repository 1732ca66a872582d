import type { ContractPreview, PreviewStatus } from '../../../mapping/preview';
import type { Tone } from './settings-model';

/**
 * What the Runs tab's Preview shows of POST /api/contracts/{id}/preview's answer, as plain
 * data: one section per record (Sale, Company, each Contact) and one for the product lines,
 * each row a property with its value now, the value a sync would write and why it is
 * skipped. Kept apart from the DOM so that it is unit-tested without a browser.
 */

/** What the Preview panel shows: waiting, the API's error, or the preview. */
export type PreviewPanelState =
  | { kind: 'loading'; contractId: number }
  | { kind: 'error'; contractId: number; message: string }
  | { kind: 'shown'; preview: ContractPreview };

export interface PreviewRow {
  /** What a person reads: the label, else the property (or the product's name). */
  name: string;
  /** The property's key when the label differs from it. */
  key?: string;
  status: { label: string; tone: Tone };
  /** SuperOffice's value now; '' when the API gave none for this row. */
  now: string;
  /** What a sync would write, or the value already there. */
  wouldWrite: string;
  /** Where the value comes from and why a row is skipped or would fail. */
  why: string;
  /** A value a sync would change: marked in the table, and said to screen readers. */
  changed: boolean;
}

export interface PreviewSection {
  title: string;
  status: { label: string; tone: Tone };
  /** Why the record as a whole would not be updated. */
  error?: string;
  rows: PreviewRow[];
}

export interface PreviewView {
  heading: string;
  /** Said first: a contract that is not signed, or a sync that would fail before writing anything. */
  notice?: string;
  failure?: string;
  summary: { label: string; tone: Tone };
  sections: PreviewSection[];
  notes: string[];
  changedCount: number;
}

export const PREVIEW_STATUS: Record<PreviewStatus, { label: string; tone: Tone }> = {
  would_write: { label: 'Would write', tone: 'success' },
  unchanged: { label: 'Unchanged', tone: 'neutral' },
  skipped: { label: 'Skipped', tone: 'neutral' },
  would_fail: { label: 'Would fail', tone: 'danger' },
};

const SUMMARY: Record<ContractPreview['summary'], { label: string; tone: Tone }> = {
  would_write: { label: 'A sync would write the changes marked below', tone: 'success' },
  unchanged: { label: 'SuperOffice already has every value: a sync would change nothing', tone: 'neutral' },
  would_fail: { label: 'A sync would fail for what is marked below', tone: 'danger' },
  nothing_to_sync: { label: 'There is nothing to sync', tone: 'neutral' },
};

const statusOf = (status: string) =>
  PREVIEW_STATUS[status as PreviewStatus] ?? { label: status.replace(/_/g, ' '), tone: 'neutral' as Tone };

/** An empty value now is shown as such, so that "(empty) → PO-1" reads as a change. */
const EMPTY = '(empty)';

const why = (...parts: Array<string | undefined>) =>
  parts.filter((p) => p !== undefined && p !== '').join(': ');

function recordTitle(record: ContractPreview['records'][number]): string {
  const id = record.id === null ? '(not found)' : String(record.id);
  const participant =
    record.type === 'Contact' && record.participant !== undefined
      ? ` (participant ${record.participant})`
      : '';
  return `${record.type} ${id}${record.name ? ` · ${record.name}` : ''}${participant}`;
}

/**
 * A row is changed when a sync would write it and its value now differs. The plan writes
 * only what differs, so a would_write row is a change; the comparison is kept for the line
 * whose current value the API could not read, which still reads as a change.
 */
function changed(status: string, now: string | null | undefined, value: string | undefined): boolean {
  return status === 'would_write' && (now ?? '') !== (value ?? '');
}

export function previewView(preview: ContractPreview): PreviewView {
  const sections: PreviewSection[] = preview.records.map((record) => ({
    title: recordTitle(record),
    status: statusOf(record.status),
    ...(record.error !== undefined ? { error: record.error } : {}),
    rows: record.properties.map((p) => ({
      name: p.label ?? p.property,
      ...(p.label !== undefined && p.label !== p.property ? { key: p.property } : {}),
      status: statusOf(p.status),
      now: p.status === 'would_write' ? (p.current ?? EMPTY) : '',
      wouldWrite: p.value ?? '',
      why: why(p.source, p.reason),
      changed: changed(p.status, p.current, p.value),
    })),
  }));
  if (preview.products) {
    const p = preview.products;
    sections.push({
      title: preview.saleId !== undefined ? `Product lines of Sale ${preview.saleId}` : 'Product lines',
      status: statusOf(p.status),
      ...(p.error !== undefined ? { error: p.error } : {}),
      rows: p.lines.map((l) => ({
        name: l.product,
        ...(l.quoteLineId !== undefined ? { key: `quote line ${l.quoteLineId}` } : {}),
        status: statusOf(l.status),
        // A line to add has no value now; one to change shows the fields it changes.
        now: l.status === 'would_write' ? l.current || EMPTY : '',
        wouldWrite: l.value ?? '',
        why: why(l.source, l.reason),
        changed: changed(l.status, l.current, l.value),
      })),
    });
  }
  const changedCount = sections.reduce((n, s) => n + s.rows.filter((r) => r.changed).length, 0);
  return {
    heading: `Preview of contract ${preview.contractId}${preview.contractState ? ` (${preview.contractState} in Oneflow)` : ''}: nothing has been written to SuperOffice`,
    ...(preview.notice !== undefined ? { notice: preview.notice } : {}),
    ...(preview.failure !== undefined
      ? { failure: `A sync would fail before writing anything: ${preview.failure.message}` }
      : {}),
    summary: SUMMARY[preview.summary] ?? { label: preview.summary, tone: 'neutral' },
    sections,
    notes: preview.notes,
    changedCount,
  };
}

/** The words a screen reader hears when the preview arrives. */
export function previewAnnouncement(view: PreviewView): string {
  const changes =
    view.changedCount === 0
      ? 'no value would change'
      : view.changedCount === 1
        ? '1 value would change'
        : `${view.changedCount} values would change`;
  return `${view.heading}. ${view.failure ?? view.summary.label}; ${changes}.`;
}
