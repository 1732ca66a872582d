import {
  type Mapping,
  type MappingDocument,
  type MappingObject,
  type ParticipantField,
} from '../config/mapping-document';
import { findCatalogProperty, type PropertyCatalog } from '../superoffice/field-catalog';
import { convertValue, type PatchValue, type RawValue } from '../superoffice/value-conversion';
import type {
  ContractFacts,
  CounterpartyParticipant,
  PlanFailureDetails,
  ProductFact,
  PropertyChange,
} from '../workflow-contract';
import { RESOURCE_TYPES } from '../workflow-contract';
import { dataFieldOf } from './contract-facts';

/**
 * contract facts + mapping document + property catalog → what to write where. Pure: the
 * workflow's activities look records up (the Contact by email, the quote lines) and write.
 * A property that cannot be written fails or is skipped on its own; it never blocks the others.
 */

/** Not written, and that is fine: an empty value, a property Smart Sync does not write. */
export interface PropertySkip {
  property: string;
  label?: string;
  source: string;
  reason: string;
}

/** Not written, and someone should act: unknown property or data field, a value that does not fit. */
export interface PropertyFailure {
  property: string;
  label?: string;
  source: string;
  reason: string;
}

export interface ResourcePlan {
  changes: PropertyChange[];
  skipped: PropertySkip[];
  failures: PropertyFailure[];
  /** Set when the record itself cannot be updated (unknown id, no such participant); changes are then not written. */
  failure?: string;
}

export interface ContactPlan extends ResourcePlan {
  participant: number;
  /** The person is found by this email in SuperOffice (first among the Company's contacts, then anywhere). */
  email: string | null;
  name: string | null;
  partyName: string | null;
}

export type ProductDiscount =
  | { type: 'none' }
  | { type: 'percent'; percent: number }
  /** SuperOffice's line DiscountAmount is for the whole line: per-unit discount × quantity. */
  | { type: 'amount'; perUnit: number; lineTotal: number };

export interface ProductPlan {
  oneflowProductId: string;
  /** Matched against the quote line's ERPProductKey first. */
  customId: string | null;
  /** Matched against the quote line's Name when the key does not match. */
  name: string;
  quantity: number;
  unitListPrice: number;
  discount: ProductDiscount;
}

export interface ProductFailure {
  oneflowProductId: string;
  name: string;
  reason: string;
}

export interface SyncPlan {
  contractId: number;
  /** From the links.sale data field; null when missing or invalid (see errors). */
  saleId: number | null;
  /** From links.company; null with companyFrom "sale" means the Sale's own Company, looked up later. */
  companyId: number | null;
  companyFrom: 'link' | 'sale';
  dataFields: { enabled: boolean; skippedReason?: string };
  products: { enabled: boolean; skippedReason?: string; failure?: string };
  sale: ResourcePlan;
  company: ResourcePlan;
  contacts: ContactPlan[];
  productLines: ProductPlan[];
  productFailures: ProductFailure[];
  /** Problems with the links to SuperOffice records, worded for the outcome Activity. */
  errors: string[];
  notes: string[];
  nothingToSync: boolean;
  nothingToSyncReason?: string;
}

export interface PlanInput {
  facts: ContractFacts;
  document: MappingDocument;
  catalog: PropertyCatalog;
}

const PARTICIPANT_FIELD_WORDS: Record<ParticipantField, string> = {
  name: 'name',
  email: 'email',
  phone_number: 'phone number',
  title: 'title',
};

const emptyResource = (): ResourcePlan => ({ changes: [], skipped: [], failures: [] });

type LinkRead = { id: number } | { id: null; problem: 'missing' | 'empty' | 'invalid'; message: string };

const INT32_MAX = 2147483647;

function readLink(facts: ContractFacts, customId: string, where: string, entity: string): LinkRead {
  const field = dataFieldOf(facts, customId);
  if (!field.found) {
    return {
      id: null,
      problem: 'missing',
      message: `the contract has no data field "${customId}" (${where}), so the SuperOffice ${entity} is unknown`,
    };
  }
  const value = field.value?.trim() ?? '';
  if (value === '') {
    return {
      id: null,
      problem: 'empty',
      message: `data field "${customId}" (${where}) is empty, so the SuperOffice ${entity} is unknown`,
    };
  }
  const id = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > INT32_MAX) {
    return {
      id: null,
      problem: 'invalid',
      message: `data field "${customId}" (${where}) holds ${JSON.stringify(value)}, which is not a SuperOffice ${entity} id`,
    };
  }
  return { id };
}

function participantValue(p: CounterpartyParticipant, field: ParticipantField): string | null {
  switch (field) {
    case 'name':
      return p.name;
    case 'email':
      return p.email;
    case 'phone_number':
      return p.phoneNumber;
    case 'title':
      return p.title;
  }
}

