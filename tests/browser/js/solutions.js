// Each exercise solution: is its body shown? (sphinx-exercise + togglebutton)
() => [...document.querySelectorAll('.solution')].map(el => {
  const body = [...el.children].find(c => !c.classList.contains('admonition-title'));
  const box = body ? body.getBoundingClientRect() : null;
  return {id: el.id, visible: !!body && box.height > 0 && getComputedStyle(body).display !== 'none'};
})
