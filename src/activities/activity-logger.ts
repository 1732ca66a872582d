import { Context } from '@temporalio/activity';
import type { Logger } from '../logging/logger';

/**
 * A logger for one activity execution: every line carries the contract, the workflow
 * and run ids, the activity and its attempt, so an operator can follow one sync
 * through the logs and jump to it in the Temporal Web UI.
 */
export function activityLogger(
  base: Logger,
  fields: { contractId?: number; [key: string]: unknown } = {},
): Logger {
  let info: Context['info'] | undefined;
  try {
    info = Context.current().info;
  } catch {
    // Called outside an activity (a unit test of the function): the base fields will do.
  }
  return base.child({
    ...fields,
    ...(info
      ? {
          workflowId: info.workflowExecution?.workflowId,
          runId: info.workflowExecution?.runId,
          activity: info.activityType,
          attempt: info.attempt,
        }
      : {}),
  });
}
