// Removes the rules no page can use from the site's style sheets, with
// PurgeCSS, for dlbook.sphinx.stylesheets.
//
// stdin: a JSON object {content, css, safelist, variables}: the pages and
// scripts to read class names from, the style sheets to rewrite in place,
// regular expressions (as strings) of selectors to keep whatever the pages
// say, and custom properties the pages or scripts use by name.
// stdout: a JSON object {file: [bytes before, bytes after]}.
"use strict";

const fs = require("fs");
const { PurgeCSS } = require("purgecss");

async function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const before = Object.fromEntries(request.css.map((file) => [file, fs.statSync(file).size]));
  const results = await new PurgeCSS().purge({
    content: request.content,
    css: request.css,
    // Unused custom properties and keyframes go too; fonts are kept (icon fonts are cut separately).
    variables: true,
    keyframes: true,
    fontFace: false,
    safelist: {
      greedy: request.safelist.map((pattern) => new RegExp(pattern)),
      variables: request.variables,
    },
  });
  const sizes = {};
  for (const result of results) {
    fs.writeFileSync(result.file, result.css);
    sizes[result.file] = [before[result.file], Buffer.byteLength(result.css)];
  }
  process.stdout.write(JSON.stringify(sizes));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
