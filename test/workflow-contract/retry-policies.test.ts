import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { createOneflowActivities, createSuperOfficeActivities } from '../../src/activities';
import { ApiError, type ApiErrorKind } from '../../src/http/api-error';
import { InMemoryMappingStore } from '../../src/mapping-store/mapping-store';
import {
  FAILURE,
  FAILURE_TYPES,
  NON_RETRYABLE_FAILURE_TYPES,
  normalizeStepOverrides,
  STEP_NAMES,
  stepActivityOptions,
} from '../../src/workflow-contract';

const ms = (d: Duration | undefined) => (d === undefined ? undefined : msToNumber(d));

describe('step names', () => {
  it('are the names of the activities the workers register', () => {
    const unused = {} as never;
    const names = [
      ...Object.keys(createOneflowActivities({ oneflow: unused, logger: unused })),
      ...Object.keys(
        createSuperOfficeActivities({
          superoffice: unused,
          mappingStore: new InMemoryMappingStore(),
          logger: unused,
        }),
      ),
    ];
    expect(names.sort()).toEqual([...STEP_NAMES].sort());
  });
});

describe('stepActivityOptions', () => {
  it('gives every step the base policy with its own differences', () => {
    const sale = stepActivityOptions('updateSale');
    expect(ms(sale.startToCloseTimeout)).toBe(30_000);
    expect(ms(sale.retry?.initialInterval)).toBe(1_000);
    expect(ms(sale.retry?.maximumInterval)).toBe(60_000);
    expect(sale.retry?.maximumAttempts).toBe(10);
    expect(ms(stepActivityOptions('updateProducts').startToCloseTimeout)).toBe(120_000);
    const outcome = stepActivityOptions('recordOutcome');
    expect(outcome.retry?.maximumAttempts).toBe(20);
    expect(ms(outcome.retry?.maximumInterval)).toBe(300_000);
    expect(stepActivityOptions('fetchSignedContract', {}, 'q-oneflow').taskQueue).toBe('q-oneflow');
    expect(stepActivityOptions('updateSale').taskQueue).toBeUndefined();
  });

  it('puts a run override on top of the step policy, field by field', () => {
    const o = stepActivityOptions('recordOutcome', { maximumAttempts: 3, startToCloseTimeoutMs: 5_000 });
    expect(o.retry?.maximumAttempts).toBe(3);
    expect(ms(o.startToCloseTimeout)).toBe(5_000);
    expect(ms(o.retry?.maximumInterval)).toBe(300_000);
  });

  it('stops at once on exactly the failure types the table calls non-retryable', () => {
    const types = stepActivityOptions('updateCompany').retry?.nonRetryableErrorTypes;
    expect(types).toEqual(
      Object.entries(FAILURE_TYPES)
        .filter(([, t]) => !t.retryable)
        .map(([n]) => n),
    );
    expect(types).toEqual(expect.arrayContaining(['NotFound', 'ContractNotSigned', 'Unauthorized']));
    expect(types).not.toContain(FAILURE.ServerError);
  });
});

describe('normalizeStepOverrides', () => {
  it('keeps the keys of version 0.1 working, as activity names', () => {
    expect(
      normalizeStepOverrides({
        fetchContract: { maximumAttempts: 1 },
        plan: { maximumAttempts: 2 },
        sale: { maximumAttempts: 3 },
        company: { maximumAttempts: 4 },
        contact: { maximumAttempts: 5 },
        products: { maximumAttempts: 6 },
        outcome: { maximumAttempts: 7 },
      }),
    ).toEqual({
      fetchSignedContract: { maximumAttempts: 1 },
      resolvePlan: { maximumAttempts: 2 },
      updateSale: { maximumAttempts: 3 },
      updateCompany: { maximumAttempts: 4 },
      updateContact: { maximumAttempts: 5 },
      updateProducts: { maximumAttempts: 6 },
      recordOutcome: { maximumAttempts: 7 },
    });
  });

  it('lets the activity name win over the old key for the same step, whatever the order', () => {
    const expected = { updateCompany: { maximumAttempts: 9, initialIntervalMs: 10 } };
    expect(
      normalizeStepOverrides({
        updateCompany: { maximumAttempts: 9 },
        company: { maximumAttempts: 1, initialIntervalMs: 10 },
      }),
    ).toEqual(expected);
    expect(
      normalizeStepOverrides({
        company: { maximumAttempts: 1, initialIntervalMs: 10 },
        updateCompany: { maximumAttempts: 9 },
      }),
    ).toEqual(expected);
    expect(normalizeStepOverrides(undefined)).toEqual({});
  });
});

describe('the failure table', () => {
  it.each<[ApiErrorKind, boolean]>([
    ['unauthorized', false],
    ['forbidden', false],
    ['not_found', false],
    ['conflict', false],
    ['rejected', false],
    ['invalid_response', false],
    ['rate_limited', true],
    ['server_error', true],
    ['timeout', true],
    ['network', true],
  ])('decides whether a client error (%s) is retryable', (kind, retryable) => {
    expect(new ApiError('superoffice', kind, 'x').retryable).toBe(retryable);
  });

  it('lists each non-retryable type once', () => {
    expect(new Set(NON_RETRYABLE_FAILURE_TYPES).size).toBe(NON_RETRYABLE_FAILURE_TYPES.length);
    expect(FAILURE.NotFound).toBe('NotFound');
  });
});
