import type { BankPolicy } from "./policy.js";
import type { LoginMethod } from "./roles.js";
import { tokenRequired } from "./one-time-password.js";

/** A step of a new user's first use, as the initial-password letter lists them. */
export type FirstStep = "acquire_certificate" | "log_in" | "change_password" | "enrol_otp";

/**
 * What a user registered by the bank does first, in order: at a certificate contract, acquire the
 * certificate with the login ID and the initial password (the seeds' 4-11), at an ID/password one,
 * log in; then change the initial password (forced); then, where the login asks for a token
 * (dueStep: certificate contracts whose policy asks a one-time password), enrol it.
 */
export function firstSteps(loginMethod: LoginMethod, policy: Pick<BankPolicy, "otp">): FirstStep[] {
  const steps: FirstStep[] = [loginMethod === "certificate" ? "acquire_certificate" : "log_in", "change_password"];
  if (loginMethod === "certificate" && tokenRequired(policy)) steps.push("enrol_otp");
  return steps;
}
