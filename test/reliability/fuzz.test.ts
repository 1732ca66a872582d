import { describeFuzzing } from '../support/fuzz';
import { describePreviewFuzzing } from '../support/preview-fuzz';

/**
 * The fuzzing of test/server/fuzz.test.ts at ten thousand cases per property (FUZZ_RUNS
 * for another figure): rarer shapes (a huge value in just the wrong field, a deep one
 * where a message quotes it) turn up only at this count. Its figures go into BENCHMARKS.md.
 */
jest.setTimeout(600_000);

describeFuzzing("fuzzing the service's inputs, long run", Number(process.env.FUZZ_RUNS ?? 10_000));
describePreviewFuzzing("fuzzing the preview's inputs, long run", Number(process.env.FUZZ_RUNS ?? 10_000));
