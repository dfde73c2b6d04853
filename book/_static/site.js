// The site's own script (loaded on every page by _config.yml: html_js_files).
// Each part fixes a problem the browser tests (tests/browser) found.
(() => {
  const here = document.currentScript ? document.currentScript.src : "";

  // 1. Long inline formulas on a phone. MathJax 3 cannot break a formula
  //    over lines, so a long $...$ in running text stuck out of a 390 px
  //    screen (cut off). A formula wider than its paragraph gets the class
  //    `wide-inline-math` (site.css): on its own line, scrolling sideways.
  const fitInlineMath = () => {
    document.querySelectorAll('mjx-container[jax="CHTML"]:not([display="true"])').forEach((math) => {
      math.classList.remove("wide-inline-math");
      const block = math.closest("p, li, dd, td, th, div, figcaption") || document.body;
      if (math.getBoundingClientRect().width > block.clientWidth + 1) {
        math.classList.add("wide-inline-math");
      }
    });
  };

  // 2. Keyboard access to scrollable code. pydata-sphinx-theme makes
  //    scrollable code blocks and outputs focusable (tabindex=0) once, early;
  //    a block inside a closed drop-down (a solution, a hidden cell) measures
  //    0 px then and stayed unfocusable once opened, and a block measured
  //    before the fonts arrived could be missed (axe:
  //    scrollable-region-focusable). Re-check on load, on resize and
  //    whenever something opens.
  const SCROLLABLE = "pre, .cell_output > .output, .pst-scrollable-table-container";
  const updateTabStops = () => {
    document.querySelectorAll(SCROLLABLE).forEach((el) => {
      const scrolls = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
      el.tabIndex = scrolls ? 0 : -1;
    });
  };

  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fitInlineMath();
      updateTabStops();
    }, 50);
  };

  window.addEventListener("load", () => {
    refresh();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(() => refresh());
    }
  });
  window.addEventListener("resize", () => refresh());
  document.addEventListener("toggle", () => refresh(), true);
  document.addEventListener("click", (event) => {
    if (event.target.closest(".toggle, .dropdown")) refresh();
  });

  // 3. Diagrams in the offline copy opened from disk (file://). Browsers
  //    refuse ES modules from file:// pages, so sphinxcontrib-mermaid's
  //    loader fails there; load mermaid's classic build from the same
  //    _static folder instead and draw the diagrams that are visible (the
  //    ones in closed drop-downs when they open), again on a theme change.
  const drawDiagramsFromDisk = () => {
    const diagrams = () => [...document.querySelectorAll("pre.mermaid")];
    if (!diagrams().length) return;
    diagrams().forEach((el) => { el.dataset.source = el.textContent; });
    const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
    let busy = Promise.resolve();
    const draw = (redo) => {
      busy = busy.then(async () => {
        const dark = document.documentElement.dataset.theme === "dark";
        window.mermaid.initialize({ startOnLoad: false, darkMode: dark, theme: dark ? "dark" : "default" });
        const todo = diagrams().filter((el) => visible(el) && (redo || el.dataset.processed !== "true"));
        todo.forEach((el) => { el.removeAttribute("data-processed"); el.textContent = el.dataset.source; });
        if (todo.length) await window.mermaid.run({ nodes: todo });
      }).catch((error) => console.warn("mermaid (offline copy):", error));
    };
    const classic = document.createElement("script");
    classic.src = here.replace(/site\.js(\?.*)?$/, "npm/mermaid/mermaid.min.js");
    classic.onload = () => {
      draw(false);
      document.addEventListener("toggle", () => draw(false), true);
      document.addEventListener("click", (event) => {
        if (event.target.closest(".toggle, .dropdown")) setTimeout(() => draw(false), 50);
      });
      new MutationObserver(() => draw(true)).observe(document.documentElement,
        { attributes: true, attributeFilter: ["data-theme"] });
    };
    document.head.appendChild(classic);
  };
  if (location.protocol === "file:" && here) {
    document.addEventListener("DOMContentLoaded", drawDiagramsFromDisk);
  }
})();
