// Corner pixels and background of every loaded figure image in the article.
async () => {
  const imgs = [...document.querySelectorAll('.bd-article img')].filter(i => i.naturalWidth > 0);
  const out = [];
  for (const img of imgs) {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const w = img.naturalWidth - 1, h = img.naturalHeight - 1;
    const corners = [[0, 0], [w, 0], [0, h], [w, h]].map(([x, y]) => [...ctx.getImageData(x, y, 1, 1).data]);
    const bg = getComputedStyle(img).backgroundColor;
    out.push({src: img.getAttribute('src'), corners, background: bg});
  }
  return out;
}
