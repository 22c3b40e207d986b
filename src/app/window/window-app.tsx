import type { VNode } from "preact";
import type { AppBank } from "../../shared/app-banks.js";
import type { Locale } from "../../i18n/index.js";
import { W } from "../../i18n/app-window-text.js";
import { tr } from "../../i18n/text.js";
import { AppError } from "../errors.js";
import { explain } from "../explain.js";
import { Messages, type MessageKey } from "../messages.js";
import type { Ctx } from "../context.js";
import type { Asker, Question } from "../questions.js";
import { issueCertificate, type Issued } from "../commands/issue.js";
import { renewCertificate, type Renewed } from "../commands/renew.js";
import { listCertificates } from "../commands/list.js";
import { byHand, deleteCertificates } from "../commands/delete.js";
import { HomeScreen, STATE_WORDS } from "./home-screen.js";
import { ANSWERED_ON_SCREENS, IssueFormScreen, QuestionScreen, ResultScreen } from "./action-screens.js";
import { ClosedScreen, DeleteConfirmScreen, ErrorScreen } from "./other-screens.js";
import { page, w, type View } from "./frame.js";
import { Abandoned, Job } from "./job.js";
import { installHere, type Placement } from "./install-here.js";
import { fetchBanks, type WindowConfig } from "./window-config.js";
import type { WindowRequest, WindowResponse } from "./http.js";

type Outcome = (({ kind: "issue" } & Issued) | ({ kind: "renew" } & Renewed)) & { place: Placement };

const LANG_COOKIE = "inkan_app_lang";
const nobodyAsks: Asker = {
  interactive: false,
  ask: () => Promise.reject(new Error("nothing is asked here")),
};

/** The window's hint words where they exist (buttons for commands), else the command line's. */
const windowHint = (locale: Locale) => (key: MessageKey) => (key in W ? tr(locale, W[key as keyof typeof W]) : undefined);

/**
 * The window's screens over the app's commands: each action calls the same function the command
 * line calls (issueCertificate, renewCertificate, listCertificates, deleteCertificates) and only
 * renders what it returns or throws. One action at a time, as one terminal runs one command.
 */
export class WindowApp {
  private job: Job<Outcome> | undefined;
  private notice: { kind: "error" | "success"; text: string } | undefined;
  private banks: AppBank[] | undefined;
  /** the store passphrase, once it was right: asked once a window (docs/issuing-app.md) */
  private readonly session: { passphrase?: string } = {};

  constructor(
    private readonly base: Ctx,
    private readonly config: WindowConfig,
    private readonly defaultLocale: Locale,
    private readonly onClose: () => void,
  ) {}

  async handle(req: WindowRequest): Promise<WindowResponse> {
    const locale: Locale = req.cookie(LANG_COOKIE) === "en" ? "en" : req.cookie(LANG_COOKIE) === "ja" ? "ja" : this.defaultLocale;
    const v: View = { locale, m: new Messages(locale), path: req.path + (req.query.size ? `?${req.query}` : "") };
    const html = (node: VNode, status = 200): WindowResponse => ({ html: page(node), status });
    const lang = /^\/lang\/(ja|en)$/.exec(req.path);
    if (lang && req.method === "GET") {
      const back = req.query.get("back") ?? "/";
      return { redirect: back.startsWith("/") && !back.startsWith("//") ? back : "/", setCookie: [`${LANG_COOKIE}=${lang[1]}; HttpOnly; SameSite=Strict; Path=/`] };
    }
    const jobPath = /^\/job\/([A-Za-z0-9_-]+)$/.exec(req.path);
    if (jobPath) return this.jobScreen(req, v, jobPath[1]!);
    const route = `${req.method} ${req.path}`;
    try {
      switch (route) {
        case "GET /":
          return html(await this.home(v));
        case "GET /issue":
          return html(await this.issueForm(v, req.query.get("bank") ?? undefined, req.query.get("loginId") ?? undefined));
        case "POST /issue":
          return await this.startIssue(v, req.form.get("bank") ?? "", (req.form.get("loginId") ?? "").trim());
        case "POST /renew":
          return this.startRenew(v, req.form.get("serial") ?? "");
        case "GET /delete":
          return html(this.deleteConfirm(v, req.query.get("serial") ?? ""));
        case "POST /delete":
          return await this.delete(v, req.form.get("serial") ?? "", req.form.get("confirm") === "yes");
        case "POST /close":
          await this.settle();
          setImmediate(this.onClose);
          return html(<ClosedScreen v={v} />);
      }
      return html(<ErrorScreen v={v} x={{ what: w(v, "forbidden"), exit: 2 }} />, 404);
    } catch (e) {
      return html(<ErrorScreen v={v} x={explain(v.m, e, windowHint(v.locale))} />);
    }
  }

  private ctx(v: View, ask: Asker): Ctx {
    return { ...this.base, m: v.m, ask, session: this.session };
  }

  /** Before another action: a job waiting for an answer is abandoned, one at work is waited for. */
  private async settle() {
    await this.job?.ended();
    this.job = undefined;
  }

  private async home(v: View) {
    await this.settle();
    const ctx = this.ctx(v, nobodyAsks);
    try {
      const rows = await listCertificates(ctx, false);
      const notice = this.notice;
      this.notice = undefined;
      return <HomeScreen v={v} rows={rows} store={ctx.store.dir} notice={notice} />;
    } finally {
      ctx.store.unlock();
    }
  }

