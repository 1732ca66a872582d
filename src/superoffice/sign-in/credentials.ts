import { ApiError } from '../../http/api-error';

/**
 * Where the SuperOffice client gets its credentials from. The client asks for headers before
 * every request and, when a request is answered 401, tells the source which headers were
 * refused, so that a source holding an expired credential can drop it and fetch a new one.
 */
export interface SuperOfficeCredentials {
  /** Headers that authenticate one request (Authorization, and SO-AppToken with a ticket). */
  headers(): Promise<Record<string, string>>;
  /**
   * After a 401 to a request sent with `refused`: true when sending the request once more
   * may succeed (the source has, or will fetch, a different credential).
   */
  onUnauthorized(refused: Record<string, string>): Promise<boolean>;
  /** Values that must never appear in an error message or a log line. */
  secrets(): string[];
  /**
   * The tenant's web API the credential of the last headers() belongs to, when the source
   * knows it (a connection made through the sign-in carries its id_token's webapi_url). It
   * then wins over the configured apiUrl: the token is only good at its own tenant.
   */
  apiUrl?(): string | undefined;
}

/**
 * A fixed access token or ticket (SUPEROFFICE_ACCESS_TOKEN). A function is asked before every
 * request. A 401 cannot be cured by asking again, so it is never retried.
 */
export class StaticTokenCredentials implements SuperOfficeCredentials {
  private last = '';

  constructor(
    private readonly accessToken: string | (() => string | Promise<string>),
    private readonly appToken?: string,
  ) {}

  async headers(): Promise<Record<string, string>> {
    const token = typeof this.accessToken === 'function' ? await this.accessToken() : this.accessToken;
    if (!token) throw new ApiError('superoffice', 'unauthorized', 'no SuperOffice access token configured');
    this.last = token;
    // "7T:" is a system-user ticket, which SuperOffice Online only accepts with SO-AppToken.
    if (this.appToken && token.startsWith('7T:')) {
      return { Authorization: `SOTicket ${token}`, 'SO-AppToken': this.appToken };
    }
    return { Authorization: `Bearer ${token}` };
  }

  async onUnauthorized(): Promise<boolean> {
    return false;
  }

  secrets(): string[] {
    return [this.last, this.appToken ?? ''].filter((s) => s.length >= 4);
  }
}

/** The credential part of an Authorization header ("Bearer x" → "x"). */
export function credentialOf(headers: Record<string, string>): string {
  return (headers.Authorization ?? '').replace(/^\S+\s+/, '');
}
