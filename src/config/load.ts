import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";
import { configSchema, type Config } from "./schema.js";

export const CONFIG_FILE = "inkan.json";

/** Environment variables that override the file, and the key each sets. */
const ENV: Array<[string, keyof Config, "string" | "number"]> = [
  ["DATABASE_URL", "database", "string"],
  ["INKAN_HOST", "host", "string"],
  ["INKAN_HTTPS_PORT", "httpsPort", "number"],
  ["INKAN_HTTP_PORT", "httpPort", "number"],
  ["INKAN_STAFF_PORT", "staffPort", "number"],
  ["INKAN_PUBLIC_HTTP_URL", "publicHttpUrl", "string"],
  ["INKAN_PUBLIC_HTTPS_URL", "publicHttpsUrl", "string"],
  ["INKAN_LOG_LEVEL", "logLevel", "string"],
  ["INKAN_CA_PASSPHRASE", "caPassphrase", "string"],
  ["INKAN_ROOT_CA_PASSPHRASE", "rootCaPassphrase", "string"],
];

export class ConfigError extends Error {}

/**
 * Reads <dataDir>/inkan.json, lays the environment over it and validates the whole once. Nothing
 * else in the program reads process.env for settings.
 */
export function loadConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): Config {
  const dir = resolve(dataDir);
  const file = join(dir, CONFIG_FILE);
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  // the root token's PIN never sits in a file every serving machine reads
  const pinned = Array.isArray(raw.banks) ? raw.banks.filter((b: any) => b?.rootKeyStore?.pin !== undefined).map((b: any) => String(b.id)) : [];
  if (pinned.length) throw new ConfigError(`${file}: banks ${pinned.join(", ")}: rootKeyStore.pin is not kept in the file (the serving machines read it); the root's holders give it to the ceremony as INKAN_ROOT_PKCS11_PIN`);
  const merged: Record<string, unknown> = { ...raw, dataDir: dir };
  for (const [name, key, kind] of ENV) {
    const v = env[name];
    if (v !== undefined && v !== "") merged[key] = kind === "number" ? Number(v) : v;
  }
  // one PIN for every online token (the banks' and the staff CA's): the secret stays out of the
  // file, like INKAN_CA_PASSPHRASE; the roots' tokens have a PIN of their own
  const withPin = (store: any, pin: string | undefined) => (pin && store?.kind === "pkcs11" ? { ...store, pin } : store);
  const pin = env.INKAN_PKCS11_PIN;
  const rootPin = env.INKAN_ROOT_PKCS11_PIN;
  if (Array.isArray(merged.banks)) {
    merged.banks = merged.banks.map((b: any) => (b && typeof b === "object" ? { ...b, ...(b.keyStore && { keyStore: withPin(b.keyStore, pin) }), ...(b.rootKeyStore && { rootKeyStore: withPin(b.rootKeyStore, rootPin) }) } : b));
  }
  if (merged.staffKeyStore) merged.staffKeyStore = withPin(merged.staffKeyStore, pin);
  // INKAN_SMTP_HOST / INKAN_SMTP_PORT point the notices at an SMTP server
  if (env.INKAN_SMTP_HOST) {
    const mail = { ...((merged.mail as Record<string, unknown>) ?? {}) };
    mail.smtp = { ...((mail.smtp as Record<string, unknown>) ?? {}), host: env.INKAN_SMTP_HOST, ...(env.INKAN_SMTP_PORT ? { port: Number(env.INKAN_SMTP_PORT) } : {}) };
    merged.mail = mail;
  }
  // INKAN_METRICS_HOST / INKAN_METRICS_PORT: where Prometheus scrapes
  if (env.INKAN_METRICS_HOST || env.INKAN_METRICS_PORT) {
    merged.metrics = { ...((merged.metrics as Record<string, unknown>) ?? {}), ...(env.INKAN_METRICS_HOST ? { host: env.INKAN_METRICS_HOST } : {}), ...(env.INKAN_METRICS_PORT ? { port: Number(env.INKAN_METRICS_PORT) } : {}) };
  }
  // INKAN_TRUSTED_PROXIES: the proxies' addresses, comma-separated (replaces the file's list)
  if (env.INKAN_TRUSTED_PROXIES !== undefined && env.INKAN_TRUSTED_PROXIES.trim() !== "") {
    const trustedAddresses = env.INKAN_TRUSTED_PROXIES.split(",").map((a) => a.trim()).filter((a) => a !== "");
    merged.proxy = { ...((merged.proxy as Record<string, unknown>) ?? {}), trustedAddresses };
  }
  if (env.INKAN_TRUSTED_PROXIES_FORCE === "1") merged.proxy = { ...((merged.proxy as Record<string, unknown>) ?? {}), allowWideRanges: true };
  // INKAN_REDIS_URL: share the throttling counters between nodes
  if (env.INKAN_REDIS_URL) merged.throttle = { ...((merged.throttle as Record<string, unknown>) ?? {}), redisUrl: env.INKAN_REDIS_URL };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`invalid configuration (${file} and environment):\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** Writes the file part of the configuration (never the environment overrides). */
export function saveConfigFile(dataDir: string, fileConfig: Partial<Config>): void {
  mkdirSync(dataDir, { recursive: true });
  const { dataDir: _omit, ...rest } = fileConfig;
  const file = join(dataDir, CONFIG_FILE);
  writeFileSync(file + ".tmp", JSON.stringify(rest, null, 2) + "\n", { mode: 0o600 });
  renameSync(file + ".tmp", file);
}

export function readConfigFile(dataDir: string): Partial<Config> {
  const file = join(dataDir, CONFIG_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<Config>) : {};
}

export function publicUrls(c: Config) {
  const host = c.host === "0.0.0.0" || c.host === "::" ? "localhost" : c.host;
  return {
    http: (c.publicHttpUrl ?? `http://${host}:${c.httpPort}`).replace(/\/$/, ""),
    https: (c.publicHttpsUrl ?? `https://${host === "127.0.0.1" ? "localhost" : host}:${c.httpsPort}`).replace(/\/$/, ""),
  };
}
