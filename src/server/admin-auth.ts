import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Compares digests, so neither the token's content nor its length leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Bearer SMART_SYNC_ADMIN_TOKEN, for the admin API. */
export function requireAdminToken(token: string): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match || !sameToken(match[1]!, token)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="smart-sync"')
        .json({ error: 'missing or wrong admin token: send Authorization: Bearer <SMART_SYNC_ADMIN_TOKEN>' });
      return;
    }
    next();
  };
}
