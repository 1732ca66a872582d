import type { Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

/**
 * An activity run as Temporal runs one (Context.current() works, with this attempt
 * number), without a server. The SDK's own log line for each failed run is left out:
 * the tests fail activities on purpose.
 */
export function activityEnv(info: Partial<Info> = {}) {
  const env = new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
  return {
    env,
    /** MockActivityEnvironment.run, with the activity's own argument and result types. */
    run: <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
      env.run(activity, ...args) as Promise<R>,
  };
}

/** The ApplicationFailure a run must reject with (the form the workflow sees as an activity failure's cause). */
export async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await run.then(
    (value: unknown) => new Error(`expected a failure, got ${JSON.stringify(value)}`),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}
