// Contrast of every diagram label against what is behind it, and the page's luminance.
// Uses colour.js: script("contrast", uses=("colour",)).
() => {
  const [parse, lum, ratio] = [parseColour, luminance, contrastRatio];
  const pageBg = parse(getComputedStyle(document.body).backgroundColor);
  const opaque = c => c && c[3] > 0.5;
  const out = [], filtered = [];
  document.querySelectorAll('figure.dlbook-diagram > svg').forEach((svg, d) => {
    for (let a = svg; a; a = a.parentElement) {
      const f = getComputedStyle(a).filter;
      if (f && f !== 'none') { filtered.push(`diagram ${d}: ${f}`); break; }
    }
    svg.querySelectorAll('span.nodeLabel, span.edgeLabel, text').forEach(t => {
      const label = t.textContent.trim();
      if (!label) return;
      const style = getComputedStyle(t);
      const fg = parse(t.tagName.toLowerCase() === 'text' ? style.fill : style.color);
      let bg = null;
      for (let a = t; a && a !== svg && !bg; a = a.parentElement) {
        const c = parse(getComputedStyle(a).backgroundColor);
        if (opaque(c)) bg = c;
        if (!bg && a.matches && a.matches('g.node, g.cluster')) {
          const shape = a.querySelector('rect, polygon, circle, ellipse, path');
          const fill = shape && parse(getComputedStyle(shape).fill);
          if (opaque(fill)) bg = fill;
        }
        if (!bg && a.matches && a.matches('g.edgeLabel')) {
          const rect = a.querySelector('rect');
          const fill = rect && parse(getComputedStyle(rect).fill);
          if (opaque(fill)) bg = fill;
        }
      }
      bg = bg || pageBg;
      if (fg) out.push({diagram: d, label: label.slice(0, 30), ratio: ratio(fg, bg)});
    });
  });
  return {theme: document.documentElement.dataset.theme, pageLum: lum(pageBg), labels: out, filtered};
}
