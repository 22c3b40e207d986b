// The staff console's screens, one a file; routes.tsx renders them through this one name.
export type { PageCtx, PageError, Values } from "./parts.js";
export { DashboardPage } from "./dashboard.js";
export { ContractsPage } from "./contracts.js";
export { ContractOpenPage } from "./contract-open.js";
export { ContractPage } from "./contract.js";
export { UsersPage } from "./users.js";
export { MasterPage } from "./master.js";
export { REASONS, RevokePage } from "./revoke.js";
export { UserFormPage } from "./user-form.js";
export { CrlPage } from "./crl.js";
export { ConfirmPage, type Fact } from "./confirm.js";
export { ResultPage } from "./result.js";
export { AuditPage, type AuditRow } from "./audit.js";
export { VerifyPage } from "./verify.js";
export { RefusalPage } from "./refusal.js";
export { BareErrorPage, ErrorPage } from "./error.js";
