import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import type { ContractFacts } from '../mapping/contract-facts';
import type { PropertyResult, ResourceResult } from '../mapping/outcome';
import { resourceStatus } from '../mapping/outcome-status';
import { type ContactPlan, type PropertyChange, type ResourcePlan, planSync } from '../mapping/plan';
import { matchProductsToQuoteLines, type QuoteLineChanges } from '../mapping/quote-matching';
import type { SuperOfficeClient } from '../superoffice/client';
import type { CatalogCache } from '../superoffice/catalog-loader';
import type { PersonMatch } from '../superoffice/entities';
import { currentValueMatches, readCurrentValue } from '../superoffice/value-conversion';
import type { SettingsStore } from '../settings/settings-store';
import type { EntityUpdate, ProductsUpdate, QuoteLineWrite, ResolvedPlan } from '../workflows/sync-types';
import { activityLogger } from './activity-logger';
import { nonRetryable, toActivityFailure } from './failures';

export interface ResolvePlanDeps {
  superoffice: SuperOfficeClient;
  settings: SettingsStore;
  catalog: CatalogCache;
  logger: Logger;
}

type Entity = Record<string, unknown>;

function plannedProperties(plan: ResourcePlan): PropertyResult[] {
  return [
    ...plan.skipped.map((s) => ({
      property: s.property,
      label: s.label,
      status: 'skipped' as const,
      source: s.source,
      reason: s.reason,
    })),
    ...plan.failures.map((f) => ({
      property: f.property,
      label: f.label,
      status: 'failed' as const,
      source: f.source,
      reason: f.reason,
    })),
  ];
}

/**
 * Splits changes into those SuperOffice already has (reported as unchanged) and those to
 * write. Done here, before any write, so that a retried update reports what it wrote
 * even when its first attempt was applied and only the answer got lost.
 */
function partition(
  entity: Entity,
  changes: PropertyChange[],
): { write: PropertyChange[]; unchanged: PropertyResult[] } {
  const write: PropertyChange[] = [];
  const unchanged: PropertyResult[] = [];
  for (const c of changes) {
    if (currentValueMatches(c, c.value, readCurrentValue(entity, c.patchPath))) {
      unchanged.push({
        property: c.property,
        label: c.label,
        status: 'unchanged',
        display: c.display,
        source: c.source,
      });
    } else write.push(c);
  }
  return { write, unchanged };
}

function hasWork(plan: ResourcePlan): boolean {
  return plan.changes.length + plan.skipped.length + plan.failures.length > 0 || plan.failure !== undefined;
}

/** A resource whose fate is known before any write. */
function settled(
  base: Omit<ResourceResult, 'status' | 'properties'>,
  properties: PropertyResult[],
  error?: string,
): ResourceResult {
  return {
    ...base,
    status: resourceStatus(properties, error),
    ...(error !== undefined ? { error } : {}),
    properties,
  };
}

async function getOrNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'not_found') return null;
    throw err;
  }
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function describeLine(changes: QuoteLineChanges): string {
  const parts: string[] = [];
  if (changes.Quantity !== undefined) parts.push(`quantity ${formatNumber(changes.Quantity)}`);
  if (changes.UnitListPrice !== undefined) parts.push(`unit price ${formatNumber(changes.UnitListPrice)}`);
  if (changes.DiscountPercent !== undefined)
    parts.push(`discount ${formatNumber(changes.DiscountPercent)} %`);
  if (changes.DiscountAmount !== undefined) parts.push(`discount ${formatNumber(changes.DiscountAmount)}`);
  return parts.join(', ');
}

/**
 * Step 2: which SuperOffice records, which properties, which values. Reads the mapping
 * document and the property catalog, plans with the pure mapping module, then looks up
 * what the plan cannot know: the Sale's Company, each participant's Contact by email,
 * the quote lines, and the current values (to tell changes from no-ops).
 */
