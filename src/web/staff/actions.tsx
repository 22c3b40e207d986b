import type { VNode } from "preact";
import { S, type StaffTextKey } from "../../i18n/staff-text.js";
import { tr, type Text } from "../views/text.js";
import { DomainError, isDomainError, type ErrorCode, type ErrorParams } from "../../domain/errors.js";
import type { BankRight } from "../../domain/rights.js";
import { formatLocalDateTime } from "../../domain/time-zone.js";
import type { StaffConsole } from "../../lifecycle/staff-console.js";
import type { UserRecord } from "../../store/store.js";
import type { InitialLetter } from "../../lifecycle/initial-letter.js";
import type { TokenLetter } from "../../lifecycle/token-letter.js";
import * as P from "./screens/index.js";

// The staff console's changes, one entry each: what the form, the confirmation and 実行 do.
// routes.tsx drives them (form → confirmation → 実行 → result); lifecycle/ decides.

/** The outcome of a submitted form, kept with its one-time token so a repeat shows it again. */
export type Outcome = { ok: true; text: StaffTextKey; params: Record<string, string | number>; links: Array<[string, StaffTextKey]> } | { ok: false; code: ErrorCode; params: ErrorParams };
/** A letter that is the answer to 実行 itself: it holds initial passwords or a token's secret. */
export type Once = { initial: InitialLetter } | { token: TokenLetter };
/** What 実行 came to: the outcome, and a letter for this one answer (never kept). */
export type Ran = Outcome & { once?: Once };

/** The page of a letter answered once; `result` is where the repeat of this 実行 goes. */
export function oncePage(c: P.PageCtx, once: Once, portalUrl: string, result: string): VNode {
  if ("token" in once) return <P.TokenLetterPage c={c} letter={once.token} result={result} />;
  return <P.InitialLetterPage c={c} letter={once.initial} portalUrl={`${portalUrl}/${encodeURIComponent(once.initial.bank.id)}/login`} result={result} />;
}

export interface ActionSpec {
  right: BankRight;
  /** the action name audited when an unpermitted staff member tries it */
  audit: string;
  what: Text;
  fields: string[];
  danger?: boolean;
  /** the form again, with what was typed (never passwords) and the error */
  form: (c: P.PageCtx, values: P.Values, error?: P.PageError) => Promise<VNode>;
  back: (values: P.Values) => string;
  /** checks the input and says what will happen; throws a DomainError for bad input */
  facts: (con: StaffConsole, values: P.Values) => Promise<P.Fact[]>;
  run: (con: StaffConsole, values: P.Values) => Promise<Ran>;
}

const ok = (text: StaffTextKey, params: Record<string, string | number>, links: Array<[string, StaffTextKey]> = [["/", "toDashboard"]]): Outcome => ({ ok: true, text, params, links });
const reasonText = (k: string) => P.REASONS.find(([r]) => r === k)?.[1] ?? { ja: k, en: k };

/** The confirmation facts of a paper form about one user: who, then `more`, then the form's reference. */
async function paperUserFacts(con: StaffConsole, v: P.Values, more: (u: UserRecord) => P.Fact[]): Promise<P.Fact[]> {
  const ref = (v.reference ?? "").trim();
  if (!ref) throw new DomainError("paper_reference_required");
  const x = await con.userByLoginId(v.loginId ?? "");
  return [[S.loginId, x.user.loginId], [S.userName, x.user.name], [S.contract, `${x.contract.code} ${x.contract.name}`], ...more(x.user), [S.reference, ref]];
}

/** A token screen's confirmation: the user, the token's state, the form's reference. */
async function tokenFacts(con: StaffConsole, v: P.Values, purpose: "reset" | "register"): Promise<P.Fact[]> {
  const ref = (v.reference ?? "").trim();
  if (!ref) throw new DomainError("paper_reference_required");
  const x = await con.userToken(v.loginId ?? "", purpose);
  const state = x.token === "registered" ? S.tokenRegistered : x.token === "pending" ? S.tokenPending : S.tokenNone;
  return [[S.loginId, x.user.loginId], [S.userName, x.user.name], [S.contract, `${x.contract.code} ${x.contract.name}`], [S.userKind, both(kind(x.user.role))], [S.tokenState, both(state)], [S.reference, ref]];
}

