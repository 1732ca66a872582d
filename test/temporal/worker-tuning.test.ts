import { loadEnvironment } from '../../src/config/env';
import {
  MAX_CACHED_WORKFLOWS,
  MIN_CACHED_WORKFLOWS,
  maxCachedWorkflows,
  workflowWorkerTuning,
} from '../../src/temporal/worker-tuning';

const GB = 2 ** 30;

describe('the workflow worker tuning', () => {
  it('caps the cache whatever the machine, so a burst cannot grow the service without bound', () => {
    expect(maxCachedWorkflows({ totalMemoryBytes: 64 * GB })).toBe(MAX_CACHED_WORKFLOWS);
    expect(maxCachedWorkflows({ totalMemoryBytes: 24 * GB })).toBe(MAX_CACHED_WORKFLOWS);
  });

  it('gives a small machine a smaller cache, but never one so small that replays dominate', () => {
    expect(maxCachedWorkflows({ totalMemoryBytes: 2 * GB })).toBe(204);
    expect(maxCachedWorkflows({ totalMemoryBytes: 0.25 * GB })).toBe(MIN_CACHED_WORKFLOWS);
  });

  it('takes SMART_SYNC_MAX_CACHED_WORKFLOWS as given, 0 included', () => {
    const size = (value: string) =>
      maxCachedWorkflows({
        totalMemoryBytes: 24 * GB,
        maxCachedWorkflows: loadEnvironment({ SMART_SYNC_MAX_CACHED_WORKFLOWS: value }).maxCachedWorkflows,
      });
    expect(size('1000')).toBe(1000);
    expect(size('')).toBe(MAX_CACHED_WORKFLOWS);
    expect(workflowWorkerTuning({ totalMemoryBytes: 24 * GB, maxCachedWorkflows: 0 })).toEqual({
      maxCachedWorkflows: 0,
    });
  });

  it('refuses at start-up a setting the SDK would quietly change, or no number at all', () => {
    for (const bad of ['1', '-5', '2.5', 'many'])
      expect(() => loadEnvironment({ SMART_SYNC_MAX_CACHED_WORKFLOWS: bad })).toThrow(
        /SMART_SYNC_MAX_CACHED_WORKFLOWS must be/,
      );
  });

  it('keeps the concurrent workflow tasks within the cache', () => {
    expect(workflowWorkerTuning({ totalMemoryBytes: 24 * GB, maxCachedWorkflows: 10 })).toEqual({
      maxCachedWorkflows: 10,
      maxConcurrentWorkflowTaskExecutions: 10,
    });
    expect(workflowWorkerTuning({ totalMemoryBytes: 24 * GB })).toEqual({
      maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: 40,
    });
  });
});
