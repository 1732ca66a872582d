import { z } from 'zod';
import { ApiError } from '../http/api-error';
import { type AttemptScope, eitherSignal, jsonRequest } from '../http/json-request';
import { type SuperOfficeCredentials, StaticTokenCredentials } from './sign-in/credentials';
import {
  type AppointmentDraft,
  type AppointmentEntity,
  type ContactEntity,
  type FieldInfoBase,
  type MdoListItem,
  type PersonEntity,
  type PersonMatch,
  type QuoteAlternative,
  type QuoteAlternativeRecalculated,
  type QuoteEntity,
  type QuoteLine,
  type QuoteLineChangedField,
  type QuoteVersion,
  type SaleActivity,
  type SaleEntity,
  type UserDefinedFieldInfo,
  agentsInvalidRequestSchema,
  appointmentEntitySchema,
  contactEntitySchema,
  fieldInfoBaseSchema,
  mdoListItemSchema,
  odataListSchema,
  personArchiveRowSchema,
  personEntitySchema,
  quoteAlternativeRecalculatedSchema,
  quoteAlternativeSchema,
  quoteEntitySchema,
  quoteLineSchema,
  quoteVersionSchema,
  restErrorBodySchema,
  saleActivityRowSchema,
  saleEntitySchema,
  userDefinedFieldInfoSchema,
} from './entities';
import {
  type DocumentDraft,
  type DocumentEntity,
  type DocumentTemplate,
  type SaleDocument,
  documentEntitySchema,
  documentTemplateSchema,
  saleDocumentSchema,
} from './documents';

/** The REST resources whose custom fields Smart Sync reads and writes (API names). */
export type SuperOfficeEntityName = 'Sale' | 'Contact' | 'Person';

