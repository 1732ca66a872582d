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
    expect(ms(sale.scheduleToCloseTimeout)).toBe(24 * 3_600_000);
    expect(ms(sale.startToCloseTimeout)).toBe(30_000);
    expect(ms(sale.heartbeatTimeout)).toBe(20_000);
    expect(ms(sale.retry?.initialInterval)).toBe(1_000);
    expect(ms(sale.retry?.maximumInterval)).toBe(600_000);
    // Unset: no limit on attempts but the schedule-to-close timeout (the SDK refuses 0).
    expect(sale.retry?.maximumAttempts).toBeUndefined();
    expect(ms(stepActivityOptions('updateProducts').startToCloseTimeout)).toBe(120_000);
    expect(ms(stepActivityOptions('recordOutcome').scheduleToCloseTimeout)).toBe(48 * 3_600_000);
    expect(stepActivityOptions('fetchSignedContract', {}, 'q-oneflow').taskQueue).toBe('q-oneflow');
    expect(stepActivityOptions('updateSale').taskQueue).toBeUndefined();
  });

  it("retries a SuperOffice outage of ten minutes well inside every step's horizon", () => {
    // The waits before each attempt under the default policy, until the schedule-to-close ends.
    for (const step of STEP_NAMES) {
      const o = stepActivityOptions(step);
      const horizon = ms(o.scheduleToCloseTimeout)!;
      const attemptMax = ms(o.startToCloseTimeout)!;
      let elapsed = 0;
      let wait = ms(o.retry?.initialInterval)!;
      let attempts = 0;
      // An outage of 10 minutes: every attempt in it fails after its whole timeout.
      while (elapsed < 10 * 60_000) {
        elapsed += attemptMax + wait;
        wait = Math.min(wait * o.retry!.backoffCoefficient!, ms(o.retry?.maximumInterval)!);
        attempts++;
      }
      expect({ step, withinHorizon: elapsed < horizon / 10 }).toEqual({ step, withinHorizon: true });
      expect(attempts).toBeLessThan(30);
    }
  });

  it('puts a run override on top of the step policy, field by field', () => {
    const o = stepActivityOptions('recordOutcome', {
      maximumAttempts: 3,
      startToCloseTimeoutMs: 5_000,
      scheduleToCloseTimeoutMs: 60_000,
    });
    expect(o.retry?.maximumAttempts).toBe(3);
    expect(ms(o.startToCloseTimeout)).toBe(5_000);
    expect(ms(o.scheduleToCloseTimeout)).toBe(60_000);
    expect(ms(o.retry?.maximumInterval)).toBe(600_000);
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
