/**
 * Oneflow writes datetimes as `%Y-%m-%dT%H:%M:%S%z`, e.g. "2020-06-30T07:15:23+0000": no
 * fraction and no colon in the offset (developer.oneflow.com/docs/type-reference).
 * The emulator always answers in UTC, as the documented examples do.
 */
export function formatOneflowTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+0000`;
}

export const ONEFLOW_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/;
