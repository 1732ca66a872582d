import type { OneflowContractEvent } from '../oneflow/contract-events';
import type { OneflowContractListItem } from '../oneflow/contract-list';
import type { SignedContract, SignedContractsPage } from '../workflow-contract';
import { SIGN_EVENT_TYPE } from './signing-check';

/**
 * Which listed contracts were signed inside a window, and which event is a contract's
 * signing. Oneflow documents no filter on the time of signing under a name we can rely on,
 * so the list is read as `filter[states]=signed&sort=-state_updated_time` (newest signing
 * first) and cut here: rows newer than the window are passed over, and the first row older
 * than it ends the listing.
 */

export const SIGNATURE_RESET_EVENT_TYPE = 'contract:signature_reset';

/** Oneflow's deepest offset (developer.oneflow.com/docs/pagination). */
export const MAX_LIST_OFFSET = 19_900;

/** `2020-06-30T07:15:23+0000` (Oneflow's format) or any ISO 8601 with an offset → epoch ms. */
export function oneflowTimeMs(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const normal = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(normal)) return undefined;
  const ms = Date.parse(normal);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface ListedPage {
  /** The rows of one page, as listed newest signing first. */
  rows: readonly OneflowContractListItem[];
  offset: number;
  count: number;
  /** Whether Oneflow says there is a page after this one. */
  hasMore: boolean;
}

export interface SigningWindow {
  /** Epoch ms, inclusive. */
  sinceMs: number;
  /** Epoch ms, exclusive. */
  untilMs: number;
}

export function signedInWindow(page: ListedPage, window: SigningWindow): SignedContractsPage {
  const contracts: SignedContract[] = [];
  let passedWindow = false;
  let oldestSeen: number | undefined;
  for (const row of page.rows) {
    // The query asks for signed contracts only; a row in another state changed meanwhile.
    if (row.state !== 'signed') continue;
    const signedAt = oneflowTimeMs(row.state_updated_time);
    // Without a readable time the row cannot be placed: it is left out rather than guessed.
    if (signedAt === undefined) continue;
    oldestSeen = signedAt;
    if (signedAt >= window.untilMs) continue;
    if (signedAt < window.sinceMs) {
      passedWindow = true;
      break;
    }
    contracts.push({ contractId: row.id, signedAt: new Date(signedAt).toISOString() });
  }
  const result: SignedContractsPage = { contracts, total: page.count };
  if (passedWindow || !page.hasMore || page.rows.length === 0) return result;
  const next = page.offset + page.rows.length;
  if (next > MAX_LIST_OFFSET) {
    if (oldestSeen !== undefined) result.reachedBack = new Date(oldestSeen).toISOString();
    return result;
  }
  result.nextOffset = next;
  return result;
}

export type LatestSigning = { signed: true; eventId: number } | { signed: false; reason: string };

/**
 * The contract's standing signing: its newest contract:sign event, unless a signature
 * reset came after it. Event ids grow with time in Oneflow (assumed: the docs do not say
 * so, but the ids webhooks carry do), so the newest is the one with the highest id.
 */
export function latestSigning(
  contractId: number,
  events: readonly Pick<OneflowContractEvent, 'id' | 'type'>[],
): LatestSigning {
  const last = [...events]
    .filter((e) => e.type === SIGN_EVENT_TYPE || e.type === SIGNATURE_RESET_EVENT_TYPE)
    .sort((a, b) => b.id - a.id)[0];
  if (!last)
    return { signed: false, reason: `Oneflow lists no ${SIGN_EVENT_TYPE} event for contract ${contractId}` };
  if (last.type !== SIGN_EVENT_TYPE) {
    return {
      signed: false,
      reason: `contract ${contractId}'s last signing was reset in Oneflow (event ${last.id})`,
    };
  }
  return { signed: true, eventId: last.id };
}
