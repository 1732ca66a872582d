import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Oneflow's webhook body (developer.oneflow.com/docs/getting-started-with-webhooks):
 * `{"contract":{"id":101},"callback_id":"…","events":[{"created_time":"…","id":2322,"type":"contract:sign"}],"signature":"…"}`.
 * The callback_id is the same on every retry of one event, so it identifies the event.
 * Extra attributes are tolerated.
 */
export const oneflowWebhookSchema = z.looseObject({
  contract: z.looseObject({ id: z.number().int().positive() }),
  callback_id: z.string().min(1),
  events: z.array(
    z.looseObject({
      id: z.number().int(),
      type: z.string().min(1),
      created_time: z.string(),
    }),
  ),
  signature: z.string(),
});

export type OneflowWebhook = z.output<typeof oneflowWebhookSchema>;

/** Hex SHA-1 of callback_id + sign key: Oneflow's signature (not an HMAC; the body is not covered). */
export function webhookSignature(callbackId: string, signKey: string): string {
  return createHash('sha1')
    .update(callbackId + signKey)
    .digest('hex');
}

const SHA1_HEX = /^[0-9a-f]{40}$/i;

/**
 * True when `signature` is the one Oneflow computes for this callback_id and sign key.
 * Compared in constant time. A signature of the wrong length or with non-hex characters is
 * simply false, and so is any signature when no sign key is configured: without a key
 * anyone can compute the hash, so it would prove nothing.
 */
export function verifyWebhookSignature(callbackId: string, signature: unknown, signKey: string): boolean {
  if (typeof signature !== 'string' || !SHA1_HEX.test(signature)) return false;
  if (signKey.length === 0) return false;
  const expected = Buffer.from(webhookSignature(callbackId, signKey), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
