// True once every visible mermaid diagram holds a drawing made after the
// theme switch (the drawings made before carry data-light-theme).
() => [...document.querySelectorAll('.mermaid')]
  .filter(el => el.offsetParent !== null)
  .every(el => { const svg = el.querySelector('svg'); return svg !== null && !svg.dataset.lightTheme; })
