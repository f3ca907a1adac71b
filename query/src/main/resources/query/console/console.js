// The HQ console: reads the query API of the service that serves this page and draws it. No framework and no
// external script: the page works on an isolated network, and what it shows is exactly what the API answers.
"use strict";

const REFRESH_MS = 10000;
const WINDOWS = 10; // the latest closed 2-minute windows the chart sums over

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(`${path}: ${response.status} ${body.error || ""}`);
  }
  return body;
}

function text(tag, value, className) {
  const element = document.createElement(tag);
  element.textContent = value == null ? "" : String(value);
  if (className) element.className = className;
  return element;
}

async function drawCounts() {
  const windows = (await api(`/observations/windows?limit=${WINDOWS}`)).windows;
  const chart = document.getElementById("counts-chart");
  chart.replaceChildren();
  document.getElementById("counts-empty").hidden = windows.length > 0;
  if (windows.length === 0) {
    document.getElementById("counts-range").textContent = "";
    return;
  }
  const from = windows.map(w => w.windowStart).sort()[0];
  const counts = (await api(`/observations/counts?by=kingdom&from=${encodeURIComponent(from)}&limit=20`)).counts;
  document.getElementById("counts-range").textContent =
    `${windows.length} windows from ${from} to ${windows.map(w => w.windowEnd).sort().at(-1)}`;
  const max = Math.max(1, ...counts.map(c => Number(c.observations)));
  const row = 24, label = 120, width = 440, svg = "http://www.w3.org/2000/svg";
  chart.setAttribute("height", String(counts.length * row + 8));
  counts.forEach((c, i) => {
    const y = i * row + 4;
    const name = document.createElementNS(svg, "text");
    name.setAttribute("x", "0");
    name.setAttribute("y", String(y + 15));
    name.textContent = c.value;
    const bar = document.createElementNS(svg, "rect");
    bar.setAttribute("class", "bar");
    bar.setAttribute("x", String(label));
    bar.setAttribute("y", String(y));
    bar.setAttribute("height", "18");
    bar.setAttribute("width", String(Math.max(1, Math.round(width * Number(c.observations) / max))));
    bar.dataset.kingdom = c.value;
    bar.dataset.observations = String(c.observations);
    const value = document.createElementNS(svg, "text");
    value.setAttribute("x", String(label + width + 8));
    value.setAttribute("y", String(y + 15));
    value.textContent = String(c.observations);
    chart.append(name, bar, value);
  });
}

async function drawAssets() {
  const answer = await api("/assets?limit=10");
  const states = document.getElementById("asset-states");
  states.replaceChildren(...Object.entries(answer.byState).map(([state, assets]) => {
    const li = document.createElement("li");
    li.dataset.state = state;
    li.dataset.assets = String(assets);
    li.append(text("strong", assets), document.createTextNode(state));
    return li;
  }));
  const rows = document.querySelector("#assets tbody");
  rows.replaceChildren(...answer.assets.map(a => {
    const tr = document.createElement("tr");
    tr.append(text("td", a.assetId), text("td", a.state, `state-${a.state}`), text("td", a.at), text("td", a.edgeId),
      text("td", a.reason));
    return tr;
  }));
  document.getElementById("assets-empty").hidden = answer.assets.length > 0;
}

async function drawAlerts() {
  const alerts = (await api("/alerts?limit=15")).alerts;
  const rows = document.querySelector("#alerts tbody");
  rows.replaceChildren(...alerts.map(a => {
    const tr = document.createElement("tr");
    tr.dataset.alertId = a.alertId;
    tr.append(text("td", a.eventTime), text("td", a.deviceId), text("td", a.kind),
      text("td", a.severity, `severity-${a.severity}`), text("td", a.message));
    return tr;
  }));
  document.getElementById("alerts-empty").hidden = alerts.length > 0;
}

async function drawDeadLetters() {
  const letters = (await api("/dead-letters?limit=10")).deadLetters;
  const rows = document.querySelector("#dead-letters tbody");
  rows.replaceChildren(...letters.map(l => {
    const tr = document.createElement("tr");
    const reason = text("td", l.reason);
    reason.prepend(text("strong", l.reasonCode || "UNDECODABLE"), document.createElement("br"));
    const source = l.sourceTopic == null ? "" : `${l.sourceTopic} [${l.sourcePartition}] @ ${l.sourceOffset}`;
    tr.append(text("td", l.failedAt), text("td", l.flow), reason, text("td", source));
    return tr;
  }));
  document.getElementById("dead-letters-empty").hidden = letters.length > 0;
}

async function refresh() {
  const error = document.getElementById("error");
  try {
    await Promise.all([drawCounts(), drawAssets(), drawAlerts(), drawDeadLetters()]);
    error.hidden = true;
    document.getElementById("updated").textContent = `updated ${new Date().toISOString()}`;
  } catch (e) {
    error.textContent = `The query API did not answer: ${e.message}`;
    error.hidden = false;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
