import type { FaultRuleInput } from '../control-plane';

/**
 * A small HTTP client for driving a running SuperOffice emulator from tests: the tenant API with
 * a token, and the control plane (/_emulator). Plain fetch, no retries, no validation: it shows
 * exactly what the emulator answered.
 */

export interface EmulatorResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON; the raw text when the body is not JSON; undefined when empty. */
  body: T;
}

export interface ApiCallOptions {
  /** Extra or replacing headers; `Authorization: null` sends none. */
  headers?: Record<string, string | null>;
  /** A string is sent as it is (for malformed bodies); anything else as JSON. */
  body?: unknown;
  query?: Record<string, string>;
}

async function read<T>(res: Response): Promise<EmulatorResponse<T>> {
  const text = await res.text();
  let body: unknown = undefined;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

export class SuperOfficeEmulatorClient {
  constructor(
    private readonly origin: string,
    /** The tenant API base, e.g. http://127.0.0.1:4020/Cust12345/api */
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  /** Calls `${apiUrl}${path}` (path like "/v1/Sale/2001") with the bearer token. */
  async api<T = unknown>(
    method: string,
    path: string,
    options: ApiCallOptions = {},
  ): Promise<EmulatorResponse<T>> {
    const headers: Record<string, string> = {};
    const given = { Authorization: `Bearer ${this.token}`, ...options.headers };
    for (const [name, value] of Object.entries(given)) if (value !== null) headers[name] = value;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    return read<T>(await fetch(`${this.apiUrl}${path}${query}`, { method, headers, body }));
  }

  private async control<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<EmulatorResponse<T>> {
    const res = await fetch(`${this.origin}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return read<T>(res);
  }

  reset(): Promise<EmulatorResponse> {
    return this.control('POST', '/reset');
  }

  seed(doc: unknown): Promise<EmulatorResponse> {
    return this.control('POST', '/seed', doc);
  }

  async state<T = Record<string, unknown>>(): Promise<T> {
    return (await this.control<T>('GET', '/state')).body;
  }

  addFault(rule: FaultRuleInput): Promise<EmulatorResponse<{ id: string }>> {
    return this.control('POST', '/faults', rule);
  }

  clearFaults(): Promise<EmulatorResponse> {
    return this.control('DELETE', '/faults');
  }

  async requests(): Promise<
    Array<{ method: string; path: string; status: number | null; dropped?: boolean }>
  > {
    return (
      await this.control<Array<{ method: string; path: string; status: number | null }>>('GET', '/requests')
    ).body;
  }
}
