// Wait until MathJax has typeset and the fonts are in (diagrams are inline
// SVG drawn at build time); returns {math}.
async () => {
  // MathJax: typeset promise (only pages with maths load MathJax).
  const hasMath = document.querySelector('.math') !== null;
  const start = Date.now();
  while (hasMath && !(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > 15000) break;
    await new Promise(r => setTimeout(r, 50));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  return {math: hasMath};
}
