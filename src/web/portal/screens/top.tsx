import type { FastifyInstance } from "fastify";
import type { SessionView } from "../../../lifecycle/lifecycle.js";
import { P } from "../../../i18n/portal-text.js";
import { Notice } from "../../views/layout.js";
import { PortalPage, renewalState, sessionRoutes, type PortalDeps, type ScreenFrame } from "../portal-context.js";
import { ButtonLink } from "../page-parts.js";

const TOP: ScreenFrame = { title: P.topTitle, screenId: "BTOP001", current: "top" };

export function topRoutes(app: FastifyInstance, deps: PortalDeps) {
  const { lifecycle } = deps;

  // トップページ: 電子証明書有効期限 with [更新] inside the window, unread notices
  sessionRoutes(app, deps).get("/:bank/top", async (page, v) => {
    const r = renewalState(page, v);
    const notices = await lifecycle.importantNotices(page.bankId, v);
    const unread = notices.filter((n) => n.readAt === null).length;
    return page.render({ ...TOP, view: v, children: <TopScreen page={page} v={v} r={r} unread={unread} /> });
  });
}

/** トップページ (BTOP001): the certificate's end with [更新] inside the window, unread notices. */
function TopScreen({ page, v, r, unread }: { page: PortalPage; v: SessionView; r: ReturnType<typeof renewalState>; unread: number }) {
  return (
    <>
      <p>{page.t(P.welcome, { name: v.user.name })}</p>
      {unread > 0 && (
        <Notice kind="warning">
          <p>
            <a href={page.url("/notices")}>{page.t(P.unreadNotices, { count: unread })}</a>
          </p>
        </Notice>
      )}
      {r ? (
        <dl class="facts">
          <dt>{page.t(P.expiryLabel)}</dt>
          <dd>
            {page.date(r.notAfter)}
            {r.open && (
              <>
                {" "}
                <ButtonLink page={page} href={"/renewal"} label={P.renew} kind="primary" />
              </>
            )}
          </dd>
          <dt>{page.t(P.serial)}</dt>
          <dd class="mono">{v.cert!.serial}</dd>
        </dl>
      ) : (
        <p>{page.t(P.noCertificate)}</p>
      )}
      {r?.open && (
        <Notice kind="warning">
          <p>{page.t(P.expiryWithin)}</p>
        </Notice>
      )}
    </>
  );
}
