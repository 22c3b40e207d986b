import type { ComponentChildren } from "preact";
import type { Locale } from "../../i18n/messages.js";
import { tr, type Text } from "./text.js";
import { COMMON } from "./common-text.js";

export interface LayoutProps {
  locale: Locale;
  title: Text;
  /** the screen's ID, shown as the seeds' screens show theirs (e.g. BLGI001) */
  screenId: string;
  /** the name in the header, e.g. the bank's */
  brand: Text;
  /** a stylesheet for the brand's colours (no inline style: the CSP forbids it) */
  themeHref?: string;
  /** the current path, for the language switch to come back to */
  path: string;
  /** who is logged in, shown in the header with a logout button */
  who?: { name: string; loginId: string; logoutAction: string; csrf: string };
  nav?: { href: string; label: Text; current?: boolean }[];
  scripts?: string[];
  children: ComponentChildren;
}

/** The frame of every page: header with the brand and language switch, main, footer. */
export function Layout(p: LayoutProps) {
  const other: Locale = p.locale === "ja" ? "en" : "ja";
  const switchHref = `/lang/${other}?back=${encodeURIComponent(p.path)}`;
  return (
    <html lang={p.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${tr(p.locale, p.title)} | ${tr(p.locale, p.brand)}`}</title>
        <link rel="stylesheet" href="/assets/portal.css" />
        {p.themeHref && <link rel="stylesheet" href={p.themeHref} />}
        {p.scripts?.map((s) => <script src={s} defer />)}
      </head>
      <body>
        <a class="skip" href="#main">
          {tr(p.locale, COMMON.skipToContent)}
        </a>
        <header class="site">
          <div class="brand">{tr(p.locale, p.brand)}</div>
          <div class="tools">
            {p.who && (
              <span class="who">
                {tr(p.locale, COMMON.loggedInAs, { name: p.who.name, loginId: p.who.loginId })}
              </span>
            )}
            <a class="lang" href={switchHref} lang={other} hrefLang={other}>
              {other === "en" ? "English" : "日本語"}
            </a>
            {p.who && (
              <form method="post" action={p.who.logoutAction} class="inline">
                <input type="hidden" name="csrf" value={p.who.csrf} />
                <button type="submit" class="link">
                  {tr(p.locale, COMMON.logout)}
                </button>
              </form>
            )}
          </div>
        </header>
        {p.nav && p.nav.length > 0 && (
          <nav aria-label={tr(p.locale, COMMON.menu)} class="menu">
            <ul>
              {p.nav.map((n) => (
                <li>
                  <a href={n.href} aria-current={n.current ? "page" : undefined}>
                    {tr(p.locale, n.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main">
          <div class="screen-head">
            <h1>{tr(p.locale, p.title)}</h1>
            <span class="screen-id">{p.screenId}</span>
          </div>
          {p.children}
        </main>
        <footer class="site">
          <span>{tr(p.locale, COMMON.footer)}</span>
        </footer>
      </body>
    </html>
  );
}

/** A message box: errors are announced to screen readers at once. */
export function Notice(p: { kind: "error" | "info" | "success" | "warning"; children: ComponentChildren }) {
  return (
    <div class={`notice ${p.kind}`} role={p.kind === "error" ? "alert" : "status"}>
      {p.children}
    </div>
  );
}
