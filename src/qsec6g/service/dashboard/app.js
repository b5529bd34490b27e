// qsec6g dashboard: plain JS, no dependencies. Polls the API with the key kept in sessionStorage; draws the risk
// chart as inline SVG. All text goes through textContent (never innerHTML) so API data cannot inject markup.
"use strict";

const POLL_MS = 1500;
const SVG_NS = "http://www.w3.org/2000/svg";
const COLORS = { grant: "#2e9d57", restrict: "#e0a100", deny: "#d2353f" };
let role = null;
let timer = null;

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

async function api(path, options = {}) {
  const key = sessionStorage.getItem("qsec6g-key") || "";
  const headers = { Authorization: `Bearer ${key}`, ...(options.headers || {}) };
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${body.detail || response.statusText}`);
  return body;
}

function showError(message) {
  const box = $("error");
  box.hidden = !message;
  box.textContent = message || "";
}

function renderSegments(segments) {
  const grid = $("segments");
  grid.replaceChildren(...segments.map((s) => {
    const tile = el("div", { class: `segment ${s.policy}`, "data-id": s.id, "data-policy": s.policy,
                             title: s.reason ? `${s.policy}: ${s.reason}` : s.policy }, s.id);
    tile.append(el("small", {}, s.policy));
    return tile;
  }));
  const select = $("override-segment");
  const chosen = select.value;
  select.replaceChildren(...segments.map((s) => el("option", { value: s.id }, s.id)));
  if (chosen) select.value = chosen;
}

function marker(outcome, x, y) {
  if (outcome === "grant") return svg("circle", { cx: x, cy: y, r: 3.5, fill: COLORS.grant, class: "m-grant" });
  if (outcome === "restrict") {
    return svg("rect", { x: x - 3.5, y: y - 3.5, width: 7, height: 7, fill: COLORS.restrict, class: "m-restrict" });
  }
  return svg("path", { d: `M${x - 4},${y - 4}L${x + 4},${y + 4}M${x - 4},${y + 4}L${x + 4},${y - 4}`,
                       stroke: COLORS.deny, "stroke-width": 2.2, class: "m-deny" });
}

function renderChart(decisions, thresholds) {
  const chart = $("risk-chart");
  const W = 900, H = 260, L = 40, R = 10, T = 10, B = 24;
  const ys = (v) => T + (1 - v) * (H - T - B);
  const points = decisions.slice().reverse();  // oldest first
  const xs = (i) => L + (points.length <= 1 ? 0 : (i * (W - L - R)) / (points.length - 1));
  const nodes = [];
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    nodes.push(svg("line", { x1: L, x2: W - R, y1: ys(v), y2: ys(v), stroke: "#e6e9ef" }));
    const label = svg("text", { x: 4, y: ys(v) + 4, "font-size": 11, fill: "#6b7385" });
    label.textContent = v.toFixed(2);
    nodes.push(label);
  }
  if (thresholds) {
    for (const [name, color] of [["tau_restrict", COLORS.restrict], ["tau_deny", COLORS.deny]]) {
      nodes.push(svg("line", { x1: L, x2: W - R, y1: ys(thresholds[name]), y2: ys(thresholds[name]), stroke: color,
                               "stroke-dasharray": "6 4", "stroke-width": 1.5, class: `th-${name}` }));
    }
  }
  if (points.length > 1) {
    const d = points.map((p, i) => `${i ? "L" : "M"}${xs(i).toFixed(1)},${ys(p.risk).toFixed(1)}`).join("");
    nodes.push(svg("path", { d, fill: "none", stroke: "#9aa3b5", "stroke-width": 1 }));
  }
  points.forEach((p, i) => nodes.push(marker(p.outcome, xs(i), ys(p.risk))));
  const axis = svg("text", { x: L, y: H - 6, "font-size": 11, fill: "#6b7385" });
  axis.textContent = points.length ? `${points[0].ts} … ${points[points.length - 1].ts}  (risk, 0–1)` : "no decisions yet";
  nodes.push(axis);
  chart.replaceChildren(...nodes);
  $("decision-count").textContent = `${decisions.length} decisions`;
}

function renderAlerts(decisions) {
  const alerts = decisions.filter((d) => d.outcome !== "grant").slice(0, 20);
  $("alerts").replaceChildren(...alerts.map((d) => {
    const item = el("li", { "data-outcome": d.outcome });
    item.append(el("span", { class: d.outcome }, d.outcome.toUpperCase()),
                document.createTextNode(` ${d.user_id} @ ${d.device_id}` +
                  `${d.segment_id ? ` → ${d.segment_id} (${d.segment_policy})` : ""} risk ${d.risk.toFixed(3)} ` +
                  `[${d.risk_class}] ${d.ts}`));
    const terms = d.explanation.map((c) => `${c.name} ${c.value >= 0 ? "+" : ""}${c.value.toFixed(3)}`).join(", ");
    item.append(el("div", { class: "terms" }, `why: ${terms}`));
    return item;
  }));
}

function renderThresholds(state) {
  $("thresholds-table").tBodies[0].replaceChildren(...state.history.map((h) => {
    const row = el("tr");
    for (const v of [h.ts.replace("T", " ").slice(0, 19), h.gamma1, h.gamma2, h.tau_restrict, h.tau_deny, h.actor, h.reason]) {
      row.append(el("td", {}, typeof v === "number" ? v.toFixed(3) : v));
    }
    return row;
  }));
}

function renderModel(models, verify) {
  $("model-version").textContent = models.active_version;
  const active = models.versions.find((v) => v.active);
  const metrics = active ? Object.entries(active.metrics) : [["registry", "not a registered version"]];
  $("model-metrics").replaceChildren(...metrics.flatMap(([k, v]) => [el("dt", {}, k),
    el("dd", {}, typeof v === "number" ? String(+v.toFixed(4)) : String(v))]));
  $("audit-status").textContent = verify.ok ? `intact (${verify.entries} entries)` : `BROKEN: ${verify.message}`;
}

async function refresh() {
  try {
    const [segments, decisions, thresholds, models, verify] = await Promise.all([
      api("/v1/segments"), api("/v1/decisions?limit=200"), api("/v1/thresholds?history=20"), api("/v1/models"),
      api("/v1/audit/verify")]);
    renderSegments(segments);
    renderChart(decisions, thresholds.current);
    renderAlerts(decisions);
    renderThresholds(thresholds);
    renderModel(models, verify);
    showError("");
  } catch (err) {
    showError(`update failed: ${err.message}`);
  }
}

async function connect(event) {
  if (event) event.preventDefault();
  const typed = $("key-input").value.trim();
  if (typed) sessionStorage.setItem("qsec6g-key", typed);
  $("key-input").value = "";
  try {
    const me = await api("/v1/whoami");
    role = me.role;
    $("role").textContent = `${me.name} (${me.role})`;
    $("override-form").hidden = role !== "admin";  // the server enforces roles; this only hides the controls
    showError("");
    await refresh();
    if (timer) clearInterval(timer);
    timer = setInterval(refresh, POLL_MS);
  } catch (err) {
    role = null;
    $("role").textContent = "not connected";
    $("override-form").hidden = true;
    showError(`cannot connect: ${err.message}`);
  }
}

async function override(event) {
  event.preventDefault();
  const id = $("override-segment").value;
  const body = { action: $("override-action").value, reason: $("override-reason").value };
  try {
    const seg = await api(`/v1/segments/${encodeURIComponent(id)}`, {
      method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    $("override-status").textContent = `${seg.id} → ${seg.policy}`;
    $("override-reason").value = "";
    await refresh();
  } catch (err) {
    $("override-status").textContent = err.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("key-form").addEventListener("submit", connect);
  $("override-form").addEventListener("submit", override);
  if (sessionStorage.getItem("qsec6g-key")) connect();
});
