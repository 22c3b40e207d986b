import { installIntoSystemStore, type Installed } from "../os-store/index.js";
import { passphrase, type Ctx } from "../context.js";

/** Where a certificate went after issue or renew, for the result screen; or why it did not. */
export type Placement = { installed: Installed; failure?: undefined } | { installed?: undefined; failure: unknown };

/**
 * The window always installs (the command line does with --install): into the OS's own store, where
 * the browsers look (os-store/: Windows' personal store, macOS's login keychain, NSS on Linux).
 * A failure leaves the certificate issued and kept: the result says so, with the install's words.
 */
export async function installHere(ctx: Ctx, serial: string): Promise<Placement> {
  try {
    return { installed: await installIntoSystemStore(ctx, ctx.store.cert(serial)!, await passphrase(ctx)) };
  } catch (failure) {
    return { failure };
  }
}
