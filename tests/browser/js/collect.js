// What the page checks read: diagrams, maths, images, elements sticking out of
// the viewport, and the bytes and requests the page needed.
async () => {
  const visibleText = el => [...el.querySelectorAll('text, .nodeLabel, .edgeLabel, foreignObject')]
      .map(t => t.textContent.trim()).join(' ').trim();
  const diagrams = [...document.querySelectorAll('figure.dlbook-diagram')].map((el, i) => {
      const svg = el.querySelector(':scope > svg');
      // Label size as drawn: font size times how much the svg was scaled.
      const box = svg && svg.viewBox && svg.viewBox.baseVal;
      const label = svg && svg.querySelector('text');
      const scale = box && box.width > 0 ? svg.getBoundingClientRect().width / box.width : null;
      return {index: i, svg: !!svg, text: svg ? visibleText(svg) : '',
              fontPx: scale && label ? parseFloat(getComputedStyle(label).fontSize) * scale : null,
              source: (svg && svg.getAttribute('aria-label') || '').slice(0, 60)};
    });
  // Maths is an svg typeset at build time; its glyphs are <use> of paths the page defines once.
  const maths = [...document.querySelectorAll('span.math, div.math')].map(el => {
      const svg = el.querySelector('mjx-container > svg');
      const glyphs = svg ? [...svg.querySelectorAll('use')] : [];
      return {rendered: !!svg && (el.offsetParent === null || svg.getBoundingClientRect().width > 0),
              missingGlyphs: glyphs.filter(u => !document.getElementById(u.getAttribute('href').slice(1))).length,
              glyphs: glyphs.length,
              error: svg && svg.querySelector('[data-mml-node="merror"]') ? 'merror' : null,
              source: (svg ? svg.getAttribute('aria-label') || '' : el.textContent.trim()).slice(0, 60)};
    });
  const images = [...document.querySelectorAll('img')];
  for (const img of images) { img.loading = 'eager'; }
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const imgs = images.map(img => ({src: img.getAttribute('src'), alt: (img.getAttribute('alt') || '').trim(),
      width: img.naturalWidth}));
  // Elements that stick out of the viewport without a scrolling box around them.
  const vw = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const sticking = [...document.querySelectorAll('.bd-article *')].filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > vw + 1 && !scrolls(el) && el.offsetParent !== null;
    }).slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} `
                             + `right=${Math.round(el.getBoundingClientRect().right)}`);
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return {
    diagrams, maths, imgs, sticking, viewport: vw,
    scrollWidth: document.documentElement.scrollWidth,
    bytes: entries.reduce((sum, e) => sum + (e.encodedBodySize || 0), 0),
    requests: entries.length,
    resources: entries.map(e => e.name),
  };
}
