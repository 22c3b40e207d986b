/**
 * How long a staff console session (and the form token that goes with it) lasts: a working day,
 * whatever the activity. After it the next page starts a new session with a new token, and a form
 * of the old one is refused ("start again").
 */
export const STAFF_SESSION_MAX_MS = 8 * 3600_000;

/** Whether a staff session begun at `startedAt` (ms) is still open at `now` (a session from the future is not). */
export function staffSessionOpen(startedAt: number, now: Date): boolean {
  const age = now.getTime() - startedAt;
  return age >= 0 && age < STAFF_SESSION_MAX_MS;
}
