import { z } from 'zod';

/**
 * One row of GET /v1/contracts. Oneflow documents the list's items as contracts
 * (developer.oneflow.com/reference/get-contracts) without saying whether they are the
 * whole contract of GET /v1/contracts/{id}; only the attributes listing needs are
 * required here, and everything else is let through unread.
 */
export const oneflowContractListItemSchema = z.looseObject({
  id: z.number().int().positive(),
  state: z.string(),
  /** When the state last changed: for a signed contract, when it became signed. */
  state_updated_time: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});

export type OneflowContractListItem = z.output<typeof oneflowContractListItemSchema>;

const linkSchema = z
  .looseObject({ href: z.string().nullish() })
  .nullish()
  .transform((l) => l ?? null);

/** Oneflow's list envelope (developer.oneflow.com/docs/pagination). */
export const oneflowContractListPageSchema = z.looseObject({
  _links: z
    .looseObject({ next: linkSchema })
    .nullish()
    .transform((l) => l ?? null),
  /** The total over all pages, unaffected by offset and limit. */
  count: z.number().int().nonnegative(),
  data: z.array(oneflowContractListItemSchema),
});

export type OneflowContractListPage = z.output<typeof oneflowContractListPageSchema>;

/** The sort keys Oneflow documents for contracts; a leading '-' sorts descending. */
export const CONTRACT_SORT_KEYS = ['name', 'state', 'state_updated_time', 'published_time'] as const;
export type ContractSortKey = (typeof CONTRACT_SORT_KEYS)[number];
export type ContractSort = ContractSortKey | `-${ContractSortKey}`;

/** A datetime range filter's ends; either may be left out. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

/**
 * `<from>|<to>` in ISO 8601 with a `+00:00` offset, as Oneflow's filtering page writes
 * its example (`filter[published_time]=|2021-07-19T11:32:40%2B00:00`).
 */
export function timeRangeParam(range: TimeRange): string {
  const iso = (d: Date | undefined) => (d ? `${d.toISOString().slice(0, 19)}+00:00` : '');
  return `${iso(range.from)}|${iso(range.to)}`;
}
