const DAY_MS = 86_400_000;

/** Days are UTC calendar days written YYYY-MM-DD; arithmetic on them stays in UTC. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}
