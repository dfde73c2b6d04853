// Hover tips load on first use (dlbook.sphinx.tips): Popper, tippy.js and this
// page's tips, listed in data-tips, are fetched in order the first time the
// reader points at, touches or tabs into the page, then set up as
// sphinx-tippy's own file would at page load.
(() => {
  const script = document.currentScript;
  const base = script.src.replace(/[^/]*$/, "");
  const files = (script.dataset.tips || "").split(" ").filter(Boolean);
  const triggers = ["pointerover", "focusin", "touchstart"];
  const loaded = document.readyState === "complete"
    ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));

  const load = (file) => new Promise((resolve, reject) => {
    const element = document.createElement("script");
    element.src = base + file;
    element.onload = resolve;
    element.onerror = () => reject(new Error(`hover tips: could not load ${file}`));
    document.head.appendChild(element);
  });

  async function start(event) {
    for (const kind of triggers) document.removeEventListener(kind, start, true);
    for (const file of files) await load(file);
    // sphinx-tippy's file creates the tips in window.onload; once the page has
    // loaded, that has to be called here.
    if (document.readyState === "complete" && typeof window.onload === "function") window.onload();
    await loaded;
    // The link that woke the tips shows its tip now, if it is still pointed at or focused.
    const link = event.target instanceof Element ? event.target.closest("a") : null;
    if (link && link._tippy && (link.matches(":hover") || link === document.activeElement)) link._tippy.show();
  }

  for (const kind of triggers) document.addEventListener(kind, start, { capture: true, passive: true });
})();
