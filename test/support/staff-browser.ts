import { https, type Answer, type Identity } from "./client.js";
import type { Harness } from "./harness.js";
import { staffCsrfKey } from "../../src/web/staff-server.js";
import { staffFormToken } from "../../src/web/staff/staff-session.js";

const COOKIE = "__Host-inkan_staff=";

/**
 * Each staff member's browser on the staff console: it keeps the staff session cookie the console
 * sets (a new one when the injected clock has ended the old session) and knows that session's form
 * token — the one the console puts into its forms (an auditor's pages have none, so it is derived
 * here as the console derives it). Both arguments are read at each request (set in a before hook).
 */
export function staffBrowser(harness: () => Harness, origin: () => string) {
  const sessions = new Map<Identity, { cookie: string; csrf: string }>();
  const remember = (who: Identity, r: Answer) => {
    const set = ([] as string[]).concat((r.headers["set-cookie"] as string[] | string | undefined) ?? []).find((c) => c.startsWith(COOKIE));
    if (!set) return;
    const cookie = set.split(";")[0]!;
    const nonce = cookie.slice(COOKIE.length).split(".")[0]!;
    sessions.set(who, { cookie, csrf: staffFormToken(staffCsrfKey(harness().rt.passphrase), who.serial, nonce) });
  };
  const cookieOf = (who?: Identity): Record<string, string> => (who && sessions.has(who) ? { cookie: sessions.get(who)!.cookie } : {});
  const get = async (path: string, identity?: Identity, headers: Record<string, string> = {}) => {
    const r = await https(harness(), { origin: origin(), path, identity, headers: { ...cookieOf(identity), ...headers } });
    if (identity) remember(identity, r);
    return r;
  };
  /** as a browser opens a page before sending its form: the session goes on, or a new one begins */
  const csrfOf = async (who: Identity) => {
    await get("/", who);
    return sessions.get(who)!.csrf;
  };
  const post = async (path: string, identity: Identity, form: Record<string, string>) => {
    if (!sessions.has(identity)) await csrfOf(identity);
    const r = await https(harness(), { origin: origin(), path, identity, body: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...cookieOf(identity) } });
    remember(identity, r);
    return r;
  };
  return { get, post, csrfOf };
}
