import { checkSigningEvent } from '../../src/mapping/signing-check';

const history = [
  { id: 5001, type: 'contract:publish', created_time: '2026-03-02T09:00:00+0000' },
  { id: 5002, type: 'contract:sign', created_time: '2026-03-02T10:00:00+0000' },
  { id: 5003, type: 'contract:signature_reset', created_time: '2026-03-03T08:00:00+0000' },
  { id: 5004, type: 'contract:sign', created_time: '2026-03-03T09:00:00+0000' },
];

describe('checkSigningEvent', () => {
  it.each([5002, 5004])('accepts contract:sign event %i of the contract', (eventId) => {
    expect(checkSigningEvent(9001, eventId, history)).toEqual({ signing: true });
  });

  it('refuses an event id the contract does not have, saying so', () => {
    const check = checkSigningEvent(9001, 777001, history);
    expect(check).toEqual({
      signing: false,
      reason:
        'Oneflow has no event 777001 for contract 9001: the webhook names an event of another contract, or one that never happened',
    });
  });

  it('refuses when the contract has no events at all', () => {
    expect(checkSigningEvent(9001, 5002, [])).toMatchObject({
      signing: false,
      reason: expect.stringContaining('Oneflow has no event 5002 for contract 9001'),
    });
  });

  it.each([
    [5001, 'contract:publish'],
    [5003, 'contract:signature_reset'],
  ])('refuses event %i, which is %s, naming its type', (eventId, type) => {
    expect(checkSigningEvent(9001, eventId, history)).toEqual({
      signing: false,
      reason: `event ${eventId} of contract 9001 is "${type}" in Oneflow, not contract:sign`,
    });
  });

  it('compares the type exactly: a look-alike is not a signing', () => {
    const events = [
      { id: 1, type: 'participant:sign' },
      { id: 2, type: 'Contract:Sign' },
    ];
    expect(checkSigningEvent(9001, 1, events)).toMatchObject({ signing: false });
    expect(checkSigningEvent(9001, 2, events)).toMatchObject({ signing: false });
  });
});
