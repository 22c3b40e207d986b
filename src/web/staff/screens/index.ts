// The staff console's screens, one a file (the STF numbers are the screens' IDs); frame.tsx and
// form.tsx hold the pieces they share.
export type { PageCtx, Values, PageError, Fact } from "./frame.js";
export { StaffPage, ErrorNotice } from "./frame.js";
export { DashboardPage } from "./dashboard.js";
export { ContractsPage } from "./contracts.js";
export { ContractOpenPage } from "./contract-open.js";
export { ContractPage } from "./contract.js";
export { UsersPage } from "./users.js";
export { MasterPage } from "./master.js";
export { RevokePage, REASONS } from "./revoke.js";
export { UserFormPage } from "./user-form.js";
export { CrlPage } from "./crl.js";
export { ConfirmPage } from "./confirm.js";
export { ResultPage } from "./result.js";
export { AuditPage, type AuditRow } from "./audit.js";
export { VerifyPage, type VerifyOutcome } from "./verify.js";
export { RefusalPage } from "./refusal.js";
export { ErrorPage } from "./error.js";
export { BareErrorPage } from "./bare-error.js";
export { InitialLetterPage } from "./letter.js";
export { TokenLetterPage } from "./token-letter.js";
