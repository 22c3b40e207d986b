import { isIP } from "node:net";
import { z } from "zod";
import { DEFAULT_POLICY, type BankPolicy } from "../domain/policy.js";
import { isValidDuration } from "../domain/duration.js";
import { SUPPORTED_ZONES } from "../domain/time-zone.js";

/** The widest OID arc every verifier reads: many hold an arc in a 32-bit integer. */
const MAX_ARC = 2n ** 32n - 1n;

/**
 * An OID the bank owns, each arc within 32 bits: stacks that keep an arc in a machine integer
 * (Go's crypto/x509 before 1.22, among others) refuse the whole certificate otherwise, which is
 * what a 2.25 UUID OID (an arc of ~128 bits) does.
 */
function checkPolicyOid(oid: string, ctx: z.RefinementCtx): void {
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(oid)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `ポリシーOIDの形式が正しくありません（例: 1.2.392.200000.1）/ not an OID in dotted form, e.g. 1.2.392.200000.1: ${oid.slice(0, 60)}` });
    return;
  }
  const wide = oid.split(".").find((arc) => BigInt(arc) > MAX_ARC);
  if (wide !== undefined) {
    const shown = wide.length > 20 ? `${wide.slice(0, 12)}…(${wide.length} digits)` : wide;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `ポリシーOIDの要素 ${shown} が32ビットを超えています。32ビットに収まらない要素を持つOIDは一部の検証ソフトが証明書ごと拒否します。自行のOIDを設定するか、この項目を削除してください / the arc ${shown} does not fit in 32 bits (at most ${MAX_ARC}); some verifiers refuse the whole certificate for such an OID (a 2.25 UUID OID is one): set your bank's own OID or remove policyOid (docs/ca-ceremony.md, upgrade notes)`,
    });
  }
}

const duration = z.string().refine(isValidDuration, { message: "must be an ISO-8601 duration such as P30D or PT10M" });

export const policySchema = z
  .object({
    validity: duration,
    renewalWindow: duration,
    noticeOffsets: z.array(duration).max(10),
    graceAfterExpiry: duration,
    maxUsersPerContract: z.number().int().min(1).max(999),
    keys: z
      .object({
        rsaMinBits: z.number().int().min(2048).max(16384),
        rsaMaxBits: z.number().int().min(2048).max(16384),
        ecCurves: z.array(z.enum(["P-256", "P-384"])),
      })
      .strict()
      .refine((k) => k.rsaMinBits <= k.rsaMaxBits, { message: "rsaMinBits must not exceed rsaMaxBits" }),
    otp: z.object({ acquisition: z.boolean(), renewal: z.boolean() }).strict(),
    masterSelfRevokeOnline: z.boolean(),
    lockoutThreshold: z.number().int().min(1).max(20),
    historyOnline: duration,
    noticeToManagers: z.boolean(),
    timeZone: z.enum(SUPPORTED_ZONES as [string, ...string[]]),
    crlValidity: duration,
    ocspValidity: duration,
    sessionIdle: duration,
    sessionMax: duration,
    mailCodeValidity: duration,
    mailCodeInterval: duration,
    mailCodesPerHour: z.number().int().min(1).max(60),
  })
  .strict() satisfies z.ZodType<BankPolicy>;

/** A bank's own partial policy, laid over the defaults. */
export const policyOverridesSchema = policySchema.partial();

/** Where keys live: encrypted files in the data directory, or a PKCS#11 token. */
const keyStoreSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("file") }).strict(),
  z
    .object({
      kind: z.literal("pkcs11"),
      library: z.string(),
      /** slot ID as `pkcs11-tool -L` shows it; a tokenLabel, when given, chooses the token instead */
      slot: z.number().int().min(0).default(0),
      tokenLabel: z.string().optional(),
      /** the token's user PIN; INKAN_PKCS11_PIN (INKAN_ROOT_PKCS11_PIN for a root's token) sets it */
      pin: z.string().min(1).optional(),
    })
    .strict(),
]);
type TokenConfig = Extract<z.infer<typeof keyStoreSchema>, { kind: "pkcs11" }>;

/** The same token, as far as the configuration can tell (a label and a slot number may still meet). */
const sameToken = (a: TokenConfig, b: TokenConfig) => a.library === b.library && (a.tokenLabel || b.tokenLabel ? a.tokenLabel === b.tokenLabel : a.slot === b.slot);