export function resolvePlanActivity(deps: ResolvePlanDeps) {
  const { superoffice } = deps;

  async function findPerson(
    contact: ContactPlan,
    companyId: number | undefined,
    companyPersons: PersonMatch[],
  ): Promise<{ person: PersonMatch } | { error: string }> {
    const email = contact.email!.toLowerCase();
    const inCompany = companyPersons.filter((p) => p.email.toLowerCase() === email);
    if (inCompany.length >= 1) return { person: inCompany[0]! };
    // The archive filter matches any of a person's addresses, while a row shows only the
    // first one: trust the filter, and do not compare the row's address again.
    const anywhere = [
      ...new Map((await superoffice.findPersonsByEmail(contact.email!)).map((p) => [p.personId, p])).values(),
    ];
    const ofCompany = anywhere.filter((p) => companyId !== undefined && p.contactId === companyId);
    if (ofCompany.length >= 1) return { person: ofCompany[0]! };
    if (anywhere.length === 1) return { person: anywhere[0]! };
    if (anywhere.length === 0) {
      return {
        error: `no SuperOffice Contact has the email ${contact.email} of participant #${contact.participant}`,
      };
    }
    return {
      error: `${anywhere.length} SuperOffice Contacts outside the Company have the email ${contact.email} (Contacts ${anywhere
        .map((m) => m.personId)
        .join(', ')}); Smart Sync does not guess which one is participant #${contact.participant}`,
    };
  }

  async function planProducts(
    saleId: number,
    plan: ReturnType<typeof planSync>,
  ): Promise<{ update?: ProductsUpdate; settled?: ResourceResult }> {
    const base = { type: 'Products' as const, id: saleId };
    const planned: PropertyResult[] = plan.productFailures.map((f) => ({
      property: f.name,
      status: 'failed',
      source: `Oneflow product ${f.oneflowProductId}`,
      reason: f.reason,
    }));
    if (plan.productLines.length === 0) return planned.length > 0 ? { settled: settled(base, planned) } : {};
    const quote = await superoffice.getQuoteEntityFromSaleId(saleId);
    if (!quote || !quote.ActiveQuoteVersionId) {
      return {
        settled: settled(
          base,
          planned,
          `Sale ${saleId} has no quote in SuperOffice, so there are no products to update`,
        ),
      };
    }
    const versionId = quote.ActiveQuoteVersionId;
    const version = await superoffice.getQuoteVersion(versionId);
    let alternativeId: number | undefined = version.LikelyQuoteAlternativeId ?? undefined;
    if (!alternativeId)
      alternativeId = (await superoffice.getQuoteAlternatives(versionId))[0]?.QuoteAlternativeId;
    if (!alternativeId) {
      return {
        settled: settled(base, planned, `the active quote version of Sale ${saleId} has no alternative`),
      };
    }
    const lines = await superoffice.getQuoteLines(alternativeId);
    const match = matchProductsToQuoteLines(plan.productLines, lines);
    const source = (p: { oneflowProductId: string; customId: string | null }) =>
      `Oneflow product ${p.customId ? `"${p.customId}"` : p.oneflowProductId}`;
    const writes: QuoteLineWrite[] = match.updates.map((u) => ({
      quoteLineId: u.quoteLineId,
      name: u.product.name,
      changes: u.changes,
      changedFields: u.changedFields.map((f) => f.replace(/^QuoteLine\./, '') as keyof QuoteLineChanges),
      display: describeLine(u.changes),
      source: source(u.product),
    }));
    planned.push(
      ...match.unchanged.map((u) => ({
        property: u.product.name,
        status: 'unchanged' as const,
        source: source(u.product),
      })),
      ...match.unmatched.map((u) => ({
        property: u.product.name,
        status: 'failed' as const,
        source: source(u.product),
        reason: u.reason,
      })),
    );
    if (writes.length === 0) return { settled: settled(base, planned) };
    return { update: { saleId, quoteAlternativeId: alternativeId, lines: writes, planned } };
  }

  return async function resolvePlan(input: {
    contractId: number;
    facts: ContractFacts;
  }): Promise<ResolvedPlan> {
    try {
      const document = await deps.settings.getMappingDocument();
      if (!document) {
        return {
          contacts: [],
          settled: [],
          notes: [
            'No mapping document is configured: nothing to sync. Configure one in the settings page or with SMART_SYNC_CONFIG.',
          ],
          nothingToSync: 'no mapping document is configured',
          personIds: [],
        };
      }
      const catalog = await deps.catalog.get();
      const plan = planSync({ facts: input.facts, document, catalog });
      const result: ResolvedPlan = {
        contacts: [],
        settled: [],
        notes: [...plan.errors, ...plan.notes],
        personIds: [],
        ...(plan.nothingToSync
          ? { nothingToSync: plan.nothingToSyncReason ?? 'nothing is configured to sync' }
          : {}),
      };
      if (plan.saleId === null) return result;

      const sale = await getOrNull(() => superoffice.getSale(plan.saleId!));
      if (!sale) {
        throw nonRetryable(
          'NotFound',
          `the contract links to Sale ${plan.saleId}, which does not exist in SuperOffice`,
        );
      }
      result.saleId = plan.saleId;

      // The Sale.
      if (hasWork(plan.sale)) {
        const { write, unchanged } = partition(sale, plan.sale.changes);
        const planned = [...unchanged, ...plannedProperties(plan.sale)];
        if (plan.sale.failure)
          result.settled.push(settled({ type: 'Sale', id: plan.saleId }, planned, plan.sale.failure));
        else if (write.length === 0) result.settled.push(settled({ type: 'Sale', id: plan.saleId }, planned));
        else result.sale = { type: 'Sale', id: plan.saleId, name: sale.Heading, changes: write, planned };
      }

      // The Company: the linked one, else the Sale's own.
      const companyId = plan.companyId ?? (sale.Contact?.ContactId || undefined);
      if (companyId !== undefined) result.companyId = companyId;
      const company =
        companyId !== undefined ? await getOrNull(() => superoffice.getCompany(companyId)) : null;
      if (hasWork(plan.company)) {
        const base = { type: 'Company' as const, id: companyId ?? null, name: company?.Name };
        const planned = plannedProperties(plan.company);
        if (plan.company.failure) result.settled.push(settled(base, planned, plan.company.failure));
        else if (companyId === undefined)
          result.settled.push(settled(base, planned, `Sale ${plan.saleId} has no Company`));
        else if (!company)
          result.settled.push(settled(base, planned, `Company ${companyId} does not exist in SuperOffice`));
        else {
          const { write, unchanged } = partition(company, plan.company.changes);
          const all = [...unchanged, ...planned];
          if (write.length === 0) result.settled.push(settled(base, all));
          else
            result.company = {
              type: 'Company',
              id: companyId,
              name: company.Name,
              changes: write,
              planned: all,
            };
        }
      }

      // The Contacts, found by the participants' email.
      const companyPersons =
        company && companyId !== undefined ? await superoffice.listCompanyPersons(companyId) : [];
      for (const contact of plan.contacts) {
        const base = {
          type: 'Contact' as const,
          id: null,
          name: contact.name,
          participant: contact.participant,
        };
        const planned = plannedProperties(contact);
        if (contact.failure) {
          result.settled.push(settled(base, planned, contact.failure));
          continue;
        }
        const found = await findPerson(contact, companyId, companyPersons);
        if ('error' in found) {
          result.settled.push(settled(base, planned, found.error));
          continue;
        }
        const personId = found.person.personId;
        result.personIds.push(personId);
        const person = await getOrNull(() => superoffice.getPerson(personId));
        if (!person) {
          result.settled.push(
            settled({ ...base, id: personId }, planned, `Contact ${personId} does not exist in SuperOffice`),
          );
          continue;
        }
        const { write, unchanged } = partition(person, contact.changes);
        const all = [...unchanged, ...planned];
        const update: EntityUpdate = {
          type: 'Contact',
          id: personId,
          name: contact.name ?? person.FullName,
          participant: contact.participant,
          changes: write,
          planned: all,
        };
        if (write.length === 0) result.settled.push(settled({ ...base, id: personId }, all));
        else result.contacts.push(update);
      }

      // The Products.
      if (plan.products.enabled) {
        if (plan.products.failure) {
          result.settled.push(settled({ type: 'Products', id: plan.saleId }, [], plan.products.failure));
        } else {
          const products = await planProducts(plan.saleId, plan);
          if (products.update) result.products = products.update;
          if (products.settled) result.settled.push(products.settled);
        }
      }
      activityLogger(deps.logger, { contractId: input.contractId, saleId: result.saleId }).info(
        {
          writes: [result.sale, result.company, ...result.contacts].reduce(
            (n, u) => n + (u?.changes.length ?? 0),
            0,
          ),
          productLines: result.products?.lines.length ?? 0,
          settled: result.settled.length,
        },
        'sync planned',
      );
      return result;
    } catch (err) {
      throw toActivityFailure(err, 'planning the sync');
    }
  };
}
