/* survgraph map page: draws the inlined data with vis-network; legend, filters, find, details.
   Every text from the data is set with textContent (never innerHTML); links are only http(s)
   source URLs or this map's own expand links. */
(function () {
  "use strict";
  var timing = { start: performance.now() };
  var data = JSON.parse(document.getElementById("map-data").textContent);
  timing.parsed = performance.now();
  var meta = data.meta;
  var byId = new Map();
  data.nodes.forEach(function (n) { byId.set(n.id, n); });
  // Ties arrive as compact rows (see payload.py); tie(i) spells one out.
  function tie(i) {
    var r = data.edges[i];
    return { from: data.nodes[r[0]].id, to: data.nodes[r[1]].id, type: data.types[r[2]],
             status: r[3] ? "inferred" : "reported", width: r[4],
             sources: r[5] >= 0 ? data.sourceSets[r[5]] : [], props: r[6] || null };
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function slug(id) { return id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""); }
  function egoHref(id) {
    return meta.egoLink.replace("{id}", encodeURIComponent(id)).replace("{slug}", slug(id));
  }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null; }
  function money(v) {
    return "$" + Number(v).toLocaleString("en-US", { maximumFractionDigits: 0 });
  }
  function shade(hex, f) {
    var n = parseInt(hex.slice(1), 16), r = (n >> 16) & 255, g = (n >> 8) & 255, b = n & 255;
    function c(v) { return Math.max(0, Math.min(255, Math.round(v * f))); }
    return "rgb(" + c(r) + "," + c(g) + "," + c(b) + ")";
  }

  function light(hex) {  // relative luminance, to pick a readable label colour on a fill
    var n = parseInt(hex.slice(1), 16);
    return (0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255)) / 255 > 0.6;
  }

  // -- header ------------------------------------------------------------------------------
  document.getElementById("title").textContent = meta.title;
  document.getElementById("subtitle").textContent = meta.subtitle;
  document.getElementById("counts").textContent =
    data.nodes.length + " nodes · " + data.edges.length + " ties";
  document.getElementById("notes").textContent = meta.notes.join(" ");
  document.getElementById("size-hint").textContent =
    "Node size: money obligated (USD) for contracts and the companies and agencies holding them, " +
    "otherwise the number of ties. Tie width: money on the tie.";

  // -- vis data ----------------------------------------------------------------------------
  var focus = new Set(meta.focus);
  var labelInside = { box: 1, ellipse: 1, circle: 1, database: 1, text: 1 };
  var small = data.edges.length <= 60;
  // Colour and shape come from one vis group per kind, so each node carries only its own facts.
  var groups = {};
  Object.keys(meta.kinds).forEach(function (kind) {
    var k = meta.kinds[kind], inside = labelInside[k.shape];
    groups[kind] = {
      shape: k.shape,
      color: { background: k.color, border: shade(k.color, 0.7),
               highlight: { background: k.color, border: "#111" },
               hover: { background: k.color, border: "#111" } },
      font: { color: !inside ? "#1f2328" : k.shape === "text" ? shade(k.color, 0.6)
                                 : light(k.color) ? "#1f2328" : "#fff" }
    };
  });
  var visNodes = data.nodes.map(function (n) {
    var k = meta.kinds[n.kind];
    var item = { id: n.id, label: n.label, x: n.x, y: n.y, group: n.kind, size: n.size };
    if (!meta.big) {
      item.title = n.name + "\n" + n.kind + (n.money ? " · " + money(n.money) : "") +
        "\n" + n.degree + " ties";
    }
    if (labelInside[k.shape] && k.shape !== "text") item.font = { size: Math.round(11 + n.size / 5) };
    if (focus.has(n.id)) { item.borderWidth = 4; item.font = { size: 16, bold: true }; }
    return item;
  });
  var foldedType = data.types.indexOf(meta.folded);
  // Past meta.tieLimit ties, vis-network's per-tie objects cost seconds to build; the ties are
  // then drawn straight onto its canvas in one pass (see drawTies) and hit-tested on click.
  var canvasTies = data.edges.length > meta.tieLimit;
  var visEdges = canvasTies ? [] : data.edges.map(function (r, i) {
    var item = { id: i, from: data.nodes[r[0]].id, to: data.nodes[r[1]].id };
    if (r[4] !== 1) item.width = r[4];
    if (r[3]) item.dashes = true;
    if (r[2] === foldedType) item.color = { color: "#59a14f", highlight: "#0969da", hover: "#0969da" };
    if (!meta.big) {
      item.title = data.types[r[2]] + " (" + (r[3] ? "inferred" : "reported") + ")" +
        (r[6] && r[6].amount ? "\n" + money(r[6].amount) : "");
    }
    if (small) item.label = data.types[r[2]];
    return item;
  });
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: meta.physics ? {
      enabled: true, solver: "barnesHut",
      barnesHut: { gravitationalConstant: -5000, springLength: 130, springConstant: 0.03,
                   avoidOverlap: 0.3 },
      stabilization: { enabled: true, iterations: 120, fit: true }
    } : { enabled: false },
    interaction: { hover: !meta.big, dragNodes: !canvasTies, tooltipDelay: 150, hideEdgesOnDrag: meta.big,
                   hideEdgesOnZoom: meta.big, multiselect: false },
    groups: groups,
    nodes: { borderWidth: 1, font: { size: 14 }, scaling: { label: { drawThreshold: 6 } } },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      smooth: meta.big ? false : { enabled: true, type: "continuous", roundness: 0.3 },
      font: { size: 10, color: "#57606a", strokeWidth: 3, align: "middle" },
      selectionWidth: 2,
      color: { color: "#8c959f", highlight: "#0969da", hover: "#0969da",
               opacity: meta.big ? 0.45 : 0.9 }
    }
  };
  timing.datasets = performance.now();
  var container = document.getElementById("map");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  timing.network = performance.now();
  window.survgraphMap = { network: network, nodes: nodes, edges: edges, data: data, drawn: false,
                          timing: timing, canvasTies: canvasTies };
  network.once("afterDrawing", function () {
    timing.drawn = performance.now();
    window.survgraphMap.drawn = true;
    document.body.setAttribute("data-drawn", "1");
  });
  function settled() { window.survgraphMap.settled = true; document.body.setAttribute("data-settled", "1"); }
  function fitAll() {
    network.fit({ maxZoomLevel: 1.2 });
    // vis-network measures labels when it first draws them, so the first fit sees shapes
    // only and a long label at the edge is cut off: fit again once every box has its label.
    network.once("afterDrawing", function () {
      network.fit({ maxZoomLevel: 1.2 });
      settled();
    });
    network.redraw();
  }
  if (meta.physics) {
    // The precomputed layout seeds a short settle; then the picture holds still.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitAll();
    });
  } else {
    fitAll();
  }

  // -- saving the picture and the data ---------------------------------------------------------
  // Both are made in the page (no server, no network): a PNG of the canvas as drawn on white,
  // and the map as JSON with each node's current position, so a layout can be kept or reused.
  function fileStem() { return "survgraph-" + (slug(meta.title || "map") || "map"); }
  function download(name, blob) {
    var url = URL.createObjectURL(blob);
    var link = el("a", { href: url, download: name });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  function mapDocument() {
    var at = network.getPositions();
    return {
      title: meta.title, subtitle: meta.subtitle, mode: meta.mode, focus: meta.focus,
      nodes: data.nodes.map(function (n) {
        var p = at[n.id] || { x: n.x, y: n.y };
        return { id: n.id, kind: n.kind, name: n.name, x: Math.round(p.x), y: Math.round(p.y),
                 hidden: hiddenKinds.has(n.kind) };
      }),
      ties: data.edges.map(function (r, i) {
        var t = tie(i);
        return { from: t.from, to: t.to, type: t.type, status: t.status, sources: t.sources,
                 properties: t.props || {} };
      }),
      sources: data.sources
    };
  }
  document.getElementById("save-png").addEventListener("click", function () {
    var drawn = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = drawn.width;
    out.height = drawn.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(drawn, 0, 0);
    out.toBlob(function (blob) { download(fileStem() + ".png", blob); }, "image/png");
  });
  document.getElementById("save-json").addEventListener("click", function () {
    var text = JSON.stringify(mapDocument(), null, 1);
    download(fileStem() + ".json", new Blob([text], { type: "application/json" }));
  });

  // -- legend and filters --------------------------------------------------------------------
  var hiddenKinds = new Set(), hiddenTypes = new Set();
  function swatch(shape, color) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "18"); svg.setAttribute("height", "18");
    svg.setAttribute("viewBox", "0 0 18 18");
    var s;
    function poly(points) { s = document.createElementNS(ns, "polygon"); s.setAttribute("points", points); }
    if (shape === "square") { s = document.createElementNS(ns, "rect"); s.setAttribute("x", 3); s.setAttribute("y", 3); s.setAttribute("width", 12); s.setAttribute("height", 12); }
    else if (shape === "box") { s = document.createElementNS(ns, "rect"); s.setAttribute("x", 1); s.setAttribute("y", 4); s.setAttribute("width", 16); s.setAttribute("height", 10); s.setAttribute("rx", 2); }
    else if (shape === "diamond") poly("9,1 17,9 9,17 1,9");
    else if (shape === "triangle") poly("9,2 17,16 1,16");
    else if (shape === "hexagon") poly("5,2 13,2 17,9 13,16 5,16 1,9");
    else if (shape === "star") poly("9,1 11.4,6.6 17,7 12.6,10.8 14,17 9,13.6 4,17 5.4,10.8 1,7 6.6,6.6");
    else if (shape === "ellipse") { s = document.createElementNS(ns, "ellipse"); s.setAttribute("cx", 9); s.setAttribute("cy", 9); s.setAttribute("rx", 8); s.setAttribute("ry", 5); }
    else if (shape === "text") { s = document.createElementNS(ns, "text"); s.setAttribute("x", 1); s.setAttribute("y", 14); s.setAttribute("font-size", "13"); s.setAttribute("font-weight", "bold"); s.textContent = "Aa"; }
    else { s = document.createElementNS(ns, "circle"); s.setAttribute("cx", 9); s.setAttribute("cy", 9); s.setAttribute("r", 7); }
    s.setAttribute("fill", color);
    svg.appendChild(s);
    return svg;
  }
  function applyFilters() {
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: hiddenKinds.has(n.kind) }; }));
    if (canvasTies) { network.redraw(); return; }
    edges.update(data.edges.map(function (r, i) { return { id: i, hidden: hiddenTypes.has(data.types[r[2]]) }; }));
  }
  function legendRow(list, key, count, render, hidden, title) {
    var li = el("li"), label = el("label", title ? { title: title } : null);
    var box = el("input", { type: "checkbox", "data-filter": key });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) hidden.delete(key); else hidden.add(key);
      applyFilters();
    });
    label.appendChild(box);
    render(label);
    label.appendChild(el("span", { "class": "count" }, count));
    li.appendChild(label);
    list.appendChild(li);
  }
  var kindList = document.getElementById("legend-kinds");
  Object.keys(meta.kinds).forEach(function (kind) {
    var k = meta.kinds[kind];
    legendRow(kindList, kind, k.count, function (label) {
      label.appendChild(swatch(k.shape, k.color));
      label.appendChild(el("span", null, kind));
    }, hiddenKinds, k.description);
  });
  var tieList = document.getElementById("legend-ties");
  Object.keys(meta.relationships).forEach(function (type) {
    var r = meta.relationships[type];
    legendRow(tieList, type, r.count, function (label) {
      label.appendChild(el("span", { "class": "type" }, type));
    }, hiddenTypes, r.description);
  });

  // -- details panel -----------------------------------------------------------------------
  var details = document.getElementById("details");
  function table(rows) {
    var t = el("table");
    rows.forEach(function (row) {
      var v = row[1];
      if (v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length)) return;
      var tr = el("tr");
      tr.appendChild(el("th", null, row[0]));
      var td = el("td");
      if (row[2] === "money") td.textContent = money(v);
      else if (Array.isArray(v)) td.textContent = v.join(", ");
      else if (typeof v === "string" && safeUrl(v)) td.appendChild(el("a", { href: v, target: "_blank", rel: "noopener noreferrer" }, v));
      else td.textContent = String(v);
      tr.appendChild(td);
      t.appendChild(tr);
    });
    return t;
  }
  function propRows(props) {
    return Object.keys(props || {}).map(function (k) {
      return [k, props[k], /obligated|potential|amount/.test(k) ? "money" : null];
    });
  }
  function expandLink(id) {
    var wrap = el("div", { "class": "expand" });
    wrap.appendChild(el("a", { href: egoHref(id), "data-expand": id }, "Open the map around it →"));
    if (meta.egoLink.indexOf("{slug}") >= 0) {
      wrap.appendChild(el("div", { "class": "hint" }, "Write it with:"));
      wrap.appendChild(el("code", null, "survgraph map ego " + id + " -o " + slug(id) + ".html"));
    }
    return wrap;
  }
  function sourcesBlock(ids) {
    var frag = document.createDocumentFragment();
    frag.appendChild(el("h2", null, "Sources (" + (ids ? ids.length : 0) + ")"));
    if (!ids || !ids.length) { frag.appendChild(el("p", { "class": "hint" }, "No source cited.")); return frag; }
    var list = el("ol", { id: "source-list" });
    ids.forEach(function (sid) {
      var s = data.sources[sid], li = el("li", { "class": "source", "data-source": sid });
      var name = s ? (s.title || s.name) : sid, url = s && safeUrl(s.url);
      li.appendChild(el("a", { href: url || egoHref(sid), target: url ? "_blank" : "_self", rel: "noopener noreferrer" }, name));
      if (s) {
        var line = [s.publisher, s.published, s.source_kind].filter(Boolean).join(" · ");
        if (line) li.appendChild(el("div", { "class": "hint" }, line));
        if (s.excerpt) li.appendChild(el("blockquote", null, s.excerpt));
        var archive = safeUrl(s.archive_url);
        if (archive) li.appendChild(el("a", { href: archive, target: "_blank", rel: "noopener noreferrer" }, "archived copy"));
      }
      li.appendChild(el("div", { "class": "hint" }, sid));
      list.appendChild(li);
    });
    frag.appendChild(list);
    return frag;
  }
  // Where sources disagree (provenance.py): each value, who said it, which one the graph shows.
  function conflictsBlock(conflicts) {
    var frag = document.createDocumentFragment();
    frag.appendChild(el("h2", null, "Sources disagree"));
    var list = el("dl", { id: "conflict-list" });
    Object.keys(conflicts).sort().forEach(function (prop) {
      list.appendChild(el("dt", null, prop));
      conflicts[prop].forEach(function (row) {
        var s = data.sources[row.source], name = s ? (s.title || s.name) : (row.source || "no source");
        var dd = el("dd", { "class": row.shown ? "shown" : "alternative", "data-prop": prop });
        var text = (typeof row.value === "number" ? money(row.value) : String(row.value));
        dd.appendChild(el("strong", null, text + (row.shown ? " (shown)" : "")));
        dd.appendChild(el("span", { "class": "hint" }, " — " + name + (row.record ? ", " + row.record : "")));
        list.appendChild(dd);
      });
    });
    frag.appendChild(list);
    return frag;
  }
  // A fold node (hubs.py) lists what it holds; each member opens its own map.
  function membersBlock(members, chosen) {
    var frag = document.createDocumentFragment();
    frag.appendChild(el("h2", null, "Folded here (" + members.length + ")"));
    var list = el("ol", { id: "member-list" });
    members.forEach(function (m) {
      var li = el("li", { "data-member": m[0] });
      if (m[0] === chosen) li.className = "chosen";
      li.appendChild(el("a", { href: egoHref(m[0]) }, m[1]));
      li.appendChild(el("span", { "class": "hint" }, " " + m[0]));
      list.appendChild(li);
    });
    frag.appendChild(list);
    return frag;
  }
  function showNode(id, member) {
    var n = byId.get(id);
    if (!n) return;
    var k = meta.kinds[n.kind];
    details.replaceChildren();
    var badge = el("span", { "class": "kind" }, n.kind);
    badge.style.background = k.color;
    details.appendChild(badge);
    details.appendChild(el("h3", { id: "details-name" }, n.name));
    details.appendChild(table([["id", n.id], ["aliases", n.aliases], ["money", n.money, "money"],
                               ["ties here", n.degree]].concat(propRows(n.props))));
    if (n.facts) { details.appendChild(el("h2", null, "Reach")); details.appendChild(table(propRows(n.facts))); }
    if (n.conflicts) details.appendChild(conflictsBlock(n.conflicts));
    if (n.members) details.appendChild(membersBlock(n.members, member));
    else details.appendChild(expandLink(n.id));
    details.appendChild(sourcesBlock(n.sources));
  }
  function showEdge(index) {
    if (!data.edges[index]) return;
    var e = tie(index);
    var a = byId.get(e.from), b = byId.get(e.to);
    details.replaceChildren();
    details.appendChild(el("span", { "class": "kind", style: "background:#57606a" }, e.status));
    details.appendChild(el("h3", { id: "details-name" }, e.type));
    var ends = el("p");
    ends.appendChild(el("a", { href: egoHref(e.from) }, a ? a.name : e.from));
    ends.appendChild(document.createTextNode(" → "));
    ends.appendChild(el("a", { href: egoHref(e.to) }, b ? b.name : e.to));
    details.appendChild(ends);
    var desc = meta.relationships[e.type] && meta.relationships[e.type].description;
    if (desc) details.appendChild(el("p", { "class": "hint" }, desc));
    details.appendChild(table([["status", e.status]].concat(propRows(e.props))));
    details.appendChild(sourcesBlock(e.sources));
  }
  network.on("click", function (params) {
    selectedTie = -1;
    selectedNode = params.nodes.length ? nodeIndex.get(params.nodes[0]) : -1;
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
    else if (canvasTies) {
      selectedTie = nearestTie(params.pointer.canvas);
      if (selectedTie >= 0) showEdge(selectedTie);
    }
    if (canvasTies) network.redraw();
  });

  // -- ties drawn on the canvas (big maps) ----------------------------------------------------
  var nodeIndex = new Map(), selectedNode = -1, selectedTie = -1;
  data.nodes.forEach(function (n, i) { nodeIndex.set(n.id, i); });
  function tieShown(r) {
    return !hiddenTypes.has(data.types[r[2]]) && !hiddenKinds.has(data.nodes[r[0]].kind) &&
      !hiddenKinds.has(data.nodes[r[1]].kind);
  }
  function drawTies(ctx) {
    var scale = network.getScale(), ns = data.nodes;
    function stroke(filter, color, width, dash) {
      ctx.beginPath();
      for (var i = 0; i < data.edges.length; i++) {
        var r = data.edges[i];
        if (!filter(r, i) || !tieShown(r)) continue;
        ctx.moveTo(ns[r[0]].x, ns[r[0]].y);
        ctx.lineTo(ns[r[1]].x, ns[r[1]].y);
      }
      ctx.strokeStyle = color; ctx.lineWidth = width / scale;
      ctx.setLineDash(dash ? [6 / scale, 4 / scale] : []);
      ctx.stroke();
    }
    ctx.save();
    stroke(function (r) { return !r[3] && r[4] === 1; }, "rgba(140,149,159,0.35)", 1, false);
    stroke(function (r) { return r[3] && r[4] === 1; }, "rgba(140,149,159,0.35)", 1, true);
    ctx.strokeStyle = "rgba(89,161,79,0.6)";
    for (var i = 0; i < data.edges.length; i++) {  // money-weighted ties, each its own width
      var r = data.edges[i];
      if (r[4] === 1 || !tieShown(r)) continue;
      ctx.beginPath();
      ctx.moveTo(ns[r[0]].x, ns[r[0]].y);
      ctx.lineTo(ns[r[1]].x, ns[r[1]].y);
      ctx.lineWidth = r[4] / scale;
      ctx.setLineDash(r[3] ? [6 / scale, 4 / scale] : []);
      ctx.stroke();
    }
    if (selectedNode >= 0) {
      stroke(function (r) { return r[0] === selectedNode || r[1] === selectedNode; }, "#0969da", 2, false);
    }
    if (selectedTie >= 0) stroke(function (_, j) { return j === selectedTie; }, "#0969da", 3, false);
    ctx.restore();
  }
  function nearestTie(point) {
    var best = -1, bestDistance = 6 / network.getScale(), ns = data.nodes;
    for (var i = 0; i < data.edges.length; i++) {
      var r = data.edges[i];
      if (!tieShown(r)) continue;
      var ax = ns[r[0]].x, ay = ns[r[0]].y, bx = ns[r[1]].x, by = ns[r[1]].y;
      var dx = bx - ax, dy = by - ay, length = dx * dx + dy * dy;
      var t = length ? Math.max(0, Math.min(1, ((point.x - ax) * dx + (point.y - ay) * dy) / length)) : 0;
      var distance = Math.hypot(point.x - ax - t * dx, point.y - ay - t * dy);
      if (distance < bestDistance) { best = i; bestDistance = distance; }
    }
    return best;
  }
  if (canvasTies) network.on("beforeDrawing", drawTies);
  network.on("doubleClick", function (params) {
    if (params.nodes.length && meta.egoLink.indexOf("{id}") >= 0) window.location.href = egoHref(params.nodes[0]);
  });

  // -- find ----------------------------------------------------------------------------------
  var find = document.getElementById("find"), results = document.getElementById("find-results");
  // Folded nodes are found too: a hit on a member leads to the fold node holding it.
  var haystack = [];
  data.nodes.forEach(function (n) {
    haystack.push({ id: n.id, text: [n.name].concat(n.aliases || []).join("\u0000").toLowerCase() });
  });
  data.nodes.forEach(function (n) {
    (n.members || []).forEach(function (m) {
      haystack.push({ id: n.id, member: m[0], name: m[1], text: m[1].toLowerCase() });
    });
  });
  function choose(id, member) {
    results.hidden = true;
    var n = byId.get(id);
    if (!n) return;
    if (hiddenKinds.has(n.kind)) { hiddenKinds.delete(n.kind); document.querySelector('[data-filter="' + CSS.escape(n.kind) + '"]').checked = true; applyFilters(); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
    showNode(id, member);
    var chosen = member && document.querySelector("#member-list li.chosen");
    if (chosen) chosen.scrollIntoView({ block: "nearest" });
  }
  find.addEventListener("input", function () {
    var q = find.value.trim().toLowerCase();
    results.replaceChildren();
    if (!q) { results.hidden = true; return; }
    var hits = [];
    for (var i = 0; i < haystack.length && hits.length < 15; i++) {
      if (haystack[i].text.indexOf(q) >= 0) hits.push(haystack[i]);
    }
    hits.forEach(function (hit, i) {
      var n = byId.get(hit.id), li = el("li", { "data-id": hit.id });
      if (hit.member) li.setAttribute("data-member", hit.member);
      if (i === 0) li.className = "active";
      li.appendChild(swatch(meta.kinds[n.kind].shape, meta.kinds[n.kind].color));
      li.appendChild(el("span", null, hit.member ? hit.name : n.name));
      if (hit.member) li.appendChild(el("span", { "class": "hint" }, " in " + n.name));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(hit.id, hit.member); });
      results.appendChild(li);
    });
    if (!hits.length) results.appendChild(el("li", { "class": "hint" }, "No node matches."));
    results.hidden = false;
  });
  find.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = results.querySelector("li[data-id]");
      if (first) choose(first.getAttribute("data-id"), first.getAttribute("data-member"));
    }
    if (ev.key === "Escape") results.hidden = true;
  });
  find.addEventListener("blur", function () { results.hidden = true; });
})();
