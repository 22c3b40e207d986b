import type { FastifyInstance } from "fastify";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { P } from "../../../i18n/portal-text.js";
import { PortalPage, sessionRoutes, type PortalDeps, type ScreenFrame } from "../portal-context.js";
import { SubmitButton, TableHead } from "../page-parts.js";

const NOTICES: ScreenFrame = { title: P.noticesTitle, screenId: "BNTC001", current: "notices" };

export function noticesRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;
  const routes = sessionRoutes(app, deps);

  // 重要なお知らせ: the user's own reminders, read and unread
  routes.get("/:bank/notices", async (page, v) => {
    const list = await lifecycle.importantNotices(page.bankId, v);
    const expiry = v.cert ? page.date(v.cert.notAfter) : "-";
    return page.render({ ...NOTICES, view: v, children: <NoticesScreen page={page} v={v} list={list} expiry={expiry} /> });
  });

  routes.post("/:bank/notices/:id/read", async (page, v) => {
    await lifecycle.markNoticeRead(page.bankId, v, Number(page.req.params.id));
    return page.redirect(page.url("/notices"));
  });
}

/** 重要なお知らせ (BNTC001): the user's own reminders, read and unread. */
function NoticesScreen({ page, v, list, expiry }: { page: PortalPage; v: SessionView; list: Awaited<ReturnType<PortalDeps["lifecycle"]["importantNotices"]>>; expiry: string }) {
  return (
    list.length === 0 ? (
      <p>{page.t(P.noNotices)}</p>
    ) : (
      <table>
        <TableHead page={page} caption={P.noticesTitle} columns={[P.noticeDate, P.noticeTitle, P.state]} />
        <tbody>
          {list.map((n) => (
            <tr class={n.readAt === null ? "unread" : undefined}>
              <td>{page.date(n.dueAt)}</td>
              <td>
                {n.kind === "ca_compromised" ? (
                  <>
                    <p>{page.t(P.noticeCaCompromised)}</p>
                    <p>{page.t(P.noticeCaCompromisedBody)}</p>
                  </>
                ) : (
                  <>
                    <p>{page.t(n.kind === "expired" ? P.noticeExpired : P.noticeRenew)}</p>
                    <p>{n.kind === "expired" ? page.t(P.noticeExpiredBody) : page.t(P.noticeRenewBody, { expiry })}</p>
                    {n.kind !== "expired" && <a href={page.url("/renewal")}>{page.t(P.noticeRenewLink)}</a>}
                  </>
                )}
              </td>
              <td>
                {n.readAt === null ? (
                  <form method="post" action={page.url(`/notices/${n.id}/read`)}>
                    <input type="hidden" name="csrf" value={v.csrf} />
                    <span>{page.t(P.unread)}</span>{" "}
                    <SubmitButton page={page} label={P.markRead} kind="secondary" />
                  </form>
                ) : (
                  page.t(P.read)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )
  );
}
