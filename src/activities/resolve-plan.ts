import { ApiError } from '../http/api-error';
import type { Logger } from '../logging/logger';
import { type ContactPlan, planFailureDetails, planSync } from '../mapping/plan';
import { personFoundByEmail, personInCompany, type ParticipantMatch } from '../mapping/participant-match';
import {
  hasWork,
  matchedProductResults,
  partitionChanges,
  plannedProperties,
  productFailureResults,
  settled,
} from '../mapping/planned-results';
import { planProductChanges } from '../mapping/product-changes';
import { quoteLineWrite } from '../mapping/product-lines';
import { planSaleSold } from '../mapping/sale-sold';
import { planSignedPdf } from '../mapping/signed-pdf';
import { matchProductsToQuoteLines } from '../mapping/quote-matching';
import type { SuperOfficeClient } from '../superoffice/client';
import type { CatalogCache } from '../superoffice/catalog-loader';
import type { PersonMatch } from '../superoffice/entities';
import type { MappingDocument } from '../config/mapping-document';
import type { MappingStore } from '../mapping-store/mapping-store';
import { activityLogger } from './activity-logger';
import { currentAttempt } from './attempt';
import { nonRetryable, toActivityFailure } from './failures';
import {
  FAILURE,
  type ContractFacts,
  type EntityUpdate,
  type PlanFailureDetails,
  type ProductsUpdate,
  type ResolvedPlan,
  type ResourceResult,
} from '../workflow-contract';

export interface ResolvePlanDeps {
  superoffice: SuperOfficeClient;
  mappingStore: MappingStore;
  catalog: CatalogCache;
  logger: Logger;
}

async function getOrNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'not_found') return null;
    throw err;
  }
}

/**
 * Step 2: which SuperOffice records, which properties, which values. Reads the mapping
 * document and the property catalog, plans with the pure mapping module, then looks up
 * what the plan cannot know: the Sale's Company, each participant's Contact by email,
 * the quote lines, and the current values (to tell changes from no-ops).
 */
export function resolvePlanActivity(deps: ResolvePlanDeps) {
  async function findPerson(
    superoffice: SuperOfficeClient,
    contact: ContactPlan,
    companyId: number | undefined,
    companyPersons: PersonMatch[],
  ): Promise<ParticipantMatch> {
    const inCompany = personInCompany(contact.email!, companyPersons);
    if (inCompany) return { person: inCompany };
    const participant = { participant: contact.participant, email: contact.email! };
    return personFoundByEmail(participant, companyId, await superoffice.findPersonsByEmail(contact.email!));
  }

  async function planProducts(
    superoffice: SuperOfficeClient,
    saleId: number,
    plan: ReturnType<typeof planSync>,
    switches: MappingDocument['smartSync'],
  ): Promise<{ update?: ProductsUpdate; settled?: ResourceResult }> {
    const base = { type: 'Products' as const, id: saleId };
    const planned = productFailureResults(plan.productFailures);
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
    const writes = match.updates.map((u) => quoteLineWrite(u));
    const changes = planProductChanges(match, switches);
    planned.push(...matchedProductResults({ unchanged: match.unchanged, unmatched: [] }), ...changes.planned);
    const adding = switches.addProducts === true || switches.removeProducts === true;
    if (writes.length + changes.additions.length + changes.removals.length === 0)
      return { settled: settled(base, planned) };
    return {
      update: {
        saleId,
        quoteAlternativeId: alternativeId,
        lines: writes,
        planned,
        // Only with the 0.3 switches on, so that a plan without them stays as it was.
        ...(adding
          ? {
              additions: changes.additions,
              removals: changes.removals,
              knownLineIds: lines.map((l) => l.QuoteLineId),
            }
          : {}),
      },
    };
  }

  return async function resolvePlan(input: {
    contractId: number;
    facts: ContractFacts;
  }): Promise<ResolvedPlan> {
    let failureDetails: PlanFailureDetails | undefined;
    const superoffice = deps.superoffice.forAttempt(currentAttempt().scope);
    try {
      const document = await deps.mappingStore.getMappingDocument();
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
      failureDetails = planFailureDetails(input.facts, document);
      const catalog = await deps.catalog.get(superoffice);
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
          FAILURE.NotFound,
          `the contract links to Sale ${plan.saleId}, which does not exist in SuperOffice`,
        );
      }
      result.saleId = plan.saleId;

      // The Sale. Marking it sold needs its current status, so it joins the plan only now,
      // as changes of the Sale's one update like any mapped property.
      const sold = planSaleSold({
        facts: input.facts,
        document,
        catalog,
        currentStatus: sale.Status,
      });
      plan.sale.changes.push(...sold.changes);
      plan.sale.skipped.push(...sold.skipped);
      if (hasWork(plan.sale)) {
        const { write, unchanged } = partitionChanges(sale, plan.sale.changes);
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
          const { write, unchanged } = partitionChanges(company, plan.company.changes);
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
        const found = await findPerson(superoffice, contact, companyId, companyPersons);
        if ('error' in found) {
          result.settled.push(settled(base, planned, found.error));
          continue;
        }
        const personId = found.person.personId;
        const person = await getOrNull(() => superoffice.getPerson(personId));
        if (!person) {
          result.settled.push(
            settled({ ...base, id: personId }, planned, `Contact ${personId} does not exist in SuperOffice`),
          );
          continue;
        }
        // Only after the read, so that the outcome Activity links only persons that exist.
        result.personIds.push(personId);
        const { write, unchanged } = partitionChanges(person, contact.changes);
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
          const products = await planProducts(superoffice, plan.saleId, plan, document.smartSync);
          if (products.update) result.products = products.update;
          if (products.settled) result.settled.push(products.settled);
        }
      }
      // The signed PDF, filed on the Sale with its Company and the first matched Contact.
      const signedPdf = planSignedPdf({
        facts: input.facts,
        document,
        saleId: plan.saleId,
        companyId: company ? companyId : undefined,
        personIds: result.personIds,
      });
      if (signedPdf) result.signedPdf = signedPdf;
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
      throw toActivityFailure(err, 'planning the sync', failureDetails);
    }
  };
}
