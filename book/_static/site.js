// The site's own script (loaded on every page by _config.yml: html_js_files).
// Each part fixes a problem the browser tests (tests/browser) found.
(() => {
  const here = document.currentScript ? document.currentScript.src : "";

  // 0. Maths in hover tips. Only pages with maths load MathJax; the hover
  //    tips (sphinx-tippy) call this when a tip opens, and a tip with maths
  //    on a page without it loads MathJax (the same copy, next to this
  //    file) the first time.
  let loading = null;
  window.dlbookTypeset = (element) => {
    if (window.MathJax && MathJax.typesetPromise) return MathJax.typesetPromise([element]);
    if (!element.querySelector(".math")) return Promise.resolve();
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = here.replace(/site\.js(\?.*)?$/, "npm/mathjax/tex-chtml.js");
        script.onload = () => MathJax.startup.promise.then(resolve);
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading.then(() => MathJax.typesetPromise([element]));
  };

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
})();
