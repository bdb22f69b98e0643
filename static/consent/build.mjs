// Builds static/consent/cmp.js from src/cmp.js + src/cmp.css, the preferences chunk prefs.js from
// src/prefs.js + src/prefs.css, gpp.js and the inline stub.js from theirs: the CSS is inlined and
// the result minified with terser (an npm dev dependency). The output is committed, so serving the banner needs
// no build step; run `node static/consent/build.mjs` after editing src/ (a test checks it is fresh).
// `node static/consent/build.mjs --stdout` prints the build instead of writing it.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { minify } from "terser";

const here = dirname(fileURLToPath(import.meta.url));
const scopedCss = (name) => readFileSync(join(here, name), "utf8")
  .replace(/\/\*[\s\S]*?\*\//g, "")
  .replace(/\s*\n\s*/g, "")
  .replace(/\s*([{};,>])\s*/g, "$1")
  .replace(/;}/g, "}")
  .trim()
  // Every rule is scoped under #cmp-root, so it outranks both the reset (#cmp-root *) and the
  // publisher's own element or class rules.
  .replace(/(^|[{}])([^{}@]+)\{/g, (all, before, selectors) =>
    before +
      selectors
        .split(",")
        .map((sel) => (sel.startsWith("#cmp-root") ? sel : "#cmp-root " + sel))
        .join(",") +
      "{"
    );
const withCss = (js, css) => {
  const source = readFileSync(join(here, js), "utf8");
  if (!source.includes('"/*CSS*/"')) throw new Error(js + " lost its /*CSS*/ placeholder");
  return source.replace('"/*CSS*/"', () => JSON.stringify(scopedCss(css)));
};
const options = (preamble) => ({
  ecma: 2017,
  compress: { passes: 2 },
  mangle: true,
  // ASCII only: a publisher page without a charset would otherwise decode the texts wrongly.
  format: { ascii_only: true, comments: false, preamble },
});
const result = await minify(withCss("src/cmp.js", "src/cmp.css"), options("/* Consent banner: built from static/consent/src by build.mjs; see docs/BANNER.md */"));
// gpp.js: __gpp and the non-opt-in experiences, loaded by cmp.js only where they apply.
const gpp = await minify(
  readFileSync(join(here, "src/gpp.js"), "utf8"),
  options("/* Consent banner GPP part: built from static/consent/src/gpp.js by build.mjs; see docs/BANNER.md */")
);
// prefs.js: the preferences dialog and the vendor list, loaded by cmp.js when the visitor opens them.
const prefs = await minify(
  withCss("src/prefs.js", "src/prefs.css"),
  options("/* Consent banner preferences part: built from static/consent/src/prefs.js by build.mjs; see docs/BANNER.md */")
);
// stub.js: pasted inline into every page of the publisher, so its bytes are parsed on every view.
const stub = await minify(
  readFileSync(join(here, "src/stub.js"), "utf8"),
  options("/* CMP stub: built from static/consent/src/stub.js by build.mjs; see docs/BANNER.md */")
);
if (process.argv.includes("--stdout")) process.stdout.write(result.code + "\n");
else if (process.argv.includes("--stdout-stub")) process.stdout.write(stub.code + "\n");
else if (process.argv.includes("--stdout-gpp")) process.stdout.write(gpp.code + "\n");
else if (process.argv.includes("--stdout-prefs")) process.stdout.write(prefs.code + "\n");
else {
  writeFileSync(join(here, "cmp.js"), result.code + "\n");
  writeFileSync(join(here, "gpp.js"), gpp.code + "\n");
  writeFileSync(join(here, "prefs.js"), prefs.code + "\n");
  writeFileSync(join(here, "stub.js"), stub.code + "\n");
}
