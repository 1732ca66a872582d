import type { OneflowContractEvent } from '../oneflow/contract-events';

/**
 * Whether a webhook's event is a signing of the contract it names. Oneflow's webhook
 * signature is a hash of the callback id alone and does not cover the body, so a captured
 * webhook can be sent again with another contract id or event id and still verify: only
 * the contract's own events, read back from Oneflow, say which event really happened to it.
 */

export const SIGN_EVENT_TYPE = 'contract:sign';

export type SigningCheck = { signing: true } | { signing: false; reason: string };

export function checkSigningEvent(
  contractId: number,
  eventId: number,
  events: readonly Pick<OneflowContractEvent, 'id' | 'type'>[],
): SigningCheck {
  const event = events.find((e) => e.id === eventId);
  if (!event) {
    return {
      signing: false,
      reason: `Oneflow has no event ${eventId} for contract ${contractId}: the webhook names an event of another contract, or one that never happened`,
    };
  }
  if (event.type !== SIGN_EVENT_TYPE) {
    return {
      signing: false,
      reason: `event ${eventId} of contract ${contractId} is "${event.type}" in Oneflow, not ${SIGN_EVENT_TYPE}`,
    };
  }
  return { signing: true };
}
