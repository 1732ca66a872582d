import express, { type Request, type Response, type Router } from 'express';
import { associateOf } from './auth';
import { badRequest, notFound, SoApiError } from './errors';
import { isPlainObject } from './prop-values';
import type { SuperOfficeStore } from './store';

/**
 * SuperOffice's documents, as far as filing a finished file needs them
 * (Swagger-v1-Document.json, Swagger-v1-DocumentAgent.json, Swagger-v1-List.json):
 *   GET  /v1/List/DocumentTemplate/Items       the document types (DocumentTemplateEntity[])
 *   POST /v1/Document                          a DocumentEntity; answers it saved, with DocumentId
 *   GET  /v1/Document/{id}                     the entity, or 404
 *   PUT  /v1/Document/{id}/Content             the raw bytes (application/octet-stream); answers the entity
 *   GET  /v1/Document/{id}/Content             the bytes
 *   GET  /v1/Document/{id}/Length              the content's size in bytes (0 before any)
 *   POST /v1/Agents/Document/GetSaleDocuments  {SaleId} → Document[] (the Sale dialog's documents)
 * Emulator choices where SuperOffice documents nothing: a DocumentTemplate that does not exist,
 * or a Sale, Contact or Person that does not, is a 400; a Name another document of the same
 * type already has is saved with " (2)" before its extension (SuperOffice "may change" the
 * name on save). The document types are a fixed set, like a new tenant's.
 */

export interface StoredDocument {
  DocumentId: number;
  Header: string;
  Name: string;
  Description: string;
  Date: string;
  OurRef: string;
  YourRef: string;
  DocumentTemplateId: number;
  SaleId: number;
  ContactId: number;
  PersonId: number;
  AssociateId: number;
  CreatedDate: string;
  content?: Buffer;
}

export const DEMO_DOCUMENT_TEMPLATES = [
  { DocumentTemplateId: 1, Name: 'Letter', MimeType: 'application/msword' },
  { DocumentTemplateId: 2, Name: 'Offer', MimeType: 'application/msword' },
  { DocumentTemplateId: 3, Name: 'Contract', MimeType: 'application/pdf' },
  { DocumentTemplateId: 4, Name: 'Signed agreement', MimeType: 'application/pdf' },
] as const;

export class DocumentArchive {
  private documents = new Map<number, StoredDocument>();
  private nextId = 1;

  reset(): void {
    this.documents.clear();
    this.nextId = 1;
  }

  all(): StoredDocument[] {
    return [...this.documents.values()];
  }

  get(id: number): StoredDocument | undefined {
    return this.documents.get(id);
  }

  add(doc: Omit<StoredDocument, 'DocumentId'>): StoredDocument {
    const saved = { ...doc, DocumentId: this.nextId++ };
    this.documents.set(saved.DocumentId, saved);
    return saved;
  }

  /** The name with " (2)", " (3)"… before its extension while another document of the type has it. */
  freeName(name: string, templateId: number): string {
    const taken = (n: string) =>
      this.all().some((d) => d.DocumentTemplateId === templateId && d.Name.toLowerCase() === n.toLowerCase());
    if (!taken(name)) return name;
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let i = 2; ; i++) if (!taken(`${stem} (${i})${ext}`)) return `${stem} (${i})${ext}`;
  }
}

const RIGHTS = { TableRight: { Mask: 'Select, Update, Insert, Delete', Reason: '' }, FieldProperties: {} };

function templateView(t: (typeof DEMO_DOCUMENT_TEMPLATES)[number]) {
  return {
    ...t,
    Tooltip: '',
    SaveInDb: 1,
    Filename: '',
    Deleted: false,
    Rank: t.DocumentTemplateId,
    ...RIGHTS,
  };
}

function carrierId(body: Record<string, unknown>, carrier: string, idField: string): number {
  const key = Object.keys(body).find((k) => k.toLowerCase() === carrier.toLowerCase());
  const value = key === undefined ? undefined : body[key];
  if (value === undefined || value === null) return 0;
  if (!isPlainObject(value)) throw badRequest(`${carrier} must be an object such as {"${idField}": 1}`);
  const idKey = Object.keys(value).find((k) => k.toLowerCase() === idField.toLowerCase());
  const id = idKey === undefined ? 0 : value[idKey];
  if (id === 0 || id === undefined || id === null) return 0;
  if (typeof id !== 'number' || !Number.isInteger(id))
    throw badRequest(`${carrier}.${idField} must be an integer`);
  return id;
}

