import { z } from 'zod';
import { ApiError } from '../http/api-error';
import { jsonRequest } from '../http/json-request';
import { type OneflowContract, oneflowContractSchema } from './contract';

export interface OneflowClientOptions {
  /** e.g. https://api.oneflow.com/v1 (Oneflow's documented base URL), or an emulator's apiUrl. */
  apiUrl: string;
  /** Sent as X-Oneflow-API-Token on every call. */
  apiToken: string;
  /** Sent as X-Oneflow-User-Email; without it Oneflow acts as an anonymous admin. */
  userEmail?: string;
  timeoutMs?: number;
}

export interface CallOptions {
  /** Cancels the call, e.g. when a Temporal activity is cancelled. */
  signal?: AbortSignal;
}

/** Oneflow's error body: RFC 7807 fields plus error_code and parameter_problems. */
const errorBodySchema = z.looseObject({
  error_code: z.union([z.number(), z.string()]).optional(),
  detail: z.string().optional(),
  title: z.string().optional(),
  parameter_problems: z.record(z.string(), z.unknown()).optional(),
});

/** GET /ping answers `{}`; anything that is an object will do. */
const pingSchema = z.looseObject({});

const DEFAULT_TIMEOUT_MS = 15_000;

/** The calls Smart Sync makes to Oneflow. Every failure is an ApiError with service 'oneflow'. */
export class OneflowClient {
  private readonly apiUrl: string;
  private readonly apiToken: string;
  private readonly userEmail?: string;
  private readonly timeoutMs: number;

  constructor(options: OneflowClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.apiToken = options.apiToken;
    this.userEmail = options.userEmail;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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

  private get<T extends z.ZodType>(path: string, schema: T, options: CallOptions): Promise<z.output<T>> {
    const headers: Record<string, string> = { 'X-Oneflow-API-Token': this.apiToken };
    if (this.userEmail) headers['X-Oneflow-User-Email'] = this.userEmail;
    return jsonRequest({
      service: 'oneflow',
      method: 'GET',
      url: `${this.apiUrl}${path}`,
      headers,
      schema,
      timeoutMs: this.timeoutMs,
      signal: options.signal,
      describeError: (status, body) => this.describeError(status, body),
    });
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
    return { message, code };
  }
}
