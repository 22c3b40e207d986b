import { writeFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Runtime } from "./runtime.js";
import { buildPkcs12 } from "../shared/pkcs12-node.js";
import { Secrets } from "../shared/secret-prompt.js";
import { formatLocalDateTime } from "../domain/time-zone.js";
import type { RequestContext } from "../lifecycle/lifecycle.js";

export const STAFF_USAGE = `  inkan staff add BANK STAFF-ID --name N --role operator|auditor --out FILE.p12 [--passphrase-env VAR]
                                      a bank staff member and their client certificate (PKCS#12)
  inkan staff list BANK
  inkan staff disable BANK STAFF-ID     refused by the staff console from the next request on`;

export interface StaffArgs {
  name?: string;
  role?: string;
  out?: string;
  "passphrase-env"?: string;
}

const MIN_PASSPHRASE = 8;

/**
 * `inkan staff …`. The staff member's key is made by this command on the machine it runs on (the
 * bank's own, trusted one) and leaves it only inside the PKCS#12 file, encrypted with a passphrase
 * that comes from the environment variable named by --passphrase-env, else is typed twice without
 * echo on a terminal, else is the first line of standard input (scripts). Never an option's value:
 * that would sit in the shell history and in `ps`.
 */
export async function staffCommand(rt: Runtime, sub: string | undefined, rest: string[], a: StaffArgs, ctx: RequestContext, usage: (m: string) => Error): Promise<void> {
  const bank = rest[0];
  if (!bank) throw usage(`staff ${sub ?? ""} needs a BANK`);
  if (sub === "add") {
    const staffId = rest[1];
    if (!staffId) throw usage("staff add needs a STAFF-ID");
    if (!a.name) throw usage("--name is required");
    const role = a.role;
    if (role !== "operator" && role !== "auditor") throw usage("--role is operator or auditor");
    if (!a.out) throw usage("--out FILE.p12 is required");
    const out = resolve(a.out);
    if (existsSync(out)) throw usage(`${out} exists already; choose another --out`);
    const passphrase = await readPassphrase(a["passphrase-env"], usage);
    const r = await rt.lifecycle.addStaffMember(bank, { staffId, name: a.name, role }, ctx);
    const p12 = await buildPkcs12({ pkcs8: r.issued.pkcs8, cert: r.issued.certDer, chain: [{ der: r.caDer, name: "Inkan Staff CA" }], friendlyName: `${staffId} (${bank}) Inkan staff`, password: passphrase });
    writeFileSync(out, p12, { mode: 0o600, flag: "wx" });
    const off = rt.lifecycle.bank(bank).offsetMinutes;
    console.log(`staff ${staffId} (${role}) added to bank ${bank}; certificate ${r.issued.serial}, valid to ${formatLocalDateTime(r.issued.notAfter, off)}`);
    console.log(`  ${r.issued.subject}`);
    console.log(`  PKCS#12 written to ${out}`);
    return;
  }
  if (sub === "list") {
    const off = rt.lifecycle.bank(bank).offsetMinutes;
    for (const s of await rt.lifecycle.listStaff(bank)) {
      const c = s.certificates[0];
      const state = s.disabledAt ? "disabled" : "active";
      console.log(`${s.staffId}\t${s.role}\t${state}\t${s.name}\t${c ? `${c.serial}\t${c.revokedAt ? "revoked" : "valid to " + formatLocalDateTime(c.notAfter, off)}` : "-"}`);
    }
    return;
  }
  if (sub === "disable") {
    const staffId = rest[1];
    if (!staffId) throw usage("staff disable needs a STAFF-ID");
    const changed = await rt.lifecycle.disableStaffMember(bank, staffId, ctx);
    console.log(changed ? `staff ${staffId} of bank ${bank} disabled; their certificates are refused from now on` : `staff ${staffId} of bank ${bank} was already disabled`);
    return;
  }
  throw usage(`unknown: staff ${sub ?? ""}`);
}

async function readPassphrase(envName: string | undefined, usage: (m: string) => Error): Promise<string> {
  let p: string;
  if (envName) {
    p = process.env[envName] ?? "";
    if (!p) throw usage(`the environment variable ${envName} (--passphrase-env) is empty or unset`);
  } else {
    // the issuing app's reader: typed without echo on a terminal, else the first line of stdin
    const secrets = new Secrets(process.stdin, process.stderr);
    p = await secrets.ask("PKCS#12 passphrase: ", "passphrase").catch(() => "");
    if (!p) throw usage("no passphrase: give --passphrase-env VAR, type it on a terminal, or send it as the first line of standard input");
    if (secrets.interactive && (await secrets.ask("again: ", "passphrase")) !== p) throw usage("the two passphrases differ");
  }
  if ([...p].length < MIN_PASSPHRASE) throw usage(`the PKCS#12 passphrase needs ${MIN_PASSPHRASE} characters or more`);
  return p;
}
