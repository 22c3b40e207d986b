/**
 * The bank the compromise drill runs on (bench/drill.ts): n users in contracts of 900, each holding
 * one active certificate of generation G1, written in bulk but as the lifecycle writes them.
 *
 * What is real: every contract is made by the lifecycle (audited); every user row carries a real
 * scrypt hash of its password (one hash shared by all: 100,000 runs would take hours) and the
 * contract's next user number; every certificate is built by G1's own prepareUserCertificate() and
 * signed by G1's key (the bank's issuing key is ECDSA P-256, a kind the configuration allows, so
 * that 100,000 signatures take seconds), over a P-256 key of its own derived from its index, so that
 * any one of them can later be presented over mutual TLS. Each certificate has its request row, its
 * "issued" notice (sent) and the audit records acquisition and first use write
 * (certificate.sign_requested, certificate.issued, certificate.activate; user.add for each user),
 * chained onto the bank's audit chain with the real chainHash. What is not: the request rows hold a
 * blob of a real CSR's size, not a CSR (the drill never reads them), and the history is dated
 * evenly over a past day rather than over years.
 */
import { createECDH, createHash, createPrivateKey, randomBytes } from "node:crypto";
import pg from "pg";
import type { BankCa } from "../src/ca/bank-ca.js";
import { spkiFingerprint } from "../src/ca/signer.js";
import { toPem } from "../src/ca/certificate-builder.js";
import { chainHash, type AuditEntry } from "../src/domain/audit.js";
import { commonName, issuanceStamp } from "../src/domain/certificate.js";
import { userNumber } from "../src/domain/roles.js";
import { certificateValidity } from "../src/domain/validity.js";
import { hashPassword } from "../src/credentials/passwords.js";
import type { BankContext } from "../src/lifecycle/context.js";
import { PG_URL, type Harness } from "../test/support/harness.js";

export const PASSWORD = "Pass1234";
const PER_CONTRACT = 900;
/** a PKCS#10 request over a P-256 key with a short subject, as the issuing app sends one */
const CSR_BYTES = 240;
const SPKI_P256 = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");
const CHUNK = 10_000;

/** The P-256 private key of seeded certificate i: derived, so that it need not be kept. */
function secretOf(i: number): Buffer {
  return createHash("sha256").update(`inkan drill bench ${i}`).digest();
}

export interface SeedResult {
  users: number;
  contracts: number;
  certificates: number;
  auditRecords: number;
  ms: { total: number; build: number; insert: number };
  /** login ID and serial of seeded certificate i */
  loginId(i: number): string;
  serial(i: number): string;
  /** key and certificate of seeded certificate i, PEM, for a TLS client */
  identity(i: number): { keyPem: string; certPem: string };
}

interface Built {
  loginId: string;
  userNo: string;
  userId: number;
  contractId: number;
  serial: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  spkiSha256: string;
  tbs: Buffer;
  der: Buffer;
  issuedAt: number;
}

async function inChunks<T>(rows: T[], fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await fn(rows.slice(i, i + CHUNK));
}

