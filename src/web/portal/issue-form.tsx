import { X509Certificate } from "node:crypto";
import type { ComponentChildren } from "preact";
import { P } from "../../i18n/portal-text.js";
import { renewalOpensAt } from "../../domain/certificate.js";
import type { IssuedCertificate } from "../../lifecycle/lifecycle.js";
import { Field, type PortalPage } from "./portal-context.js";
import { ButtonLink, SubmitButton } from "./page-parts.js";

/**
 * The form the page script (browser/issue.ts) drives: it makes the key, sends the CSR with the
 * form's other named fields, and builds the PKCS#12 file. The markup is that script's contract.
 */
export function IssueForm(p: { page: PortalPage; endpoint: string; csrf: string; fileName: string; lead: string; resultScreenId: string; children?: ComponentChildren }) {
  const { page } = p;
  const key = page.bank.config.portalKey ?? "RSA-2048";
  return (
    <>
      <noscript>
        <p class="notice error">{page.t(P.noScript)}</p>
      </noscript>
      <form id="issue-form" data-endpoint={p.endpoint} data-key={key} data-file={p.fileName} method="post" action={p.endpoint}>
        <p>{p.lead}</p>
        <p>{page.t(P.keyAlgorithm, { alg: key === "P-256" ? "ECDSA P-256" : "RSA 2048" })}</p>
        <input type="hidden" name="csrf" value={p.csrf} />
        {p.children}
        <Field id="p12-password" name="p12Password" type="password" label={page.t(P.p12Password)} hint={page.t(P.p12PasswordHint)} autocomplete="new-password" required maxLength={128} />
        <Field id="p12-confirm" name="p12Confirm" type="password" label={page.t(P.p12Confirm)} autocomplete="new-password" required maxLength={128} />
        <p id="issue-progress" hidden role="status">
          {page.t(P.issueProgress)}
        </p>
        <div id="issue-error" role="alert" hidden class="notice error"></div>
        <div class="actions">
          <SubmitButton page={page} label={P.issue} />
        </div>
      </form>
      {/* 証明書発行結果 is a screen of its own: the script gives the page this title and screen ID */}
      <section id="issue-result" hidden data-title={page.t(P.issueResultTitle)} data-screen-id={p.resultScreenId}>
        <p class="notice success" role="status">
          {page.t(P.issueDone)}
        </p>
        <dl class="facts">
          <dt>{page.t(P.organization)}</dt>
          <dd data-field="organization"></dd>
          <dt>{page.t(P.organizationUnit)}</dt>
          <dd data-field="organizationUnit"></dd>
          <dt>{page.t(P.commonName)}</dt>
          <dd data-field="commonName"></dd>
          <dt>{page.t(P.serial)}</dt>
          <dd data-field="serial" class="mono"></dd>
          <dt>{page.t(P.validFrom)}</dt>
          <dd data-field="notBefore"></dd>
          <dt>{page.t(P.validTo)}</dt>
          <dd data-field="notAfter"></dd>
          <dt>{page.t(P.renewalFrom)}</dt>
          <dd data-field="renewalFrom"></dd>
        </dl>
        <p>
          <a id="p12-download" class="button primary" href="#">
            {page.t(P.downloadP12)}
          </a>
        </p>
        <p>{page.t(P.issueRenewalNote)}</p>
        <InstallSteps page={page} />
        <div class="actions">
          <ButtonLink page={page} href={"/certificate/close"} label={P.close} />
        </div>
      </section>
    </>
  );
}

export function InstallSteps({ page }: { page: PortalPage }) {
  return (
    <>
      <h3>{page.t(P.installHeading)}</h3>
      <ol class="steps">
        <li>{page.t(P.installWindows)}</li>
        <li>{page.t(P.installMac)}</li>
        <li>{page.t(P.installLinux)}</li>
      </ol>
      <p>{page.t(P.installAfter)}</p>
      <p>{page.t(P.deleteP12After)}</p>
    </>
  );
}

/** The answer the page script expects: the certificate, its chain and the 証明書発行結果 facts. */
export function issuedAnswer(page: PortalPage, issued: IssuedCertificate) {
  const x = new X509Certificate(Buffer.from(issued.der));
  const part = (name: string) => x.subject.split("\n").find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1).replace(/\\(.)/g, "$1") ?? "";
  return {
    certificate: x.toString(),
    chain: issued.chain.map((c) => new X509Certificate(Buffer.from(c)).toString()),
    fields: {
      organization: part("O"),
      organizationUnit: part("OU"),
      commonName: part("CN"),
      serial: issued.serial,
      notBefore: page.date(new Date(x.validFrom)),
      notAfter: page.date(issued.notAfter),
      renewalFrom: page.date(renewalOpensAt(issued.notAfter, page.bank.policy.renewalWindow)),
    },
  };
}
