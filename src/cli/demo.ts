import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BankConfig } from "../config/schema.js";
import type { Runtime } from "./runtime.js";
import type { UserRole } from "../domain/roles.js";

/** The seeds' two policy families, one demo bank each. */
export function demoBanks(): BankConfig[] {
  return [
    {
      id: "aoba",
      nameJa: "あおば銀行",
      nameEn: "Aoba Bank",
      organization: "Aoba Bank, Ltd.",
      caName: "Aoba Bank TEST CA - G1",
      caKey: "RSA-2048",
      keyStore: { kind: "file" },
      policy: { renewalWindow: "P30D", noticeOffsets: ["P30D", "P10D"] },
    },
    {
      id: "kita",
      nameJa: "きた信用金庫",
      nameEn: "Kita Shinkin Bank",
      organization: "Kita Shinkin Bank",
      caName: "Kita Shinkin TEST CA - G1",
      caKey: "RSA-2048",
      keyStore: { kind: "file" },
      policy: { renewalWindow: "P40D", noticeOffsets: ["P40D"] },
    },
  ];
}

export const DEMO_PASSWORD = "Pass1234";
export const DEMO_CONFIRM = "Conf5678";

const PEOPLE: Array<{ suffix: string; name: string; role: UserRole }> = [
  { suffix: "master01", name: "山田 太郎", role: "master" },
  { suffix: "admin01", name: "佐藤 花子", role: "admin" },
  { suffix: "user01", name: "鈴木 一郎", role: "general" },
  { suffix: "user02", name: "高橋 次郎", role: "general" },
];

export interface DemoInfo {
  banks: Array<{
    id: string;
    name: { ja: string; en: string };
    contract: string;
    users: Array<{ loginId: string; userNo: string; role: UserRole; name: string; password: string; confirmPassword: string; totpSecret: string }>;
  }>;
}

/** Creates each demo bank's contract with a master, an admin and two general users. */
export async function createDemo(rt: Runtime): Promise<DemoInfo> {
  const info: DemoInfo = { banks: [] };
  const ctx = { actorKind: "cli" as const, actorId: "demo" };
  for (const b of rt.config.banks) {
    const prefix = b.id.slice(0, 2);
    const contractId = await rt.lifecycle.addContract(b.id, { code: "C0001", name: b.id === "aoba" ? "株式会社デモ商事" : "デモ工業株式会社", loginMethod: "certificate" }, ctx);
    const users: DemoInfo["banks"][number]["users"] = [];
    for (const p of PEOPLE) {
      const loginId = `${prefix}${p.suffix}`;
      const r = await rt.lifecycle.addUser(
        b.id,
        { contractId, loginId, name: p.name, email: `${loginId}@example.jp`, role: p.role, password: DEMO_PASSWORD, confirmPassword: DEMO_CONFIRM, mustChangePassword: false },
        ctx,
      );
      // the demo's users get their tokens as a bank's token letter would give them, so the
      // printed secrets work at once; real users enrol theirs at the first login
      const token = await rt.lifecycle.staff(b.id, "demo").registerToken(loginId);
      users.push({ loginId, userNo: r.userNo, role: p.role, name: p.name, password: DEMO_PASSWORD, confirmPassword: DEMO_CONFIRM, totpSecret: token.secret });
    }
    info.banks.push({ id: b.id, name: { ja: b.nameJa, en: b.nameEn }, contract: "C0001", users });
  }
  writeFileSync(join(rt.config.dataDir, "demo.json"), JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  return info;
}

export function readDemo(dataDir: string): DemoInfo | undefined {
  const f = join(dataDir, "demo.json");
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as DemoInfo) : undefined;
}

/** What `inkan demo --json` prints: enough for a script to enroll with curl and openssl. */
export function demoJson(rt: Runtime, info: DemoInfo) {
  return {
    urls: { https: rt.urls.https, http: rt.urls.http },
    serverCaFile: join(rt.config.dataDir, "tls", "server-ca.pem"),
    banks: info.banks.map((b) => ({
      ...b,
      est: `${rt.urls.https}/.well-known/est/${b.id}`,
      caFiles: {
        root: join(rt.config.dataDir, "ca", b.id, "root.pem"),
        issuing: join(rt.config.dataDir, "ca", b.id, "issuing.pem"),
        chain: join(rt.config.dataDir, "ca", b.id, "chain.pem"),
      },
    })),
  };
}
