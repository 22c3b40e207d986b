import type { UserRole } from "../domain/roles.js";
import { generateInitialPasswords } from "../credentials/initial-password.js";
import { firstSteps, type FirstStep } from "../domain/first-steps.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { BankContext, RequestContext } from "./context.js";
import { addUser, type AddedUser } from "./administration.js";

/**
 * What the bank hands a new user on paper (初期パスワード通知): who they are, where to go, and the
 * initial passwords. It exists only in the answer to the registration — the passwords are stored
 * hashed, never in clear, never logged, and not kept for a second look.
 */
export interface InitialLetter {
  bank: { id: string; nameJa: string; nameEn: string };
  contract: { code: string; name: string };
  user: { loginId: string; userNo: string; name: string; role: UserRole };
  password: string;
  confirmPassword: string;
  /** what the user does first, in order (domain/first-steps.ts) */
  steps: FirstStep[];
  issuedAt: Date;
}

export interface LetterUser {
  contractId: number;
  loginId: string;
  name: string;
  email: string;
  role: UserRole;
}

/**
 * A user registered by the bank with initial passwords the system makes (staff type none: nobody
 * but the letter's reader ever sees them). The user must change the login password at first login.
 */
export async function addUserWithLetter(deps: { store: Store; clock: Clock }, bank: BankContext, u: LetterUser, ctx: RequestContext): Promise<{ added: AddedUser; letter: InitialLetter }> {
  const passwords = generateInitialPasswords(u.loginId);
  const added = await addUser(deps, bank, { ...u, ...passwords, mustChangePassword: true, passwordsGenerated: true }, ctx);
  const contract = (await deps.store.getContract(bank.config.id, u.contractId))!;
  return {
    added,
    letter: {
      bank: { id: bank.config.id, nameJa: bank.config.nameJa, nameEn: bank.config.nameEn },
      contract: { code: contract.code, name: contract.name },
      user: { loginId: u.loginId, userNo: added.userNo, name: u.name, role: u.role },
      ...passwords,
      steps: firstSteps(contract.loginMethod, bank.policy),
      issuedAt: deps.clock.now(),
    },
  };
}
