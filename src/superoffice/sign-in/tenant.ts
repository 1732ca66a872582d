import { z } from 'zod';
import { ApiError } from '../../http/api-error';
import { signInRequest, unexpectedAnswer } from './form-request';

const stateSchema = z.object({
  ContextIdentifier: z.string().optional(),
  IsRunning: z.boolean().optional(),
  State: z.string().optional(),
  Api: z.string().min(1),
});

/** "Cust12345" from https://sod2.superoffice.com/Cust12345/api. */
export function contextIdOf(apiUrl: string): string {
  const first = new URL(apiUrl).pathname.split('/').find((s) => s.length > 0);
  if (!first) throw new TypeError(`no tenant (e.g. Cust12345) in the SuperOffice API URL ${apiUrl}`);
  return first;
}

/**
 * The Tenant Status API: where the tenant's web API is now. It needs no authentication and
 * is served by the environment's host at /api/state/{ContextId} (not under /login, unlike the
 * other sign-in endpoints). A tenant moves between clusters routinely and is then answered
 * 421 at its old address.
 */
export async function lookUpTenantApi(
  loginUrl: string,
  contextId: string,
  timeoutMs = 10_000,
): Promise<string> {
  const url = `${new URL(loginUrl).origin}/api/state/${encodeURIComponent(contextId)}`;
  const what = 'SuperOffice tenant status';
  const answer = await signInRequest(
    what,
    url,
    { method: 'GET', headers: { Accept: 'application/json' } },
    timeoutMs,
  );
  if (answer.status !== 200) throw unexpectedAnswer(what, 'GET', url, answer);
  const parsed = stateSchema.safeParse(answer.body);
  if (!parsed.success) {
    throw new ApiError('superoffice', 'invalid_response', `${what} answered 200 without an Api address`);
  }
  if (parsed.data.IsRunning === false) {
    // Maintenance or suspension ends by itself: retryable.
    throw new ApiError(
      'superoffice',
      'server_error',
      `tenant ${contextId} is not running (${parsed.data.State ?? 'unknown state'})`,
    );
  }
  return parsed.data.Api.replace(/\/+$/, '');
}
