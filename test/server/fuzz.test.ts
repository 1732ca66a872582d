import { describeFuzzing } from '../support/fuzz';
import { describePreviewFuzzing } from '../support/preview-fuzz';

/**
 * A thousand cases per property on every `npm test` (FUZZ_RUNS for more); the reliability
 * suite runs ten thousand (test/reliability/fuzz.test.ts).
 */
describeFuzzing("fuzzing the service's inputs", Number(process.env.FUZZ_RUNS ?? 1_000));
describePreviewFuzzing("fuzzing the preview's inputs", Number(process.env.FUZZ_RUNS ?? 1_000));
