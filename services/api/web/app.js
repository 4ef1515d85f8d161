// The SkillGraph page: sends the ad to POST /v1/extract and POST /v1/procedure, then draws the
// ad with the evidence of each skill highlighted, a table of the skills and the procedure graph
// (an SVG in layers, left to right). No inline handlers or styles: the page runs under
// Content-Security-Policy: default-src 'self'.
"use strict";

(() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const TYPES = { "skill/competence": "skill", knowledge: "knowledge" };

  // --- talking to the API ------------------------------------------------------------------

  async function post(path, body, key) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (key) headers["X-API-Key"] = key;
    let response;
    try {
      response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
    } catch (error) {
      return { ok: false, status: 0, detail: `cannot reach the API (${error.message})` };
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      // not JSON: say what HTTP said
    }
    if (response.ok && answer) return { ok: true, status: response.status, body: answer };
    const detail = (answer && (answer.detail || answer.title)) || response.statusText;
    return { ok: false, status: response.status, detail: `${response.status}: ${detail}` };
  }

  function showErrors(messages) {
    $("error").hidden = messages.length === 0;
    $("error-detail").textContent = messages.join(" ");
  }

  // --- small helpers ------------------------------------------------------------------------

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  function svg(tag, attributes = {}, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  const typeName = (skill) => TYPES[skill.skill_type] || "other";
  const probability = (skill) => skill.probability ?? skill.score;
  const percent = (value) => `${(100 * value).toFixed(1)}%`;

  // The evidence of a skill: its span (extraction mode), else its sentence (ranking modes).
  function evidence(skill, text) {
    const start = skill.span_start ?? skill.start;
    const end = skill.span_end ?? skill.end;
    const usable = Number.isInteger(start) && Number.isInteger(end);
    return usable && 0 <= start && start < end && end <= text.length ? { start, end } : null;
  }

  function link(skill) {
    return el("a", { href: skill.uri, target: "_blank", rel: "noopener", title: skill.uri },
      skill.label);
  }

  // --- the ad, highlighted ------------------------------------------------------------------

  // Cut the text at every start and end of an evidence span: each piece is covered by the same
  // skills throughout, so overlapping spans become adjacent marks, each naming all its skills.
  function renderAd(text, skills) {
    const spans = skills.map((skill, index) => ({ index, ...evidence(skill, text) }))
      .filter((span) => span.start !== undefined);
    const cuts = new Set([0, text.length]);
    for (const span of spans) cuts.add(span.start).add(span.end);
    const points = [...cuts].sort((a, b) => a - b);
    const view = $("ad-view");
    view.replaceChildren();
    for (let i = 0; i + 1 < points.length; i++) {
      const [start, end] = [points[i], points[i + 1]];
      const piece = text.slice(start, end);
      const covering = spans.filter((s) => s.start <= start && end <= s.end).map((s) => s.index);
      if (covering.length === 0) {
        view.append(piece);
        continue;
      }
      covering.sort((a, b) => probability(skills[b]) - probability(skills[a]));
      const kinds = new Set(covering.map((index) => typeName(skills[index])));
      const kind = kinds.size > 1 ? "mixed" : [...kinds][0];
      view.append(el("mark", {
        class: `hl type-${kind} depth-${Math.min(covering.length, 3)}`,
        tabindex: "0",
        "data-start": String(start),
        "data-end": String(end),
        "data-skills": covering.join(" "),
        "aria-label": `${piece}: ${covering.map((index) => skills[index].label).join(", ")}`,
      }, piece));
    }
  }

  // --- the tooltip of a mark ----------------------------------------------------------------

  let skillsShown = [];
  let hideTimer = 0;

  function showTooltip(mark) {
    clearTimeout(hideTimer);
    const tip = $("tooltip");
    const indexes = mark.dataset.skills.split(" ").map(Number);
    tip.replaceChildren(el("ul", {}, ...indexes.map((index) => {
      const skill = skillsShown[index];
      return el("li", {}, link(skill),
        el("span", { class: `badge type-${typeName(skill)}` }, skill.skill_type || "other"),
        el("span", { class: "prob" }, percent(probability(skill))),
        el("code", {}, skill.uri));
    })));
    tip.hidden = false;
    mark.setAttribute("aria-describedby", "tooltip");
    const box = mark.getBoundingClientRect();
    const width = tip.offsetWidth;
    const left = Math.min(box.left, document.documentElement.clientWidth - width - 8);
    tip.style.left = `${Math.max(8, left) + window.scrollX}px`;
    tip.style.top = `${box.bottom + window.scrollY + 6}px`;
  }

  function hideTooltip(now = false) {
    clearTimeout(hideTimer);
    const hide = () => {
      $("tooltip").hidden = true;
      document.querySelectorAll("mark[aria-describedby]")
        .forEach((mark) => mark.removeAttribute("aria-describedby"));
    };
    if (now) hide();
    else hideTimer = setTimeout(hide, 300); // time to move the pointer onto the tooltip's links
  }

  function wireTooltip() {
    const view = $("ad-view");
    const markOf = (event) => event.target.closest("mark.hl");
    view.addEventListener("mouseover", (event) => markOf(event) && showTooltip(markOf(event)));
    view.addEventListener("focusin", (event) => markOf(event) && showTooltip(markOf(event)));
    view.addEventListener("mouseout", (event) => markOf(event) && hideTooltip());
    view.addEventListener("focusout", () => hideTooltip());
    const tip = $("tooltip");
    tip.addEventListener("mouseenter", () => clearTimeout(hideTimer));
    tip.addEventListener("mouseleave", () => hideTooltip());
    document.addEventListener("keydown", (event) => event.key === "Escape" && hideTooltip(true));
  }

  // --- the skills table ---------------------------------------------------------------------

  function renderTable(text, skills) {
    const rows = skills.map((skill, index) => {
      const found = evidence(skill, text);
      const quote = found ? text.slice(found.start, found.end) : "";
      const bar = el("span", { class: "bar" });
      bar.style.width = percent(probability(skill)); // CSSOM, which the policy allows
      return el("tr", { "data-skill": String(index) },
        el("td", {}, link(skill)),
        el("td", {}, el("span", { class: `badge type-${typeName(skill)}` },
          skill.skill_type || "other")),
        el("td", { class: "num" }, el("span", { class: "meter" }, bar),
          percent(probability(skill))),
        el("td", { class: "quote" }, quote.length > 90 ? `${quote.slice(0, 88)}…` : quote));
    });
    $("skills-table").querySelector("tbody").replaceChildren(...rows);
    $("skills-table").hidden = skills.length === 0;
    $("no-skills").hidden = skills.length > 0;
  }

  // Pointing at a row lights up that skill's marks in the ad.
  function wireTable() {
    const body = $("skills-table").querySelector("tbody");
    const light = (index) => document.querySelectorAll("mark.hl").forEach((mark) => {
      mark.classList.toggle("linked", index !== null &&
        mark.dataset.skills.split(" ").includes(index));
    });
    body.addEventListener("mouseover", (event) => {
      const row = event.target.closest("tr");
      light(row ? row.dataset.skill : null);
    });
    body.addEventListener("mouseleave", () => light(null));
  }

  // --- the procedure graph ------------------------------------------------------------------

  const BOX = { gapX: 44, gapY: 28, line: 17, pad: 10, charWidth: 7.2 };

  // Boxes share the width there is (within limits); past that the drawing scrolls.
  function boxSize(columns) {
    const room = $("procedure").clientWidth - 4 - (columns - 1) * BOX.gapX;
    const width = Math.round(Math.max(140, Math.min(210, room / columns)));
    return { width, chars: Math.floor((width - 2 * BOX.pad) / BOX.charWidth) };
  }

  function wrap(text, chars, maxLines) {
    const lines = [];
    let line = "";
    for (const word of text.split(/\s+/).filter(Boolean)) {
      if (line && (line + " " + word).length > chars) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
    if (lines.length > maxLines) {
      lines.length = maxLines;
      lines[maxLines - 1] = `${lines[maxLines - 1].slice(0, chars - 1)}…`;
    }
    return lines;
  }

  const clip = (text, chars) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

  // Layers: the longest path to each node over the DAG edges (Kahn's order); a node on no such
  // path (it should not happen) falls back to its rank. Within a layer, nodes keep rank order.
  function layers(nodes, edges) {
    const layer = new Map(nodes.map((node) => [node.id, 0]));
    const incoming = new Map(nodes.map((node) => [node.id, 0]));
    const next = new Map(nodes.map((node) => [node.id, []]));
    for (const edge of edges) {
      if (!edge.in_dag || !next.has(edge.source) || !incoming.has(edge.target)) continue;
      next.get(edge.source).push(edge.target);
      incoming.set(edge.target, incoming.get(edge.target) + 1);
    }
    const ready = nodes.filter((node) => incoming.get(node.id) === 0).map((node) => node.id);
    const placed = new Set();
    while (ready.length) {
      const id = ready.shift();
      placed.add(id);
      for (const target of next.get(id)) {
        layer.set(target, Math.max(layer.get(target), layer.get(id) + 1));
        incoming.set(target, incoming.get(target) - 1);
        if (incoming.get(target) === 0) ready.push(target);
      }
    }
    for (const node of nodes) if (!placed.has(node.id)) layer.set(node.id, node.rank);
    const columns = [];
    for (const node of [...nodes].sort((a, b) => a.rank - b.rank)) {
      const column = layer.get(node.id);
      (columns[column] = columns[column] || []).push(node);
    }
    return columns.filter(Boolean);
  }

  function renderProcedure(graph) {
    const nodes = graph.nodes || [];
    const edges = graph.edges || [];
    const columns = layers(nodes, edges);
    const { width: boxWidth, chars } = boxSize(columns.length);
    // A step's conditions ("if not in stock") are drawn under its text.
    const conditions = (node) => (node.evidence || [])
      .filter((e) => e.rule === "condition").map((e) => `(${e.cue})`);
    const textLines = new Map(nodes.map((node) => [node.id, [
      ...wrap(node.text, chars, 3), ...conditions(node).map((c) => clip(c, chars + 2)),
    ]]));
    const most = Math.max(1, ...[...textLines.values()].map((lines) => lines.length));
    const height = 2 * BOX.pad + (most + 1) * BOX.line + 6;
    const tallest = Math.max(...columns.map((column) => column.length));
    const fullHeight = tallest * height + (tallest - 1) * BOX.gapY;
    const where = new Map();
    columns.forEach((column, c) => {
      const top = (fullHeight - (column.length * height + (column.length - 1) * BOX.gapY)) / 2;
      column.forEach((node, r) => where.set(node.id, {
        x: c * (boxWidth + BOX.gapX), y: top + r * (height + BOX.gapY),
      }));
    });
    const backwards = (edge) => where.get(edge.target)?.x <= where.get(edge.source)?.x;
    const below = edges.some(backwards) ? 36 : 2; // room for loops drawn under the boxes
    const width = columns.length * (boxWidth + BOX.gapX) - BOX.gapX;
    const root = svg("svg", {
      class: "graph", role: "img", "aria-labelledby": "graph-title",
      width: String(width + 4), height: String(fullHeight + below),
      viewBox: `-2 -2 ${width + 4} ${fullHeight + below}`,
    }, svg("title", { id: "graph-title" },
      `Procedure graph: ${nodes.length} steps, ${edges.length} transitions`));
    root.append(svg("defs", {}, svg("marker", {
      id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5",
      markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse",
    }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }))));
    for (const edge of edges) {
      const from = where.get(edge.source);
      const to = where.get(edge.target);
      if (!from || !to) continue;
      let d;
      if (edge.relation === "alternative") { // undirected: a line between the two boxes
        const [a, b] = from.y <= to.y ? [from, to] : [to, from];
        const stacked = a.x === b.x;
        const [top, bottom] = stacked ? [a.y + height, b.y] : [a.y + height / 2, b.y + height / 2];
        d = `M ${a.x + boxWidth / 2} ${top} L ${b.x + boxWidth / 2} ${bottom}`;
        root.append(svg("path", { d, class: "edge edge-alternative" }, svg("title", {},
          `alternatives: one or the other (stated ${edge.support}×)`)));
        continue;
      }
      if (to.x > from.x) {
        const [x1, y1] = [from.x + boxWidth, from.y + height / 2];
        const [x2, y2] = [to.x - 2, to.y + height / 2];
        const bend = (x2 - x1) / 2;
        d = `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
      } else { // backwards or within a layer: a loop under the boxes
        const [x1, y1] = [from.x + boxWidth / 2, from.y + height];
        const [x2, y2] = [to.x + boxWidth / 2 + 12, to.y + height + 2];
        const low = fullHeight + below - 6;
        d = `M ${x1} ${y1} C ${x1} ${low}, ${x2} ${low}, ${x2} ${y2}`;
      }
      root.append(svg("path", {
        d, class: `edge edge-${edge.relation}`, "marker-end": "url(#arrow)",
      }, svg("title", {}, `${edge.relation} (seen ${edge.support}×)`)));
    }
    for (const node of nodes) {
      const { x, y } = where.get(node.id);
      const group = svg("g", { class: `node${node.optional ? " optional" : ""}`,
        transform: `translate(${x} ${y})`, "data-id": node.id });
      const skills = (node.skills || []).map((skill) => skill.label).join(", ");
      const stated = (node.evidence || []).map((e) => `${e.rule}: ${e.cue}`).join("; ");
      group.append(svg("title", {}, `${node.text}${skills ? `\nESCO: ${skills}` : ""}`
        + `${stated ? `\n${stated}` : ""}`));
      group.append(svg("rect", { width: String(boxWidth), height: String(height), rx: "8" }));
      textLines.get(node.id).forEach((line, i) => group.append(svg("text", {
        x: String(BOX.pad), y: String(BOX.pad + (i + 1) * BOX.line - 4), class: "step",
      }, line)));
      const top = (node.skills || [])[0];
      if (top) {
        const y0 = height - BOX.pad - 2;
        group.append(svg("a", { href: top.uri, target: "_blank" }, svg("text", {
          x: String(BOX.pad), y: String(y0), class: "step-skill",
        }, clip(top.label, chars + 3))));
      }
      root.append(group);
    }
    const order = el("ol", { class: "visually-hidden" },
      ...columns.flat().map((node) => el("li", {}, node.text)));
    $("procedure").replaceChildren(root, order);
  }

  // --- the form -----------------------------------------------------------------------------

  async function submit(event) {
    event.preventDefault();
    const text = $("ad-text").value;
    const key = $("api-key").value.trim();
    hideTooltip(true);
    if (!text.trim()) {
      showErrors(["Paste a job ad first."]);
      return;
    }
    document.body.dataset.state = "loading";
    $("submit").disabled = true;
    $("status").textContent = "Reading the ad…";
    showErrors([]);
    const [skills, steps] = await Promise.all([
      post("v1/extract", { text }, key),
      post("v1/procedure", { text }, key),
    ]);
    $("submit").disabled = false;
    const errors = [];
    $("results").hidden = !skills.ok; // shown before drawing: the graph takes the width there is
    if (skills.ok) {
      skillsShown = skills.body.skills;
      renderAd(text, skillsShown);
      renderTable(text, skillsShown);
      $("model-meta").textContent =
        `ESCO ${skills.body.esco_version} · model ${skills.body.model}`;
    } else {
      errors.push(`Skills: ${skills.detail}.`);
    }
    const quiet = !steps.ok && steps.status === 422 && /no (duty )?steps/i.test(steps.detail);
    $("no-steps").hidden = !quiet;
    if (steps.ok) {
      renderProcedure(steps.body.graph);
    } else {
      $("procedure").replaceChildren();
      if (!quiet && !(skills.status === steps.status && errors.length)) {
        errors.push(`Procedure: ${steps.detail}.`);
      }
    }
    showErrors(errors);
    const count = skills.ok ? skills.body.skills.length : 0;
    const found = steps.ok ? steps.body.steps.length : 0;
    $("status").textContent = skills.ok
      ? `${count} skill${count === 1 ? "" : "s"}, ${found} step${found === 1 ? "" : "s"}.` : "";
    document.body.dataset.state = skills.ok ? "done" : "error";
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("ad-form").addEventListener("submit", submit);
    wireTooltip();
    wireTable();
  });
})();
