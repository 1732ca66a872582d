/**
 * Task-queue naming, shared by the workers and the workflow (so: no Node imports).
 * Oneflow activities get a queue of their own, so that a task-queue rate limit can
 * hold them under Oneflow's API limit without slowing SuperOffice calls.
 */
export function oneflowTaskQueue(taskQueue: string): string {
  return `${taskQueue}-oneflow`;
}
