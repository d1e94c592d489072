// The timeline page: fetches /ui/api/timeline (Prometheus range data) and
// /autoscaling/decisions (the host's decision log) from the same ops port and
// draws plain SVG charts. Every chart's series carries data-series and
// data-points (the number of points drawn), every decision marker and table
// row data-decision-id, so the browser test can read what was rendered.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const W = 560, H = 200, M = {left: 56, right: 24, top: 12, bottom: 40};
const params = new URLSearchParams(location.search);
const windowName = params.get("window") || "15m";

function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function html(name, attrs, text) {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function utc(seconds, withSeconds) {
  const iso = new Date(seconds * 1000).toISOString();  // always UTC
  return withSeconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function format(v) {
  if (v === 0) return "0";
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return String(Math.round(v * 100) / 100);
  return String(Number(v.toPrecision(2)));
}

// series: [{key, label, points: [[t, v|null]], step: bool}]; targets: [{label, value}];
// markers: [{id, time, label}].
function chart(caption, yLabel, range, series, targets, markers) {
  const figure = html("figure");
  figure.append(html("figcaption", {}, caption));
  const svg = el("svg", {class: "chart", width: W, height: H, viewBox: `0 0 ${W} ${H}`,
                         role: "img", "aria-label": caption});
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  let max = 0;
  for (const s of series) for (const p of s.points) if (p[1] !== null) max = Math.max(max, p[1]);
  for (const t of targets) max = Math.max(max, t.value);
  max = niceMax(max * 1.1);
  const x = t => M.left + (t - range.start) / (range.end - range.start) * pw;
  const y = v => M.top + ph - v / max * ph;

  for (let i = 0; i <= 4; i++) {  // y grid and ticks
    const v = max * i / 4;
    svg.append(el("line", {class: "grid", x1: M.left, x2: M.left + pw, y1: y(v), y2: y(v)}));
    svg.append(el("text", {x: M.left - 4, y: y(v) + 4, "text-anchor": "end"}, format(v)));
  }
  for (let i = 0; i <= 5; i++) {  // x ticks in UTC
    const t = range.start + (range.end - range.start) * i / 5;
    svg.append(el("line", {class: "axis", x1: x(t), x2: x(t), y1: M.top + ph, y2: M.top + ph + 4}));
    svg.append(el("text", {x: x(t), y: M.top + ph + 16, "text-anchor": "middle"}, utc(t)));
  }
  svg.append(el("line", {class: "axis", x1: M.left, x2: M.left, y1: M.top, y2: M.top + ph}));
  svg.append(el("line", {class: "axis", x1: M.left, x2: M.left + pw, y1: M.top + ph,
                         y2: M.top + ph}));
  svg.append(el("text", {x: M.left + pw / 2, y: H - 4, "text-anchor": "middle"}, "time (UTC)"));
  svg.append(el("text", {x: 12, y: M.top + ph / 2, "text-anchor": "middle",
                         transform: `rotate(-90 12 ${M.top + ph / 2})`}, yLabel));

  for (const t of targets) {
    svg.append(el("line", {class: "target", "data-target": t.value, x1: M.left, x2: M.left + pw,
                           y1: y(t.value), y2: y(t.value)}));
  }
  for (const s of series) {
    let d = "", drawn = 0, pen = false, last = null;
    for (const [t, v] of s.points) {
      if (v === null) { pen = false; continue; }
      if (s.step && pen && last !== null) d += `L${x(t).toFixed(1)},${y(last).toFixed(1)}`;
      d += `${pen ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      if (!pen) d += "h0";  // with round caps, a point between gaps is still drawn
      pen = true; last = v; drawn++;
    }
    svg.append(el("path", {class: `series series-${s.key}`, "data-series": s.key,
                           "data-points": drawn, d: d || "M0,0"}));
  }
  for (const m of markers) {
    if (m.time < range.start || m.time > range.end) continue;
    const g = el("g", {class: "decision", "data-decision-id": m.id});
    g.append(el("title", {}, m.label));
    g.append(el("line", {class: "decision", x1: x(m.time), x2: x(m.time), y1: M.top,
                         y2: M.top + ph}));
    g.append(el("circle", {class: "decision-mark", cx: x(m.time), cy: M.top + 4, r: 4}));
    svg.append(g);
  }
  figure.append(svg);

  const legend = html("div", {class: "legend"});
  const item = (key, text) => {
    const span = html("span");
    span.append(html("span", {class: `swatch swatch-${key}`}), text);
    legend.append(span);
  };
  for (const s of series) item(s.key, s.label);
  for (const t of targets) item("target", `${t.label} ${format(t.value)}`);
  if (markers.length) item("decision", "scaling decision");
  figure.append(legend);
  return figure;
}

// Who made a decision, from the log's writer: the host's plugins are
// "plugin/<name>"; others are the field manager of their /scale write.
function who(writer) {
  if (writer.startsWith("plugin/")) return `dynop plugin ${writer.slice(7)}`;
  if (writer.startsWith("kubectl")) return "kubectl";
  if (/horizontal-pod-autoscaler|controller-manager|hpa/i.test(writer)) return "HPA (or KEDA's HPA)";
  return writer;
}

function decisionRow(d) {
  const tr = html("tr", {"data-decision-id": d.id, "data-adapter": d.target.name,
                         "data-to": d.to, "data-writer": d.writer});
  const from = d.from === null ? "?" : d.from;
  const why = d.reason || (d.outcome === "observed" ? "(not recorded by Kubernetes)" : "");
  for (const text of [d.time.replace("T", " ").replace("Z", ""),
                      `${d.target.namespace}/${d.target.name}`, `${from} → ${d.to}`,
                      who(d.writer), d.writer, d.outcome, why + (d.error ? ` (${d.error})` : "")]) {
    tr.append(html("td", {}, String(text)));
  }
  return tr;
}

async function load() {
  for (const a of document.querySelectorAll("#windows a")) {
    a.classList.toggle("current", a.dataset.window === windowName);
    const next = new URLSearchParams(params);
    next.set("window", a.dataset.window);
    a.href = `?${next}`;
  }
  const status = document.getElementById("status");
  const api = new URLSearchParams(params);
  api.set("window", windowName);
  try {
    const [timelineAnswer, decisionsAnswer] = await Promise.all([
      fetch(`api/timeline?${api}`), fetch("../autoscaling/decisions")]);
    if (!timelineAnswer.ok) throw new Error(`timeline: ${await timelineAnswer.text()}`);
    if (!decisionsAnswer.ok) throw new Error(`decisions: ${await decisionsAnswer.text()}`);
    const timeline = await timelineAnswer.json();
    const decisions = (await decisionsAnswer.json()).decisions;
    render(timeline, decisions);
    status.className = timeline.errors.length ? "error" : "";
    status.textContent = `${utc(timeline.start, true)} to ${utc(timeline.end, true)} UTC, ` +
        `every ${timeline.step} s. ` + timeline.errors.join("; ");
  } catch (e) {
    status.className = "error";
    status.textContent = String(e.message || e);
  }
}

function render(timeline, decisions) {
  const range = {start: timeline.start, end: timeline.end};
  const main = document.getElementById("graphs");
  main.replaceChildren();
  if (!timeline.graphs.length) main.append(html("p", {}, "No graph has data in this window."));
  for (const g of timeline.graphs) {
    const section = html("section", {class: "graph", "data-graph": `${g.namespace}/${g.graph}`});
    section.append(html("h2", {}, `DynamoGraphDeployment ${g.namespace}/${g.graph}`));
    const charts = html("div", {class: "charts"});
    const adapters = new Set();
    for (const s of g.services) {
      adapters.add(s.adapter);
      const markers = decisions
          .filter(d => d.target.namespace === g.namespace && d.target.name === s.adapter)
          .map(d => ({id: d.id, time: Date.parse(d.time) / 1000,
                      label: `${d.from ?? "?"} → ${d.to} by ${who(d.writer)}`}));
      charts.append(chart(`${s.service}: replicas`, "replicas", range,
                          [{key: "desired", label: "desired (adapter spec.replicas)",
                            points: s.desired, step: true},
                           {key: "ready", label: "ready (DGD status)", points: s.ready,
                            step: true}],
                          [], markers));
    }
    charts.append(chart("request rate", "requests/s", range,
                        [{key: "rate", label: "requests/s", points: g.requestRate}], [], []));
    charts.append(chart("TTFT p95", "seconds", range,
                        [{key: "ttft", label: "TTFT p95", points: g.ttftP95}],
                        [{label: "SLA target", value: timeline.sla.ttftP95}], []));
    charts.append(chart("ITL p95", "seconds", range,
                        [{key: "itl", label: "ITL p95", points: g.itlP95}],
                        [{label: "SLA target", value: timeline.sla.itlP95}], []));
    section.append(charts);
    main.append(section);
  }
  const body = document.querySelector("#decisions tbody");
  body.replaceChildren();
  const shown = decisions.filter(d => Date.parse(d.time) / 1000 >= range.start).reverse();
  for (const d of shown) body.append(decisionRow(d));
  if (!shown.length) {
    const tr = html("tr");
    tr.append(html("td", {colspan: 7}, "No scaling decision in this window."));
    body.append(tr);
  }
}

load();
setInterval(load, 15000);
