/**
 * Oneflow datetimes are `%Y-%m-%dT%H:%M:%S%z`, e.g. "2020-06-30T07:15:23+0000", with no
 * colon in the offset (reference §2, from /docs/type-reference). JavaScript's Date.parse
 * does not promise to read that form, so it is parsed here. RFC 3339 forms ("+00:00",
 * "Z", fractions) are read as well, in case Oneflow's output ever changes.
 */
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseOneflowTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const m = PATTERN.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const offset = zone === 'Z' ? 'Z' : `${zone!.slice(0, 3)}:${zone!.slice(-2)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ''}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
