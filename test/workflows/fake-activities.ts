import { Context } from '@temporalio/activity';
import { describeOutcome } from '../../src/mapping/outcome';
import type {
  OneflowActivities,
  SuperOfficeActivities,
  ContractFacts,
  EntityUpdate,
  ProductsUpdate,
  ResolvedPlan,
  ResourceResult,
  SignedPdfAttachment,
} from '../../src/workflow-contract';

/**
 * Fake Smart Sync activities for workflow tests and for recording the replay histories
 * (scripts/record-workflow-histories.ts). The data is the demo contract 9001 and what
 * the real activities made of it against the emulators' demo data, trimmed a little so
 * that the recorded histories stay small.
 *
 * The fakes are typed as the real activity interface: a change to an activity's
 * signature breaks the type check here, not silently at run time.
 */
export type SyncActivities = OneflowActivities & SuperOfficeActivities;
export type ActivityName = keyof SyncActivities;

export const CONTRACT_ID = 9001;
export const SALE_ID = 2001;
export const COMPANY_ID = 101;

export function contractFacts(contractId: number = CONTRACT_ID): ContractFacts {
  return {
    contractId,
    state: 'signed',
    dataFields: {
      superoffice_sale_id: String(SALE_ID),
      superoffice_company_id: String(COMPANY_ID),
      po_number: 'PO-2026-0042',
      delivery_date: '2026-12-15',
      org_number: '987654321',
      framework_agreement: '1',
    },
    counterpartyParticipants: [
      {
        number: 1,
        name: 'Anna Berg',
        email: 'anna.berg@nordlys.example',
        phoneNumber: '+4791234567',
        title: 'Head of Purchasing',
        partyName: 'Nordlys Interiør AS',
        signatory: true,
        signState: 'signed',
      },
      {
        number: 2,
        name: 'Jonas Dahl',
        email: 'jonas.dahl@nordlys.example',
        phoneNumber: null,
        title: 'Office manager',
        partyName: 'Nordlys Interiør AS',
        signatory: true,
        signState: 'signed',
      },
    ],
    products: [
      {
        oneflowProductId: '100007',
        customId: 'DESK-01',
        name: 'Standing desk',
        quantity: 12,
        quantityType: 'quantity',
        unitListPrice: 4500,
        discountPercent: 10,
        discountAmountPerUnit: null,
        unitFinalPrice: 4050,
        problems: [],
      },
      {
        oneflowProductId: '100009',
        customId: 'LAMP-03',
        name: 'Desk lamp',
        quantity: 8,
        quantityType: 'quantity',
        unitListPrice: 450,
        discountPercent: null,
        discountAmountPerUnit: 50,
        unitFinalPrice: 400,
        problems: [],
      },
    ],
  };
}

/** What resolvePlan makes of contractFacts(): a Sale, its Company, two Contacts and two quote lines. */
export function resolvedPlan(): ResolvedPlan {
  return {
    saleId: SALE_ID,
    companyId: COMPANY_ID,
    sale: {
      type: 'Sale',
      id: SALE_ID,
      name: 'Office furniture for Nordlys',
      changes: [
        {
          property: 'Number',
          label: 'Number',
          source: 'data field "po_number"',
          kind: 'standard',
          type: 'text',
          patchPath: 'Number',
          value: 'PO-2026-0042',
          display: 'PO-2026-0042',
        },
        {
          property: 'SuperOffice:2',
          label: 'Delivery date',
          source: 'data field "delivery_date"',
          kind: 'udef',
          type: 'date',
          patchPath: 'CustomFields/SuperOffice:2',
          value: '2026-12-15',
          display: '2026-12-15',
        },
      ],
      planned: [],
    },
    company: {
      type: 'Company',
      id: COMPANY_ID,
      name: 'Nordlys Interiør AS',
      changes: [
        {
          property: 'OrgNr',
          label: 'Organisation number (VAT number)',
          source: 'data field "org_number"',
          kind: 'standard',
          type: 'text',
          patchPath: 'OrgNr',
          value: '987654321',
          display: '987654321',
        },
        {
          property: 'SuperOffice:1',
          label: 'Framework agreement',
          source: 'data field "framework_agreement"',
          kind: 'udef',
          type: 'checkbox',
          patchPath: 'CustomFields/SuperOffice:1',
          value: '1',
          display: 'checked',
        },
      ],
      planned: [],
    },
    contacts: [
      {
        type: 'Contact',
        id: 301,
        name: 'Anna Berg',
        participant: 1,
        changes: [
          {
            property: 'Title',
            label: 'Title',
            source: "participant #1's title",
            kind: 'standard',
            type: 'text',
            patchPath: 'Title',
            value: 'Head of Purchasing',
            display: 'Head of Purchasing',
          },
        ],
        planned: [],
      },
      {
        type: 'Contact',
        id: 302,
        name: 'Jonas Dahl',
        participant: 2,
        changes: [
          {
            property: 'Title',
            label: 'Title',
            source: "participant #2's title",
            kind: 'standard',
            type: 'text',
            patchPath: 'Title',
            value: 'Office manager',
            display: 'Office manager',
          },
        ],
        planned: [],
      },
    ],
    products: {
      saleId: SALE_ID,
      quoteAlternativeId: 7201,
      lines: [
        {
          quoteLineId: 7301,
          name: 'Standing desk',
          changes: { Quantity: 12, DiscountPercent: 10 },
          changedFields: ['Quantity', 'DiscountPercent'],
          display: 'quantity 12, discount 10 %',
          source: 'Oneflow product "DESK-01"',
        },
        {
          quoteLineId: 7303,
          name: 'Desk lamp',
          changes: { Quantity: 8, DiscountAmount: 400 },
          changedFields: ['Quantity', 'DiscountAmount'],
          display: 'quantity 8, discount 400',
          source: 'Oneflow product "LAMP-03"',
        },
      ],
      planned: [],
    },
    settled: [],
    notes: [],
    personIds: [301, 302],
  };
}

