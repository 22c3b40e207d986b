import type { FastifyInstance } from "fastify";
import { P } from "../../i18n/portal-text.js";
import { H } from "../../i18n/help-text.js";
import { Notice } from "../views/layout.js";
import { portalHandler, type PortalDeps, type PortalPage } from "./portal-context.js";
import { InstallSteps } from "./issue-form.js";
import { ButtonLink } from "./page-parts.js";

/** ヘルプ: the seeds' troubleshooting (4-8, 4-9, 4-14, 4-15, the Edge deletion steps), open to everyone (no login needed to read how to get in). */
export function helpRoutes(app: FastifyInstance, deps: PortalDeps) {
  app.get(
    "/:bank/help",
    portalHandler(deps, async (page) => page.render({ title: P.helpTitle, screenId: "BHLP001", children: <HelpScreen page={page} /> })),
  );
}

/** ヘルプ (BHLP001): the seeds' answers, in the order a person in trouble looks for them. */
function HelpScreen({ page }: { page: PortalPage }) {
  // the 発行者 Windows shows for the bank's user certificates: the issuing CA's common name
  const issuer = page.bank.config.caName;
  return (
    <>
      <h2>{page.t(P.helpPcHeading)}</h2>
      <p>{page.t(P.helpPc)}</p>
      <h2 id="delete">{page.t(H.deleteHeading)}</h2>
      <p>{page.t(H.deleteLead)}</p>
      <ol class="steps">
        <li>{page.t(H.deleteStep1)}</li>
        <li>{page.t(H.deleteStep2)}</li>
        <li>{page.t(H.deleteStep3)}</li>
        <li>{page.t(H.deleteStep4, { issuer })}</li>
        <li>{page.t(H.deleteStep5)}</li>
      </ol>
      <p>{page.t(H.deleteChrome)}</p>
      <Notice kind="warning">
        <p>{page.t(H.deleteWarning)}</p>
      </Notice>
      <h2 id="expired">{page.t(H.expiredStayHeading)}</h2>
      <p>{page.t(H.expiredStay)}</p>
      <h2 id="network">{page.t(H.networkHeading)}</h2>
      <p>{page.t(H.network)}</p>
      <p>{page.t(H.networkProfile)}</p>
      <p>{page.t(H.networkWayOut)}</p>
      <h2 id="not-installed">{page.t(P.helpNotInstalledHeading)}</h2>
      <p>{page.t(P.helpNotInstalled)}</p>
      <InstallSteps page={page} />
      <h2 id="garbled">{page.t(H.garbledHeading)}</h2>
      <p>{page.t(H.garbled)}</p>
      <h2>{page.t(P.helpRenewHeading)}</h2>
      <p>{page.t(P.helpRenew)}</p>
      <p>
        <ButtonLink page={page} href={"/login"} label={P.toLogin} />
      </p>
    </>
  );
}
