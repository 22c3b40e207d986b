import type { AppBank } from "../../shared/app-banks.js";
import { W } from "../../i18n/app-window-text.js";
import type { CertMeta } from "../certificate-store.js";
import type { Explained } from "../explain.js";
import type { Question } from "../questions.js";
import type { Params } from "../messages.js";
import { formatTime } from "../format.js";
import { certificateFacts } from "../result-text.js";
import { opensAt } from "../context.js";
import { CloseButton, Frame, Notice, w, type View } from "./frame.js";
import type { Placement } from "./install-here.js";
import { installedNote, type Installed } from "../os-store/index.js";

function Field(p: { id: string; label: string; type?: "text" | "password"; autocomplete?: string; inputmode?: string; value?: string; maxLength?: number }) {
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input type={(p.type ?? "text") as "text"} id={p.id} name={p.id} autoComplete={p.autocomplete} inputMode={p.inputmode as "numeric" | undefined} value={p.value} maxLength={p.maxLength ?? 64} required />
    </div>
  );
}

function Back(p: { v: View; href?: string }) {
  return (
    <a class="button secondary" href={p.href ?? "/"}>
      {w(p.v, "back")}
    </a>
  );
}

/** 次へ, and 戻る to 証明書取得 (which abandons what was under way, as Ctrl-C would). */
function NextBack(p: { v: View }) {
  return (
    <div class="actions">
      <button type="submit" class="primary">
        {w(p.v, "next")}
      </button>
      <Back v={p.v} />
    </div>
  );
}

/** 証明書発行: the bank from the server's list, the login ID. */
export function IssueFormScreen(p: { v: View; banks: AppBank[]; bank?: string; loginId?: string; problem?: string }) {
  const { v } = p;
  return (
    <Frame v={v} title={W.issueHeading}>
      {p.problem && <Notice kind="error">{p.problem}</Notice>}
      {p.banks.length > 0 && (
        <form method="post" action="/issue">
          <p>{w(v, "issueFormLead")}</p>
          <div class="field">
            <label for="bank">{w(v, "bank")}</label>
            <select id="bank" name="bank" required>
              {p.banks.map((b) => (
                <option value={b.id} selected={b.id === p.bank}>
                  {b.name[v.locale]}
                </option>
              ))}
            </select>
          </div>
          <Field id="loginId" label={w(v, "loginId")} autocomplete="username" value={p.loginId} />
          <NextBack v={v} />
        </form>
      )}
      {p.banks.length === 0 && (
        <div class="actions">
          <Back v={v} />
        </div>
      )}
    </Frame>
  );
}

const QUESTION = {
  passphrase: { title: W.passphraseTitle, lead: "passphraseLead", label: "passphrase", type: "password", autocomplete: "current-password" },
  new_passphrase: { title: W.newPassphraseTitle, lead: "newPassphraseLead", label: "passphrase", type: "password", autocomplete: "new-password" },
  password: { title: W.passwordTitle, lead: "passwordLead", label: "password", type: "password", autocomplete: "current-password" },
  otp: { title: W.otpTitle, lead: "otpLead", label: "otp", type: "text", autocomplete: "one-time-code" },
} as const;

export const ANSWERED_ON_SCREENS = Object.keys(QUESTION) as Question[];

/** ログインパスワード入力, ワンタイムパスワード入力, the store passphrase: whatever the command asks now. */
export function QuestionScreen(p: { v: View; jobId: string; question: keyof typeof QUESTION; params: Params }) {
  const { v } = p;
  const q = QUESTION[p.question];
  return (
    <Frame v={v} title={q.title}>
      <form method="post" action={`/job/${p.jobId}`}>
        <input type="hidden" name="question" value={p.question} />
        <p>{w(v, q.lead, p.params)}</p>
        <Field id="value" label={w(v, q.label)} type={q.type} autocomplete={q.autocomplete} inputmode={p.question === "otp" ? "numeric" : undefined} />
        {p.question === "new_passphrase" && <Field id="again" label={w(v, "passphraseAgain")} type="password" autocomplete="new-password" />}
        <NextBack v={v} />
      </form>
    </Frame>
  );
}

function placeText(v: View, i: Installed): string {
  if (i.store === "windows") return w(v, "installedWindows", { where: i.where });
  if (i.store === "macos") return w(v, "installedMacos", { where: i.where });
  return w(v, "installedNss", { dir: i.where });
}

/** 証明書発行結果 / 証明書更新結果: the certificate's facts and where it was installed; 閉じる. */
export function ResultScreen(p: { v: View; kind: "issue" | "renew"; meta: CertMeta; replaced?: string; place: Placement; installProblem?: Explained }) {
  const { v, meta } = p;
  const { m } = v;
  const opens = opensAt(meta);
  const { installed } = p.place;
  const rows: Array<[string, string]> = [...certificateFacts(m, meta), ...(installed ? [[w(v, "installedAt"), placeText(v, installed)] as [string, string]] : [])];
  const done = p.kind === "renew" ? "result_done_renew" : installed ? "result_done_issue" : "result_done_issue_stored";
  return (
    <Frame v={v} title={p.kind === "issue" ? W.resultIssueTitle : W.resultRenewTitle}>
      <Notice kind="success">
        {m.t(done, { old: p.replaced ?? "" })} {w(v, "resultCloseLead")}
      </Notice>
      {p.installProblem && (
        <Notice kind="error">
          {w(v, "installFailed")} {p.installProblem.what} {p.installProblem.todo}
        </Notice>
      )}
      <ul>
        <li>{installed ? installedNote(m, installed) : w(v, "resultBrowsers")}</li>
        <li>{m.t("result_validity_note", { notAfter: formatTime(new Date(meta.notAfter), v.locale), opensAt: formatTime(opens, v.locale) })}</li>
      </ul>
      <h2>{w(v, "resultInfo")}</h2>
      <dl class="facts">
        {rows.map(([k, val]) => (
          <>
            <dt>{k}</dt>
            <dd>{val}</dd>
          </>
        ))}
      </dl>
      <div class="actions">
        <CloseButton v={v} primary />
        <a class="button secondary" href="/">
          {w(v, "toHome")}
        </a>
      </div>
    </Frame>
  );
}
