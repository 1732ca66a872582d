import type { PersonMatch } from '../superoffice/entities';

/**
 * Which SuperOffice person a counterparty participant is, found by email. The Company's
 * own persons come first, because the same address can belong to people of several
 * companies and the contract is with this one. Only when none of them has it are persons
 * anywhere considered, and then only an unambiguous answer counts: writing a participant's
 * data onto the wrong person is worse than reporting that none was found.
 */

export interface ParticipantToMatch {
  participant: number;
  email: string;
}

export type ParticipantMatch = { person: PersonMatch } | { error: string };

/** The first of the Company's persons with this email (ignoring case), if any. */
export function personInCompany(
  email: string,
  companyPersons: readonly PersonMatch[],
): PersonMatch | undefined {
  const wanted = email.toLowerCase();
  return companyPersons.find((p) => p.email.toLowerCase() === wanted);
}

/**
 * The person among those found anywhere by the participant's email: one of the Company,
 * else the only one found, else an error naming why none is taken.
 */
export function personFoundByEmail(
  participant: ParticipantToMatch,
  companyId: number | undefined,
  foundByEmail: readonly PersonMatch[],
): ParticipantMatch {
  // Counted once per person, so that a person listed twice is not taken for two.
  const anywhere = [...new Map(foundByEmail.map((p) => [p.personId, p])).values()];
  // The archive filter matches any of a person's addresses, while a row shows only the
  // first one: trust the filter, and do not compare the row's address again.
  const ofCompany = anywhere.find((p) => companyId !== undefined && p.contactId === companyId);
  if (ofCompany) return { person: ofCompany };
  if (anywhere.length === 1) return { person: anywhere[0]! };
  if (anywhere.length === 0) {
    return {
      error: `no SuperOffice Contact has the email ${participant.email} of participant #${participant.participant}`,
    };
  }
  return {
    error: `${anywhere.length} SuperOffice Contacts outside the Company have the email ${participant.email} (Contacts ${anywhere
      .map((m) => m.personId)
      .join(', ')}); Smart Sync does not guess which one is participant #${participant.participant}`,
  };
}
