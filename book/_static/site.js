// The site's own script (loaded on every page by _config.yml: html_js_files).
// Each part fixes a problem the browser tests (tests/browser) found.
(() => {
  // 1. Long inline formulas on a phone. A formula (an SVG drawn at build
  //    time) cannot break over lines, so a long $...$ in running text stuck
  //    out of a 390 px screen (cut off). A formula wider than its paragraph
  //    gets the class `wide-inline-math` (site.css): on its own line,
  //    scrolling sideways.
  const fitInlineMath = () => {
    document.querySelectorAll('mjx-container:not([display="true"])').forEach((math) => {
      math.classList.remove("wide-inline-math");
      const block = math.closest("p, li, dd, td, th, div, figcaption") || document.body;
      if (math.getBoundingClientRect().width > block.clientWidth + 1) {
        math.classList.add("wide-inline-math");
      }
    });
  };

  // 2. Keyboard access to scrollable code (and wide maths, which no
  //    script makes focusable any more). pydata-sphinx-theme makes
  //    scrollable code blocks and outputs focusable (tabindex=0) once, early;
  //    a block inside a closed drop-down (a solution, a hidden cell) measures
  //    0 px then and stayed unfocusable once opened, and a block measured
  //    before the fonts arrived could be missed (axe:
  //    scrollable-region-focusable). Re-check on load, on resize and
  //    whenever something opens.
  const SCROLLABLE =
    'pre, .cell_output > .output, .pst-scrollable-table-container, mjx-container[display="true"], .wide-inline-math';
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

  window.addEventListener("load", () => refresh());
  window.addEventListener("resize", () => refresh());
  document.addEventListener("toggle", () => refresh(), true);
  document.addEventListener("click", (event) => {
    if (event.target.closest(".toggle, .dropdown")) refresh();
  });
})();
