import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { sendError } from "./errors.js";
import type { ErrorCode, ErrorParams } from "../domain/errors.js";
import { presentedCertificate } from "./client-cert.js";

export interface ThrottleConfig {
  /** redis://host:port — counters shared by every node; unset: in this node's memory */
  redisUrl?: string;
  /** keeps installations (and test runs) sharing one Redis apart */
  keyPrefix: string;
  /** every try of a secret from one address, right or wrong */
  perAddress: { points: number; seconds: number };
  /** wrong secrets for one login ID in a window: keep it below the banks' lockout threshold */
  perLoginId: { points: number; seconds: number };
}

export interface ThrottleParams {
  config: ThrottleConfig;
}

/** The request fields that carry a secret: login and confirmation passwords, the current one on a change. */
const SECRET_FIELDS = ["password", "confirmPassword", "current"];
const SESSION_COOKIES = /^(?:__Host-|__Secure-)?inkan_(?:session|grant)$/;

const digest = (v: string | Uint8Array) => createHash("sha256").update(v).digest("base64url").slice(0, 32);

function basicUser(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i > 0 ? decoded.slice(0, i) : undefined;
}

function sessionCookie(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k && SESSION_COOKIES.test(k) && v.length > 0) return v.join("=");
  }
  return undefined;
}

/**
 * Whether the request tries a secret, and whose: a login ID typed or sent as Basic user, else the
 * client certificate that names the user, else the session (a confirmation password).
 */
export function secretAttempt(req: FastifyRequest): { subject: string } | undefined {
  if (req.method !== "POST") return undefined;
  const body = req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {};
  const basic = basicUser(req);
  if (basic === undefined && !SECRET_FIELDS.some((f) => typeof body[f] === "string")) return undefined;
  const loginId = typeof body.loginId === "string" && body.loginId !== "" ? body.loginId : basic;
  if (loginId !== undefined) return { subject: `id:${digest(loginId.slice(0, 64))}` };
  const cert = presentedCertificate(req);
  if (cert) return { subject: `cert:${digest(cert)}` };
  const session = sessionCookie(req);
  return { subject: session ? `session:${digest(session)}` : "none" };
}

/**
 * Throttling of every place a secret is tried (issue 13), before any password is looked at: per
 * source address every try counts; per login ID only the wrong ones do, and (by configuration) fewer
 * of them than the lockout threshold are let through a window — so a flood, from one address or many, is answered 429
 * before it can lock the account. Counters live in Redis when configured (shared by every node),
 * else in memory; with Redis unreachable each node falls back to its own memory.
 */
export class Throttle {
  private readonly byAddress: RateLimiterAbstract;
  private readonly byLoginId: RateLimiterAbstract;

  private constructor(
    private readonly p: ThrottleParams,
    private readonly redis: Redis | undefined,
  ) {
    this.byAddress = this.limiter("addr", p.config.perAddress.points, p.config.perAddress.seconds);
    this.byLoginId = this.limiter("id", p.config.perLoginId.points, p.config.perLoginId.seconds);
  }

  static async open(p: ThrottleParams): Promise<Throttle> {
    if (!p.config.redisUrl) return new Throttle(p, undefined);
    const redis = new Redis(p.config.redisUrl, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1 });
    // connection trouble is logged by the insurance limiter's fallback, not thrown at the process
    redis.on("error", () => {});
    await redis.connect();
    return new Throttle(p, redis);
  }

  private limiter(name: string, points: number, seconds: number): RateLimiterAbstract {
    const keyPrefix = `${this.p.config.keyPrefix}:${name}`;
    if (!this.redis) return new RateLimiterMemory({ keyPrefix, points, duration: seconds });
    return new RateLimiterRedis({ storeClient: this.redis, keyPrefix, points, duration: seconds, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: seconds }) });
  }

  /**
   * Registers the check on every route of `app` (after the body is parsed, before the handler);
   * `answer` says too_many_attempts in the listener's way (a page on the portal, JSON on the API).
   */
  register(app: FastifyInstance, answer: Answer = sendError): void {
    app.addHook("preHandler", async (req, reply) => {
      const attempt = secretAttempt(req);
      if (!attempt) return;
      const bankId = String((req.params as Record<string, unknown> | undefined)?.bank ?? "-");
      const perId = this.byLoginId;
      const idKey = `${bankId}:${attempt.subject}`;
      try {
        await this.byAddress.consume(req.ip);
        await perId.consume(idKey);
      } catch (e) {
        if (e instanceof RateLimiterRes) return refuse(req, reply, e, answer);
        throw e;
      }
      // a right secret gives its point back: only wrong ones approach the lockout
      reply.raw.once("finish", () => {
        if (reply.statusCode < 400) void perId.reward(idKey).catch(() => {});
      });
    });
    app.addHook("onClose", async () => {
      await this.redis?.quit().catch(() => {});
    });
  }

}

type Answer = (req: FastifyRequest, reply: FastifyReply, code: ErrorCode, params: ErrorParams) => FastifyReply;

function refuse(req: FastifyRequest, reply: FastifyReply, r: RateLimiterRes, answer: Answer): FastifyReply {
  const seconds = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
  reply.header("retry-after", String(seconds));
  return answer(req, reply, "too_many_attempts", { seconds });
}
