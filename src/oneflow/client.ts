import { z } from 'zod';
import { ApiError } from '../http/api-error';
import { downloadBytes } from '../http/binary-request';
import { type AttemptScope, eitherSignal, jsonRequest } from '../http/json-request';
import { type OneflowContractFile, oneflowContractFilesSchema } from './contract-files';
import { type OneflowContract, oneflowContractSchema } from './contract';
import {
  type ContractSort,
  type OneflowContractListPage,
  oneflowContractListPageSchema,
  type TimeRange,
  timeRangeParam,
} from './contract-list';
import {
  type ContractEventSort,
  type OneflowContractEvent,
  oneflowContractEventPageSchema,
} from './contract-events';

export interface OneflowClientOptions {
  /** e.g. https://api.oneflow.com/v1 (Oneflow's documented base URL), or an emulator's apiUrl. */
  apiUrl: string;
  /** Sent as X-Oneflow-API-Token on every call. */
  apiToken: string;
  /** Sent as X-Oneflow-User-Email; without it Oneflow acts as an anonymous admin. */
  userEmail?: string;
  /** Per request; default 10 s, well inside the 30 s an activity attempt may take. */
  timeoutMs?: number;
}

export interface CallOptions {
  /** Cancels the call, e.g. when a Temporal activity is cancelled. */
  signal?: AbortSignal;
}

export interface ListContractEventsOptions extends CallOptions {
  /** Oneflow's sort keys for events: id, created_time or type; '-' first for descending. */
  sort?: ContractEventSort;
  /** Events per page: Oneflow's default and maximum is 100. */
  pageSize?: number;
  /**
   * Stops paging after the page holding an event this accepts, so that finding a recent
   * event newest-first costs one call however long the contract's history is.
   */
  until?: (event: OneflowContractEvent) => boolean;
}

export interface ListContractsOptions extends CallOptions {
  /** filter[states]: any of these. */
  states?: ReadonlyArray<'draft' | 'pending' | 'overdue' | 'signed' | 'declined'>;
  /** filter[published_time]: a datetime range. */
  publishedTime?: TimeRange;
  sort?: ContractSort;
  /** 0–19900 (Oneflow's deepest offset); default 0. */
  offset?: number;
  /** 1–100; default 100. */
  limit?: number;
}

/** Oneflow's pagination: limit 1–100, and no offset beyond 19900. */
const MAX_PAGE_SIZE = 100;
const MAX_OFFSET = 19_900;

/** Oneflow's error body: RFC 7807 fields plus error_code and parameter_problems. */
const errorBodySchema = z.looseObject({
  error_code: z.union([z.number(), z.string()]).optional(),
  detail: z.string().optional(),
  title: z.string().optional(),
  parameter_problems: z.record(z.string(), z.unknown()).optional(),
});

/** GET /ping answers `{}`; anything that is an object will do. */
const pingSchema = z.looseObject({});

const DEFAULT_TIMEOUT_MS = 10_000;

