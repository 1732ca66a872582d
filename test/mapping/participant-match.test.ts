import { personFoundByEmail, personInCompany } from '../../src/mapping/participant-match';
import type { PersonMatch } from '../../src/superoffice/entities';

const person = (personId: number, email: string, contactId?: number): PersonMatch => ({
  personId,
  fullName: `Person ${personId}`,
  email,
  ...(contactId !== undefined ? { contactId } : {}),
});

const anna = { participant: 1, email: 'Anna.Berg@nordlys.example' };

describe('personInCompany', () => {
  it("takes the first of the Company's persons with the email, ignoring case", () => {
    const persons = [
      person(301, 'someone@nordlys.example', 101),
      person(302, 'anna.berg@NORDLYS.example', 101),
      person(303, 'anna.berg@nordlys.example', 101),
    ];
    expect(personInCompany(anna.email, persons)).toEqual(persons[1]);
  });

  it('finds nobody when no person of the Company has the email', () => {
    expect(personInCompany(anna.email, [person(301, 'someone@nordlys.example', 101)])).toBeUndefined();
    expect(personInCompany(anna.email, [])).toBeUndefined();
  });
});

describe('personFoundByEmail', () => {
  it('takes a person of the Company among those found, even when others have the email too', () => {
    const found = [person(401, 'x@other.example', 900), person(402, 'y@elsewhere.example', 101)];
    expect(personFoundByEmail(anna, 101, found)).toEqual({ person: found[1] });
  });

  it('takes the first person of the Company when several are', () => {
    const found = [person(401, 'a@x', 900), person(402, 'b@x', 101), person(403, 'c@x', 101)];
    expect(personFoundByEmail(anna, 101, found)).toEqual({ person: found[1] });
  });

  it('trusts the search and does not compare the shown address again', () => {
    const found = [person(402, 'anna@private.example', 101)];
    expect(personFoundByEmail(anna, 101, found)).toEqual({ person: found[0] });
  });

  it('takes the only person found when none is of the Company', () => {
    const found = [person(401, 'anna.berg@nordlys.example', 900)];
    expect(personFoundByEmail(anna, 101, found)).toEqual({ person: found[0] });
  });

  it('takes the only person found when the Company is unknown', () => {
    const found = [person(401, 'anna.berg@nordlys.example', 101)];
    expect(personFoundByEmail(anna, undefined, found)).toEqual({ person: found[0] });
  });

  it('counts a person listed twice once', () => {
    const found = [
      person(401, 'anna.berg@nordlys.example', 900),
      person(401, 'anna.berg@nordlys.example', 900),
    ];
    expect(personFoundByEmail(anna, 101, found)).toEqual({ person: found[1] });
  });

  it('reports that nobody has the email, with the email as the participant wrote it', () => {
    expect(personFoundByEmail(anna, 101, [])).toEqual({
      error: 'no SuperOffice Contact has the email Anna.Berg@nordlys.example of participant #1',
    });
  });

  it('does not guess between several persons outside the Company, and lists them', () => {
    const found = [person(401, 'a@x', 900), person(405, 'b@x', 901), person(401, 'a@x', 900)];
    expect(personFoundByEmail(anna, 101, found)).toEqual({
      error:
        '2 SuperOffice Contacts outside the Company have the email Anna.Berg@nordlys.example (Contacts 401, 405); ' +
        'Smart Sync does not guess which one is participant #1',
    });
  });

  it('does not guess between several persons when the Company is unknown', () => {
    const found = [person(401, 'a@x', 101), person(402, 'b@x', 101)];
    expect(personFoundByEmail({ participant: 2, email: 'j@x' }, undefined, found)).toEqual({
      error:
        '2 SuperOffice Contacts outside the Company have the email j@x (Contacts 401, 402); ' +
        'Smart Sync does not guess which one is participant #2',
    });
  });
});
