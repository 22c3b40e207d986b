import type { FastifyInstance, FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import { P } from "../../i18n/portal-text.js";
import { tr } from "../../i18n/text.js";
import { Layout } from "../views/layout.js";
import { LANG_COOKIE, localeOf } from "../views/locale.js";
import { setCookie } from "../views/cookies.js";
import { safeBack } from "../views/request-input.js";
import { sendPage } from "../views/render.js";
import { staticAssetRoutes } from "../static-assets.js";
import type { PortalDeps } from "./portal-context.js";
import { loginRoutes } from "./login-pages.js";
import { issueRoutes } from "./issue-pages.js";
import { homeRoutes } from "./home-pages.js";
import { adminRoutes, addUserRoutes } from "./admin-pages.js";
import { historyRoutes } from "./history-pages.js";
import { helpRoutes } from "./help-pages.js";
import { businessRoutes } from "./business-pages.js";

/** The customer portal: server-rendered pages under /<bank>/…, JavaScript only where the key is made. */
export async function portalRoutes(app: FastifyInstance, deps: PortalDeps) {
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  staticAssetRoutes(app, (bank) => {
    try {
      const b = deps.lifecycle.bank(bank);
      return { primary: b.config.brandColor ?? "#1d3f6e" };
    } catch {
      return undefined;
    }
  });

  app.get("/lang/:locale", async (req: FastifyRequest<{ Params: { locale: string }; Querystring: { back?: string } }>, reply) => {
    const locale = req.params.locale === "en" ? "en" : "ja";
    setCookie(reply, LANG_COOKIE, locale, { maxAge: 365 * 86400 });
    return reply.code(303).header("location", safeBack(req.query.back)).send();
  });

  app.get("/", async (req, reply) => {
    const locale = localeOf(req);
    const banks = deps.lifecycle.banks.list();
    return sendPage(
      reply,
      <Layout locale={locale} title={P.banksTitle} screenId="BTOP000" brand={{ ja: "Inkan 電子証明書サービス", en: "Inkan certificate service" }} path="/">
        <p>{tr(locale, P.banksLead)}</p>
        <ul>
          {banks.map((b) => (
            <li>
              <a href={`/${b.config.id}/login`}>{locale === "ja" ? b.config.nameJa : b.config.nameEn}</a>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  loginRoutes(app, deps);
  issueRoutes(app, deps);
  homeRoutes(app, deps);
  adminRoutes(app, deps);
  addUserRoutes(app, deps);
  historyRoutes(app, deps);
  helpRoutes(app, deps);
  businessRoutes(app, deps);
}
