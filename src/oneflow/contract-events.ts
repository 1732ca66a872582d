import { z } from 'zod';

/**
 * A contract's event as GET /v1/contracts/{id}/events lists it. Oneflow documents an event
 * as `{id, type, created_time}` (https://developer.oneflow.com/docs/webhook-and-event), the
 * same ids its webhooks carry; attributes beyond those three are not documented, so the
 * object is loose and only `id` and `type` are required.
 */
export const oneflowContractEventSchema = z.looseObject({
  id: z.number().int(),
  /** `subject[:attribute]:verb`, e.g. contract:sign, contract:signature_reset. */
  type: z.string(),
  created_time: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});

export type OneflowContractEvent = z.output<typeof oneflowContractEventSchema>;

/** The sort keys Oneflow documents for this endpoint; a leading '-' sorts descending. */
export type ContractEventSort = 'id' | '-id' | 'created_time' | '-created_time' | 'type' | '-type';

const linkSchema = z
  .looseObject({ href: z.string().nullish() })
  .nullish()
  .transform((l) => l ?? null);

/**
 * One page of the list. Oneflow documents this envelope for its paginated list endpoints
 * (https://developer.oneflow.com/docs/pagination: "All list endpoints … are paginated"),
 * but not on the events endpoint's own page, so it is inferred here. In case the endpoint
 * answers a bare array instead, that is read as a single page holding every event.
 */
export const oneflowContractEventPageSchema = z.union([
  z.looseObject({
    _links: z
      .looseObject({ next: linkSchema })
      .nullish()
      .transform((l) => l ?? null),
    /** The total over all pages, unaffected by offset and limit. */
    count: z.number().int().nonnegative().nullish(),
    data: z.array(oneflowContractEventSchema),
  }),
  z.array(oneflowContractEventSchema).transform((data) => ({ _links: null, count: data.length, data })),
]);

export type OneflowContractEventPage = z.output<typeof oneflowContractEventPageSchema>;
