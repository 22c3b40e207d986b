/**
 * What the portal writes into the issuing app it hands out (証明書発行アプリのダウンロード): the
 * server's address and the CA of its TLS certificate, so the person types neither. The bundle holds
 * the marker string once; the download replaces it (src/web/app-download-routes.ts), the app reads it
 * (src/app/window/window-config.ts). From the source tree it stays empty.
 */

export const EMBEDDED_MARK = "inkan-app-embedded:";
export const EMBEDDED_EMPTY = `${EMBEDDED_MARK}{}`;

export interface AppEmbedded {
  /** https://host[:port] of the portal that served the download */
  server?: string;
  /** the CA of the server's TLS certificate (PEM); absent: the system's CAs verify it */
  serverCaPem?: string;
}

/** The marker with `e` in it, escaped for a JavaScript string literal of any quote. */
export function embeddedLiteral(e: AppEmbedded): string {
  return (EMBEDDED_MARK + JSON.stringify(e)).replace(/[\\"'`$\n\r\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function readEmbedded(text: string): AppEmbedded {
  try {
    const e = JSON.parse(text.slice(EMBEDDED_MARK.length)) as AppEmbedded;
    return { server: typeof e.server === "string" ? e.server : undefined, serverCaPem: typeof e.serverCaPem === "string" ? e.serverCaPem : undefined };
  } catch {
    return {};
  }
}
