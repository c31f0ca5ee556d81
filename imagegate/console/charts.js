// Small inline-SVG charts for the benchmark report. Every chart has a title and a text description
// (role="img" + aria-label), and the page shows the same figures in a table next to it.

const SVG = "http://www.w3.org/2000/svg";
const PALETTE = ["#2563eb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2"];

function node(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function frame(width, height, label) {
  const svg = node("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "chart" });
  svg.append(node("title", {}, label));
  return svg;
}

function legend(svg, names, x, y) {
  names.forEach((name, index) => {
    svg.append(node("rect", { x: x + index * 130, y, width: 12, height: 12, fill: PALETTE[index % PALETTE.length] }));
    svg.append(node("text", { x: x + index * 130 + 16, y: y + 11, class: "chart-label" }, name));
  });
}

// Horizontal grouped bars. groups: [{label, values: [number|null]}], series: names; max: the axis maximum.
export function barChart({ title, groups, series, max = 1, format = (v) => v.toFixed(2) }) {
  const rowHeight = 14 * series.length + 12;
  const left = 120;
  const width = 560;
  const plot = width - left - 60;
  const height = 40 + groups.length * rowHeight + 10;
  const svg = frame(width, height, title);
  legend(svg, series, left, 6);
  groups.forEach((group, row) => {
    const top = 32 + row * rowHeight;
    svg.append(node("text", { x: left - 8, y: top + rowHeight / 2, "text-anchor": "end", class: "chart-label" }, group.label));
    group.values.forEach((value, index) => {
      const y = top + index * 14;
      const length = value == null ? 0 : Math.max(0, Math.min(1, value / max)) * plot;
      svg.append(node("rect", { x: left, y, width: length, height: 12, fill: PALETTE[index % PALETTE.length] }));
      svg.append(node("text", { x: left + length + 4, y: y + 10, class: "chart-value" }, value == null ? "n/a" : format(value)));
    });
  });
  return svg;
}

// Lines over x = 1..n. series: [{name, points: [number|null]}]; yMax: the axis maximum.
export function lineChart({ title, series, xLabel, yMax = 10 }) {
  const width = 560;
  const height = 240;
  const left = 40;
  const bottom = 200;
  const top = 30;
  const count = Math.max(...series.map((s) => s.points.length), 1);
  const x = (i) => left + (count === 1 ? 0 : (i * (width - left - 20)) / (count - 1));
  const y = (v) => bottom - (v / yMax) * (bottom - top);
  const svg = frame(width, height, title);
  legend(svg, series.map((s) => s.name), left, 6);
  for (let tick = 0; tick <= yMax; tick += yMax / 5) {
    svg.append(node("line", { x1: left, x2: width - 10, y1: y(tick), y2: y(tick), class: "chart-grid" }));
    svg.append(node("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end", class: "chart-label" }, String(tick)));
  }
  for (let i = 0; i < count; i += 1) {
    svg.append(node("text", { x: x(i), y: bottom + 16, "text-anchor": "middle", class: "chart-label" }, String(i + 1)));
  }
  svg.append(node("text", { x: (width + left) / 2, y: bottom + 34, "text-anchor": "middle", class: "chart-label" }, xLabel));
  series.forEach((line, index) => {
    const color = PALETTE[index % PALETTE.length];
    const points = line.points.map((v, i) => (v == null ? null : [x(i), y(v)])).filter(Boolean);
    if (points.length > 1) {
      svg.append(node("polyline", { points: points.map((p) => p.join(",")).join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    }
    points.forEach(([px, py]) => svg.append(node("circle", { cx: px, cy: py, r: 3.5, fill: color })));
  });
  return svg;
}
