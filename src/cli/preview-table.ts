import type { ContractPreview, PreviewStatus } from '../mapping/preview';

/** `smart-sync preview`'s words for the answer of POST /api/contracts/{id}/preview. */

const STATUS_WORDS: Record<PreviewStatus, string> = {
  would_write: 'would write',
  unchanged: 'unchanged',
  skipped: 'skipped',
  would_fail: 'would FAIL',
};

const SUMMARY_WORDS: Record<ContractPreview['summary'], string> = {
  would_write: 'a sync would write the changes above',
  unchanged: 'SuperOffice already has every value: a sync would change nothing',
  would_fail: 'a sync would fail for what is marked above',
  nothing_to_sync: 'there is nothing to sync',
};

type Row = [string, string, string, string, string];

function table(rows: Row[], first = 'PROPERTY'): string[] {
  const header: Row = [first, 'STATUS', 'NOW', 'WOULD BE', 'FROM / WHY'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) =>
    `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

const now = (current: string | null | undefined, status: PreviewStatus) =>
  status === 'would_write' ? (current ?? '(empty)') : '';

export function formatPreview(preview: ContractPreview): string {
  const out: string[] = [
    `Preview of contract ${preview.contractId} (${preview.contractState ?? 'state unknown'}). Nothing has been written to SuperOffice.`,
  ];
  if (preview.notice) out.push(`Note: ${preview.notice}.`);
  if (preview.failure) {
    out.push('', `A sync would fail before writing anything: ${preview.failure.message}`);
  }
  for (const record of preview.records) {
    const what =
      record.type === 'Contact' && record.participant !== undefined
        ? `Contact ${record.id ?? '(not found)'} (participant #${record.participant})`
        : `${record.type} ${record.id ?? '(not found)'}`;
    out.push(
      '',
      `${what}${record.name ? ` "${record.name}"` : ''}: ${STATUS_WORDS[record.status]}${record.error ? `: ${record.error}` : ''}`,
    );
    if (record.properties.length > 0) {
      out.push(
        ...table(
          record.properties.map((p) => [
            p.label && p.label !== p.property ? `${p.property} (${p.label})` : p.property,
            STATUS_WORDS[p.status],
            now(p.current, p.status),
            p.value ?? '',
            [p.source, p.reason].filter(Boolean).join(': '),
          ]),
        ),
      );
    }
  }
  if (preview.products) {
    const p = preview.products;
    out.push(
      '',
      `Products${preview.saleId !== undefined ? ` of Sale ${preview.saleId}` : ''}: ${STATUS_WORDS[p.status]}${p.error ? `: ${p.error}` : ''}`,
    );
    if (p.lines.length > 0) {
      out.push(
        ...table(
          p.lines.map((l) => [
            l.product,
            STATUS_WORDS[l.status],
            now(l.current, l.status),
            l.value ?? '',
            [l.source, l.reason].filter(Boolean).join(': '),
          ]),
          'PRODUCT',
        ),
      );
    }
  }
  if (preview.notes.length > 0) out.push('', 'Notes:', ...preview.notes.map((n) => `  - ${n}`));
  out.push('', `In short: ${SUMMARY_WORDS[preview.summary]}.`);
  return `${out.join('\n')}\n`;
}
