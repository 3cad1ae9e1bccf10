/** HUD enum values as words: SPOUSE_OR_PARTNER -> "spouse or partner". */
export function words(value: string | null | undefined): string {
  return value ? value.toLowerCase().replace(/_/g, ' ') : '';
}

/** Whole years from a yyyy-mm-dd birth date to a yyyy-mm-dd day. */
export function ageOn(dateOfBirth: string | null | undefined, day: string): number | null {
  if (!dateOfBirth) return null;
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Today as yyyy-mm-dd in the browser's zone (the server's "today" may differ: HEARTH_TODAY, HEARTH_TZ). */
export function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function shiftDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function dateTime(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : '';
}
