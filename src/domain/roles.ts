export type UserRole = "master" | "admin" | "general";
export const USER_ROLES: readonly UserRole[] = ["master", "admin", "general"];

export type LoginMethod = "certificate" | "password";

/** Login IDs: 6–12 half-width letters and digits (SPEC.md "Users"). */
export const LOGIN_ID_PATTERN = /^[A-Za-z0-9]{6,12}$/;

/**
 * Passwords: 6–12 half-width letters and digits, with at least one letter and one digit,
 * case-sensitive. Login ID, login password and confirmation password must all differ.
 */
export function passwordProblems(password: string, loginId: string, other?: string): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9]{6,12}$/.test(password)) problems.push("length_or_charset");
  else if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) problems.push("letters_and_digits");
  if (password === loginId) problems.push("same_as_login_id");
  if (other !== undefined && password === other) problems.push("same_as_other_password");
  return problems;
}

/** A001 for the master, then A002, A003… in order of registration. */
export function userNumber(index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > 999) throw new Error(`user index out of range: ${index}`);
  return `A${String(index).padStart(3, "0")}`;
}