/** The reason given for a mapped data field the contract does not have. */
export function notInThisContract(dataField: string): string {
  return `not in this contract (it has no data field "${dataField}")`;
}

/** Plans one mapping into `into`, in this order: an unknown property fails; a data field the contract lacks, a not-ready property and an empty value skip; bad values fail. */
function planMapping(
  mapping: Mapping,
  facts: ContractFacts,
  catalog: PropertyCatalog,
  participant: CounterpartyParticipant | undefined,
  into: ResourcePlan,
): void {
  const source =
    'participantField' in mapping
      ? `participant #${mapping.participant}'s ${PARTICIPANT_FIELD_WORDS[mapping.participantField]}`
      : `data field "${mapping.dataField}"`;
  const target = findCatalogProperty(catalog, mapping.object, mapping.property);
  if (!target) {
    into.failures.push({
      property: mapping.property,
      source,
      reason: `SuperOffice has no ${mapping.object} property "${mapping.property}"`,
    });
    return;
  }
  const named = { property: target.property, label: target.label, source };

  let raw: RawValue;
  let emptyReason: string;
  if ('participantField' in mapping) {
    raw = participant ? participantValue(participant, mapping.participantField) : null;
    emptyReason = `participant #${mapping.participant} has no ${PARTICIPANT_FIELD_WORDS[mapping.participantField]} on the contract`;
  } else {
    const field = dataFieldOf(facts, mapping.dataField);
    if (!field.found) {
      // One mapping document serves every template, and templates differ: a field this
      // contract lacks is a gap of the template, not a failure of the sync.
      into.skipped.push({ ...named, reason: notInThisContract(mapping.dataField) });
      return;
    }
    raw = field.value;
    emptyReason = `data field "${mapping.dataField}" is empty`;
  }

  if (!target.ready) {
    into.skipped.push({
      ...named,
      reason: `not smart-sync-ready: ${target.notReadyReason ?? 'not writable'}`,
    });
    return;
  }
  const converted = convertValue(raw, target);
  if (converted.ok) {
    into.changes.push({
      ...named,
      kind: target.kind,
      type: target.type,
      patchPath: target.patchPath,
      value: converted.value,
      display: converted.display,
    });
  } else if (converted.empty) {
    into.skipped.push({ ...named, reason: `${emptyReason}; the SuperOffice value was left as it is` });
  } else {
    into.failures.push({ ...named, reason: converted.reason });
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function planProduct(product: ProductFact): ProductPlan | ProductFailure {
  if (product.problems.length > 0 || product.quantity === null || product.unitListPrice === null) {
    return {
      oneflowProductId: product.oneflowProductId,
      name: product.name,
      reason: product.problems.join('; ') || 'its quantity or price is missing',
    };
  }
  let discount: ProductDiscount = { type: 'none' };
  if (product.discountPercent !== null) discount = { type: 'percent', percent: product.discountPercent };
  else if (product.discountAmountPerUnit !== null) {
    discount = {
      type: 'amount',
      perUnit: product.discountAmountPerUnit,
      lineTotal: round(product.discountAmountPerUnit * product.quantity),
    };
  }
  return {
    oneflowProductId: product.oneflowProductId,
    customId: product.customId,
    name: product.name,
    quantity: product.quantity,
    unitListPrice: product.unitListPrice,
    discount,
  };
}

/**
 * What a failed plan step can still tell the workflow: the linked Sale and Company (read
 * from the contract alone, without SuperOffice) and the record types the document would
 * have updated, so the rep on the Sale learns that nothing was written.
 */
export function planFailureDetails(facts: ContractFacts, document: MappingDocument): PlanFailureDetails {
  const sale = readLink(facts, document.links.sale, 'links.sale', 'Sale');
  const company =
    document.links.company !== undefined
      ? readLink(facts, document.links.company, 'links.company', 'Company')
      : undefined;
  const objects = new Set<string>(
    document.smartSync.dataFields ? document.mappings.map((m) => m.object) : [],
  );
  if (document.smartSync.products) objects.add('Products');
  if (document.smartSync.markSaleSold === true) objects.add('Sale');
  return {
    ...(sale.id !== null ? { saleId: sale.id } : {}),
    ...(company?.id ? { companyId: company.id } : {}),
    types: RESOURCE_TYPES.filter((t) => objects.has(t)),
  };
}

export function planSync({ facts, document, catalog }: PlanInput): SyncPlan {
  const notes: string[] = [];
  const errors: string[] = [];
  const dataFieldsOn = document.smartSync.dataFields;
  const productsOn = document.smartSync.products;

  const saleLink = readLink(facts, document.links.sale, 'links.sale', 'Sale');
  if (saleLink.id === null) errors.push(saleLink.message);
  const saleId = saleLink.id;

  let companyId: number | null = null;
  let companyFrom: SyncPlan['companyFrom'] = 'sale';
  let companyLinkError: string | undefined;
  if (document.links.company !== undefined) {
    const link = readLink(facts, document.links.company, 'links.company', 'Company');
    if (link.id !== null) {
      companyId = link.id;
      companyFrom = 'link';
    } else if (link.problem === 'invalid') {
      companyFrom = 'link';
      companyLinkError = link.message;
      errors.push(link.message);
    } else {
      notes.push(`${link.message}: the Sale's own Company is used`);
    }
  }

  const sale = emptyResource();
  const company = emptyResource();
  const contactsByNumber = new Map<number, ContactPlan>();
  const mappings = document.mappings;

  if (dataFieldsOn) {
    for (const mapping of mappings) {
      if (mapping.object === 'Contact') {
        let plan = contactsByNumber.get(mapping.participant);
        const participant = facts.counterpartyParticipants[mapping.participant - 1];
        if (!plan) {
          plan = {
            participant: mapping.participant,
            email: participant?.email ?? null,
            name: participant?.name ?? null,
            partyName: participant?.partyName ?? null,
            ...emptyResource(),
          };
          const count = facts.counterpartyParticipants.length;
          if (!participant) {
            plan.failure = `no counterparty participant #${mapping.participant} on the contract (it has ${count === 0 ? 'none' : count === 1 ? 'one' : count})`;
          } else if (participant.email === null) {
            plan.failure = `participant #${mapping.participant}${participant.name ? ` (${participant.name})` : ''} has no email address, so their Contact cannot be found in SuperOffice`;
          }
          contactsByNumber.set(mapping.participant, plan);
        }
        if (participant) planMapping(mapping, facts, catalog, participant, plan);
      } else {
        planMapping(mapping, facts, catalog, undefined, mapping.object === 'Sale' ? sale : company);
      }
    }
    const has = (object: MappingObject) => mappings.some((m) => m.object === object);
    if (saleLink.id === null && has('Sale')) sale.failure = saleLink.message;
    if (has('Company')) {
      if (companyLinkError !== undefined) company.failure = companyLinkError;
      else if (companyId === null && saleLink.id === null) {
        company.failure = `the Company is the Sale's own, and ${saleLink.message}`;
      }
    }
    if (mappings.length === 0)
      notes.push(productsOn ? 'No mappings: no property to write' : 'No mappings: nothing to sync');
  } else {
    notes.push('Data fields are off: no property was written');
  }

  const productLines: ProductPlan[] = [];
  const productFailures: ProductFailure[] = [];
  const products: SyncPlan['products'] = { enabled: productsOn };
  if (productsOn) {
    for (const fact of facts.products) {
      const planned = planProduct(fact);
      if ('reason' in planned) productFailures.push(planned);
      else productLines.push(planned);
    }
    if (saleLink.id === null) products.failure = saleLink.message;
    if (facts.products.length === 0)
      notes.push("The contract has no products: the Sale's products were left as they are");
  } else {
    products.skippedReason = 'Products are off in the Smart Sync settings';
    notes.push("Products are off: the Sale's products were not updated");
  }

  const noDataFieldWork = !dataFieldsOn || mappings.length === 0;
  const nothingToSync =
    noDataFieldWork &&
    !productsOn &&
    document.smartSync.markSaleSold !== true &&
    document.smartSync.attachSignedPdf !== true;
  const plan: SyncPlan = {
    contractId: facts.contractId,
    saleId,
    companyId,
    companyFrom,
    dataFields: dataFieldsOn
      ? { enabled: true }
      : { enabled: false, skippedReason: 'Data fields are off in the Smart Sync settings' },
    products,
    sale,
    company,
    contacts: [...contactsByNumber.values()].sort((a, b) => a.participant - b.participant),
    productLines,
    productFailures,
    errors,
    notes,
    nothingToSync,
  };
  if (nothingToSync) {
    plan.nothingToSyncReason = dataFieldsOn
      ? 'there are no mappings and Products is off'
      : 'Data fields and Products are both off';
  }
  return plan;
}

export interface JsonPatchReplace {
  op: 'replace';
  path: string;
  value: PatchValue;
}

/** The JSON Patch body (RFC 6902) for a resource's changes. */
export function toJsonPatch(changes: readonly PropertyChange[]): JsonPatchReplace[] {
  return changes.map((c) => ({ op: 'replace', path: c.patchPath, value: c.value }));
}
