import { DomainError } from "../domain/errors.js";
import type { Deps } from "./context.js";

export interface FormSubmission {
  bankId: string;
  /** whose submissions these are (user:<id>); another owner's token is not found */
  owner: string;
  /** the form's one-time token */
  token: string;
  /** what the form does, kept with the token */
  action: string;
}

/**
 * A confirmation form acts once: the first submission of its token runs `act` and keeps its
 * result (the result page's address); a repeated one gets that result (null while the first still
 * runs) and acts not at all. A failed action frees the token, so the corrected form can be sent.
 */
export async function submitOnce(deps: Deps, f: FormSubmission, act: () => Promise<string>): Promise<{ first: boolean; result: string | null }> {
  const subs = deps.store.submissions;
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(f.token)) throw new DomainError("csrf_invalid");
  if (!(await subs.claim({ bankId: f.bankId, token: f.token, owner: f.owner, action: f.action, at: deps.clock.now() }))) return { first: false, result: (await subs.find(f.bankId, f.token, f.owner))?.result ?? null };
  try {
    const result = await act();
    await subs.finish(f.bankId, f.token, result);
    return { first: true, result };
  } catch (e) {
    await subs.release(f.bankId, f.token);
    throw e;
  }
}
