import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig, readConfigFile, saveConfigFile, ConfigError, CONFIG_FILE } from "../config/load.js";
import { bankSchema, type BankConfig } from "../config/schema.js";
import { openRuntime, caPassphrase, type Runtime } from "./runtime.js";
import { serve, writeCaFiles } from "./serve.js";
import { createDemo, demoBanks, demoJson, readDemo } from "./demo.js";
import { ensureServerTls } from "../ca/server-tls.js";
import { isDomainError } from "../domain/errors.js";
import { bilingual } from "../i18n/index.js";
import { DISPLAY_STATUS_LABELS } from "../i18n/certificate-status-text.js";
import { formatLocalDateTime } from "../domain/time-zone.js";
import { auditVerifyCommand } from "./audit-command.js";
import { systemClock } from "../domain/clock.js";
import { totpCode } from "../credentials/totp.js";
import { staffCommand, STAFF_USAGE } from "./staff.js";
import { argumentOptions } from "../shared/argument-options.js";
import { caCommand, CA_USAGE } from "./ca-command.js";

const USAGE = `inkan — client certificates for corporate internet banking

  inkan start                         first run: make the demo, then serve (what \`npm start\` does)
  inkan init [--demo]                 make the data directory, CA passphrase and server TLS
  inkan serve                         serve HTTPS (EST) and HTTP (CRL, OCSP)
  inkan demo [--json]                 make the demo banks and users if missing; print how to log in
  inkan bank add --id ID --name-ja N --name-en N --organization O --ca-name C [--policy JSON] [--policy-oid OID]
  inkan bank list
  inkan contract add --bank B --code C --name N [--method certificate|password]
  inkan contract list --bank B
  inkan user add --bank B --contract C --login-id ID --name N --email E --role master|admin|general
                 [--password P --confirm-password P]   (without: made by the system, printed once)
  inkan user list --bank B [--contract C]
  inkan user reset|unlock|suspend|resume LOGIN-ID --bank B [--reference FORM-NO]
  inkan user otp-reset LOGIN-ID --bank B       clear the user's one-time-password token (enrolled again at the next login)
  inkan user otp-register LOGIN-ID --bank B    register a token for the user; its key is printed once, for the token letter
  inkan user password-reissue LOGIN-ID --bank B   new initial passwords (the old ones stop working), printed once, for the letter
                                      bank staff on a paper form (reset = 再発行・初期化)
  inkan demo otp LOGIN-ID [--bank B]  the demo user's current one-time password
  inkan cert list --bank B [--contract C] [--state S]
  inkan cert revoke SERIAL --bank B --reason R [--reference FORM-NO]
${CA_USAGE}
  inkan audit verify --bank B         check the operation log's hash chain against the signed checkpoints
${STAFF_USAGE}

  --data DIR (or INKAN_DATA_DIR) chooses the data directory; default ./data.
  DATABASE_URL=postgres://… uses PostgreSQL instead of the embedded SQLite.`;

const OPTIONS = argumentOptions({
  strings: ["data", "sink", "id", "name-ja", "name-en", "organization", "ca-name", "policy-oid", "generation", "policy", "bank", "code", "name", "method", "contract", "login-id", "email", "role", "password", "confirm-password", "state", "reason", "reference", "out", "passphrase-env"] as const,
  booleans: ["json", "demo", "root", "help"] as const,
  short: { help: "h" },
});

type Args = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

class UsageError extends Error {}

