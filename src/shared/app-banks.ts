/** GET /app/banks on the portal's HTTPS listener: the banks the issuing app's 証明書発行 offers. */
export const APP_BANKS_PATH = "/app/banks";

export interface AppBank {
  id: string;
  name: { ja: string; en: string };
  /** from how long before expiry renewal is offered (ISO-8601): the reminder mail says it too; EST does not carry it */
  renewalWindow: string;
}
