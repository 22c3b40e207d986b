import { DomainError, isUniqueConflict } from "../domain/errors.js";
import { hasUnsafeCharacters } from "../domain/text-safety.js";
import type { StaffRole } from "../domain/rights.js";
import { STAFF_ID_PATTERN, type IssuedStaffCertificate, type StaffCa } from "../ca/staff-ca.js";
import type { StaffRecord } from "../store/store.js";
import type { BankContext, LifecycleDeps, RequestContext } from "./context.js";

// The bank's staff members: who presents a staff certificate (on every console request), and
// `inkan staff add` / `disable`. What they may do once identified is staff-console.ts.

export type StaffDeps = LifecycleDeps & { staffCa: StaffCa };

/** A staff member recognised by the client certificate of this request. */
export interface StaffIdentity {
  rowId: number;
  bankId: string;
  staffId: string;
  name: string;
  role: StaffRole;
  /** the serial of the staff certificate presented */
  serial: string;
  notAfter: Date;
}

/** Why a certificate does not open the staff console (the page says so in Japanese, then English). */
export type StaffRefusal = "none" | "foreign" | "unknown" | "disabled" | "revoked" | "not_yet_valid" | "expired" | "bank_unknown";

/**
 * The staff member a presented certificate belongs to: it chains to the staff CA (checked here, not
 * by Node's TLS), its record is known and not revoked, its holder is not disabled, the injected
 * clock is inside its validity, and the bank is one this installation serves. Status is read from
 * the database on every request: `inkan staff disable` refuses the very next one.
 */
export async function identifyStaff(deps: StaffDeps, der: Uint8Array | undefined): Promise<{ who: StaffIdentity } | { refused: StaffRefusal }> {
  if (!der || der.length === 0) return { refused: "none" };
  const presented = deps.staffCa.identify(der);
  if (!presented) return { refused: "foreign" };
  const found = await deps.store.staff.byCertificate(presented.serial, deps.staffCa.id);
  if (!found) return { refused: "unknown" };
  const { staff, certificate } = found;
  if (staff.disabledAt) return { refused: "disabled" };
  if (certificate.revokedAt) return { refused: "revoked" };
  const now = deps.clock.now().getTime();
  if (now < certificate.notBefore.getTime()) return { refused: "not_yet_valid" };
  if (now > certificate.notAfter.getTime()) return { refused: "expired" };
  if (!deps.banks.some((b) => b.id === staff.bankId)) return { refused: "bank_unknown" };
  return { who: { rowId: staff.rowId, bankId: staff.bankId, staffId: staff.staffId, name: staff.name, role: staff.role, serial: certificate.serial, notAfter: certificate.notAfter } };
}

function checkStaffName(name: string): void {
  const n = [...name].length;
  if (n === 0 || n > 60 || name.trim() !== name || hasUnsafeCharacters(name)) throw new DomainError("staff_name_invalid");
}

/**
 * `inkan staff add`: a staff member of one bank and a certificate for them from the staff CA. The
 * certificate is signed first and recorded with its audit record in one transaction; only then do
 * the caller's hands get the key (a failed record leaves a certificate nobody holds and nobody
 * can use, since the console only admits recorded serials).
 */
export async function addStaffMember(deps: StaffDeps, bank: BankContext, p: { staffId: string; name: string; role: StaffRole }, ctx: RequestContext): Promise<{ staff: StaffRecord; issued: IssuedStaffCertificate; caDer: Uint8Array }> {
  const bankId = bank.config.id;
  if (!STAFF_ID_PATTERN.test(p.staffId)) throw new DomainError("staff_id_invalid");
  checkStaffName(p.name);
  if (p.role !== "operator" && p.role !== "auditor") throw new Error("role: operator or auditor");
  if (await deps.store.staff.getStaff(bankId, p.staffId)) throw new DomainError("staff_exists", { staffId: p.staffId });
  const now = deps.clock.now();
  const issued = await deps.staffCa.issue({ bankId, staffId: p.staffId, now });
  try {
    await deps.store.writeStaff(bankId, async (w, s) => {
      const rowId = await s.addStaff({ staffId: p.staffId, name: p.name, role: p.role, at: now });
      await s.addCertificate({ serial: issued.serial, staffRowId: rowId, caId: deps.staffCa.id, notBefore: issued.notBefore, notAfter: issued.notAfter, at: now });
      await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, certSerial: issued.serial, action: "staff.add", result: "ok", detail: { staffId: p.staffId, role: p.role, notAfter: issued.notAfter.toISOString() } });
    });
  } catch (e) {
    if (isUniqueConflict(e)) throw new DomainError("staff_exists", { staffId: p.staffId });
    throw e;
  }
  const staff = (await deps.store.staff.getStaff(bankId, p.staffId))!;
  return { staff, issued, caDer: deps.staffCa.der };
}

/** `inkan staff disable`: the member's certificates are refused from the next request on. */
export async function disableStaffMember(deps: StaffDeps, bank: BankContext, staffId: string, ctx: RequestContext): Promise<boolean> {
  const bankId = bank.config.id;
  // read before the transaction: on SQLite a read outside it would wait for it to end
  const member = await deps.store.staff.getStaff(bankId, staffId);
  if (!member) throw new DomainError("staff_not_found");
  return deps.store.writeStaff(bankId, async (w, s) => {
    const now = deps.clock.now();
    const changed = await s.disable(member.rowId, now);
    await w.audit({ at: now, actorKind: ctx.actorKind, actorId: ctx.actorId, address: ctx.address, action: "staff.disable", result: "ok", detail: { staffId, alreadyDisabled: !changed } });
    return changed;
  });
}