function need(v: string | undefined, name: string): string {
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

const CLI = { actorKind: "cli" as const, actorId: process.env.USER ?? "operator" };

export async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const { values: a, positionals } = parsed;
  const [cmd, sub, ...rest] = positionals;
  if (a.help || !cmd) {
    console.log(USAGE);
    return;
  }
  const dataDir = resolve(a.data ?? process.env.INKAN_DATA_DIR ?? "data");
  try {
    await run(cmd, sub, rest, a, dataDir);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`inkan: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (e instanceof ConfigError) {
      console.error(`inkan: ${e.message}`);
      process.exit(3);
    }
    if (isDomainError(e)) {
      const m = bilingual(e.code, e.params);
      console.error(`inkan: ${m.ja}\n       ${m.en}`);
      process.exit(4);
    }
    console.error(`inkan: ${(e as Error).message}`);
    process.exit(1);
  }
}

async function withRuntime<T>(dataDir: string, fn: (rt: Runtime) => Promise<T>, createCas = false): Promise<T> {
  const rt = await openRuntime(loadConfig(dataDir), { createCas });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function init(dataDir: string, withDemo: boolean): boolean {
  if (existsSync(join(dataDir, CONFIG_FILE))) return false;
  saveConfigFile(dataDir, { banks: withDemo ? demoBanks() : [] });
  return true;
}

async function run(cmd: string, sub: string | undefined, rest: string[], a: Args, dataDir: string): Promise<void> {
  switch (cmd) {
    case "init": {
      const made = init(dataDir, a.demo ?? false);
      const config = loadConfig(dataDir);
      const pass = caPassphrase(config, true);
      await ensureServerTls(dataDir, config.serverNames, pass, systemClock);
      console.log(made ? `initialised ${dataDir}` : `${dataDir} was already initialised`);
      return;
    }
    case "start": {
      const fresh = init(dataDir, true);
      const rt = await openRuntime(loadConfig(dataDir), { createCas: true });
      let demo = readDemo(dataDir);
      if (!demo && rt.config.banks.some((b) => b.id === "aoba")) demo = await createDemo(rt);
      const s = await serve(rt);
      // the demo's passwords and TOTP secrets are printed once, on the run that made them; after
      // that the banner goes where the logs go, and only `inkan demo` prints them
      // before the banner: whoever reads it may ask the node to stop at once
      shutdownOnSignal(rt, s.stop);
      printBanner(rt, { ...s, fresh, demo: fresh ? demo : undefined, hasDemo: Boolean(demo) });
      return;
    }
    case "serve": {
      const rt = await openRuntime(loadConfig(dataDir), { createCas: false });
      const s = await serve(rt);
      shutdownOnSignal(rt, s.stop);
      printBanner(rt, { ...s, fresh: false, hasDemo: Boolean(readDemo(dataDir)) });
      return;
    }
    case "demo": {
      if (sub === "otp") {
        const demo = readDemo(dataDir);
        const loginId = rest[0];
        const u = demo?.banks.filter((b) => !a.bank || b.id === a.bank).flatMap((b) => b.users).find((x) => x.loginId === loginId);
        if (!u) throw new UsageError(`no demo user ${loginId ?? ""}`);
        console.log(totpCode(u.totpSecret, new Date()));
        return;
      }
      init(dataDir, true);
      await withRuntime(
        dataDir,
        async (rt) => {
          let demo = readDemo(dataDir);
          if (!demo) demo = await createDemo(rt);
          writeCaFiles(rt);
          await ensureServerTls(dataDir, rt.config.serverNames, rt.passphrase, rt.clock);
          const j = demoJson(rt, demo);
          if (a.json) console.log(JSON.stringify(j, null, 2));
          else printDemo(j);
        },
        true,
      );
      return;
    }
    case "bank":
      return bankCommand(sub, a, dataDir);
    case "contract":
      return withRuntime(dataDir, async (rt) => {
        const bank = need(a.bank, "bank");
        if (sub === "add") {
          const method = (a.method ?? "certificate") as "certificate" | "password";
          if (method !== "certificate" && method !== "password") throw new UsageError("--method is certificate or password");
          const id = await rt.lifecycle.addContract(bank, { code: need(a.code, "code"), name: need(a.name, "name"), loginMethod: method }, CLI);
          console.log(`contract ${a.code} added (id ${id})`);
        } else if (sub === "list") {
          for (const c of await rt.store.listContracts(bank)) console.log(`${c.code}\t${c.name}\t${c.loginMethod}\t${c.status}`);
        } else throw new UsageError(`unknown: contract ${sub ?? ""}`);
      });
    case "user":
      return withRuntime(dataDir, async (rt) => {
        const bank = need(a.bank, "bank");
        if (sub === "add") {
          const contract = await rt.store.getContractByCode(bank, need(a.contract, "contract"));
          if (!contract) throw new UsageError(`no contract ${a.contract} in bank ${bank}`);
          const role = need(a.role, "role") as "master" | "admin" | "general";
          if (!["master", "admin", "general"].includes(role)) throw new UsageError("--role is master, admin or general");
          const who = { contractId: contract.id, loginId: need(a["login-id"], "login-id"), name: need(a.name, "name"), email: need(a.email, "email"), role };
          if (a.password === undefined && a["confirm-password"] === undefined) {
            // no passwords given: the system makes them and prints them this once, for the letter
            const r = await rt.lifecycle.addUserWithLetter(bank, who, CLI);
            console.log(`user ${who.loginId} added as ${r.added.userNo}`);
            console.log(`initial login password: ${r.letter.password}`);
            console.log(`initial confirmation password: ${r.letter.confirmPassword}`);
            console.error("shown once: hand them over on the initial-password letter; the login password is changed at the first login");
          } else {
            const r = await rt.lifecycle.addUser(bank, { ...who, password: need(a.password, "password"), confirmPassword: need(a["confirm-password"], "confirm-password") }, CLI);
            console.log(`user ${who.loginId} added as ${r.userNo}`);
          }
        } else if (sub === "list") {
          const contract = a.contract ? await rt.store.getContractByCode(bank, a.contract) : undefined;
          if (a.contract && !contract) throw new UsageError(`no contract ${a.contract} in bank ${bank}`);
          for (const { user: u, status: st } of await rt.lifecycle.bankUsers(bank, contract?.id)) {
            console.log(`${u.loginId}\t${u.userNo}\t${u.role}\t${u.name}\t${DISPLAY_STATUS_LABELS[st].ja} (${DISPLAY_STATUS_LABELS[st].en})`);
          }
        } else if (sub === "reset" || sub === "unlock" || sub === "suspend" || sub === "resume") {
          const target = rest[0];
          if (!target) throw new UsageError(`user ${sub} needs a LOGIN-ID`);
          const staff = rt.lifecycle.staff(bank, CLI.actorId);
          if (sub === "reset") {
            const revoked = await staff.reset(target, a.reference ?? null);
            console.log(`${target}: reset to 未発行 (Not issued); revoked ${revoked.length ? revoked.join(", ") : "nothing"}`);
          } else {
            await staff[sub](target);
            console.log(`${target}: ${sub} done`);
          }
        } else if (sub === "otp-reset" || sub === "otp-register") {
          const target = rest[0];
          if (!target) throw new UsageError(`user ${sub} needs a LOGIN-ID`);
          const staff = rt.lifecycle.staff(bank, CLI.actorId);
          if (sub === "otp-reset") {
            await staff.resetToken(target, a.reference ?? null);
            console.log(`${target}: one-time password reset; the user registers a new one at the next login`);
          } else {
            const t = await staff.registerToken(target, a.reference ?? null);
            console.log(`key: ${t.secret}`);
            console.log(`uri: ${t.uri}`);
            console.error("shown once: hand it over on the token letter");
          }
        } else if (sub === "password-reissue") {
          const target = rest[0];
          if (!target) throw new UsageError(`user ${sub} needs a LOGIN-ID`);
          const l = await rt.lifecycle.staff(bank, CLI.actorId).reissuePasswords(target, a.reference ?? null);
          console.log(`${l.user.loginId}: passwords reissued; the old ones no longer work`);
          console.log(`initial login password: ${l.password}`);
          console.log(`initial confirmation password: ${l.confirmPassword}`);
          console.error("shown once: hand them over on the initial-password letter; the login password is changed at the next login");
        } else throw new UsageError(`unknown: user ${sub ?? ""}`);
      });
    case "cert":
      return withRuntime(dataDir, async (rt) => {
        const bank = need(a.bank, "bank");
        const ctx = rt.lifecycle.bank(bank);
        if (sub === "list") {
          const contract = a.contract ? await rt.store.getContractByCode(bank, a.contract) : undefined;
          const certs = await rt.store.listCertificates(bank, { contractId: contract?.id, state: a.state as any });
          for (const c of certs) console.log(`${c.serial}\t${c.state}\t${formatLocalDateTime(c.notAfter, ctx.offsetMinutes)}\t${c.subject}`);
        } else if (sub === "revoke") {
          const serial = rest[0];
          if (!serial) throw new UsageError("cert revoke needs a SERIAL");
          const r = await rt.lifecycle.revoke(bank, { serial, reason: need(a.reason, "reason"), reference: a.reference ?? null }, CLI);
          console.log(`revoked ${r.serial} (reason ${a.reason}) at ${r.revokedAt.toISOString()}; CRL rebuilt`);
        } else throw new UsageError(`unknown: cert ${sub ?? ""}`);
      });
    case "ca":
      if (sub === "init") {
        const bank = need(a.bank, "bank");
        return withRuntime(dataDir, async (rt) => {
          writeCaFiles(rt);
          console.log(`bank ${bank}: CA ready (${rt.ca.bank(bank)?.issuing.id ? "issuing CA " + rt.ca.bank(bank)!.issuing.id : "none"})`);
        }, true);
      }
      return withRuntime(dataDir, (rt) => caCommand(rt, sub, a, CLI.actorId, (m) => new UsageError(m)));
    case "staff":
      return withRuntime(dataDir, (rt) => staffCommand(rt, sub, rest, a, CLI, (m) => new UsageError(m)));
    case "audit":
      if (sub !== "verify") throw new UsageError(`unknown: audit ${sub ?? ""}`);
      return withRuntime(dataDir, (rt) => auditVerifyCommand(rt, need(a.bank, "bank"), a.sink));
    default:
      throw new UsageError(`unknown command: ${cmd}`);
  }
}

async function bankCommand(sub: string | undefined, a: Args, dataDir: string) {
  if (sub === "list") {
    const config = loadConfig(dataDir);
    for (const b of config.banks) console.log(`${b.id}\t${b.nameJa} / ${b.nameEn}\t${b.caName}`);
    return;
  }
  if (sub !== "add") throw new UsageError(`unknown: bank ${sub ?? ""}`);
  init(dataDir, false);
  const file = readConfigFile(dataDir);
  const banks = (file.banks ?? []) as BankConfig[];
  const id = need(a.id, "id");
  if (banks.some((b) => b.id === id)) throw new UsageError(`bank ${id} exists already`);
  let policy = {};
  if (a.policy) {
    try {
      policy = JSON.parse(a.policy);
    } catch {
      throw new UsageError("--policy must be JSON, e.g. '{\"renewalWindow\":\"P40D\"}'");
    }
  }
  const parsed = bankSchema.safeParse({ id, nameJa: need(a["name-ja"], "name-ja"), nameEn: need(a["name-en"], "name-en"), organization: need(a.organization, "organization"), caName: need(a["ca-name"], "ca-name"), policyOid: a["policy-oid"], policy });
  if (!parsed.success) throw new ConfigError(`invalid bank:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  const bank = parsed.data;
  saveConfigFile(dataDir, { ...file, banks: [...banks, bank] });
  loadConfig(dataDir); // validates the whole file again
  await withRuntime(dataDir, async (rt) => writeCaFiles(rt), true);
  console.log(`bank ${id} added; its CA was made by key ceremony`);
}

interface BannerParams {
  httpsPort: number;
  httpPort: number;
  staffPort: number;
  fresh: boolean;
  /** the demo users with their secrets, printed only when given */
  demo?: ReturnType<typeof readDemo>;
  /** a demo exists (then where its secrets are is said, not the secrets) */
  hasDemo: boolean;
}

function printBanner(rt: Runtime, p: BannerParams) {
  const { httpsPort, httpPort, staffPort, fresh, demo, hasDemo } = p;
  const https = rt.config.publicHttpsUrl ? rt.urls.https : rt.urls.https.replace(/:\d+$/, `:${httpsPort}`);
  const http = rt.config.publicHttpUrl ? rt.urls.http : rt.urls.http.replace(/:\d+$/, `:${httpPort}`);
  const lines = [
    "",
    `Inkan is running${fresh ? " (a new data directory with the demo was made)" : ""}.`,
    `  data:      ${rt.config.dataDir} (${rt.store.describe})`,
    `  HTTPS:     ${https}   (portal, EST, API; trust ${join(rt.config.dataDir, "tls", "server-ca.pem")})`,
    `  HTTP:      ${http}    (CRL, OCSP, CA certificates)`,
    ...(staffPort ? [`  Staff:     ${https.replace(/:\d+$/, `:${staffPort}`)}   (bank staff console; certificates from \`inkan staff add\`)`] : []),
  ];
  for (const id of rt.ca.bankIds()) {
    const b = rt.ca.bank(id)!;
    lines.push(`  bank ${id}: portal ${https}/${id}/login   EST ${https}/.well-known/est/${id}/   CRL ${b.urls.crl}   OCSP ${b.urls.ocsp}`);
  }
  lines.push(
    "",
    `Open the portal in a browser: ${https}/  (電子証明書発行 on a bank's login screen issues a certificate in the page;`,
    "  install the downloaded .p12, restart the browser, and log in with the certificate and the login password)",
  );
  if (!demo && hasDemo) lines.push("", "Demo logins, passwords and one-time password secrets: `inkan demo` (or `inkan demo --json`).");
  if (demo) {
    lines.push("", "Demo logins (login password / confirmation password):");
    for (const b of demo.banks) for (const u of b.users) lines.push(`  ${b.id}  ${u.loginId.padEnd(12)} ${u.userNo} ${u.role.padEnd(7)} ${u.password} / ${u.confirmPassword}   TOTP ${u.totpSecret}`);
    const u = demo.banks[0]?.users[2];
    if (u) {
      lines.push(
        "",
        "Enroll a certificate with openssl and curl (the one-time password comes from `inkan demo otp`):",
        `  openssl req -new -newkey rsa:2048 -nodes -keyout user.key -subj /CN=x -outform DER | base64 > user.csr`,
        `  curl --cacert ${join(rt.config.dataDir, "tls", "server-ca.pem")} -u ${u.loginId}:${u.password} -H 'Content-Type: application/pkcs10' \\`,
        `       -H "X-Inkan-OTP: $(node bin/inkan.mjs demo otp ${u.loginId})" \\`,
        `       --data-binary @user.csr ${https}/.well-known/est/${demo.banks[0]!.id}/simpleenroll | base64 -d | openssl pkcs7 -inform DER -print_certs`,
        "",
        "`inkan demo --json` prints all of this for scripts.",
      );
    }
  }
  console.log(lines.join("\n"));
}

function printDemo(j: ReturnType<typeof demoJson>) {
  console.log(`HTTPS ${j.urls.https}  HTTP ${j.urls.http}  server CA ${j.serverCaFile}`);
  for (const b of j.banks) {
    console.log(`\n${b.name.ja} / ${b.name.en} (${b.id})  EST ${b.est}  chain ${b.caFiles.chain}`);
    for (const u of b.users) console.log(`  ${u.loginId.padEnd(12)} ${u.userNo} ${u.role.padEnd(7)} ${u.password} / ${u.confirmPassword}  TOTP ${u.totpSecret}`);
  }
}

/**
 * SIGTERM or SIGINT: stop accepting, let requests in flight and the scheduled round under way
 * finish, then close the database and exit, within 5 s (service managers and rolling restarts
 * wait that long, then kill). A stop that hangs past that exits anyway: every change is one
 * transaction, so what is cut off is as if never asked.
 */
function shutdownOnSignal(rt: Runtime, stop: () => Promise<void>) {
  let stopping = false;
  const bye = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    rt.log.info({ signal: sig }, "stopping");
    setTimeout(() => {
      rt.log.error({ signal: sig }, "stop took too long; exiting");
      process.exit(1);
    }, 4500).unref();
    try {
      await stop();
      await rt.close();
    } catch (e) {
      rt.log.error({ err: (e as Error).message }, "stop failed");
      process.exit(1);
    }
    rt.log.info({ signal: sig }, "stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void bye("SIGINT"));
  process.on("SIGTERM", () => void bye("SIGTERM"));
}
