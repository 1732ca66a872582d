import { z } from 'zod';

/**
 * A contract's files as GET /v1/contracts/{id}/files/ lists them: `{id, name, type,
 * extension}`, type one of contract (the signed contract, "always available"),
 * verification, attachment, pdf (Oneflow's files how-to and its Power Platform connector).
 * Assumed, as neither shows the list's body: either a bare array or Oneflow's list
 * envelope with the items under `data`; both are read.
 */
export const oneflowContractFileSchema = z.looseObject({
  id: z.number().int(),
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  type: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  extension: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});

export type OneflowContractFile = z.output<typeof oneflowContractFileSchema>;

export const oneflowContractFilesSchema = z
  .union([z.array(oneflowContractFileSchema), z.looseObject({ data: z.array(oneflowContractFileSchema) })])
  .transform((v) => (Array.isArray(v) ? v : v.data));
