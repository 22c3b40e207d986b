import type { FastifyReply } from "fastify";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { pageHeaders } from "./security-headers.js";

/** Renders a page (escaped by default: text is never taken as markup) with the page headers. */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return pageHeaders(reply).code(status).type("text/html; charset=utf-8").send("<!doctype html>" + renderToString(page));
}
