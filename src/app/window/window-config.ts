import { isValidDuration } from "../../domain/duration.js";
import { APP_BANKS_PATH, type AppBank } from "../../shared/app-banks.js";
import { readEmbedded } from "../../shared/app-embedded.js";
import { AppError, EXIT } from "../errors.js";
import { send } from "../est-client.js";
import { readCaFile, type Ctx } from "../context.js";
import { serverOrigin } from "../commands/issue.js";
import type { Values } from "../command-line.js";

// The portal's download replaces this string with its own address and TLS CA
// (src/web/app-download-routes.ts): it must stay one plain string literal, here only.
const EMBEDDED = "inkan-app-embedded:{}";

/** Where the window issues from: the server and the CA that verifies it, and a bank chosen beforehand. */
export interface WindowConfig {
  server?: string;
  serverCaPem: string | null;
  bank?: string;
}

/** --server / INKAN_APP_SERVER (and --ca-file / INKAN_APP_CA_FILE) from the source tree; else what the download carries. */
export function windowConfig(ctx: Ctx, v: Values): WindowConfig {
  const embedded = readEmbedded(EMBEDDED);
  const given = v.server ?? ctx.io.env.INKAN_APP_SERVER;
  const server = given !== undefined ? serverOrigin(given) : embedded.server;
  const ca = ctx.caFileOverride ? readCaFile(ctx.caFileOverride) : server === embedded.server ? embedded.serverCaPem : undefined;
  return { server, serverCaPem: ca ?? null, bank: v.bank };
}

/** The banks the server offers (GET /app/banks): id, names, renewal window. */
export async function fetchBanks(c: WindowConfig, timeoutMs: number): Promise<AppBank[]> {
  if (!c.server) return [];
  const a = await send(new URL(APP_BANKS_PATH, c.server), { method: "GET", serverCaPem: c.serverCaPem ?? undefined, timeoutMs });
  let banks: unknown;
  try {
    banks = (JSON.parse(a.body.toString("utf8")) as { banks?: unknown }).banks;
  } catch {
    banks = undefined;
  }
  if (a.status !== 200 || !Array.isArray(banks)) throw new AppError("err_protocol", { detail: `${APP_BANKS_PATH}: HTTP ${a.status}` }, EXIT.protocol, "hint_protocol");
  return banks.flatMap((b: Partial<AppBank>) =>
    typeof b?.id === "string" && typeof b.name?.ja === "string" && typeof b.name?.en === "string"
      ? [{ id: b.id, name: { ja: b.name.ja, en: b.name.en }, renewalWindow: typeof b.renewalWindow === "string" && isValidDuration(b.renewalWindow) ? b.renewalWindow : "P30D" }]
      : [],
  );
}