export const bankSchema = z
  .object({
    /** URL prefix and key of the bank: lower-case letters, digits and hyphens */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,30}$/),
    nameJa: z.string().min(1).max(100),
    nameEn: z.string().min(1).max(100),
    /** O= of every certificate */
    organization: z.string().min(1).max(64),
    /** OU= of every certificate, and the issuing CA's name */
    caName: z.string().min(1).max(64),
    /**
     * The bank's own certificatePolicies OID, written into its issuing CA and user certificates;
     * without it they carry no certificatePolicies at all (there is no default).
     */
    policyOid: z.string().superRefine(checkPolicyOid).optional(),
    /** how long the root's CRL (signed in a ceremony: `inkan ca crl --bank B --root`) stays valid; P1Y when absent */
    rootCrlValidity: duration.optional(),
    /** key of the issuing CA: RSA-2048 (as Japanese banking CAs use) or ECDSA P-256 */
    caKey: z.enum(["RSA-2048", "RSA-3072", "ECDSA-P256"]).default("RSA-2048"),
    /** where the issuing and OCSP keys live (online: the serving processes open them) */
    keyStore: keyStoreSchema.default({ kind: "file" }),
    /**
     * where the root's key lives, apart from the online keys: <dataDir>/root-ca/ (absent or "file")
     * or a PKCS#11 token of its own, opened by the root ceremonies only. Its PIN is never read from
     * the file: the root's holders give it to the ceremony as INKAN_ROOT_PKCS11_PIN.
     */
    rootKeyStore: keyStoreSchema.optional(),
    policy: policyOverridesSchema.default({}),
    /** the portal's header colour (white text on it: keep a contrast of 4.5:1 or more) */
    brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(),
    /** the key the portal's page makes: RSA-2048 (every browser and Windows store) or P-256 */
    portalKey: z.enum(["RSA-2048", "P-256"]).optional(),
  })
  .strict();

/** A trusted proxy: an IPv4 or IPv6 address, or a CIDR block of them (never all addresses). */
const proxyAddress = z.string().refine(
  (a) => {
    const [net, bits, extra] = a.split("/");
    const kind = isIP(net ?? "");
    if (kind === 0 || extra !== undefined) return false;
    if (bits === undefined) return true;
    if (!/^\d{1,3}$/.test(bits)) return false;
    const n = Number(bits);
    return n >= 1 && n <= (kind === 4 ? 32 : 128);
  },
  { message: "must be an IPv4 or IPv6 address or a CIDR block such as 10.0.0.0/24 (a /0 would trust everyone)" },
);

/** A block this wide trusts more than any proxy tier needs (0.0.0.0/1,128.0.0.0/1 is everyone). */
const tooWide = (a: string) => {
  const [net, bits] = a.split("/");
  return bits !== undefined && Number(bits) < (isIP(net ?? "") === 4 ? 8 : 32);
};

export const proxySchema = z
  .object({
    /** TCP peers (load balancers, nginx) whose certificate header and X-Forwarded-For are believed */
    trustedAddresses: z.array(proxyAddress).max(100).default([]),
    /** lets trustedAddresses hold blocks wider than /8 (IPv4) or /32 (IPv6); INKAN_TRUSTED_PROXIES_FORCE=1 */
    allowWideRanges: z.boolean().default(false),
    /** the header in which they pass the client certificate (nginx: $ssl_client_escaped_cert) */
    certificateHeader: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, { message: "must be an HTTP header name" })
      .transform((h) => h.toLowerCase())
      .default("x-ssl-client-cert"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.allowWideRanges) return;
    p.trustedAddresses.forEach((a, i) => {
      if (tooWide(a)) ctx.addIssue({ code: "custom", path: ["trustedAddresses", i], message: `${a} is wider than /8 (IPv4) or /32 (IPv6): it would trust the certificate header from too many addresses (set proxy.allowWideRanges or INKAN_TRUSTED_PROXIES_FORCE=1 if you mean it)` });
    });
  });

const window = z.object({ points: z.number().int().min(1).max(100_000), seconds: z.number().int().min(1).max(86_400) }).strict();
const THROTTLE_DEFAULTS = { keyPrefix: "inkan", perAddress: { points: 30, seconds: 60 }, perLoginId: { points: 5, seconds: 900 } };
export const throttleSchema = z
  .object({
    /** redis://127.0.0.1:6379 to share the counters between nodes; unset: each node's memory */
    redisUrl: z.string().regex(/^rediss?:\/\//).optional(),
    keyPrefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).default(THROTTLE_DEFAULTS.keyPrefix),
    perAddress: window.default(THROTTLE_DEFAULTS.perAddress),
    perLoginId: window.default(THROTTLE_DEFAULTS.perLoginId),
  })
  .strict();

