// Run axe-core on one explorable figure; resolve to its violations (id, impact, targets).
async (selector) => {
  const result = await axe.run(document.querySelector(selector), {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}