export async function contractOf(con: StaffConsole, code: string) {
  return (await con.contract(code)).contract;
}

export const ACTIONS: Record<string, ActionSpec> = {
  "contract-open": {
    right: "contract.open",
    audit: "contract.add",
    what: S.contractOpenTitle,
    fields: ["code", "name", "method"],
    form: async (c, v, e) => <P.ContractOpenPage c={c} values={v} error={e} />,
    back: () => "/contracts/new",
    facts: async (con, v) => {
      const x = await con.checkOpenContract({ code: v.code ?? "", name: v.name ?? "", method: v.method ?? "" });
      return [
        [S.contractCode, x.code],
        [S.contractName, x.name],
        [S.loginMethod, x.loginMethod === "certificate" ? `${S.methodCertificate.ja} / ${S.methodCertificate.en}` : `${S.methodPassword.ja} / ${S.methodPassword.en}`],
      ];
    },
    run: async (con, v) => {
      await con.openContract({ code: v.code ?? "", name: v.name ?? "", method: v.method ?? "" });
      const code = (v.code ?? "").trim();
      return ok("resultContractOpened", { code, name: (v.name ?? "").trim() }, [
        [`/contracts/${encodeURIComponent(code)}/master`, "registerMaster"],
        [`/contracts/${encodeURIComponent(code)}`, "details"],
        ["/contracts", "menuContracts"],
      ]);
    },
  },
  "contract-method": {
    right: "contract.change",
    audit: "contract.login_method",
    what: S.loginMethodTitle,
    fields: ["code", "method", "reference"],
    form: async (c, v, e) => {
      const d = await c.con.contract(v.code ?? "");
      return <P.ContractPage c={c} contract={d.contract} users={d.users} values={v} error={e} />;
    },
    back: (v) => `/contracts/${encodeURIComponent(v.code ?? "")}`,
    facts: async (con, v) => {
      const ref = (v.reference ?? "").trim();
      if (!ref) throw new DomainError("paper_reference_required");
      const x = await con.checkLoginMethod(v.code ?? "", v.method ?? "");
      return [
        [S.contractCode, x.contract.code],
        [S.contractName, x.contract.name],
        [S.currentMethod, both(methodOf(x.from))],
        [S.newMethod, both(methodOf(x.to))],
        [S.validCertificates, `${tr("ja", S.validCertificatesStay, { n: x.validCertificates })} / ${tr("en", S.validCertificatesStay, { n: x.validCertificates })}`],
        [S.reference, ref],
      ];
    },
    run: async (con, v) => {
      const r = await con.switchLoginMethod(v.code ?? "", v.method ?? "", v.reference);
      const code = r.contract.code;
      const text = !r.changed ? "resultMethodAlready" : r.to === "certificate" ? "resultMethodCertificate" : "resultMethodPassword";
      return ok(text, { code, n: r.validCertificates }, [[`/contracts/${encodeURIComponent(code)}`, "details"]]);
    },
  },
  "master-register": {
    right: "user.register_master",
    audit: "user.add",
    what: S.masterTitle,
    fields: ["code", "loginId", "name", "email"],
    form: async (c, v, e) => <P.MasterPage c={c} contract={await contractOf(c.con, v.code ?? "")} values={v} error={e} />,
    back: (v) => `/contracts/${encodeURIComponent(v.code ?? "")}/master`,
    facts: async (con, v) => {
      const k = await con.checkMaster(v.code ?? "", master(v));
      return [
        [S.contract, `${k.code} ${k.name}`],
        [S.loginId, (v.loginId ?? "").trim()],
        [S.userName, (v.name ?? "").trim()],
        [S.email, (v.email ?? "").trim()],
        [S.userKind, `${S.kindMaster.ja} / ${S.kindMaster.en}`],
        [S.initialPassword, `${S.generated.ja} ${S.generated.en}`],
        [S.initialConfirmPassword, `${S.generated.ja} ${S.generated.en}`],
      ];
    },
    run: async (con, v) => {
      const r = await con.registerMaster(v.code ?? "", master(v));
      const code = v.code ?? "";
      const done = ok("resultMasterRegistered", { loginId: r.letter.user.loginId, userNo: r.added.userNo }, [
        [`/contracts/${encodeURIComponent(code)}/users`, "showUsers"],
        [`/contracts/${encodeURIComponent(code)}`, "backToContract"],
      ]);
      // the letter goes out with this answer only; the kept outcome (a repeat's) has no password
      return { ...done, once: { initial: r.letter } };
    },
  },
  revoke: {
    right: "certificate.revoke",
    audit: "certificate.revoke",
    what: S.revokeTitle,
    fields: ["target", "reason", "reference"],
    danger: true,
    form: async (c, v, e) => <P.RevokePage c={c} values={v} error={e} />,
    back: (v) => `/revoke?target=${encodeURIComponent(v.target ?? "")}`,
    facts: async (con, v) => {
      const reason = v.reason ?? "";
      if (!P.REASONS.some(([r]) => r === reason)) throw new DomainError("revocation_reason_invalid", { reason: reason.slice(0, 40) });
      const ref = (v.reference ?? "").trim();
      if (!ref) throw new DomainError("paper_reference_required");
      const x = await con.revocationTarget(v.target ?? "");
      const off = con.bank.offsetMinutes;
      return [
        [S.loginId, x.user.loginId],
        [S.userName, x.user.name],
        [S.contract, `${x.contract.code} ${x.contract.name}`],
        [S.certificates, x.certificates.map((c) => `${c.serial}（${formatLocalDateTime(c.notAfter, off)}）`).join(", ")],
        [S.reason, `${reasonText(reason).ja} / ${reasonText(reason).en}`],
        [S.reference, ref],
      ];
    },
    run: async (con, v) => {
      const r = await con.revoke(v.target ?? "", v.reason ?? "", v.reference);
      return ok("resultRevoked", { loginId: r.loginId, serials: r.serials.join(", ") });
    },
  },
  reset: {
    right: "certificate.reset",
    audit: "certificate.reset",
    what: S.resetTitle,
    fields: ["loginId", "reference"],
    danger: true,
    form: async (c, v, e) => <P.UserFormPage c={c} kind="reset" values={v} error={e} />,
    back: (v) => `/reset?loginId=${encodeURIComponent(v.loginId ?? "")}`,
    facts: (con, v) => paperUserFacts(con, v, (u) => [[S.userKind, `${kind(u.role).ja} / ${kind(u.role).en}`]]),
    run: async (con, v) => {
      const serials = await con.reset(v.loginId ?? "", v.reference);
      return ok("resultReset", { loginId: (v.loginId ?? "").trim(), serials: serials.join(", ") || "-" });
    },
  },
  unlock: {
    right: "user.unlock",
    audit: "user.unlock",
    what: S.unlockTitle,
    fields: ["loginId", "reference"],
    form: async (c, v, e) => <P.UserFormPage c={c} kind="unlock" values={v} error={e} />,
    back: (v) => `/unlock?loginId=${encodeURIComponent(v.loginId ?? "")}`,
    facts: (con, v) =>
      paperUserFacts(con, v, (u) => [
        [S.failedLogins, String(u.failedLogins)],
        [S.failedConfirms, String(u.failedConfirms)],
      ]),
    run: async (con, v) => {
      await con.unlock(v.loginId ?? "", v.reference);
      return ok("resultUnlocked", { loginId: (v.loginId ?? "").trim() });
    },
  },
  "password-reissue": {
    right: "user.password_reissue",
    audit: "user.password_reissue",
    what: S.reissueTitle,
    fields: ["loginId", "reference"],
    danger: true,
    form: async (c, v, e) => <P.UserFormPage c={c} kind="password-reissue" values={v} error={e} />,
    back: (v) => `/reissue?loginId=${encodeURIComponent(v.loginId ?? "")}`,
    facts: (con, v) =>
      paperUserFacts(con, v, (u) => [
        [S.userKind, both(kind(u.role))],
        [S.userState, both(u.status === "suspended" ? S.stateSuspended : S.stateActive)],
        [S.failedLogins, String(u.failedLogins)],
        [S.failedConfirms, String(u.failedConfirms)],
        [S.initialPassword, both(S.generatedOnExecute)],
        [S.initialConfirmPassword, both(S.generatedOnExecute)],
      ]),
    run: async (con, v) => {
      const letter = await con.reissuePasswords(v.loginId ?? "", v.reference);
      // the letter goes out with this answer only; the kept outcome (a repeat's) has no password
      return { ...ok("resultPasswordReissued", { loginId: letter.user.loginId }), once: { initial: letter } };
    },
  },
  "otp-reset": {
    right: "user.otp_reset",
    audit: "user.otp_reset",
    what: S.otpResetTitle,
    fields: ["loginId", "reference"],
    danger: true,
    form: async (c, v, e) => <P.UserFormPage c={c} kind="otp-reset" values={v} error={e} />,
    back: (v) => `/otp-reset?loginId=${encodeURIComponent(v.loginId ?? "")}`,
    facts: (con, v) => tokenFacts(con, v, "reset"),
    run: async (con, v) => {
      await con.resetToken(v.loginId ?? "", v.reference);
      return ok("resultOtpReset", { loginId: (v.loginId ?? "").trim() });
    },
  },
  "otp-register": {
    right: "user.otp_register",
    audit: "user.otp_register",
    what: S.otpRegisterTitle,
    fields: ["loginId", "reference"],
    form: async (c, v, e) => <P.UserFormPage c={c} kind="otp-register" values={v} error={e} />,
    back: (v) => `/otp-register?loginId=${encodeURIComponent(v.loginId ?? "")}`,
    facts: (con, v) => tokenFacts(con, v, "register"),
    run: async (con, v) => {
      const letter = await con.registerToken(v.loginId ?? "", v.reference);
      // the secret goes out with this answer only; the kept outcome (a repeat's) has none
      return { ...ok("resultOtpRegistered", { loginId: letter.user.loginId }), once: { token: letter } };
    },
  },
  crl: {
    right: "crl.rebuild",
    audit: "crl.rebuild",
    what: S.crlTitle,
    fields: [],
    form: async (c, _v, e) => (e ? <P.ErrorPage c={c} error={e} /> : <P.CrlPage c={c} crl={c.con.crlStatus()} />),
    back: () => "/crl",
    facts: async (con) => {
      const s = con.crlStatus();
      return [[S.crlNumber, s ? String(s.number) : "-"]];
    },
    run: async (con) => ok("resultCrl", { number: await con.rebuildCrl() }, [["/crl", "crlTitle"]]),
  },
};

/** What running an action came to: its result, or what lifecycle/ refused. */
export async function outcomeOf(spec: ActionSpec, con: StaffConsole, values: P.Values): Promise<Ran> {
  try {
    return await spec.run(con, values);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return { ok: false, code: e.code, params: e.params };
  }
}

function master(v: P.Values) {
  return { loginId: v.loginId ?? "", name: v.name ?? "", email: v.email ?? "" };
}
const methodOf = (m: string): Text => (m === "certificate" ? S.methodCertificate : S.methodPassword);
const both = (x: Text) => `${x.ja} / ${x.en}`;
function kind(role: string): Text {
  return role === "master" ? S.kindMaster : role === "admin" ? S.kindAdmin : S.kindGeneral;
}

