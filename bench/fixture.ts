import { startHarness, testBank, type DbKind, type Harness } from "../test/support/harness.js";
import { hashPassword } from "../src/credentials/passwords.js";
import { userNumber } from "../src/domain/roles.js";
import type { ContractRecord, UserRecord } from "../src/store/store.js";

export const BANK = "tbank";

export interface Who {
  user: UserRecord;
  contract: ContractRecord;
}

/** A bank whose contracts may hold as many users as a benchmark needs. */
export function benchHarness(db: DbKind, serve: boolean): Promise<Harness> {
  return startHarness({ db, serve, banks: [testBank(BANK, { policy: { maxUsersPerContract: 999 } })] });
}

const PER_CONTRACT = 900;

/**
 * Registers n users who may acquire a certificate. The lifecycle's addUser spends two scrypt
 * runs (~150 ms) per user, which would make a thousand users cost minutes before any timing
 * starts; here one real hash is made and the same store writes and audit records follow, so the
 * rows acquisition reads are the ones a real registration leaves.
 */
export async function provisionUsers(h: Harness, n: number, prefix = "bench"): Promise<Who[]> {
  const hash = await hashPassword("Pass1234");
  const store = h.rt.store;
  const whos: Who[] = [];
  for (let first = 0, c = 0; first < n; first += PER_CONTRACT, c++) {
    const contractId = await h.addContract(BANK, `${prefix.toUpperCase()}${c}`);
    const count = Math.min(PER_CONTRACT, n - first);
    const loginIds: string[] = [];
    await store.write(BANK, async (w) => {
      for (let i = 0; i < count; i++) {
        const loginId = `${prefix}${String(first + i).padStart(6, "0")}`;
        const userNo = userNumber(await w.takeUserIndex(contractId));
        const at = h.rt.clock.now();
        const role = i === 0 ? "master" : "general";
        const id = await w.addUser({ contractId, loginId, userNo, name: `利用者 ${loginId}`, email: `${loginId}@example.jp`, role, passwordHash: hash, confirmHash: hash, totpSecret: null, mustChangePassword: false, at });
        await w.audit({ at, actorKind: "cli", actorId: "bench", action: "user.add", contractId, targetUserId: id, result: "ok", detail: { loginId, userNo, role } });
        loginIds.push(loginId);
      }
    });
    const contract = await store.getContract(BANK, contractId);
    if (!contract) throw new Error("contract vanished");
    for (const loginId of loginIds) {
      const user = await store.getUserByLoginId(BANK, loginId);
      if (!user) throw new Error(`user ${loginId} vanished`);
      whos.push({ user, contract });
    }
  }
  return whos;
}
