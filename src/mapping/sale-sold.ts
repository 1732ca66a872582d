import type { MappingDocument } from '../config/mapping-document';
import { findCatalogProperty, type PropertyCatalog } from '../superoffice/field-catalog';
import { convertValue } from '../superoffice/value-conversion';
import type { ContractFacts, PropertyChange } from '../workflow-contract';
import type { PropertySkip } from './plan';

/**
 * smartSync.markSaleSold: a signed contract is a won deal, so the Sale becomes Sold on the
 * date of signing. Status is not smart-sync-ready as a mapping (SuperOffice moves it through
 * its own workflow), so this rule writes it by itself, never through the catalog's readiness.
 */

export const SALE_SOLD_SOURCE = 'the signed contract (mark the Sale sold)';
export const SIGNING_DATE_SOURCE = 'the date the contract was signed';

export interface SaleSoldInput {
  facts: ContractFacts;
  document: MappingDocument;
  catalog: PropertyCatalog;
  /** The Sale's Status in SuperOffice now; null when SuperOffice did not say. */
  currentStatus: string | null | undefined;
}

export interface SaleSoldPlan {
  changes: PropertyChange[];
  skipped: PropertySkip[];
}

/** A Saledate mapping that applies wins over the signing date: the admin chose that field. */
function saledateIsMapped(document: MappingDocument): boolean {
  return (
    document.smartSync.dataFields &&
    document.mappings.some((m) => m.object === 'Sale' && m.property.toLowerCase() === 'saledate')
  );
}

export function planSaleSold({ facts, document, catalog, currentStatus }: SaleSoldInput): SaleSoldPlan {
  const none: SaleSoldPlan = { changes: [], skipped: [] };
  if (document.smartSync.markSaleSold !== true || facts.state !== 'signed') return none;
  const status = findCatalogProperty(catalog, 'Sale', 'Status');
  const label = status?.label ?? 'Status';
  if (currentStatus === 'Lost') {
    return {
      changes: [],
      skipped: [
        {
          property: 'Status',
          label,
          source: SALE_SOLD_SOURCE,
          reason:
            'the Sale is Lost in SuperOffice, so it was not marked Sold; change its status by hand if the deal was won',
        },
      ],
    };
  }
  // The Status change is planned even when the Sale is Sold already, so that the plan
  // step reports it unchanged; its date is then the one the Sale was sold on, left alone.
  const plan: SaleSoldPlan = {
    changes: [
      {
        property: 'Status',
        label,
        kind: 'standard',
        // Compared as text with the current value: the REST API answers the enum's name.
        type: 'text',
        patchPath: status?.patchPath ?? 'Status',
        value: 'Sold',
        display: 'Sold',
        source: SALE_SOLD_SOURCE,
      },
    ],
    skipped: [],
  };
  if (currentStatus === 'Sold' || saledateIsMapped(document)) return plan;

  const saledate = findCatalogProperty(catalog, 'Sale', 'Saledate');
  const named = { property: saledate?.property ?? 'Saledate', label: saledate?.label ?? 'Sale date' };
  if (facts.signedAt === undefined) {
    plan.skipped.push({
      ...named,
      source: SIGNING_DATE_SOURCE,
      reason: 'the contract does not say when it was signed; the SuperOffice value was left as it is',
    });
    return plan;
  }
  // The calendar date as Oneflow wrote it, without shifting time zones, converted as a mapped
  // Saledate is, so both write the same format.
  const converted = convertValue(facts.signedAt.slice(0, 10), {
    kind: 'standard',
    type: saledate?.type ?? 'datetime',
    label: named.label,
  });
  if (!converted.ok) {
    plan.skipped.push({
      ...named,
      source: SIGNING_DATE_SOURCE,
      reason: `the signing time ${JSON.stringify(facts.signedAt)} is not a date: ${converted.reason}`,
    });
    return plan;
  }
  plan.changes.push({
    ...named,
    kind: 'standard',
    type: saledate?.type ?? 'datetime',
    patchPath: saledate?.patchPath ?? 'Saledate',
    value: converted.value,
    display: converted.display,
    source: SIGNING_DATE_SOURCE,
  });
  return plan;
}
