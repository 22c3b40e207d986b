import { W } from "../../i18n/app-window-text.js";
import type { CertMeta } from "../certificate-store.js";
import type { Explained } from "../explain.js";
import { Frame, Notice, w, type View } from "./frame.js";

/** 証明書の削除確認: a still-valid certificate is deleted only when the person says so. */
export function DeleteConfirmScreen(p: { v: View; meta: CertMeta; what: string }) {
  const { v } = p;
  return (
    <Frame v={v} title={W.deleteTitle}>
      <Notice kind="error">{p.what}</Notice>
      <p class="subject">{p.meta.subject}</p>
      <form method="post" action="/delete">
        <input type="hidden" name="serial" value={p.meta.serial} />
        <div class="field">
          <input type="checkbox" id="confirm" name="confirm" value="yes" required /> <label for="confirm">{w(v, "deleteConfirm")}</label>
        </div>
        <div class="actions">
          <button type="submit" class="danger">
            {w(v, "deleteDo")}
          </button>
          <a class="button secondary" href="/">
            {w(v, "back")}
          </a>
        </div>
      </form>
    </Frame>
  );
}

/** A refusal or a local error: the same what-happened and what-to-do the command line prints. */
export function ErrorScreen(p: { v: View; x: Explained; again?: string }) {
  const { v, x } = p;
  const { m } = v;
  return (
    <Frame v={v} title={W.errorTitle}>
      <Notice kind="error">
        <p>{`${m.t("label_error")}: ${x.what}`}</p>
        {x.todo && <p>{`${m.t("label_todo")}: ${x.todo}`}</p>}
        {x.code && <p>{`(${m.t("label_code")}: ${x.code})`}</p>}
      </Notice>
      <div class="actions">
        {p.again && (
          <a class="button secondary" href={p.again}>
            {w(v, "retry")}
          </a>
        )}
        <a class="button secondary" href="/">
          {w(v, "toHome")}
        </a>
      </div>
    </Frame>
  );
}

/** The last page: the server stops as it is sent, so it asks for nothing more (no stylesheet). */
export function ClosedScreen(p: { v: View }) {
  return (
    <Frame v={p.v} title={W.closedTitle} unstyled>
      <p>{w(p.v, "closedLead")}</p>
    </Frame>
  );
}
