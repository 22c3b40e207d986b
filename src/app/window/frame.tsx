import type { ComponentChildren, VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { Locale } from "../../i18n/index.js";
import { tr, type Text } from "../../i18n/text.js";
import { W, type WindowTextKey } from "../../i18n/app-window-text.js";
import type { Messages } from "../messages.js";

/** What every screen is rendered with: the language, the app's messages, the path (for the language switch). */
export interface View {
  locale: Locale;
  m: Messages;
  path: string;
}

export const w = (v: View, key: WindowTextKey, params: Record<string, string | number> = {}) => tr(v.locale, W[key], params);

/** Escaped by default: text is never taken as markup. */
export function page(node: VNode): string {
  return "<!doctype html>" + renderToString(node);
}

/** The switch names the other language in that language itself (English / 日本語), as language menus do. */
const LANGUAGE_NAME: Record<Locale, string> = { ja: "日本語", en: "English" };

/** The frame of every screen: the app's name and the language switch, then the screen's title and ID. */
export function Frame(p: { v: View; title: Text; screenId?: string; unstyled?: boolean; children: ComponentChildren }) {
  const { v } = p;
  const other: Locale = v.locale === "ja" ? "en" : "ja";
  return (
    <html lang={v.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${tr(v.locale, p.title)} | ${w(v, "appName")}`}</title>
        {!p.unstyled && <link rel="stylesheet" href="/window.css" />}
      </head>
      <body>
        <header class="app">
          <span class="name">{w(v, "appName")}</span>
          <a href={`/lang/${other}?back=${encodeURIComponent(v.path)}`} lang={other} hrefLang={other}>
            {LANGUAGE_NAME[other]}
          </a>
        </header>
        <main>
          <div class="screen-head">
            <h1>{tr(v.locale, p.title)}</h1>
            {p.screenId && <span class="screen-id">{p.screenId}</span>}
          </div>
          {p.children}
        </main>
      </body>
    </html>
  );
}

export function Notice(p: { kind: "error" | "success" | "info"; children: ComponentChildren }) {
  return (
    <div class={`notice ${p.kind}`} role={p.kind === "error" ? "alert" : "status"}>
      {p.children}
    </div>
  );
}

export function CloseButton(p: { v: View; primary?: boolean }) {
  return (
    <form method="post" action="/close" class="inline">
      <button type="submit" class={p.primary ? "primary" : "secondary"}>
        {w(p.v, "close")}
      </button>
    </form>
  );
}

/** A page for a refused request: who asks is not known, so both languages. */
export function refusedPage(): string {
  return page(
    <html lang="ja">
      <head>
        <meta charset="utf-8" />
        <title>{`${W.appName.ja} / ${W.appName.en}`}</title>
      </head>
      <body>
        <main>
          <h1>{W.appName.ja}</h1>
          <p>{W.forbidden.ja}</p>
          <p lang="en">{W.forbidden.en}</p>
        </main>
      </body>
    </html>,
  );
}
