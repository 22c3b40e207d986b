import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, run } from "./support/harness.js";
import { opensslCsr, writeTemp } from "./support/csr.js";
import * as x509 from "../src/ca/x509.js";

/**
 * The README's first command, as a new user runs it: `inkan start` on an empty data directory
 * makes the demo and serves; `inkan demo --json` tells a script everything it needs; curl and
 * openssl enroll with nothing else.
 */
test("first run: start makes the demo and serves; demo --json is enough to enroll with curl and openssl", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "inkan-first-"));
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const env = { ...process.env, INKAN_HTTPS_PORT: String(httpsPort), INKAN_HTTP_PORT: String(httpPort), INKAN_LOG_LEVEL: "warn", DATABASE_URL: "" };
  const bin = join(process.cwd(), "bin", "inkan.mjs");
  const server = spawn(process.execPath, [bin, "start", "--data", dataDir], { env });
  let out = "";
  const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("`inkan demo --json` prints")) resolve();
      });
      server.stderr.on("data", (d: Buffer) => (out += d.toString()));
      server.on("exit", (code) => reject(new Error(`inkan start exited ${code}: ${out}`)));
    });
    assert.match(out, /Inkan is running \(a new data directory with the demo was made\)/);
    assert.match(out, new RegExp(`HTTPS:\\s+https://localhost:${httpsPort}`));
    assert.match(out, /aoba\s+aomaster01\s+A001 master\s+Pass1234 \/ Conf5678\s+TOTP [A-Z2-7]{32}/);
    assert.match(out, /kita\s+kiuser02\s+A004 general/);
    // the printed portal address opens the bank's login screen (a real curl, the printed CA)
    const portal = new RegExp(`portal (https://localhost:${httpsPort}/aoba/login)`).exec(out)?.[1];
    assert.ok(portal, "the banner names the portal");
    const page = await run("curl", ["-s", "-f", "--cacert", join(dataDir, "tls", "server-ca.pem"), portal!]);
    assert.match(page.stdout, /<h1>ログイン<\/h1>/);
    assert.match(page.stdout, /電子証明書発行/);
    assert.equal(statSync(join(dataDir, "ca", "passphrase")).mode & 0o777, 0o600);

    const demo = JSON.parse((await run(process.execPath, [bin, "demo", "--json", "--data", dataDir], undefined, { env })).stdout);
    assert.deepEqual(demo.banks.map((b: { id: string }) => b.id), ["aoba", "kita"]);
    const bank = demo.banks[1];
    const user = bank.users.find((u: { role: string }) => u.role === "general");
    assert.ok(existsSync(bank.caFiles.chain) && existsSync(demo.serverCaFile));

    const csr = await opensslCsr("rsa2048");
    // the demo banks ask a one-time password, as the seeds' banks do; `inkan demo otp` gives it
    const otp = (await run(process.execPath, [bin, "demo", "otp", user.loginId, "--data", dataDir], undefined, { env })).stdout.trim();
    assert.match(otp, /^\d{6}$/);
    const r = await run("curl", ["-s", "-f", "--cacert", demo.serverCaFile, "-u", `${user.loginId}:${user.password}`, "-H", "Content-Type: application/pkcs10", "-H", `X-Inkan-OTP: ${otp}`, "--data-binary", "@-", `${bank.est}/simpleenroll`], csr.b64);
    const pem = (await run("openssl", ["pkcs7", "-inform", "DER", "-print_certs"], Buffer.from(r.stdout, "base64"))).stdout;
    const file = writeTemp(csr.dir, "cert.pem", pem);
    assert.match((await run("openssl", ["verify", "-CAfile", bank.caFiles.chain, file])).stdout, /: OK/);
    // the whole chain is checkable: the issuing CA's CDP serves the root's CRL, the user's the issuing CA's
    const issuingPem = readFileSync(bank.caFiles.chain, "utf8").split(/(?<=-----END CERTIFICATE-----\n)/)[0]!;
    const cdpOf = (pemText: string) => new x509.X509Certificate(pemText).getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier!;
    assert.ok(new x509.X509Certificate(issuingPem).getExtension(x509.AuthorityInfoAccessExtension)!.caIssuers[0], "the issuing CA has AIA caIssuers");
    const crlPem = async (url: string, name: string) => writeTemp(csr.dir, name, (await run("openssl", ["crl", "-inform", "DER"], (await run("curl", ["-s", "-f", url])).raw)).stdout);
    const rootCrl = await crlPem(cdpOf(issuingPem), "root.crl");
    const issuingCrl = await crlPem(cdpOf(pem), "issuing.crl");
    assert.match((await run("openssl", ["verify", "-crl_check_all", "-CAfile", bank.caFiles.chain, "-CRLfile", rootCrl, "-CRLfile", issuingCrl, file])).stdout, /: OK/);
    // no OID arc wider than 32 bits anywhere in the certificate or its chain
    for (const f of [file, bank.caFiles.chain]) {
      const objects = (await run("openssl", ["asn1parse", "-in", f])).stdout.split("\n").flatMap((l) => /OBJECT\s*:([\d.]+)\s*$/.exec(l)?.[1] ?? []);
      assert.deepEqual(objects.filter((oid) => oid.split(".").some((arc) => BigInt(arc) > 4294967295n)), [], f);
    }
    assert.doesNotMatch((await run("openssl", ["x509", "-in", file, "-noout", "-text"])).stdout, /Certificate Policies/, "the demo banks configure no policy OID");
    assert.match((await run("openssl", ["x509", "-in", file, "-noout", "-subject"])).stdout, new RegExp(`OU = Kita Shinkin TEST CA - G1, CN = ${user.loginId} ${user.userNo} \\d{20}`));

    // a second start reuses everything: same CA, demo not made twice
    server.kill("SIGTERM");
    assert.equal(await exited, 0, "clean shutdown on SIGTERM");
    // `inkan serve` (and any later start) prints no secret: its banner goes where the logs go
    const second = spawn(process.execPath, [bin, "serve", "--data", dataDir], { env });
    let banner = "";
    const secondExit = new Promise<{ code: number | null; at: number }>((resolve) => second.on("exit", (code) => resolve({ code, at: Date.now() })));
    await new Promise<void>((resolve, reject) => {
      second.stdout.on("data", (d: Buffer) => {
        banner += d.toString();
        if (banner.includes("`inkan demo`")) resolve();
      });
      second.stderr.on("data", (d: Buffer) => (banner += d.toString()));
      second.on("exit", (code) => reject(new Error(`inkan serve exited ${code}: ${banner}`)));
    });
    assert.match(banner, /Inkan is running\./);
    assert.doesNotMatch(banner, /Pass1234|Conf5678|TOTP|[A-Z2-7]{32}/, banner);
    const sent = Date.now();
    second.kill("SIGTERM");
    const { code, at } = await secondExit;
    assert.equal(code, 0);
    assert.ok(at - sent <= 5000, `exited ${at - sent} ms after SIGTERM`);
    const again = await run(process.execPath, [bin, "user", "list", "--bank", "kita", "--data", dataDir], undefined, { env });
    assert.equal(again.stdout.trim().split("\n").length, 4);
    assert.match(again.stdout, new RegExp(`${user.loginId}\\s+A00\\d\\s+general\\s+\\S+ \\S+\\s+発行済み \\(Issued\\)`));
  } finally {
    if (server.exitCode === null) server.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
});
