import { createSign } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../../http/api-error';
import { credentialOf, type SuperOfficeCredentials } from './credentials';
import { signInRequest, unexpectedAnswer } from './form-request';

export interface SystemUserOptions {
  /** e.g. https://sod.superoffice.com/login */
  loginUrl: string;
  /** The `system_token` claim of the administrator's id_token, e.g. "AppName-xxxx". */
  systemUserToken: string;
  /** The app's RSA private key, PEM. */
  privateKeyPem: string;
  /** The app's client secret: the ApplicationToken of the exchange and SO-AppToken of every call. */
  clientSecret: string;
  /** The tenant, e.g. Cust12345. */
  contextId: string;
  timeoutMs?: number;
  now?: () => number;
}

const TICKET_CLAIM = 'http://schemes.superoffice.net/identity/ticket';

const authenticateResponseSchema = z.object({
  IsSuccessful: z.boolean(),
  Token: z.string().nullish(),
  ErrorMessage: z.string().nullish(),
});

/** yyyyMMddHHmm in UTC, the timestamp SuperOffice expects in a signed system-user token. */
export function signatureTimestamp(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}${p(at.getUTCHours())}${p(at.getUTCMinutes())}`;
}

/** "token.timestamp.signature": RSA-SHA256 over "token.timestamp", base64. */
export function signSystemUserToken(systemUserToken: string, privateKeyPem: string, at: Date): string {
  const signed = `${systemUserToken}.${signatureTimestamp(at)}`;
  const signature = createSign('RSA-SHA256').update(signed, 'utf8').sign(privateKeyPem, 'base64');
  return `${signed}.${signature}`;
}

/**
 * The ticket claim of the JWT PartnerSystemUser/Authenticate answers. Its signature is not
 * checked here: the JWT came straight from SuperOffice's sign-in host over TLS, and the ticket
 * is only ever sent back to SuperOffice, which checks it. (Assumption, to be revisited: checking
 * it against the environment's JWKS would add no protection on this path.)
 */
function ticketOf(jwt: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const ticket = (claims as Record<string, unknown>)[TICKET_CLAIM];
    return typeof ticket === 'string' && ticket ? ticket : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A system user: a signed system-user token exchanged for a ticket, sent as
 * `Authorization: SOTicket <ticket>` with `SO-AppToken`. A ticket lives 6 hours with sliding
 * expiration, so it is kept until SuperOffice refuses it (401), then exchanged again; one
 * exchange at a time, however many callers were refused.
 */
export class SystemUserCredentials implements SuperOfficeCredentials {
  private ticket: string | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly now: () => number;
  /** How many exchanges were sent; for tests and metrics. */
  authenticateCount = 0;

  constructor(private readonly options: SystemUserOptions) {
    this.now = options.now ?? Date.now;
    // Fails at start-up, not on the first sync, when the key is not a usable private key.
    signSystemUserToken(options.systemUserToken, options.privateKeyPem, new Date(this.now()));
  }

  async headers(): Promise<Record<string, string>> {
    return {
      Authorization: `SOTicket ${await this.currentTicket()}`,
      'SO-AppToken': this.options.clientSecret,
    };
  }

  async onUnauthorized(refused: Record<string, string>): Promise<boolean> {
    if (this.ticket && credentialOf(refused) === this.ticket) this.ticket = undefined;
    return true;
  }

  secrets(): string[] {
    return [this.options.clientSecret, this.options.systemUserToken, this.ticket ?? ''].filter(
      (s) => s.length >= 4,
    );
  }

  private async currentTicket(): Promise<string> {
    if (this.ticket) return this.ticket;
    this.inFlight ??= this.authenticate().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async authenticate(): Promise<string> {
    const { loginUrl, systemUserToken, privateKeyPem, clientSecret, contextId } = this.options;
    const url = `${loginUrl.replace(/\/+$/, '')}/api/PartnerSystemUser/Authenticate`;
    const what = 'SuperOffice PartnerSystemUser/Authenticate';
    this.authenticateCount += 1;
    const answer = await signInRequest(
      what,
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          SignedSystemToken: signSystemUserToken(systemUserToken, privateKeyPem, new Date(this.now())),
          ApplicationToken: clientSecret,
          ContextIdentifier: contextId,
          ReturnTokenType: 'JWT',
        }),
      },
      this.options.timeoutMs ?? 10_000,
    );
    if (answer.status !== 200) throw unexpectedAnswer(what, 'POST', url, answer);
    const parsed = authenticateResponseSchema.safeParse(answer.body);
    if (!parsed.success) {
      throw new ApiError('superoffice', 'invalid_response', `${what} answered 200 with an unexpected body`);
    }
    if (!parsed.data.IsSuccessful) {
      // A refused system user does not get better by retrying: the token, key or secret is wrong.
      throw new ApiError(
        'superoffice',
        'unauthorized',
        `SuperOffice refused the system user (${parsed.data.ErrorMessage || 'no reason given'}): check ` +
          'SUPEROFFICE_SYSTEM_USER_TOKEN, SUPEROFFICE_PRIVATE_KEY_FILE and SUPEROFFICE_CLIENT_SECRET, or reconnect',
      );
    }
    const ticket = parsed.data.Token ? ticketOf(parsed.data.Token) : undefined;
    if (!ticket) {
      throw new ApiError(
        'superoffice',
        'invalid_response',
        `${what} answered a token without a ticket claim`,
      );
    }
    this.ticket = ticket;
    return ticket;
  }
}
