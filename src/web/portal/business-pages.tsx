import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { B } from "../../i18n/business-text.js";
import { P } from "../../i18n/portal-text.js";
import type { Text } from "../../i18n/text.js";
import { managesUsers, viewsOwnContract } from "../../domain/rights.js";
import type { SessionView, UserListEntry } from "../../lifecycle/lifecycle.js";
import { Notice } from "../views/layout.js";
import { shownOnForm } from "../errors.js";
import { Field, field, query, sessionRoutes, type PortalDeps, type PortalPage, type ScreenFrame } from "./portal-context.js";
import { ButtonLink, ErrorNotice, SubmitButton, FormActions } from "./page-parts.js";
import { UserFacts } from "./screens/admin-parts.js";

const BUSINESS: ScreenFrame = { title: B.businessTitle, screenId: "BSSK001", current: "admin" };
const CONTRACT: ScreenFrame = { title: B.contractTitle, screenId: "BKGK001", current: "admin" };
const SELF: ScreenFrame = { title: B.selfTitle, screenId: "BJSN001", current: "self" };
const SELF_DONE: ScreenFrame = { title: B.selfDoneTitle, screenId: "BJSN003", current: "self" };

/**
 * 業務選択 (BSSK001) → 企業管理 (企業情報の照会), 利用者管理, 操作履歴照会; and 自身の情報の変更・照会 for
 * every user. What each actor is offered is read off the rights table (domain/rights.ts).
 */
export function businessRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const routes = sessionRoutes(app, deps);

  routes.get("/:bank/business", async (page, v) => {
    const items: { href: string; label: Text; hint: Text }[] = [];
    if (viewsOwnContract(v.actor)) items.push({ href: "/business/contract", label: B.companyAdmin, hint: B.companyAdminHint });
    if (managesUsers(v.actor)) items.push({ href: "/admin", label: B.userAdmin, hint: B.userAdminHint });
    items.push({ href: "/history", label: B.history, hint: B.historyHint });
    return page.render({
      ...BUSINESS,
      view: v,
      children: (
        <>
          <p>{page.t(B.businessLead)}</p>
          <table class="menu-table">
            <caption>{page.t(B.businessTitle)}</caption>
            <tbody>
              {items.map((i) => (
                <tr>
                  <th scope="row">
                    <a href={page.url(i.href)}>{page.t(i.label)}</a>
                  </th>
                  <td>{page.t(i.hint)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ),
    });
  });

  // 企業管理 — 企業情報の照会: read only; a change of contract is the bank's, on a paper form
  routes.get("/:bank/business/contract", async (page, v) => {
    const c = await lifecycle.contractFacts(page.bankId, v);
    return page.render({
      ...CONTRACT,
      view: v,
      children: (
        <>
          <p>{page.t(B.contractLead)}</p>
          <dl class="facts">
            <dt>{page.t(B.contractCode)}</dt>
            <dd>{c.code}</dd>
            <dt>{page.t(B.contractName)}</dt>
            <dd>{c.name}</dd>
            <dt>{page.t(B.loginMethod)}</dt>
            <dd>{page.t(c.loginMethod === "certificate" ? B.methodCertificate : B.methodPassword)}</dd>
            <dt>{page.t(B.usersCount)}</dt>
            <dd>{page.t(B.usersOfLimit, { users: c.users, limit: c.limit })}</dd>
          </dl>
          <div class="actions">
            <ButtonLink page={page} href={"/business"} label={P.back} />
          </div>
        </>
      ),
    });
  });

  const selfPage = async (page: PortalPage, v: SessionView, error?: string) => {
    const e = await lifecycle.ownInformation(page.bankId, v);
    return page.render({
      ...SELF,
      view: v,
      status: error ? 400 : 200,
      children: (
        <>
          <ErrorNotice text={error} />
          <p>{page.t(B.selfLead)}</p>
          <OwnFacts page={page} e={e} />
          <form method="post" action={page.url("/self")}>
            <h2>{page.t(B.selfChangeHeading)}</h2>
            <input type="hidden" name="csrf" value={v.csrf} />
            {/* one token per rendering: a second submission of this form is shown the first one's result */}
            <input type="hidden" name="submission" value={randomBytes(18).toString("base64url")} />
            <Field id="name" label={page.t(P.userName)} value={error ? field(page.req, "name", 30) : e.user.name} required maxLength={30} />
            <Field id="email" type="email" label={page.t(P.email)} value={error ? field(page.req, "email", 200) : (e.user.email ?? "")} maxLength={200} />
            <Field id="confirmPassword" type="password" label={page.t(P.yourConfirm)} autocomplete="off" required maxLength={64} />
            <FormActions page={page} submit={P.execute} back={{ href: "/top", label: P.back }} />
          </form>
        </>
      ),
    });
  };

  routes.get("/:bank/self", async (page, v) => selfPage(page, v));

  routes.post("/:bank/self", async (page, v) => {
    const done = page.url("/self/done");
    try {
      const r = await lifecycle.submitOnce(page.bankId, v, { token: field(page.req, "submission", 64), action: "self_change" }, async () => {
        await lifecycle.userOperation(page.bankId, v, { name: "self_change", target: v.user.loginId, input: { name: field(page.req, "name", 60), email: field(page.req, "email", 200) }, confirmPassword: field(page.req, "confirmPassword", 64) }, page.ctx);
        return done;
      });
      return page.redirect(r.first ? done : `${done}?again=1`);
    } catch (e) {
      if (shownOnForm(e)) return selfPage(page, v, page.errorText(e));
      throw e;
    }
  });

  routes.get("/:bank/self/done", async (page, v) => {
    const e = await lifecycle.ownInformation(page.bankId, v);
    return page.render({
      ...SELF_DONE,
      view: v,
      children: (
        <>
          <Notice kind={query(page.req, "again") === "1" ? "info" : "success"}>
            <p>{page.t(query(page.req, "again") === "1" ? P.alreadyDone : B.selfDone)}</p>
          </Notice>
          <OwnFacts page={page} e={e} />
          <div class="actions">
            <ButtonLink page={page} href={"/self"} label={B.selfTitle} />
            <ButtonLink page={page} href={"/top"} label={P.toTop} />
          </div>
        </>
      ),
    });
  });
}

/** 自身の情報の照会: the user's facts as 利用者管理 shows them, with the e-mail address and the current certificate's serial. */
function OwnFacts({ page, e }: { page: PortalPage; e: UserListEntry }) {
  return (
    <>
      <UserFacts page={page} e={e} />
      <dl class="facts">
        <dt>{page.t(P.email)}</dt>
        <dd>{e.user.email || "-"}</dd>
        <dt>{page.t(B.certSerialLabel)}</dt>
        <dd class="mono">{e.current?.serial ?? "-"}</dd>
      </dl>
    </>
  );
}
