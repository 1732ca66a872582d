import type { VersioningBehavior } from '@temporalio/common';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * Worker Deployment versioning, off unless TEMPORAL_DEPLOYMENT_NAME is set. The variable
 * names are the ones Temporal's Worker Controller for Kubernetes gives the pods it runs
 * (TEMPORAL_DEPLOYMENT_NAME, TEMPORAL_WORKER_BUILD_ID), so that the controller can drive
 * the rollout; without TEMPORAL_WORKER_BUILD_ID the build id is the workflow bundle's own.
 *
 * The default behaviour is AUTO_UPGRADE: every change to the workflow is guarded with
 * patched() and replayed against committed histories in CI (README "Changing the
 * workflow"), so a run may move to the new code at its next workflow task, and a run that
 * retries for a day does not keep an old version's workers alive. PINNED suits a team
 * that would rather keep old versions running until their runs drain than patch.
 */
export interface WorkerVersioning {
  deploymentName: string;
  /** Unset: the workflow bundle's build id. */
  buildId?: string;
  behavior: VersioningBehavior;
}

export function workerDeploymentOptions(
  versioning: WorkerVersioning,
  bundleBuildId: string,
): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  return {
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName: versioning.deploymentName, buildId: versioning.buildId ?? bundleBuildId },
      defaultVersioningBehavior: versioning.behavior,
    },
  };
}

/**
 * What an operator runs once the new version's workers poll, to send new runs (and, with
 * AUTO_UPGRADE, the open ones) to it. Until then a new deployment version gets no tasks.
 */
export function setCurrentVersionCommand(namespace: string, deploymentName: string, buildId: string): string {
  return `temporal worker deployment set-current-version --namespace ${namespace} --deployment-name ${deploymentName} --build-id ${buildId}`;
}
