import { createHash, createHmac } from 'node:crypto';
import { oneflowWebhookSchema, verifyWebhookSignature, webhookSignature } from '../../src/oneflow/webhook';

const CALLBACK_ID = 'eaf850991bb7c273a56dcdeb265d30006fdc9de0';
const KEY = 'demo-sign-key';
// Computed here from the documented rule, sha1(callback_id + sign key), not by the code under test.
const GOOD = createHash('sha1').update(`${CALLBACK_ID}${KEY}`).digest('hex');

describe('verifyWebhookSignature', () => {
  it('accepts the documented sha1(callback_id + sign key), in either case', () => {
    expect(webhookSignature(CALLBACK_ID, KEY)).toBe(GOOD);
    expect(verifyWebhookSignature(CALLBACK_ID, GOOD, KEY)).toBe(true);
    expect(verifyWebhookSignature(CALLBACK_ID, GOOD.toUpperCase(), KEY)).toBe(true);
  });

  it('rejects a signature made with another key or for another callback', () => {
    expect(verifyWebhookSignature(CALLBACK_ID, GOOD, 'other-key')).toBe(false);
    expect(verifyWebhookSignature(CALLBACK_ID.replace(/^e/, 'f'), GOOD, KEY)).toBe(false);
  });

  it('rejects an HMAC or a hash of the callback id alone', () => {
    expect(
      verifyWebhookSignature(CALLBACK_ID, createHmac('sha1', KEY).update(CALLBACK_ID).digest('hex'), KEY),
    ).toBe(false);
    expect(
      verifyWebhookSignature(CALLBACK_ID, createHash('sha1').update(CALLBACK_ID).digest('hex'), KEY),
    ).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['too short', GOOD.slice(0, 39)],
    ['too long', `${GOOD}0`],
    ['not hex', `${GOOD.slice(0, 39)}g`],
    ['padded', ` ${GOOD.slice(1)}`],
    ['sha256 length', 'a'.repeat(64)],
  ])('is false for a garbage signature (%s) without throwing', (_label, signature) => {
    expect(verifyWebhookSignature(CALLBACK_ID, signature, KEY)).toBe(false);
  });

  it('is false for a signature that is not a string', () => {
    expect(verifyWebhookSignature(CALLBACK_ID, undefined, KEY)).toBe(false);
    expect(verifyWebhookSignature(CALLBACK_ID, 42, KEY)).toBe(false);
    expect(verifyWebhookSignature(CALLBACK_ID, { toString: () => GOOD }, KEY)).toBe(false);
  });

  it('is false when no sign key is configured, even for the hash anyone could compute', () => {
    const keyless = createHash('sha1').update(CALLBACK_ID).digest('hex');
    expect(verifyWebhookSignature(CALLBACK_ID, keyless, '')).toBe(false);
  });
});

describe('oneflowWebhookSchema', () => {
  const documented = {
    contract: { id: 101 },
    callback_id: CALLBACK_ID,
    events: [{ created_time: '2020-07-06T15:14:14+0000', id: 2322, type: 'contract:publish' }],
    signature: GOOD,
  };

  it('parses the documented example and keeps extra attributes', () => {
    const parsed = oneflowWebhookSchema.parse({
      ...documented,
      extra: true,
      contract: { id: 101, name: 'x' },
    });
    expect(parsed.contract.id).toBe(101);
    expect(parsed.events[0]).toEqual({
      created_time: '2020-07-06T15:14:14+0000',
      id: 2322,
      type: 'contract:publish',
    });
    expect(parsed).toHaveProperty('extra', true);
  });

  it.each([
    ['no contract', { ...documented, contract: undefined }],
    ['contract id as text', { ...documented, contract: { id: '101' } }],
    ['no callback_id', { ...documented, callback_id: undefined }],
    ['empty callback_id', { ...documented, callback_id: '' }],
    ['events not a list', { ...documented, events: { id: 1 } }],
    ['event without type', { ...documented, events: [{ id: 1, created_time: 'x' }] }],
    ['no signature', { ...documented, signature: undefined }],
  ])('rejects a body with %s', (_label, body) => {
    expect(oneflowWebhookSchema.safeParse(body).success).toBe(false);
  });
});
