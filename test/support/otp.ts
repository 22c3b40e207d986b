import type { FakeClock } from "../../src/domain/clock.js";
import { totpCode } from "../../src/credentials/totp.js";
import type { Harness } from "./harness.js";

/** The user's next one-time password: the server's clock moves to a new 30-second step first, as a person waits. */
export async function nextOtp(h: Harness, clock: FakeClock, bank: string, loginId: string): Promise<string> {
  clock.advance(30_000);
  const u = await h.rt.store.getUserByLoginId(bank, loginId);
  return totpCode(u!.totpSecret!, clock.now());
}
