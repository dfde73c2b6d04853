// axe-core's colour-contrast violations (axe must be loaded first), as CSS selectors.
async () => (await axe.run(document, {runOnly: ['color-contrast'], resultTypes: ['violations']}))
  .violations.flatMap(v => v.nodes.map(n => n.target.join(' ')))