/** RFC 6902 operations SuperOffice supports (no move, no copy). Paths are case-insensitive. */
export type JsonPatchOperation =
  { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

export interface SuperOfficeClientOptions {
  /** The tenant's web API base, e.g. https://sod2.superoffice.com/Cust12345/api. */
  apiUrl: string;
  /**
   * An OAuth access token ("8A:…") or a system-user ticket ("7T:…"). A function is asked
   * before every call, so a refreshing token source can sit behind it.
   */
  accessToken?: string | (() => string | Promise<string>);
  /** The app's client secret; sent as SO-AppToken with a "7T:" ticket, which Online requires. */
  appToken?: string;
  /** A refreshing credential source (refresh token, system user); used instead of accessToken. */
  credentials?: SuperOfficeCredentials;
  /**
   * Where the tenant's web API is now, asked after a 421 (the tenant moved to another
   * cluster); the call is then sent once more to the new address.
   */
  relocate?: () => Promise<string>;
  /**
   * Per request; default 10 s, well inside the 30 s an activity attempt may take, so that a
   * slow call fails its attempt (which is then retried) instead of outliving it.
   */
  timeoutMs?: number;
}

export interface RequestOptions {
  /** Cancels the call (e.g. a Temporal activity's cancellation signal); it then rejects with an AbortError. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const SERVICE = 'superoffice';
const PERSON_ARCHIVE_COLUMNS = 'personId,contactId,fullName,email/emailAddress';
const SALE_ACTIVITY_COLUMNS = 'saleId,date,text';
const SALE_APPOINTMENT_COLUMNS = 'appointmentId,date,text';

/**
 * A thin, typed client of the SuperOffice CRM Web API: REST entities under `/v1/{Entity}`
 * and the Quote agent under `/v1/Agents/Quote/{Method}`. It speaks HTTP and translates
 * failures into ApiError; it decides nothing about what to write.
 */
export class SuperOfficeClient {
  private readonly timeoutMs: number;
  /** Shared with every view forAttempt makes, so that a tenant's move is learnt once for all. */
  private readonly shared: { baseUrl: string; credentials: SuperOfficeCredentials };

  constructor(
    private readonly options: SuperOfficeClientOptions,
    private readonly attempt: AttemptScope = {},
    shared?: { baseUrl: string; credentials: SuperOfficeCredentials },
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new TypeError(`timeoutMs must be positive, got ${this.timeoutMs}`);
    this.shared = shared ?? {
      baseUrl: baseUrlOf(options.apiUrl),
      credentials:
        options.credentials ?? new StaticTokenCredentials(options.accessToken ?? '', options.appToken),
    };
  }

  /** The credential's own tenant address (a stored connection's webapi_url) wins over apiUrl. */
  private get baseUrl(): string {
    const own = this.shared.credentials.apiUrl?.();
    return own ? baseUrlOf(own) : this.shared.baseUrl;
  }

  /**
   * The same client for one activity attempt: every call is cancelled by the attempt's
   * signal (besides any signal the call is given) and reported to `onCall` once answered.
   */
  forAttempt(attempt: AttemptScope): SuperOfficeClient {
    return new SuperOfficeClient(this.options, attempt, this.shared);
  }

  // Sale, Company (Contact), Contact (Person)

  async getSale(saleId: number, opts?: RequestOptions): Promise<SaleEntity> {
    return this.rest('GET', `Sale/${idSegment('Sale', saleId)}`, saleEntitySchema, opts);
  }

  async getCompany(contactId: number, opts?: RequestOptions): Promise<ContactEntity> {
    return this.rest('GET', `Contact/${idSegment('Contact', contactId)}`, contactEntitySchema, opts);
  }

  async getPerson(personId: number, opts?: RequestOptions): Promise<PersonEntity> {
    return this.rest('GET', `Person/${idSegment('Person', personId)}`, personEntitySchema, opts);
  }

  /** JSON Patch; answers the whole updated Sale. A failed `test` op is an ApiError `conflict`. */
  async patchSale(saleId: number, ops: JsonPatchOperation[], opts?: RequestOptions): Promise<SaleEntity> {
    return this.rest('PATCH', `Sale/${idSegment('Sale', saleId)}`, saleEntitySchema, { ...opts, body: ops });
  }

  async patchCompany(
    contactId: number,
    ops: JsonPatchOperation[],
    opts?: RequestOptions,
  ): Promise<ContactEntity> {
    return this.rest('PATCH', `Contact/${idSegment('Contact', contactId)}`, contactEntitySchema, {
      ...opts,
      body: ops,
    });
  }

  async patchPerson(
    personId: number,
    ops: JsonPatchOperation[],
    opts?: RequestOptions,
  ): Promise<PersonEntity> {
    return this.rest('PATCH', `Person/${idSegment('Person', personId)}`, personEntitySchema, {
      ...opts,
      body: ops,
    });
  }

  /**
   * The Company's Contacts, from the `Person` archive, in id order. `email` is the address the
   * archive shows for the person (the first one); a person with several has only one row.
   */
  async listCompanyPersons(contactId: number, opts?: RequestOptions): Promise<PersonMatch[]> {
    const list = await this.rest(
      'GET',
      `Contact/${idSegment('Contact', contactId)}/Persons`,
      odataListSchema(personArchiveRowSchema),
      { ...opts, query: { $select: PERSON_ARCHIVE_COLUMNS, $orderBy: 'personId' } },
    );
    return list.value.map((row, index) => toPersonMatch(row, index, `Contact/${contactId}/Persons`));
  }

  /**
   * Contacts anywhere in the tenant with this e-mail address, through the `Person` archive's
   * `email/emailAddress` column, in id order. The filter matches any of a person's addresses,
   * while `email` is the one the archive shows, so it may differ from the address searched.
   */
  async findPersonsByEmail(email: string, opts?: RequestOptions): Promise<PersonMatch[]> {
    const list = await this.rest('GET', 'Person', odataListSchema(personArchiveRowSchema), {
      ...opts,
      query: {
        $select: PERSON_ARCHIVE_COLUMNS,
        $filter: `email/emailAddress eq ${odataString(email)}`,
        $orderBy: 'personId',
      },
    });
    return list.value.map((row, index) => toPersonMatch(row, index, 'Person'));
  }

  // Activities (Appointment)

  /** Follow-ups and documents linked to the Sale, from the `SaleActivity` archive. */
  async listSaleActivities(saleId: number, opts?: RequestOptions): Promise<SaleActivity[]> {
    const list = await this.rest(
      'GET',
      `Sale/${idSegment('Sale', saleId)}/Activities`,
      odataListSchema(saleActivityRowSchema),
      { ...opts, query: { $select: SALE_ACTIVITY_COLUMNS } },
    );
    return list.value.map((row, index) => {
      if (row.PrimaryKey === undefined) {
        throw invalidRow(`Sale/${saleId}/Activities`, index, 'PrimaryKey');
      }
      return {
        id: row.PrimaryKey,
        entityName: row.EntityName ?? '',
        text: row.text ?? '',
        ...(row.date ? { date: row.date } : {}),
      };
    });
  }

  /**
   * The Sale's follow-ups whose text contains `text`, in id order: one call to the
   * `SaleActivity` archive, however many Activities the Sale has. Matching ignores case.
   */
  async findSaleAppointments(saleId: number, text: string, opts?: RequestOptions): Promise<SaleActivity[]> {
    const path = `Sale/${idSegment('Sale', saleId)}/Activities`;
    const list = await this.rest('GET', path, odataListSchema(saleActivityRowSchema), {
      ...opts,
      query: {
        $entities: 'appointment',
        $select: SALE_APPOINTMENT_COLUMNS,
        $filter: `text contains ${odataString(text)}`,
      },
    });
    return list.value
      .map((row, index) => {
        const id = row.appointmentId ?? row.PrimaryKey;
        if (id === undefined) throw invalidRow(path, index, 'appointmentId');
        return {
          id,
          entityName: row.EntityName ?? 'appointment',
          text: row.text ?? '',
          ...(row.date ? { date: row.date } : {}),
        };
      })
      .sort((a, b) => a.id - b.id);
  }

  async createAppointment(draft: AppointmentDraft, opts?: RequestOptions): Promise<AppointmentEntity> {
    return this.rest('POST', 'Appointment', appointmentEntitySchema, { ...opts, body: draft });
  }

  async getAppointment(appointmentId: number, opts?: RequestOptions): Promise<AppointmentEntity> {
    return this.rest(
      'GET',
      `Appointment/${idSegment('Appointment', appointmentId)}`,
      appointmentEntitySchema,
      opts,
    );
  }

  /** Answers 204; an Appointment that is not there is an ApiError `not_found`. */
  async deleteAppointment(appointmentId: number, opts?: RequestOptions): Promise<void> {
    await this.rest('DELETE', `Appointment/${idSegment('Appointment', appointmentId)}`, z.unknown(), opts);
  }

  // Field metadata

  /** Published user-defined fields and extra fields (not the standard ones). */
  async getCustomFields(entity: SuperOfficeEntityName, opts?: RequestOptions): Promise<FieldInfoBase[]> {
    return this.rest('GET', `${entity}/CustomField`, z.array(fieldInfoBaseSchema), opts);
  }

  /** The published udef layout: ProgId, type, TextLength, list id, read-only flag. */
  async getPublishedUdefs(
    entity: SuperOfficeEntityName,
    opts?: RequestOptions,
  ): Promise<UserDefinedFieldInfo[]> {
    return this.rest('GET', `${entity}/UdefLayout/Published`, z.array(userDefinedFieldInfoSchema), opts);
  }

  /** Items of a list, e.g. "udlist12" for a List udef (its `MdoListName`). */
  async getMdoList(listName: string, opts?: RequestOptions): Promise<MdoListItem[]> {
    if (!/^[\w.:-]+$/.test(listName)) {
      throw new ApiError(SERVICE, 'rejected', `MDO list name "${listName}" is not a valid list name`);
    }
    return this.rest('GET', `MDOList/${encodeURIComponent(listName)}`, z.array(mdoListItemSchema), opts);
  }

  // Quote agent (Sale products)

  /** The Sale's quote, or null when the Sale has none (the Agents answer null for that). */
  async getQuoteEntityFromSaleId(saleId: number, opts?: RequestOptions): Promise<QuoteEntity | null> {
    return this.agent(
      'GetQuoteEntityFromSaleId',
      { SaleId: positiveId('Sale', saleId) },
      quoteEntitySchema,
      opts,
    );
  }

  async getQuoteVersion(quoteVersionId: number, opts?: RequestOptions): Promise<QuoteVersion> {
    return this.agentRequired(
      'GetQuoteVersion',
      { QuoteVersionId: positiveId('QuoteVersion', quoteVersionId) },
      quoteVersionSchema,
      `QuoteVersion ${quoteVersionId}`,
      opts,
    );
  }

  async getQuoteAlternatives(quoteVersionId: number, opts?: RequestOptions): Promise<QuoteAlternative[]> {
    return this.agentRequired(
      'GetQuoteAlternatives',
      { QuoteVersionId: positiveId('QuoteVersion', quoteVersionId) },
      z.array(quoteAlternativeSchema),
      `QuoteVersion ${quoteVersionId}`,
      opts,
    );
  }

  async getQuoteLines(quoteAlternativeId: number, opts?: RequestOptions): Promise<QuoteLine[]> {
    return this.agentRequired(
      'GetQuoteLines',
      { QuoteAlternativeId: positiveId('QuoteAlternative', quoteAlternativeId) },
      z.array(quoteLineSchema),
      `QuoteAlternative ${quoteAlternativeId}`,
      opts,
    );
  }

  /**
   * Asks SuperOffice to recompute a line after Smart Sync changed some of its fields. The
   * answer is not saved: pass it to saveQuoteLine. `changedFields` are plain field names;
   * they go on the wire in the documented `QuoteLine.Quantity` form.
   */
  async recalculateQuoteLine(
    line: QuoteLine,
    changedFields: QuoteLineChangedField[],
    opts?: RequestOptions,
  ): Promise<QuoteLine> {
    return this.agentRequired(
      'RecalculateQuoteLine',
      { QuoteLine: line, ChangedFields: changedFields.map((f) => `QuoteLine.${f}`) },
      quoteLineSchema,
      `QuoteLine ${line.QuoteLineId}`,
      opts,
    );
  }

  async saveQuoteLine(line: QuoteLine, opts?: RequestOptions): Promise<QuoteLine> {
    return this.agentRequired(
      'SaveQuoteLine',
      { QuoteLine: line },
      quoteLineSchema,
      `QuoteLine ${line.QuoteLineId}`,
      opts,
    );
  }

  /**
   * Several lines in one call (SaveQuoteLines {QuoteLines}, answering the saved lines).
   * Null, which the Agents answer when a line cannot be saved (one that was deleted
   * meanwhile), is an ApiError `not_found`, as for SaveQuoteLine.
   */
  async saveQuoteLines(lines: QuoteLine[], opts?: RequestOptions): Promise<QuoteLine[]> {
    return this.agentRequired(
      'SaveQuoteLines',
      { QuoteLines: lines },
      z.array(quoteLineSchema),
      `QuoteLines ${lines.map((l) => l.QuoteLineId).join(', ')}`,
      opts,
    );
  }

  /** Recomputes the alternative's totals from its lines (and the Sale's Amount when the quote says so). */
  async recalculateQuoteAlternative(
    quoteAlternativeId: number,
    opts?: RequestOptions,
  ): Promise<QuoteAlternativeRecalculated> {
    return this.agentRequired(
      'RecalculateQuoteAlternative',
      // The request field is named QuoteAlternative but carries the id (Swagger: int32).
      { QuoteAlternative: positiveId('QuoteAlternative', quoteAlternativeId) },
      quoteAlternativeRecalculatedSchema,
      `QuoteAlternative ${quoteAlternativeId}`,
      opts,
    );
  }

  /**
   * A new line on the alternative from the price list, by ERP product key; null when no
   * product of the catalog has that key. Not saved: pass it to saveQuoteLine.
   */
  async createQuoteLine(
    quoteAlternativeId: number,
    erpProductKey: string,
    opts?: RequestOptions,
  ): Promise<QuoteLine | null> {
    return this.agent(
      'CreateQuoteLine',
      {
        QuoteAlternativeId: positiveId('QuoteAlternative', quoteAlternativeId),
        ERPProductKey: erpProductKey,
      },
      quoteLineSchema,
      opts,
    );
  }

  /** Answers 204, also for a line that is not there (any more). */
  async deleteQuoteLine(quoteLineId: number, opts?: RequestOptions): Promise<void> {
    await this.agent(
      'DeleteQuoteLine',
      { QuoteLineId: positiveId('QuoteLine', quoteLineId) },
      z.unknown(),
      opts,
    );
  }

  // Documents

  /** The tenant's document types (document templates), deleted ones left out by SuperOffice. */
  async listDocumentTemplates(opts?: RequestOptions): Promise<DocumentTemplate[]> {
    return this.rest('GET', 'List/DocumentTemplate/Items', z.array(documentTemplateSchema), opts);
  }

  /** The documents listed in the Sale's dialog (Document agent, GetSaleDocuments). */
  async listSaleDocuments(saleId: number, opts?: RequestOptions): Promise<SaleDocument[]> {
    const answer = await this.agent(
      'GetSaleDocuments',
      { SaleId: positiveId('Sale', saleId) },
      z.array(saleDocumentSchema),
      opts,
      'Document',
    );
    return answer ?? [];
  }

  /** The Document's record (no content yet); SuperOffice may rename the file, so use the answer. */
  async createDocument(draft: DocumentDraft, opts?: RequestOptions): Promise<DocumentEntity> {
    return this.rest('POST', 'Document', documentEntitySchema, { ...opts, body: draft });
  }

  /** How many bytes of content the document has (0 when none was stored yet). */
  async getDocumentLength(documentId: number, opts?: RequestOptions): Promise<number> {
    return this.rest(
      'GET',
      `Document/${idSegment('Document', documentId)}/Length`,
      z.number().int().min(0),
      opts,
    );
  }

  /** The document's content, stored as sent (PUT …/Content, not POST, which merges a template). */
  async setDocumentContent(
    documentId: number,
    bytes: Uint8Array,
    opts?: RequestOptions,
  ): Promise<DocumentEntity> {
    return this.rest('PUT', `Document/${idSegment('Document', documentId)}/Content`, documentEntitySchema, {
      ...opts,
      rawBody: { bytes, contentType: 'application/octet-stream' },
    });
  }

  // Transport

  private async rest<T extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    schema: T,
    opts: RequestOptions & {
      body?: unknown;
      rawBody?: { bytes: Uint8Array; contentType: string };
      query?: Record<string, string>;
    } = {},
  ): Promise<z.output<T>> {
    const query = Object.entries(opts.query ?? {})
      // `$` and `/` are left readable: SuperOffice's own samples write `$filter=…` and `email/emailAddress`.
      .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%24/g, '$').replace(/%2F/gi, '/')}`)
      .join('&');
    const { credentials } = this.shared;
    let retriedUnauthorized = false;
    let relocated = false;
    for (;;) {
      try {
        const headers = await credentials.headers();
        try {
          const answer = await jsonRequest({
            service: SERVICE,
            method,
            url: `${this.baseUrl}/${path}${query ? `?${query}` : ''}`,
            headers,
            body: opts.body,
            rawBody: opts.rawBody,
            schema,
            timeoutMs: this.timeoutMs,
            describeError: (status, body) => redact(describeError(status, body), this.secrets()),
            signal: eitherSignal(opts.signal, this.attempt.signal),
          });
          this.attempt.onCall?.();
          return answer;
        } catch (err) {
          // Once per call: a credential refused twice in a row is not expired but wrong.
          if (
            err instanceof ApiError &&
            err.status === 401 &&
            !retriedUnauthorized &&
            (await credentials.onUnauthorized(headers))
          ) {
            retriedUnauthorized = true;
            continue;
          }
          if (err instanceof ApiError && err.status === 421 && !relocated && this.options.relocate) {
            relocated = true;
            this.shared.baseUrl = baseUrlOf(await this.options.relocate());
            continue;
          }
          throw err;
        }
      } catch (err) {
        // A failed call still shows the attempt alive and at work; a cancelled one does not.
        if (err instanceof ApiError) this.attempt.onCall?.();
        throw err;
      }
    }
  }

  /**
   * The Agents "do not return HTTP errors": a missing object is 200 with null, a bad
   * parameter is 200 with {Message, MessageDetail}. Null is returned as is here.
   */
  private async agent<T extends z.ZodType>(
    method: string,
    body: unknown,
    schema: T,
    opts?: RequestOptions,
    agentName: 'Quote' | 'Document' = 'Quote',
  ): Promise<z.output<T> | null> {
    const path = `Agents/${agentName}/${method}`;
    const answer = await this.rest('POST', path, z.unknown(), { ...opts, body });
    if (answer === null || answer === undefined) return null;
    const where = { method: 'POST', path: this.pathname(path), status: 200 };
    const invalid = agentsInvalidRequestSchema.safeParse(answer);
    if (
      invalid.success &&
      ('MessageDetail' in invalid.data || invalid.data.Message === 'The request is invalid.')
    ) {
      const detail = invalid.data.MessageDetail ? ` ${invalid.data.MessageDetail}` : '';
      const message = redact({ message: `${invalid.data.Message}${detail}` }, this.secrets()).message;
      throw new ApiError(SERVICE, 'rejected', `POST ${where.path} → 200: ${message}`, where);
    }
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const at = first?.path.length ? first.path.join('.') : '(root)';
      throw new ApiError(
        SERVICE,
        'invalid_response',
        `POST ${where.path} answered 200 with an unexpected body: ${at}: ${first?.message ?? 'invalid'}`,
        where,
      );
    }
    return parsed.data;
  }

  /** An Agents call where null means the object asked for by id does not exist. */
  private async agentRequired<T extends z.ZodType>(
    method: string,
    body: unknown,
    schema: T,
    what: string,
    opts?: RequestOptions,
  ): Promise<z.output<T>> {
    const answer = await this.agent(method, body, schema, opts);
    if (answer === null) {
      const path = this.pathname(`Agents/Quote/${method}`);
      throw new ApiError(SERVICE, 'not_found', `POST ${path} → 200 null: ${what} not found`, {
        method: 'POST',
        path,
        status: 200,
      });
    }
    return answer;
  }

  private secrets(): string[] {
    return this.shared.credentials.secrets();
  }

  private pathname(path: string): string {
    return new URL(`${this.baseUrl}/${path}`).pathname;
  }
}

function baseUrlOf(apiUrl: string): string {
  const trimmed = apiUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(trimmed)) {
    throw new TypeError(`SuperOffice apiUrl must be an http(s) URL, got "${apiUrl}"`);
  }
  return `${trimmed}/v1`;
}

/** SuperOffice's REST error body, the Agents' {Message, MessageDetail}, or whatever text came. */
export function describeError(status: number, body: unknown): { message: string; code?: string } {
  const rest = restErrorBodySchema.safeParse(body);
  if (rest.success) {
    const code = rest.data.ErrorType || undefined;
    return { message: rest.data.ErrorMessage || code || `HTTP ${status}`, ...(code ? { code } : {}) };
  }
  const agents = agentsInvalidRequestSchema.safeParse(body);
  if (agents.success) {
    const detail = agents.data.MessageDetail ? ` ${agents.data.MessageDetail}` : '';
    return { message: `${agents.data.Message}${detail}` };
  }
  if (typeof body === 'string' && body.trim()) {
    const text = body.trim().replace(/\s+/g, ' ');
    return { message: text.length > 300 ? `${text.slice(0, 300)}…` : text };
  }
  return { message: `HTTP ${status}` };
}

function redact<T extends { message: string }>(described: T, secrets: string[]): T {
  let message = described.message;
  for (const secret of secrets) message = message.split(secret).join('[redacted]');
  return { ...described, message };
}

function positiveId(kind: string, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ApiError(SERVICE, 'rejected', `${kind} id must be a positive integer, got ${String(id)}`);
  }
  return id;
}

function idSegment(kind: string, id: number): string {
  return String(positiveId(kind, id));
}

/** An OData string literal: single quotes, a quote inside doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function invalidRow(path: string, index: number, column: string): ApiError {
  return new ApiError(SERVICE, 'invalid_response', `GET ${path}: row ${index} has no ${column}`, {
    method: 'GET',
    path,
  });
}

function toPersonMatch(
  row: z.output<typeof personArchiveRowSchema>,
  index: number,
  path: string,
): PersonMatch {
  const personId = row.personId ?? row.PrimaryKey;
  if (personId === undefined) throw invalidRow(path, index, 'personId');
  return {
    personId,
    ...(row.contactId ? { contactId: row.contactId } : {}),
    fullName: row.fullName ?? '',
    email: row['email/emailAddress'] ?? '',
  };
}
