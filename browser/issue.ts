/**
 * The page side of certificate issuance (証明書発行確認) and renewal confirmation: the key pair is
 * made here with WebCrypto, never leaves the page except inside the PKCS#12 file the user downloads.
 * Bundled by src/web/page-bundle.ts and served as /assets/issue.js (the page's CSP is
 * `script-src 'self'`: no inline code, no eval). It never logs and never stores anything.
 *
 * Page contract (the portal renders exactly this; the script does nothing on a page without #issue-form):
 *
 *   <html lang="ja|en">                       messages in Japanese unless lang starts with "en"
 *   <form id="issue-form" data-endpoint="/aoba/issue/csr" data-key="RSA-2048|P-256" data-file="aouser01">
 *     <input type="hidden" name="csrf" value="...">
 *     <!-- possibly other named inputs, e.g. name="password", name="otp" (renewal), name="grant" -->
 *     <input type="password" name="p12Password" autocomplete="new-password">
 *     <input type="password" name="p12Confirm" autocomplete="new-password">
 *     <button type="submit">発行</button>
 *     <p id="issue-progress" hidden>…</p>
 *     <div id="issue-error" role="alert" hidden></div>
 *   </form>
 *   <section id="issue-result" hidden>
 *     <!-- optional: a heading (h1/h2/h3); it takes the focus when the result shows, else the link does -->
 *     <!-- optional on the section: data-title="証明書発行結果" data-screen-id="BCIS003" — the result is its own
 *          screen: the page's h1, .screen-id and document title become these, and the h1 takes the focus -->
 *     <dd data-field="organization"></dd> <dd data-field="organizationUnit"></dd> <dd data-field="commonName"></dd>
 *     <dd data-field="serial"></dd> <dd data-field="notBefore"></dd> <dd data-field="notAfter"></dd> <dd data-field="renewalFrom"></dd>
 *     <a id="p12-download" href="#">…</a>
 *   </section>
 *   <script src="/assets/issue.js"></script>   (at the end of body, or with `defer`)
 *
 * On submit: p12Password (≥ 8 characters) must equal p12Confirm, else #issue-error says so and
 * nothing is sent. Then the button is disabled (a second submit while one runs does nothing),
 * #issue-progress shows, a key is made (data-key: RSA-2048 RSASSA-PKCS1-v1_5 e=65537, or ECDSA
 * P-256; SHA-256), a CSR with subject CN=<data-file>, and
 *
 *   POST <data-endpoint>   content-type/accept: application/json, x-csrf-token: <csrf field>,
 *                          credentials: same-origin
 *   body: { <every named field but p12Password and p12Confirm>: value, csr: "<PEM>" }
 *
 * 200 { certificate: PEM, chain: [PEM issuing, PEM root], fields: { organization, organizationUnit,
 *       commonName, serial, notBefore, notAfter, renewalFrom } } → the PKCS#12 file (see pkcs12.ts)
 *       becomes #p12-download (blob URL, download="<data-file>.p12"), each [data-field] of
 *       #issue-result gets its text, the form hides, the result shows and takes the focus.
 * other { error, message: { ja, en } } → message[lang] in #issue-error, the button works again,
 *       typed values stay; the key is dropped (a retry makes a new one).
 * no answer → a ja/en message that communication failed and retrying is safe.
 */
import { isKeyType, makeKeyAndRequest, parseCertificate, sameBytes, type KeyType } from "./csr.js";
import { buildPkcs12 } from "./pkcs12.js";
import { message, pageLang, MIN_P12_PASSWORD, type Lang, type MessageKey } from "./messages.js";

const RESULT_FIELDS = ["organization", "organizationUnit", "commonName", "serial", "notBefore", "notAfter", "renewalFrom"] as const;
const SECRET_FIELDS = new Set(["p12Password", "p12Confirm"]);

interface IssuedAnswer {
  certificate: string;
  chain: string[];
  fields: Record<string, string>;
}

/** The result is a screen of its own (the seeds' 証明書発行結果): the page's title and screen ID become the result's. */
function retitle(doc: Document, result: HTMLElement) {
  const title = result.dataset.title;
  const h1 = doc.querySelector<HTMLElement>("main h1");
  if (!title || !h1) return;
  const before = (h1.textContent ?? "").trim();
  h1.textContent = title;
  if (before && doc.title.startsWith(before)) doc.title = title + doc.title.slice(before.length);
  const id = doc.querySelector<HTMLElement>("main .screen-id");
  if (id && result.dataset.screenId) id.textContent = result.dataset.screenId;
}

/** A refusal the page can explain: the server's own words, or one of ours. */
class Shown extends Error {
  constructor(readonly text: string) {
    super("shown");
  }
}

function isIssued(v: unknown): v is IssuedAnswer {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.certificate === "string" &&
    Array.isArray(o.chain) &&
    o.chain.every((c) => typeof c === "string") &&
    typeof o.fields === "object" &&
    o.fields !== null
  );
}

