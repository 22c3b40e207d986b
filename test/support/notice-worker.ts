// A separate process that delivers the outbox of a data directory until nothing is left: two of
// these at once show that leases keep every notice to one sender.
import { loadConfig } from "../../src/config/load.js";
import { openRuntime, makeLogger } from "../../src/cli/runtime.js";
import { Notifier } from "../../src/notify/notifier.js";

const dataDir = process.argv[2]!;
const rt = await openRuntime(loadConfig(dataDir), { log: makeLogger("silent") });
const n = new Notifier(rt.store, rt.clock, rt.config, rt.log);
let sent = 0;
for (let idle = 0; idle < 3; ) {
  const r = await n.delivery.runOnce(5);
  sent += r.sent;
  idle = r.sent + r.retried + r.cancelled === 0 ? idle + 1 : 0;
}
n.stop();
await rt.close();
process.stdout.write(JSON.stringify({ sent }) + "\n");
