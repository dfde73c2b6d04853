// Every diagram of the page: its svg, text alternative, width, and each label's size (CSS px
// on screen) and contrast against what is behind it. Uses colour.js.
() => {
  const [parse, ratio] = [parseColour, contrastRatio];
  const pageBg = parse(getComputedStyle(document.body).backgroundColor);
  return [...document.querySelectorAll('figure.dlbook-diagram')].map((figure, index) => {
    const svg = figure.querySelector(':scope > svg');
    if (!svg) return {index, svg: false};
    const box = svg.viewBox.baseVal;
    const scale = svg.getBoundingClientRect().width / box.width;
    const labels = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
      const shape = t.closest('g.node') && t.closest('g.node').querySelector('rect, polygon, circle, ellipse, path');
      const edge = t.closest('g.edgeLabel') && t.closest('g.edgeLabel').querySelector('rect');
      const fill = parse(getComputedStyle(shape || edge || svg).fill);
      const background = fill && fill[3] > 0.5 && (shape || edge) ? fill : pageBg;
      return {text: t.textContent.trim().slice(0, 30),
              px: parseFloat(getComputedStyle(t).fontSize) * scale,
              contrast: ratio(parse(getComputedStyle(t).fill), background)};
    });
    return {index, svg: true, role: svg.getAttribute('role'),
            name: (svg.getAttribute('aria-label') || '').trim(),
            title: svg.querySelector(':scope > title') ? svg.querySelector(':scope > title').textContent.trim() : '',
            width: Math.round(svg.getBoundingClientRect().width), labels};
  });
}