/** What updateSale/updateCompany/updateContact return when every change was written. */
export function writtenResource(update: EntityUpdate): ResourceResult {
  return {
    type: update.type,
    id: update.id,
    name: update.name,
    participant: update.participant,
    status: 'updated',
    properties: [
      ...update.changes.map((c) => ({
        property: c.property,
        label: c.label,
        status: 'written' as const,
        display: c.display,
        source: c.source,
      })),
      ...update.planned,
    ],
  };
}

/** What resolvePlan adds with smartSync.attachSignedPdf on: the signed PDF to file on the Sale. */
export function signedPdfAttachment(): SignedPdfAttachment {
  return {
    contractId: CONTRACT_ID,
    saleId: SALE_ID,
    companyId: COMPANY_ID,
    documentTemplateId: 4,
    marker: `[Smart sync] Signed PDF of Oneflow contract ${CONTRACT_ID}, signed 2026-12-01T10:00:00Z`,
    maxBytes: 25 * 1024 * 1024,
    date: '2026-12-01T10:00:00Z',
  };
}

/** What updateProducts returns when every quote line was written. */
export function writtenProducts(update: ProductsUpdate): ResourceResult {
  return {
    type: 'Products',
    id: update.saleId,
    status: 'updated',
    properties: [
      ...update.lines.map((l) => ({
        property: l.name,
        status: 'written' as const,
        display: l.display,
        source: l.source,
      })),
      ...update.planned,
    ],
  };
}

export interface ActivityCall {
  name: ActivityName;
  /** The activity's single argument. */
  input: unknown;
  attempt: number;
  taskQueue: string;
}

type AnyActivity = (...args: unknown[]) => Promise<unknown>;

/**
 * Each activity as it would succeed with the demo data; recordOutcome applies the real
 * outcome rules (describeOutcome) and returns one Appointment id (5001, 5002…) per
 * Activity it would record.
 */
export function succeedingActivities(): SyncActivities {
  let nextAppointmentId = 5001;
  return {
    fetchSignedContract: async (input) => contractFacts(typeof input === 'number' ? input : input.contractId),
    checkSigningEvent: async () => undefined,
    resolvePlan: async () => resolvedPlan(),
    updateSale: async (update) => writtenResource(update),
    updateCompany: async (update) => writtenResource(update),
    updateContact: async (update) => writtenResource(update),
    updateProducts: async (update) => writtenProducts(update),
    attachSignedPdf: async (attachment) => ({
      type: 'Document',
      id: 9001,
      name: `Oneflow contract ${attachment.contractId}`,
      status: 'updated',
      properties: [
        { property: 'Signed PDF', status: 'written', source: `Oneflow contract ${attachment.contractId}` },
      ],
    }),
    recordOutcome: async (input) => {
      const outcome = describeOutcome({
        contractId: input.contractId,
        saleId: input.saleId,
        resources: input.resources,
        notes: input.notes,
        nothingToSync: input.nothingToSync,
      });
      return { status: outcome.status, appointmentIds: outcome.appointments.map(() => nextAppointmentId++) };
    },
  };
}

/**
 * Fakes of every activity: succeedingActivities(), with any of them replaced. Every call
 * is recorded with its argument, its attempt number and the task queue it ran on.
 */
export function fakeActivities(overrides: Partial<SyncActivities> = {}) {
  const calls: ActivityCall[] = [];
  const chosen: SyncActivities = { ...succeedingActivities(), ...overrides };
  const record = <K extends ActivityName>(name: K): SyncActivities[K] => {
    const impl = chosen[name] as unknown as AnyActivity;
    const wrapped: AnyActivity = async (...args) => {
      const { attempt, taskQueue } = Context.current().info;
      calls.push({ name, input: args[0], attempt, taskQueue });
      return impl(...args);
    };
    return wrapped as unknown as SyncActivities[K];
  };
  const activities: SyncActivities = {
    fetchSignedContract: record('fetchSignedContract'),
    checkSigningEvent: record('checkSigningEvent'),
    resolvePlan: record('resolvePlan'),
    updateSale: record('updateSale'),
    updateCompany: record('updateCompany'),
    updateContact: record('updateContact'),
    updateProducts: record('updateProducts'),
    attachSignedPdf: record('attachSignedPdf'),
    recordOutcome: record('recordOutcome'),
  };
  const { fetchSignedContract, checkSigningEvent, ...superoffice } = activities;
  return {
    activities,
    /** For the worker on the Oneflow task queue. */
    oneflowActivities: { fetchSignedContract, checkSigningEvent } satisfies OneflowActivities,
    /** For the main worker. */
    superofficeActivities: superoffice satisfies SuperOfficeActivities,
    calls,
    /** The calls of one activity, in the order they started. */
    callsTo: (name: ActivityName) => calls.filter((c) => c.name === name),
    /** The names of the activities called, each once, in the order of their first call. */
    called: () => [...new Set(calls.map((c) => c.name))],
  };
}

export type FakeActivities = ReturnType<typeof fakeActivities>;
