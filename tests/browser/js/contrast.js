// Contrast of every diagram label against what is behind it, and the page's luminance.
() => {
  const parse = c => {
    const m = c && c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
    return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
  };
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
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
