import type { ComponentChildren } from "preact";
import type { Locale } from "../../../i18n/messages.js";
import { S } from "../../../i18n/staff-text.js";
import { tr, type Text } from "../../views/text.js";
import { ErrorNotice, StaffPage, t, type PageCtx, type PageError, type Values } from "./frame.js";

export function Field(p: { id: string; label: Text; hint?: Text; locale: Locale; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={p.id}>{tr(p.locale, p.label)}</label>
      {p.hint && (
        <span class="hint" id={`${p.id}-hint`}>
          {tr(p.locale, p.hint)}
        </span>
      )}
      {p.children}
    </div>
  );
}

type TextInputParams = { id: string; name?: string; value?: string; required?: boolean; type?: "text" | "password" | "email" | "date"; hint?: boolean; autocomplete?: string; maxLength?: number };

export function TextInput(p: TextInputParams) {
  // preact's input types are a union by `type`; these attributes are right for every type used here
  const attrs: Record<string, unknown> = {
    type: p.type ?? "text",
    id: p.id,
    name: p.name ?? p.id,
    value: p.value ?? "",
    required: p.required,
    "aria-describedby": p.hint ? `${p.id}-hint` : undefined,
    autocomplete: p.autocomplete ?? "off",
    maxLength: p.maxLength,
  };
  return <input {...(attrs as any)} />;
}

/** A labelled text input; a hint, when given, is tied to the input by aria-describedby. */
export function TextField(p: Omit<TextInputParams, "hint"> & { locale: Locale; label: Text; hint?: Text }) {
  const { locale, label, hint, ...input } = p;
  return (
    <Field id={p.id} label={label} hint={hint} locale={locale}>
      <TextInput {...input} hint={hint !== undefined} />
    </Field>
  );
}

/** Hidden inputs, one per value. */
export function Hidden(p: { values: Values }) {
  return (
    <>
      {Object.entries(p.values).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
    </>
  );
}

/** A POST form carrying the staff member's form token. */
export function PostForm(p: { c: PageCtx; action: string; children: ComponentChildren }) {
  return (
    <form method="post" action={p.action}>
      <input type="hidden" name="csrf" value={p.c.csrf} />
      {p.children}
    </form>
  );
}

/** The form's buttons: submit (次へ unless told), and the way back when there is one. */
export function FormActions(p: { c: PageCtx; back?: string; label?: Text; danger?: boolean }) {
  return (
    <div class="actions">
      <button type="submit" class={p.danger ? "danger" : "primary"}>
        {t(p.c, p.label ?? S.next)}
      </button>
      {p.back !== undefined && (
        <a class="button secondary" href={p.back}>
          {t(p.c, S.back)}
        </a>
      )}
    </div>
  );
}

/** An input form (入力): the error of the last attempt, the fields, 次へ to its confirmation, and 戻る. */
export function EntryForm(p: { c: PageCtx; action: string; error?: PageError; back: string; children: ComponentChildren }) {
  return (
    <>
      <ErrorNotice locale={p.c.locale} error={p.error} />
      <PostForm c={p.c} action={p.action}>
        {p.children}
        <FormActions c={p.c} back={p.back} />
      </PostForm>
    </>
  );
}

/** The 依頼書番号 of the paper form a change is made on. */
export function ReferenceField(p: { c: PageCtx; value?: string }) {
  return <TextField locale={p.c.locale} id="reference" label={S.reference} hint={S.referenceHint} value={p.value} required maxLength={40} />;
}

/** A whole input screen (入力): the staff frame, an optional lead, then the entry form. */
export function EntryPage(p: { c: PageCtx; title: Text; screenId: string; lead?: ComponentChildren; action: string; error?: PageError; back: string; children: ComponentChildren }) {
  return (
    <StaffPage c={p.c} title={p.title} screenId={p.screenId}>
      {p.lead}
      <EntryForm c={p.c} action={p.action} error={p.error} back={p.back}>
        {p.children}
      </EntryForm>
    </StaffPage>
  );
}
