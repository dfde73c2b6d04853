// Wait until MathJax has typeset and every visible mermaid diagram is drawn;
// returns {math, pendingMermaid}.
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
  // mermaid: every visible diagram processed (hidden ones render when shown).
  const pending = () => [...document.querySelectorAll('.mermaid')].filter(
    el => el.getAttribute('data-processed') !== 'true'
          && !el.hasAttribute('data-mermaid-deferred')
          && !el.hasAttribute('data-mermaid-render-failed'));
  while (pending().length && Date.now() - start < 20000) {
    await new Promise(r => setTimeout(r, 50));
  }
  await document.fonts.ready;
  return {math: hasMath, pendingMermaid: pending().length};
}
