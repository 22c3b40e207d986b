import type { FastifyInstance } from "fastify";
import { P } from "../../i18n/portal-text.js";
import { portalHandler, type PortalDeps } from "./portal-context.js";
import { InstallSteps } from "./issue-form.js";
import { ButtonLink } from "./page-parts.js";

/** ヘルプ: the seeds' troubleshooting, open to everyone (no login needed to read how to get in). */
export function helpRoutes(app: FastifyInstance, deps: PortalDeps) {
  app.get(
    "/:bank/help",
    portalHandler(deps, async (page) =>
      page.render({
        title: P.helpTitle,
        screenId: "BHLP001",
        children: (
          <>
            <h2>{page.t(P.helpPcHeading)}</h2>
            <p>{page.t(P.helpPc)}</p>
            <h2>{page.t(P.helpDeleteHeading)}</h2>
            <p>{page.t(P.helpDelete)}</p>
            <h2>{page.t(P.helpNotInstalledHeading)}</h2>
            <p>{page.t(P.helpNotInstalled)}</p>
            <InstallSteps page={page} />
            <h2>{page.t(P.helpRenewHeading)}</h2>
            <p>{page.t(P.helpRenew)}</p>
            <p>
              <ButtonLink page={page} href={"/login"} label={P.toLogin} />
            </p>
          </>
        ),
      }),
    ),
  );
}
