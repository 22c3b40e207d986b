import type { FastifyInstance } from "fastify";
import type { PortalDeps } from "./portal-context.js";
import { topRoutes } from "./screens/top.js";
import { renewalSelectRoutes } from "./screens/renewal-select.js";
import { renewalRoutes } from "./screens/renewal.js";
import { noticesRoutes } from "./screens/notices.js";
import { passwordRoutes } from "./screens/password.js";
import { otpRoutes } from "./screens/otp.js";

/** The logged-in customer's own screens, one a file under screens/. */
export function homeRoutes(app: FastifyInstance, deps: PortalDeps) {
  topRoutes(app, deps);
  renewalSelectRoutes(app, deps);
  renewalRoutes(app, deps);
  noticesRoutes(app, deps);
  passwordRoutes(app, deps);
  otpRoutes(app, deps);
}
