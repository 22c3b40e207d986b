import { spawn } from "node:child_process";
import type { Values } from "../command-line.js";
import { out, type Ctx } from "../context.js";
import { startWindowServer } from "./http.js";
import { refusedPage } from "./frame.js";
import { WINDOW_CSS } from "./window-style.js";
import { WindowApp } from "./window-app.js";
import { windowConfig } from "./window-config.js";

/**
 * `inkan-app` (or `inkan-app gui`): the window. Serves the screens on 127.0.0.1 (http.ts), opens
 * the default browser on them (--no-browser: only prints the address), and returns when the person
 * presses 閉じる. Ctrl-C ends it too (main.ts).
 */
export async function openWindow(ctx: Ctx, v: Values): Promise<void> {
  const config = windowConfig(ctx, v);
  let close = () => {};
  const app = new WindowApp(ctx, config, ctx.m.locale, () => close());
  const server = await startWindowServer({ handle: (req) => app.handle(req), refused: refusedPage, css: WINDOW_CSS });
  close = () => server.close();
  if (v["no-browser"]) out(ctx, ctx.m.t("gui_open_yourself", { url: server.startUrl }));
  else {
    out(ctx, ctx.m.t("gui_opening", { url: server.startUrl }));
    openBrowser(server.startUrl, () => out(ctx, ctx.m.t("gui_open_yourself", { url: server.startUrl })));
  }
  out(ctx, ctx.m.t("gui_how_to_end"));
  await server.closed;
  out(ctx, ctx.m.t("gui_closed"));
}

/** The system's way to open an address in the default browser; `failed` when there is none. */
function openBrowser(url: string, failed: () => void) {
  const [cmd, args] =
    process.platform === "win32"
      ? ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]]
      : process.platform === "darwin"
        ? ["open", [url]]
        : ["xdg-open", [url]];
  try {
    const p = spawn(cmd as string, args as string[], { stdio: "ignore", detached: true, windowsHide: true });
    p.once("error", failed);
    p.once("exit", (code) => {
      if (code !== 0) failed();
    });
    p.unref();
  } catch {
    failed();
  }
}
