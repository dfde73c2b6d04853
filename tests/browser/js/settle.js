// Wait until the fonts are in (maths and diagrams are inline SVG made at
// build time: nothing to wait for); returns {math}.
async () => {
  await document.fonts.ready;
  return {math: document.querySelector('.math') !== null};
}