export const configSchema = z
  .object({
    dataDir: z.string(),
    /** sqlite file path (relative to dataDir) or a postgres:// URL */
    database: z.string().default("inkan.db"),
    host: z.string().default("127.0.0.1"),
    httpsPort: z.number().int().min(0).max(65535).default(8443),
    httpPort: z.number().int().min(0).max(65535).default(8080),
    /** the bank staff console: its own origin (0: any free port, as tests use) */
    staffPort: z.number().int().min(0).max(65535).default(8444),
    /** the base URLs written into certificates (CDP, AIA) and printed for people */
    publicHttpUrl: z.string().url().optional(),
    publicHttpsUrl: z.string().url().optional(),
    /** names the server's TLS certificate is made for */
    serverNames: z.array(z.string()).default(["localhost", "127.0.0.1"]),
    /** unlocks the CA key files; when unset, <dataDir>/ca/passphrase (made at init) is read */
    caPassphrase: z.string().min(16).optional(),
    /**
     * unlocks the offline root's key files (<dataDir>/root-ca/); when unset, <dataDir>/root-ca/passphrase
     * is read — a file the root's holders keep off the serving machine (docs/ca-ceremony.md)
     */
    rootCaPassphrase: z.string().min(16).optional(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** how often the server looks for revocations made by other processes */
    statusPollMs: z.number().int().min(20).max(60_000).default(250),
    /** how often scheduled work (CRL refresh) runs */
    scheduleMs: z.number().int().min(1000).default(60_000),
    /** largest request body accepted, in bytes */
    bodyLimit: z.number().int().min(1024).max(10_000_000).default(64 * 1024),
    banks: z.array(bankSchema).default([]),
    /** where notices go: an SMTP server, or (unset) .eml files in <dataDir>/outbox */
    mail: z
      .object({
        from: z.string().min(3).default("Inkan <no-reply@inkan.localhost>"),
        smtp: z
          .object({ host: z.string().min(1), port: z.number().int().min(1).max(65535).default(25), secure: z.boolean().default(false), user: z.string().optional(), pass: z.string().optional() })
          .strict()
          .optional(),
        /** how often the outbox is looked at */
        pollMs: z.number().int().min(50).default(5000),
      })
      .strict()
      .default({ from: "Inkan <no-reply@inkan.localhost>", pollMs: 5000 }),
    /** how long a client may take, on every listener (web/transport.ts); a slow client is cut off */
    timeouts: z
      .object({
        handshakeMs: z.number().int().min(50).max(120_000).default(10_000),
        headersMs: z.number().int().min(50).max(120_000).default(10_000),
        /** the whole request, headers and body: a body trickled slower than this is cut off */
        requestMs: z.number().int().min(50).max(120_000).default(20_000),
        keepAliveMs: z.number().int().min(50).max(120_000).default(5_000),
        idleMs: z.number().int().min(50).max(600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    /** Prometheus metrics: a listener of their own, on loopback unless told otherwise (0: any free port) */
    metrics: z
      .object({ host: z.string().min(1).default("127.0.0.1"), port: z.number().int().min(0).max(65535).default(9464) })
      .strict()
      .prefault({}),
    /** TLS ended at a proxy: who may pass the verified client certificate in a header */
    proxy: proxySchema.default({ trustedAddresses: [], certificateHeader: "x-ssl-client-cert", allowWideRanges: false }),
    /** where signed audit checkpoints go outside the database: a file (default <dataDir>/audit/checkpoints.jsonl) or stdout */
    audit: z
      .object({ sink: z.enum(["file", "stdout"]).default("file"), file: z.string().optional(), checkpointMs: z.number().int().min(1000).max(60_000).default(60_000) })
      .strict()
      .default({ sink: "file", checkpointMs: 60_000 }),
    /** throttling of every place a secret is tried (src/web/throttle.ts) */
    throttle: throttleSchema.default(THROTTLE_DEFAULTS),
    /** where the staff CA's key lives (online, like the issuing keys); files when absent */
    staffKeyStore: keyStoreSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // a root on a token the serving processes log in to would be online again
    const online = [...c.banks.map((b) => b.keyStore), ...(c.staffKeyStore ? [c.staffKeyStore] : [])].filter((k): k is TokenConfig => k.kind === "pkcs11");
    c.banks.forEach((b, i) => {
      const root = b.rootKeyStore;
      if (root?.kind === "pkcs11" && online.some((k) => sameToken(k, root))) {
        ctx.addIssue({ code: "custom", path: ["banks", i, "rootKeyStore"], message: `the root's token must be one of its own: the serving processes log in to this one (a keyStore or staffKeyStore names it)` });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type BankConfig = z.infer<typeof bankSchema>;

export function effectivePolicy(bank: BankConfig): BankPolicy {
  return { ...DEFAULT_POLICY, ...bank.policy, keys: { ...DEFAULT_POLICY.keys, ...bank.policy.keys }, otp: { ...DEFAULT_POLICY.otp, ...bank.policy.otp } };
}