  private async issueForm(v: View, bank?: string, loginId?: string, problem?: string) {
    if (!this.config.server) return <IssueFormScreen v={v} banks={[]} problem={w(v, "noServer")} />;
    try {
      this.banks ??= await fetchBanks(this.config, this.base.timeoutMs);
    } catch (e) {
      const x = explain(v.m, e, windowHint(v.locale));
      return <IssueFormScreen v={v} banks={[]} problem={`${w(v, "noBanks")} ${x.what} ${x.todo ?? ""}`} />;
    }
    return <IssueFormScreen v={v} banks={this.banks} bank={bank ?? this.config.bank} loginId={loginId} problem={problem} />;
  }

  private async startIssue(v: View, bankId: string, loginId: string): Promise<WindowResponse> {
    const bank = this.banks?.find((b) => b.id === bankId);
    if (!bank || !loginId || loginId.length > 64) return { html: page(await this.issueForm(v, bankId, loginId, w(v, "issueFormLead"))), status: 400 };
    await this.settle();
    const input = { server: this.config.server!, bank: bank.id, loginId, key: "rsa2048" as const, renewalWindow: bank.renewalWindow, serverCaPem: this.config.serverCaPem };
    return this.start(v, "issue", { bank: bank.id, loginId }, async (ctx) => {
      const r = await issueCertificate(ctx, input);
      return { kind: "issue", ...r, place: await installHere(ctx, r.meta.serial) };
    });
  }

  private async startRenew(v: View, serial: string): Promise<WindowResponse> {
    if (!/^[0-9a-f]{32}$/.test(serial)) return this.backHome("error", w(v, "chooseFirst"));
    await this.settle();
    return this.start(v, "renew", { serial }, async (ctx) => {
      const r = await renewCertificate(ctx, serial);
      return { kind: "renew", ...r, place: await installHere(ctx, r.meta.serial) };
    });
  }

  private start(v: View, kind: string, input: Record<string, string>, run: (ctx: Ctx) => Promise<Outcome>): WindowResponse {
    const job: Job<Outcome> = new Job(kind, input, async (asker) => {
      const ctx = this.ctx(v, asker);
      try {
        return await run(ctx);
      } finally {
        ctx.store.unlock();
      }
    });
    this.job = job;
    return { redirect: `/job/${job.id}` };
  }

  private backHome(kind: "error" | "success", text: string): WindowResponse {
    this.notice = { kind, text };
    return { redirect: "/" };
  }

  private async jobScreen(req: WindowRequest, v: View, id: string): Promise<WindowResponse> {
    const job = this.job;
    if (!job || job.id !== id) return { redirect: "/" };
    if (req.method === "POST") {
      const q = req.form.get("question") as Question;
      const again = req.form.get("again") ?? undefined;
      job.answer(q, req.form.get("value") ?? "", q === "new_passphrase" ? { passphrase_again: again } : {});
      return { redirect: `/job/${id}` };
    }
    const s = await job.settled();
    const html = (node: VNode) => ({ html: page(node) });
    if (s.phase === "asking" && (ANSWERED_ON_SCREENS as string[]).includes(s.question)) {
      return html(<QuestionScreen v={v} jobId={id} question={s.question as "password"} params={s.params} />);
    }
    if (s.phase === "done") {
      const o = s.value;
      const failure = o.place.failure;
      return html(<ResultScreen v={v} kind={o.kind} meta={o.meta} replaced={o.kind === "renew" ? o.replaced : undefined} place={o.place} installProblem={failure === undefined ? undefined : explain(v.m, failure, windowHint(v.locale))} />);
    }
    if (s.phase === "failed" && s.error instanceof Abandoned) return { redirect: "/" };
    const error = s.phase === "failed" ? s.error : new AppError("err_unexpected", { detail: `question ${s.phase === "asking" ? s.question : "?"}` }, 1, "hint_unexpected");
    const again = job.kind === "issue" ? `/issue?${new URLSearchParams(job.input)}` : undefined;
    return html(<ErrorScreen v={v} x={explain(v.m, error, windowHint(v.locale))} again={again} />);
  }

  private deleteConfirm(v: View, serial: string) {
    const c = this.base.store.cert(serial);
    if (!c) return <ErrorScreen v={v} x={explain(v.m, new AppError("err_no_match", { selection: serial }, 2, "hint_select"), windowHint(v.locale))} />;
    return <DeleteConfirmScreen v={v} meta={c.meta} what={v.m.t("err_delete_valid", { cn: c.meta.cn })} />;
  }

  private async delete(v: View, serial: string, confirmed: boolean): Promise<WindowResponse> {
    if (!/^[0-9a-f]{32}$/.test(serial)) return this.backHome("error", w(v, "chooseFirst"));
    await this.settle();
    const ctx = this.ctx(v, nobodyAsks);
    try {
      const [d] = await deleteCertificates(ctx, { sel: serial, force: confirmed, offline: false });
      const said = [w(v, "deleted", { subject: d!.cert.meta.subject, state: w(v, STATE_WORDS[d!.state]) })];
      for (const i of d!.removed) said.push(v.m.t("delete_os_removed", { where: i.where }).trim());
      for (const f of d!.failed) said.push(byHand(ctx, d!, f));
      return this.backHome(d!.failed.length ? "error" : "success", said.join(" "));
    } catch (e) {
      if (e instanceof AppError && e.key === "err_delete_valid") return { redirect: `/delete?serial=${serial}` };
      throw e;
    } finally {
      ctx.store.unlock();
    }
  }
}
