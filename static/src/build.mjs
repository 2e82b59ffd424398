// Build front-end assets into static/ (run from repo root: `npm run build`).
// 1. Compile static/src/app.scss -> static/css/app.css (compressed, no map).
// 2. Copy govuk-frontend's ES-module JS to static/js/.
// 3. Copy into static/govuk/ only the asset files the compiled CSS url()s
//    reference (no fonts; fails if a reference can't be resolved).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const r = (...p) => path.join(root, ...p);
const govukDist = r("node_modules/govuk-frontend/dist/govuk");
const ASSETS_URL = "/static/govuk/";

// 1. Sass (CLI from the pinned npm package; same flags as documented in README)
const sassBin = r("node_modules/sass/sass.js");
fs.mkdirSync(r("static/css"), { recursive: true });
execFileSync(process.execPath, [
  sassBin,
  "--load-path=node_modules",
  "--style=compressed",
  "--no-source-map",
  "--quiet-deps",
  "static/src/app.scss",
  "static/css/app.css",
], { cwd: root, stdio: "inherit" });

const css = fs.readFileSync(r("static/css/app.css"), "utf8");
if (css.includes("GDS Transport")) {
  throw new Error("app.css references GDS Transport – it must not");
}

// 2. JavaScript (ES module exporting initAll etc.) + its source map
fs.mkdirSync(r("static/js"), { recursive: true });
for (const f of ["govuk-frontend.min.js"]) {
  fs.copyFileSync(path.join(govukDist, f), r("static/js", f));
}

// 3. Assets referenced by url(...) in the CSS
const govukOut = r("static/govuk");
fs.rmSync(govukOut, { recursive: true, force: true });
fs.mkdirSync(govukOut, { recursive: true });
const urls = [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1]);
const copied = [];
for (const url of new Set(urls)) {
  if (url.startsWith("data:")) continue;
  if (!url.startsWith(ASSETS_URL)) {
    throw new Error(`unexpected url() in app.css: ${url}`);
  }
  const rel = url.slice(ASSETS_URL.length).split(/[?#]/)[0];
  if (rel.startsWith("fonts/")) throw new Error(`font referenced: ${url}`);
  const src = path.join(govukDist, "assets", rel);
  if (!fs.existsSync(src)) throw new Error(`no file for ${url} (${src})`);
  fs.mkdirSync(path.dirname(path.join(govukOut, rel)), { recursive: true });
  fs.copyFileSync(src, path.join(govukOut, rel));
  copied.push(rel);
}
// Keep the (possibly empty) directory in git.
fs.writeFileSync(path.join(govukOut, ".gitkeep"), "");

const kb = (f) => (fs.statSync(f).size / 1024).toFixed(1) + " KB";
console.log(`static/css/app.css  ${kb(r("static/css/app.css"))}`);
console.log(`static/js/govuk-frontend.min.js  ${kb(r("static/js/govuk-frontend.min.js"))}`);
console.log(`static/govuk/: ${copied.length ? copied.join(", ") : "(CSS references no asset files)"}`);
