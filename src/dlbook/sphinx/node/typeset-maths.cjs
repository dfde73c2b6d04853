// Typesets TeX into SVG with MathJax 3 (mathjax-full), for dlbook.sphinx.maths.
//
// stdin: a JSON list of {key, tex, display}; stdout: a JSON object
// {version, results: {key: {svg, glyphs} or {error}}}, where the svg draws its
// glyphs with <use> and glyphs maps each id it uses to the glyph's path.
// One process typesets a whole build.
"use strict";

const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { SVG } = require("mathjax-full/js/output/svg.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");
const { VERSION } = require("mathjax-full/js/components/version.js");

// Loading on demand needs a browser; an unknown macro must be an error, not red text.
const BROWSER_ONLY = new Set(["autoload", "require", "noundefined"]);

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const tex = new TeX({
  packages: AllPackages.filter((name) => !BROWSER_ONLY.has(name)),
  formatError: (jax, error) => {
    throw error;
  },
});
const svg = new SVG({ fontCache: "global" });
const page = mathjax.document("", { InputJax: tex, OutputJax: svg });

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const results = {};
  for (const { key, tex: source, display } of JSON.parse(Buffer.concat(chunks).toString("utf8"))) {
    try {
      svg.fontCache.clearCache();
      const container = page.convert(source, { display });
      const glyphs = {};
      for (const path of adaptor.childNodes(svg.fontCache.getCache())) {
        glyphs[adaptor.getAttribute(path, "id")] = adaptor.getAttribute(path, "d");
      }
      results[key] = { svg: adaptor.outerHTML(adaptor.firstChild(container)), glyphs };
    } catch (error) {
      results[key] = { error: error.message };
    }
  }
  process.stdout.write(JSON.stringify({ version: VERSION, results }));
});
