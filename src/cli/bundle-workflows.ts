#!/usr/bin/env node
import { writeWorkflowBundle } from '../temporal/workflow-bundle';

/**
 * `npm run build`'s last step, after tsc: bundles dist/workflows into dist/workflow-bundle.js,
 * which `smart-sync worker` and `start` then load instead of bundling at every start.
 */
writeWorkflowBundle().then(
  ({ file, buildId }) => process.stdout.write(`workflow bundle ${buildId} written to ${file}\n`),
  (err: unknown) => {
    process.stderr.write(
      `could not bundle the workflows: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
