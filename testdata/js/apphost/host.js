// The test host: embeds the view the test read from the server (resources/read)
// in a sandboxed iframe, speaks to it with the official AppBridge, hands it the
// tool input and result the test got from the server, and forwards the view's
// tools/call to the test, which calls the real server with its MCP client.
// Everything that crosses the bridge is recorded in window.harness.log.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

const harness = (window.harness = { log: [], ready: false, error: "", bridge: null });
const record = (event, data) => harness.log.push({ event, ...data });

// The host's CSP for a view whose resource declares no csp domains: the
// spec's restrictive default (SEP-1865, "Host Behavior").
const CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; media-src 'self' data:; connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'self'";

async function json(url, init) {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main() {
  const cfg = await json("/harness/config");
  const html = await (await fetch("/harness/view")).text();
  if (cfg.hostContext.theme === "dark") document.body.classList.add("dark");

  const frame = document.createElement("iframe");
  frame.id = "view";
  frame.title = "OnceHub slot picker";
  frame.setAttribute("sandbox", "allow-scripts"); // an opaque origin: the view cannot reach this page
  frame.style.width = `${cfg.width}px`;
  frame.style.height = "120px";
  frame.srcdoc = html.replace(/<head[^>]*>/i, (m) => `${m}<meta http-equiv="Content-Security-Policy" content="${CSP}">`);

  const bridge = new AppBridge(
    null,
    { name: "oncehub-test-host", version: "1.0.0" },
    { serverTools: {}, logging: {}, updateModelContext: { text: {}, structuredContent: {} } },
    { hostContext: cfg.hostContext },
  );
  harness.bridge = bridge;
  bridge.oninitialized = () => {
    record("initialized", { appInfo: bridge.getAppVersion(), appCapabilities: bridge.getAppCapabilities() });
    deliver().catch((e) => { harness.error = String(e); });
  };
  bridge.oncalltool = async (params) => {
    record("tools/call", { params });
    const result = await json("/harness/call", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(params),
    });
    record("tools/call result", { result });
    return result;
  };
  bridge.onupdatemodelcontext = async (params) => {
    record("ui/update-model-context", { params });
    return {};
  };
  bridge.onsizechange = ({ width, height }) => {
    record("size-changed", { width, height });
    if (height) frame.style.height = `${height}px`;
  };
  bridge.onloggingmessage = (params) => record("log", { params });

  async function deliver() {
    await bridge.sendToolInput({ arguments: cfg.toolInput });
    await bridge.sendToolResult(cfg.toolResult);
    record("delivered", {});
  }

  document.body.appendChild(frame);
  await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
  harness.ready = true;
}

main().catch((e) => { harness.error = String(e && e.stack || e); });
