import { Notice } from "../views/layout.js";
import type { Text } from "../views/text.js";
import type { PortalPage } from "./portal-context.js";

/** The error a form was sent back with, above the form. */
export function ErrorNotice({ text }: { text?: string | undefined }) {
  if (!text) return null;
  return (
    <Notice kind="error">
      <p>{text}</p>
    </Notice>
  );
}

/** A link that looks like a button: to another screen of this bank's portal. */
export function ButtonLink({ page, href, label, kind = "secondary" }: { page: PortalPage; href: string; label: Text; kind?: "primary" | "secondary" }) {
  return (
    <a class={`button ${kind}`} href={page.url(href)}>
      {page.t(label)}
    </a>
  );
}

/** A form's submit button. */
export function SubmitButton({ page, label, kind = "primary" }: { page: PortalPage; label: Text; kind?: "primary" | "secondary" | "danger" }) {
  return (
    <button type="submit" class={kind}>
      {page.t(label)}
    </button>
  );
}

/** A table's caption and column headings, in the screen's language. */
export function TableHead({ page, caption, columns }: { page: PortalPage; caption: Text; columns: Text[] }) {
  return (
    <>
      <caption>{page.t(caption)}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col">{page.t(c)}</th>
          ))}
        </tr>
      </thead>
    </>
  );
}

/** A form's buttons: submit, and the way back without acting. */
export function FormActions({ page, submit, kind, back }: { page: PortalPage; submit: Text; kind?: "primary" | "secondary" | "danger"; back: { href: string; label: Text } }) {
  return (
    <div class="actions">
      <SubmitButton page={page} label={submit} kind={kind} />
      <ButtonLink page={page} href={back.href} label={back.label} />
    </div>
  );
}
