// Open every hidden part of the page (solutions, hidden cell inputs) the way
// a reader does, by clicking; diagrams inside render once they are visible.
async () => {
  const closed = [...document.querySelectorAll('details:not([open])')];
  const buttons = [...document.querySelectorAll('button.toggle-button[aria-expanded="false"]')];
  closed.forEach(d => d.open = true);
  buttons.forEach(b => b.click());
  // site.js re-checks focus stops 50 ms after something opens.
  if (closed.length || buttons.length) await new Promise(r => setTimeout(r, 250));
}