function textField(body: Record<string, unknown>, name: string): string {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : body[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  return value;
}

function entityView(store: SuperOfficeStore, d: StoredDocument) {
  const template = DEMO_DOCUMENT_TEMPLATES.find((t) => t.DocumentTemplateId === d.DocumentTemplateId);
  const sale = d.SaleId ? store.entity('Sale', d.SaleId) : undefined;
  return {
    DocumentId: d.DocumentId,
    Header: d.Header,
    Name: d.Name,
    Description: d.Description,
    Date: d.Date,
    OurRef: d.OurRef,
    YourRef: d.YourRef,
    CreatedDate: d.CreatedDate,
    UpdatedDate: d.CreatedDate,
    DocumentTemplate: template ? templateView(template) : null,
    Sale: d.SaleId
      ? { SaleId: d.SaleId, Heading: (sale?.doc as { Heading?: string } | undefined)?.Heading ?? '' }
      : null,
    Contact: d.ContactId ? { ContactId: d.ContactId } : null,
    Person: d.PersonId ? { PersonId: d.PersonId } : null,
    Associate: { AssociateId: d.AssociateId },
    ...RIGHTS,
  };
}

function documentRow(d: StoredDocument) {
  const template = DEMO_DOCUMENT_TEMPLATES.find((t) => t.DocumentTemplateId === d.DocumentTemplateId);
  return {
    DocumentId: d.DocumentId,
    Header: d.Header,
    Name: d.Name,
    Description: d.Description,
    DocumentTemplate: template?.Name ?? '',
    SaleId: d.SaleId,
    ContactId: d.ContactId,
    PersonId: d.PersonId,
    AssociateId: d.AssociateId,
    ...RIGHTS,
  };
}

function idOf(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d+$/.test(raw)) throw new SoApiError(404, 'NotFoundException', `No document id "${raw}"`);
  return Number(raw);
}

/** Mounted on the tenant API after auth, before the generic REST routes. */
export function documentRouter(store: SuperOfficeStore, archive: DocumentArchive): Router {
  const r = express.Router();
  const mustFind = (id: number) => {
    const d = archive.get(id);
    if (!d) throw notFound('Document', id);
    return d;
  };

  r.get('/v1/List/DocumentTemplate/Items', (_req, res) => {
    res.json(DEMO_DOCUMENT_TEMPLATES.map(templateView));
  });

  r.post('/v1/Document', (req: Request, res: Response) => {
    const body: unknown = req.body;
    if (!isPlainObject(body))
      throw badRequest('The request body of POST Document must be a DocumentEntity object');
    const templateId = carrierId(body, 'DocumentTemplate', 'DocumentTemplateId');
    if (!DEMO_DOCUMENT_TEMPLATES.some((t) => t.DocumentTemplateId === templateId))
      throw badRequest(`DocumentTemplate ${templateId} does not exist`);
    const saleId = carrierId(body, 'Sale', 'SaleId');
    const contactId = carrierId(body, 'Contact', 'ContactId');
    const personId = carrierId(body, 'Person', 'PersonId');
    if (saleId && !store.entity('Sale', saleId)) throw badRequest(`Sale ${saleId} does not exist`);
    if (contactId && !store.entity('Contact', contactId))
      throw badRequest(`Contact ${contactId} does not exist`);
    if (personId && !store.entity('Person', personId)) throw badRequest(`Person ${personId} does not exist`);
    const header = textField(body, 'Header');
    const name = textField(body, 'Name') || `${header || 'Document'}.pdf`;
    const now = new Date().toISOString().slice(0, 19);
    const saved = archive.add({
      Header: header,
      Name: archive.freeName(name, templateId),
      Description: textField(body, 'Description'),
      Date: textField(body, 'Date') || now,
      OurRef: textField(body, 'OurRef'),
      YourRef: textField(body, 'YourRef'),
      DocumentTemplateId: templateId,
      SaleId: saleId,
      ContactId: contactId,
      PersonId: personId,
      AssociateId: associateOf(res),
      CreatedDate: now,
    });
    res.status(200).json(entityView(store, saved));
  });

  r.get('/v1/Document/:id', (req, res) => {
    res.json(entityView(store, mustFind(idOf(req))));
  });

  r.put('/v1/Document/:id/Content', express.raw({ type: () => true, limit: '200mb' }), (req, res) => {
    const doc = mustFind(idOf(req));
    doc.content = Buffer.isBuffer(req.body) ? Buffer.from(req.body) : Buffer.alloc(0);
    res.json(entityView(store, doc));
  });

  r.get('/v1/Document/:id/Length', (req, res) => {
    res.json(mustFind(idOf(req)).content?.byteLength ?? 0);
  });

  r.get('/v1/Document/:id/Content', (req, res) => {
    const doc = mustFind(idOf(req));
    res.type('application/octet-stream').send(doc.content ?? Buffer.alloc(0));
  });

  r.post('/v1/Agents/Document/GetSaleDocuments', (req, res) => {
    const body: unknown = req.body;
    if (!isPlainObject(body))
      throw badRequest('The request body of Agents/Document/GetSaleDocuments must be a JSON object');
    const key = Object.keys(body).find((k) => k.toLowerCase() === 'saleid');
    const saleId = key === undefined ? 0 : Number(body[key]);
    res.json(
      archive
        .all()
        .filter((d) => d.SaleId === saleId && saleId !== 0)
        .map(documentRow),
    );
  });

  return r;
}

/** Control: the documents with their content's size, and one document's bytes. */
export function documentControlRouter(archive: DocumentArchive): Router {
  const r = express.Router();
  r.get('/documents', (_req, res) => {
    res.json(
      archive.all().map(({ content, ...d }) => ({ ...d, contentBytes: content ? content.byteLength : null })),
    );
  });
  r.get('/documents/:id/content', (req, res) => {
    const doc = archive.get(Number(req.params.id));
    if (!doc?.content) {
      res.status(404).json({ error: `document ${req.params.id} has no content` });
      return;
    }
    res.type('application/octet-stream').send(doc.content);
  });
  return r;
}
