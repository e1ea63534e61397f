// Parse Mermaid diagrams with Mermaid's own parser (the one GitHub's renderer uses), under node
// with jsdom standing in for the browser. Usage: node mermaid_parse.mjs FILE...
// STACKFIT_NODE_DIR names the folder holding node_modules with mermaid and jsdom.
// Prints "ok FILE" or "ERR FILE: message" per file; exit 1 when any fails.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(join(process.env.STACKFIT_NODE_DIR, "package.json"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve("mermaid")).href);
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`ok ${file} ${result.diagramType}`);
  } catch (error) {
    failed += 1;
    console.log(`ERR ${file}: ${String(error.message).split("\n").join(" ")}`);
  }
}
process.exit(failed ? 1 : 0);
