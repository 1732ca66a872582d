import { z } from 'zod';

/**
 * Shapes of SuperOffice's documents, from Swagger-v1-Document.json (DocumentEntity),
 * Swagger-v1-DocumentAgent.json (Document, the row GetSaleDocuments lists) and
 * Swagger-v1-List.json (DocumentTemplateEntity, a document type). Loose, as entities.ts.
 */

const text = z.string().nullish();

/** A document type: `GET /v1/List/DocumentTemplate/Items`. */
export const documentTemplateSchema = z.looseObject({
  DocumentTemplateId: z.number().int(),
  Name: text,
  Tooltip: text,
  Deleted: z.boolean().nullish(),
  MimeType: text,
  Rank: z.number().int().nullish(),
});
export type DocumentTemplate = z.infer<typeof documentTemplateSchema>;

/** `POST /v1/Document` answers the saved entity; its Name may differ from the one sent. */
export const documentEntitySchema = z.looseObject({
  DocumentId: z.number().int(),
  Header: text,
  Name: text,
  Description: text,
  Date: text,
  DocumentTemplate: z.looseObject({ DocumentTemplateId: z.number().int() }).nullish(),
});
export type DocumentEntity = z.infer<typeof documentEntitySchema>;

/** One row of `POST /v1/Agents/Document/GetSaleDocuments`. */
export const saleDocumentSchema = z.looseObject({
  DocumentId: z.number().int(),
  Header: text,
  Name: text,
  Description: text,
  SaleId: z.number().int().nullish(),
});
export type SaleDocument = z.infer<typeof saleDocumentSchema>;

/** What Smart Sync sends to create a Document: carriers by id, as SuperOffice's how-to does. */
export interface DocumentDraft {
  Header: string;
  Name: string;
  Description: string;
  Date?: string;
  DocumentTemplate: { DocumentTemplateId: number };
  Sale: { SaleId: number };
  Contact?: { ContactId: number };
  Person?: { PersonId: number };
}
