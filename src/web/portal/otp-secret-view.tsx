import { P } from "../../i18n/portal-text.js";
import { otpQrSvg } from "../otp-qr.js";
import type { PortalPage } from "./portal-context.js";

/** A one-time-password secret shown once: the QR code for the authenticator app, and the key as text. */
export function OtpSecret({ page, secret, uri }: { page: PortalPage; secret: string; uri: string }) {
  return (
    <>
      <p class="qr">
        <img src={`data:image/svg+xml;base64,${Buffer.from(otpQrSvg(uri)).toString("base64")}`} alt={page.t(P.otpQrTitle)} width={220} height={220} />
      </p>
      <dl class="facts">
        <dt>{page.t(P.otpKey)}</dt>
        <dd class="mono">{secret}</dd>
      </dl>
    </>
  );
}