function serverMessage(v: unknown, lang: Lang): string | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const m = (v as { message?: unknown }).message;
  if (typeof m !== "object" || m === null) return undefined;
  const text = (m as Record<string, unknown>)[lang] ?? (m as Record<string, unknown>).ja;
  return typeof text === "string" && text.length > 0 ? text : undefined;
}

/** A chain certificate and its CN, the name NSS, Windows and Keychain show for it (throws on a bad PEM). */
function chainEntry(pem: string): { der: ArrayBuffer; name: string; selfIssued: boolean } {
  const c = parseCertificate(pem);
  return { der: c.der, name: c.commonName, selfIssued: c.selfIssued };
}

export function attach(doc: Document): void {
  const found = doc.getElementById("issue-form");
  if (!(found instanceof HTMLFormElement)) return;
  const form: HTMLFormElement = found;
  const lang = pageLang(doc);
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"], button:not([type])');
  const progress = doc.getElementById("issue-progress");
  const errorBox = doc.getElementById("issue-error");
  const result = doc.getElementById("issue-result");
  const link = doc.getElementById("p12-download");
  let busy = false;
  let blobUrl: string | undefined;

  const field = (name: string): string => {
    const el = form.elements.namedItem(name);
    return el instanceof HTMLInputElement ? el.value : "";
  };
  const showError = (text: string) => {
    if (!errorBox) return;
    errorBox.textContent = text;
    errorBox.hidden = false;
  };
  const clearError = () => {
    if (!errorBox) return;
    errorBox.textContent = "";
    errorBox.hidden = true;
  };
  const say = (key: MessageKey) => new Shown(message(key, lang));

  async function issue(): Promise<void> {
    const keyType = form.dataset.key;
    const fileName = form.dataset.file || "certificate";
    const endpoint = form.dataset.endpoint;
    if (!isKeyType(keyType) || !endpoint) throw say("failed");
    if (!globalThis.crypto?.subtle) throw say("unsupported");

    // the body: every named field the portal put in the form, but the file's password
    const body: Record<string, string> = {};
    for (const [name, value] of new FormData(form)) {
      if (!SECRET_FIELDS.has(name) && typeof value === "string") body[name] = value;
    }
    const password = field("p12Password");

    let made: Awaited<ReturnType<typeof makeKeyAndRequest>>;
    try {
      made = await makeKeyAndRequest(keyType as KeyType, fileName);
    } catch {
      throw say("unsupported");
    }
    body.csr = made.csrPem;

    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": field("csrf") },
        body: JSON.stringify(body),
      });
    } catch {
      throw say("network");
    }
    let answer: unknown;
    try {
      answer = await res.json();
    } catch {
      // a proxy's HTML page, or the connection cut while the body came
      throw say(res.ok ? "network" : "server");
    }
    if (!res.ok || !isIssued(answer)) {
      const text = serverMessage(answer, lang);
      throw text ? new Shown(text) : say("server");
    }

    const cert = parseCertificate(answer.certificate);
    if (!sameBytes(cert.spki, made.spki)) throw say("certificateMismatch");
    const p12 = await buildPkcs12({
      privateKey: made.keys.privateKey,
      certificate: cert.der,
      // the issuing CA only, not the root: a root in the file makes Windows' import wizard ask to
      // install a root CA (which company IT may forbid); the server's root is not needed to log in
      chain: answer.chain.map(chainEntry).filter((c) => !c.selfIssued),
      friendlyName: cert.commonName || fileName,
      password,
    });

    // the result: the file to download and what it holds
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = URL.createObjectURL(new Blob([p12], { type: "application/x-pkcs12" }));
    if (link instanceof HTMLAnchorElement) {
      link.href = blobUrl;
      link.download = `${fileName}.p12`;
    }
    if (result) {
      for (const name of RESULT_FIELDS) {
        const value = answer.fields[name];
        for (const cell of result.querySelectorAll<HTMLElement>(`[data-field="${name}"]`)) cell.textContent = typeof value === "string" ? value : "";
      }
    }
    // the passwords are in the file now; leave none in the hidden form
    for (const el of form.querySelectorAll<HTMLInputElement>('input[type="password"]')) el.value = "";
    form.hidden = true;
    if (result) {
      result.hidden = false;
      retitle(doc, result);
      const heading = (result.dataset.title ? doc.querySelector<HTMLElement>("main h1") : null) ?? result.querySelector<HTMLElement>("h1, h2, h3");
      const target = heading ?? (link instanceof HTMLElement ? link : undefined);
      if (target) {
        if (target === heading && !heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        target.focus();
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    const password = field("p12Password");
    if ([...password].length < MIN_P12_PASSWORD) {
      showError(message("passwordTooShort", lang));
      return;
    }
    if (password !== field("p12Confirm")) {
      showError(message("passwordMismatch", lang));
      return;
    }
    busy = true;
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    clearError();
    if (progress) progress.hidden = false;
    issue()
      .catch((e: unknown) => {
        showError(e instanceof Shown ? e.text : message("failed", lang));
      })
      .finally(() => {
        busy = false;
        if (button) button.disabled = false;
        form.removeAttribute("aria-busy");
        if (progress) progress.hidden = true;
      });
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => attach(document), { once: true });
else attach(document);