/** The calls Smart Sync makes to Oneflow. Every failure is an ApiError with service 'oneflow'. */
export class OneflowClient {
  private readonly apiUrl: string;
  private readonly apiToken: string;
  private readonly userEmail?: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly options: OneflowClientOptions,
    private readonly attempt: AttemptScope = {},
  ) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.apiToken = options.apiToken;
    this.userEmail = options.userEmail;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * The same client for one activity attempt: every call is cancelled by the attempt's
   * signal (besides any signal the call is given) and reported to `onCall` once answered.
   */
  forAttempt(attempt: AttemptScope): OneflowClient {
    return new OneflowClient(this.options, attempt);
  }

  /** Resolves when the service is up and the token is valid (GET /v1/ping). */
  async ping(options: CallOptions = {}): Promise<void> {
    await this.get('/ping', pingSchema, options);
  }

  async getContract(id: number, options: CallOptions = {}): Promise<OneflowContract> {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new ApiError('oneflow', 'rejected', `contract id must be a positive integer, got ${String(id)}`);
    }
    return this.get(`/contracts/${id}`, oneflowContractSchema, options);
  }

  /**
   * The contract's events (GET /v1/contracts/{id}/events), page by page until the last one
   * or until `until` accepts an event. Assumed, as Oneflow documents it for its list
   * endpoints but not for this one: the `{_links, count, data}` envelope with `limit` and
   * `offset` parameters. The next page is asked for by offset on our own base URL, not by
   * following `_links.next.href`, so the API token only ever goes to the configured host;
   * `count` and `_links.next` only say whether there is one.
   */
  async listContractEvents(
    contractId: number,
    options: ListContractEventsOptions = {},
  ): Promise<OneflowContractEvent[]> {
    if (!Number.isSafeInteger(contractId) || contractId <= 0) {
      throw new ApiError(
        'oneflow',
        'rejected',
        `contract id must be a positive integer, got ${String(contractId)}`,
      );
    }
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new ApiError(
        'oneflow',
        'rejected',
        `pageSize must be 1–${MAX_PAGE_SIZE}, got ${String(pageSize)}`,
      );
    }
    const events: OneflowContractEvent[] = [];
    // Advanced by what each page held, not by pageSize, so that a server answering fewer
    // items than asked for does not make us skip any.
    for (let offset = 0; offset <= MAX_OFFSET;) {
      const query = new URLSearchParams({ limit: String(pageSize), offset: String(offset) });
      if (options.sort) query.set('sort', options.sort);
      const page = await this.get(
        `/contracts/${contractId}/events?${query.toString()}`,
        oneflowContractEventPageSchema,
        options,
      );
      events.push(...page.data);
      if (options.until && page.data.some(options.until)) break;
      const countSaysMore =
        page.count === null || page.count === undefined || offset + page.data.length < page.count;
      const linksSayMore = page._links === null || Boolean(page._links.next?.href);
      // An empty page ends it too, so that an envelope that always links a next page
      // cannot keep us asking.
      if (page.data.length === 0 || !countSaysMore || !linksSayMore) break;
      offset += page.data.length;
    }
    return events;
  }

  /** The contract's files (GET /v1/contracts/{id}/files/): the signed contract is type "contract". */
  async listContractFiles(contractId: number, options: CallOptions = {}): Promise<OneflowContractFile[]> {
    if (!Number.isSafeInteger(contractId) || contractId <= 0) {
      throw new ApiError(
        'oneflow',
        'rejected',
        `contract id must be a positive integer, got ${String(contractId)}`,
      );
    }
    return this.get(`/contracts/${contractId}/files/`, oneflowContractFilesSchema, options);
  }

  /**
   * One file's bytes (GET /v1/contracts/{id}/files/{file_id}?download=true), following
   * Oneflow's 302 to its storage URL; more than `maxBytes` is a FileTooLarge, before the
   * whole body is read.
   */
  async downloadContractFile(
    contractId: number,
    fileId: number,
    options: CallOptions & { maxBytes: number; onProgress?: (bytes: number) => void },
  ): Promise<Uint8Array> {
    const headers: Record<string, string> = { 'X-Oneflow-API-Token': this.apiToken };
    if (this.userEmail) headers['X-Oneflow-User-Email'] = this.userEmail;
    try {
      const bytes = await downloadBytes({
        service: 'oneflow',
        url: `${this.apiUrl}/contracts/${contractId}/files/${fileId}?download=true`,
        headers,
        maxBytes: options.maxBytes,
        // A file takes longer than a JSON answer: up to a minute per download.
        timeoutMs: Math.max(this.timeoutMs, 60_000),
        signal: eitherSignal(options.signal, this.attempt.signal),
        describeError: (status, body) => this.describeError(status, body),
        onProgress: options.onProgress,
      });
      this.attempt.onCall?.();
      return bytes;
    } catch (err) {
      if (err instanceof ApiError) this.attempt.onCall?.();
      throw err;
    }
  }

  /**
   * One page of the account's contracts (GET /v1/contracts), with Oneflow's documented
   * filters and sort keys. One page per call: the caller decides how deep to read, since
   * Oneflow stops at offset 19900 and a narrower filter is then the way on. `hasMore`
   * says whether `count` and `_links.next` promise a page after this one.
   */
  async listContracts(
    options: ListContractsOptions = {},
  ): Promise<OneflowContractListPage & { hasMore: boolean }> {
    const offset = options.offset ?? 0;
    const limit = options.limit ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
      throw new ApiError('oneflow', 'rejected', `offset must be 0–${MAX_OFFSET}, got ${String(offset)}`);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new ApiError('oneflow', 'rejected', `limit must be 1–${MAX_PAGE_SIZE}, got ${String(limit)}`);
    }
    const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    if (options.states?.length) query.set('filter[states]', options.states.join(','));
    if (options.publishedTime) query.set('filter[published_time]', timeRangeParam(options.publishedTime));
    if (options.sort) query.set('sort', options.sort);
    const page = await this.get(`/contracts?${query.toString()}`, oneflowContractListPageSchema, options);
    const hasMore =
      page.data.length > 0 &&
      offset + page.data.length < page.count &&
      (page._links === null || Boolean(page._links.next?.href));
    return { ...page, hasMore };
  }

  private async get<T extends z.ZodType>(
    path: string,
    schema: T,
    options: CallOptions,
  ): Promise<z.output<T>> {
    const headers: Record<string, string> = { 'X-Oneflow-API-Token': this.apiToken };
    if (this.userEmail) headers['X-Oneflow-User-Email'] = this.userEmail;
    try {
      const answer = await jsonRequest({
        service: 'oneflow',
        method: 'GET',
        url: `${this.apiUrl}${path}`,
        headers,
        schema,
        timeoutMs: this.timeoutMs,
        signal: eitherSignal(options.signal, this.attempt.signal),
        describeError: (status, body) => this.describeError(status, body),
      });
      this.attempt.onCall?.();
      return answer;
    } catch (err) {
      // A failed call still shows the attempt alive and at work; a cancelled one does not.
      if (err instanceof ApiError) this.attempt.onCall?.();
      throw err;
    }
  }

  private describeError(status: number, body: unknown): { message: string; code?: string } {
    const parsed = errorBodySchema.safeParse(body);
    let message: string;
    let code: string | undefined;
    if (parsed.success) {
      const problems = parsed.data.parameter_problems;
      const problemText =
        problems && Object.keys(problems).length > 0
          ? ` (${Object.entries(problems)
              .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`)
              .join('; ')})`
          : '';
      message = `${parsed.data.detail ?? parsed.data.title ?? `HTTP ${status}`}${problemText}`;
      code = parsed.data.error_code !== undefined ? String(parsed.data.error_code) : undefined;
    } else if (typeof body === 'string' && body.trim().length > 0) {
      // Not Oneflow's JSON (a proxy's HTML page, say): a short excerpt is enough to tell.
      message = body.trim().replace(/\s+/g, ' ').slice(0, 200);
    } else {
      message = `HTTP ${status}`;
    }
    // Defence in depth: an error body that echoes the token must not carry it into logs.
    if (this.apiToken) message = message.split(this.apiToken).join('[redacted]');
    // Every Oneflow endpoint answers 401 only for the token: say which setting holds it.
    if (status === 401) {
      message += ' Check ONEFLOW_API_TOKEN: it must be a valid Oneflow API token (Marketplace > API tokens).';
    }
    return { message, code };
  }
}
