// How an explorable figure sits in the page: overflow, visibility of the live and fallback parts.
(selector) => {
  const root = document.querySelector(selector);
  const box = (el) => (el ? el.getBoundingClientRect() : null);
  const shown = (el) => !!el && getComputedStyle(el).display !== "none" && box(el).height > 0;
  const live = root.querySelector(".dlbook-explorable-live");
  const fallback = root.querySelector(".dlbook-explorable-fallback");
  const image = fallback.querySelector("img");
  return {
    pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    liveRight: live && shown(live) ? box(live).right : null,
    viewport: document.documentElement.clientWidth,
    svgWidth: live && live.querySelector("svg") ? box(live.querySelector("svg")).width : 0,
    liveShown: shown(live),
    fallbackShown: shown(fallback),
    imageShown: shown(image) && image.complete && image.naturalWidth > 0,
  };
}