export async function seedGeneration(h: Harness, bankId: string, bank: BankContext, g1: BankCa, n: number): Promise<SeedResult> {
  const t0 = performance.now();
  const schema = new URL(h.databaseUrl).searchParams.get("schema")!;
  const passwordHash = await hashPassword(PASSWORD);
  const confirmHash = await hashPassword("Conf5678");
  // issued over one day ending a hundred days ago, activated a minute after each
  const start = Date.now() - 101 * 86_400_000;
  const step = Math.floor(86_400_000 / Math.max(n, 1));
  const contracts: number[] = [];
  for (let c = 0; c * PER_CONTRACT < n; c++) contracts.push(await h.addContract(bankId, `DRILL${String(c).padStart(4, "0")}`));

  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    const loginIds = Array.from({ length: n }, (_, i) => `drill${String(i).padStart(6, "0")}`);
    const userNos = Array.from({ length: n }, (_, i) => userNumber((i % PER_CONTRACT) + 1));
    const contractOf = (i: number) => contracts[Math.floor(i / PER_CONTRACT)]!;
    const roleOf = (i: number) => (i % PER_CONTRACT === 0 ? "master" : "general");
    const userAt = (i: number) => start - 86_400_000 + i * step;
    const issuedAt = (i: number) => start + i * step;

    await c.query("BEGIN");
    const ids = new Map<string, number>();
    await inChunks(
      loginIds.map((l, i) => i),
      async (chunk) => {
        const r = await c.query(
          `INSERT INTO users (bank_id, contract_id, login_id, user_no, name, email, role, password_hash, confirm_hash, totp_secret, status, must_change_password, failed_logins, failed_confirms, created_at, updated_at)
           SELECT $1, contract_id, login_id, user_no, '利用者 ' || login_id, login_id || '@example.jp', role, $2, $3, NULL, 'active', 0, 0, 0, at, at
           FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::bigint[]) AS t(contract_id, login_id, user_no, role, at) RETURNING id, login_id`,
          [bankId, passwordHash, confirmHash, chunk.map(contractOf), chunk.map((i) => loginIds[i]!), chunk.map((i) => userNos[i]!), chunk.map(roleOf), chunk.map(userAt)],
        );
        for (const row of r.rows) ids.set(row.login_id, Number(row.id));
      },
    );
    for (const [k, id] of contracts.entries()) await c.query("UPDATE contracts SET next_user_index = $1 WHERE id = $2", [Math.min(PER_CONTRACT, n - k * PER_CONTRACT) + 1, id]);

    const tBuild = performance.now();
    const ecdh = createECDH("prime256v1");
    const built: Built[] = [];
    for (let i = 0; i < n; i++) {
      ecdh.setPrivateKey(secretOf(i));
      const spki = new Uint8Array(Buffer.concat([SPKI_P256, ecdh.getPublicKey()]));
      const at = new Date(issuedAt(i));
      const { notBefore, notAfter } = certificateValidity(at, bank.policy.validity, bank.offsetMinutes);
      const prepared = g1.prepareUserCertificate({ commonName: commonName(loginIds[i]!, userNos[i]!, issuanceStamp(at, bank.offsetMinutes, i % 1000)), spki, notBefore, notAfter });
      const der = await g1.sign(prepared.tbsDer);
      built.push({ loginId: loginIds[i]!, userNo: userNos[i]!, userId: ids.get(loginIds[i]!)!, contractId: contractOf(i), serial: prepared.serial, subject: prepared.subject, notBefore: notBefore.getTime(), notAfter: notAfter.getTime(), spkiSha256: spkiFingerprint(spki), tbs: Buffer.from(prepared.tbsDer), der: Buffer.from(der), issuedAt: at.getTime() });
    }
    const buildMs = performance.now() - tBuild;

    const tInsert = performance.now();
    await inChunks(built, async (chunk) => {
      const req = await c.query(
        `INSERT INTO requests (bank_id, user_id, kind, csr_sha256, csr_der, created_at) SELECT $1, u, 'acquire', s, $2, at FROM unnest($3::bigint[], $4::text[], $5::bigint[]) WITH ORDINALITY AS t(u, s, at, o) ORDER BY o RETURNING id, csr_sha256`,
        [bankId, randomBytes(CSR_BYTES), chunk.map((b) => b.userId), chunk.map((b) => b.spkiSha256), chunk.map((b) => b.issuedAt)],
      );
      const requestOf = new Map<string, number>(req.rows.map((r) => [r.csr_sha256, Number(r.id)]));
      await c.query(
        `INSERT INTO certificates (serial, bank_id, ca_id, contract_id, user_id, state, subject, not_before, not_after, spki_sha256, tbs_der, der, request_id, replaces_serial, revoked_at, revocation_reason, created_at, updated_at)
         SELECT serial, $1, $2, contract_id, user_id, 'active', subject, nb, na, spki, tbs, der, req, NULL, NULL, NULL, at, at + 60000
         FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::bytea[], $11::bytea[], $12::bigint[], $13::bigint[]) AS t(serial, contract_id, user_id, subject, nb, na, spki, tbs, der, req, at)`,
        [
          bankId,
          g1.issuing.id,
          chunk.map((b) => b.serial),
          chunk.map((b) => b.contractId),
          chunk.map((b) => b.userId),
          chunk.map((b) => b.subject),
          chunk.map((b) => b.notBefore),
          chunk.map((b) => b.notAfter),
          chunk.map((b) => b.spkiSha256),
          chunk.map((b) => b.tbs),
          chunk.map((b) => b.der),
          chunk.map((b) => requestOf.get(b.spkiSha256)!),
          chunk.map((b) => b.issuedAt),
        ],
      );
      await c.query(
        `INSERT INTO notices (bank_id, kind, cert_serial, offset_key, user_id, recipient_user_id, due_at, status, attempts, next_attempt_at, lease_until, last_error, sent_at, read_at, created_at)
         SELECT $1, 'issued', serial, '', u, u, at, 'sent', 1, at, NULL, NULL, at + 1000, NULL, at FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS t(serial, u, at)`,
        [bankId, chunk.map((b) => b.serial), chunk.map((b) => b.userId), chunk.map((b) => b.issuedAt)],
      );
    });

    // the audit records, in the order they were made, chained onto the bank's chain as WriteTx.audit chains them
    const head = (await c.query("SELECT audit_seq, audit_head FROM banks WHERE id = $1 FOR UPDATE", [bankId])).rows[0];
    let seq = Number(head.audit_seq);
    let prev: string = head.audit_head;
    const audit: Array<{ seq: number; e: AuditEntry; prev: string; hash: string }> = [];
    const append = (e: AuditEntry) => {
      seq++;
      const hash = chainHash({ bankId, seq, prevHash: prev }, e);
      audit.push({ seq, e, prev, hash });
      prev = hash;
    };
    for (const [i, b] of built.entries()) append({ at: new Date(userAt(i)), actorKind: "cli", actorId: "bench", action: "user.add", contractId: b.contractId, targetUserId: b.userId, result: "ok", detail: { loginId: b.loginId, userNo: b.userNo, role: roleOf(i) } });
    for (const b of built) {
      const user = { actorKind: "user" as const, actorId: b.loginId, address: "127.0.0.1", certSerial: b.serial, contractId: b.contractId, targetUserId: b.userId, result: "ok" as const };
      append({ ...user, at: new Date(b.issuedAt), action: "certificate.sign_requested", detail: { kind: "acquire", key: "ECDSA-P-256", replaces: null } });
      append({ ...user, at: new Date(b.issuedAt), action: "certificate.issued", detail: { kind: "acquire", subject: b.subject, notAfter: new Date(b.notAfter).toISOString() } });
      append({ ...user, at: new Date(b.issuedAt + 60_000), action: "certificate.activate", detail: { superseded: null } });
    }
    await inChunks(audit, (chunk) =>
      c.query(
        `INSERT INTO audit_events (bank_id, seq, at, actor_kind, actor_id, address, cert_serial, action, contract_id, target_user_id, result, detail, prev_hash, hash)
         SELECT $1, seq, at, ak, aid, addr, cs, act, cid, tu, res, det, prev, hash
         FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[]) AS t(seq, at, ak, aid, addr, cs, act, cid, tu, res, det, prev, hash)`,
        [
          bankId,
          chunk.map((a) => a.seq),
          chunk.map((a) => a.e.at.getTime()),
          chunk.map((a) => a.e.actorKind),
          chunk.map((a) => a.e.actorId),
          chunk.map((a) => a.e.address ?? null),
          chunk.map((a) => a.e.certSerial ?? null),
          chunk.map((a) => a.e.action),
          chunk.map((a) => a.e.contractId ?? null),
          chunk.map((a) => a.e.targetUserId ?? null),
          chunk.map((a) => a.e.result),
          chunk.map((a) => JSON.stringify(a.e.detail ?? {})),
          chunk.map((a) => a.prev),
          chunk.map((a) => a.hash),
        ],
      ),
    );
    await c.query("UPDATE banks SET audit_seq = $1, audit_head = $2 WHERE id = $3", [seq, prev, bankId]);
    await c.query("COMMIT");
    await c.query("ANALYZE users, requests, certificates, notices, audit_events");
    const insertMs = performance.now() - tInsert;

    return {
      users: n,
      contracts: contracts.length,
      certificates: n,
      auditRecords: audit.length,
      ms: { total: performance.now() - t0, build: buildMs, insert: insertMs },
      loginId: (i) => built[i]!.loginId,
      serial: (i) => built[i]!.serial,
      identity(i) {
        const e = createECDH("prime256v1");
        const d = secretOf(i);
        e.setPrivateKey(d);
        const pub = e.getPublicKey();
        const b64 = (x: Buffer) => x.toString("base64url");
        const key = createPrivateKey({ key: { kty: "EC", crv: "P-256", d: b64(d), x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33)) }, format: "jwk" });
        return { keyPem: key.export({ type: "pkcs8", format: "pem" }).toString(), certPem: toPem(built[i]!.der) };
      },
    };
  } catch (e) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    await c.end();
  }
}
