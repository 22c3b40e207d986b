import type { UserRole } from "../domain/roles.js";
import { generateInitialPasswords } from "../credentials/initial-password.js";
import { firstSteps, type FirstStep } from "../domain/first-steps.js";
import type { ContractRecord, Store } from "../store/store.js";
import type { Clock } from "../domain/clock.js";
import type { BankContext, RequestContext } from "./context.js";
import { addUser, type AddedUser } from "./administration.js";
import { runUserOperation } from "./user-operations.js";
import type { StaffTokenContext } from "./token-administration.js";
import { userCertificateEntry } from "./user-certificates.js";

/**
 * What the bank hands a user on paper (初期パスワード通知): who they are, where to go, and the
 * initial passwords — of a new user, or new ones the bank reissued. It exists only in the answer to
 * the registration or the reissue — the passwords are stored hashed, never in clear, never logged,
 * and not kept for a second look.
 */
export interface InitialLetter {
  /** a new user's, or a パスワード再発行's (the old passwords no longer work) */
  kind: "initial" | "reissue";
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

type LetterOf = Pick<InitialLetter, "kind" | "password" | "confirmPassword" | "steps" | "issuedAt"> & { user: InitialLetter["user"] };

function letter(bank: BankContext, contract: ContractRecord, l: LetterOf): InitialLetter {
  return { ...l, bank: { id: bank.config.id, nameJa: bank.config.nameJa, nameEn: bank.config.nameEn }, contract: { code: contract.code, name: contract.name } };
}

/**
 * A user registered by the bank with initial passwords the system makes (staff type none: nobody
 * but the letter's reader ever sees them). The user must change the login password at first login.
 */
export async function addUserWithLetter(deps: { store: Store; clock: Clock }, bank: BankContext, u: LetterUser, ctx: RequestContext): Promise<{ added: AddedUser; letter: InitialLetter }> {
  const passwords = generateInitialPasswords(u.loginId);
  const added = await addUser(deps, bank, { ...u, ...passwords, mustChangePassword: true, passwordsGenerated: true }, ctx);
  const contract = (await deps.store.getContract(bank.config.id, u.contractId))!;
  const user = { loginId: u.loginId, userNo: added.userNo, name: u.name, role: u.role };
  return { added, letter: letter(bank, contract, { kind: "initial", user, ...passwords, steps: firstSteps(contract.loginMethod, bank.policy), issuedAt: deps.clock.now() }) };
}

/**
 * パスワード再発行 with its letter: the user-operations table's password_reissue (the rights table,
 * the audit record, the sessions ended), then the letter for the user as they are now — its steps
 * say whether they log in with the certificate they hold or acquire one, and whether a token is
 * still to be enrolled.
 */
export async function reissueWithLetter(c: StaffTokenContext, loginId: string, reference: string | null): Promise<InitialLetter> {
  const { store, clock } = c.deps;
  const bankId = c.bank.config.id;
  const passwords = await runUserOperation({ ...c, name: "password_reissue", target: loginId.trim(), reference });
  const user = (await store.getUserByLoginId(bankId, loginId.trim()))!;
  const contract = (await store.getContract(bankId, user.contractId))!;
  const now = clock.now();
  const e = await userCertificateEntry(c.deps, c.bank, user, now);
  const held = { certificate: e.status === "issued" || e.status === "renewable", token: e.token };
  return letter(c.bank, contract, { kind: "reissue", user: { loginId: user.loginId, userNo: user.userNo, name: user.name, role: user.role }, ...passwords, steps: firstSteps(contract.loginMethod, c.bank.policy, held), issuedAt: now });
}
