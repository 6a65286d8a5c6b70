/* cnai-kg graph view: legend, details, tooltips and search around vis-network.
 *
 * Every string from the data (labels, quotes, notes) reaches the page through
 * textContent only; nothing is ever parsed as HTML. The data arrives as JSON in
 * the element #cnai-data (a script block of type application/json).
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("cnai-data").textContent);
  var ui = data.ui;
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("graph");
  var details = document.getElementById("details");
  var tip = document.getElementById("tip");
  var status = document.getElementById("status");
  var input = document.getElementById("search");
  var results = document.getElementById("results");
  var state = {
    ready: false, readyAt: null, physicsStopped: false, focused: null, centred: null,
    shown: null, hiddenKinds: {}
  };

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  // ------------------------------------------------------------ DOM helpers

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function shorten(text, n) {
    text = String(text);
    return text.length > n ? text.slice(0, n - 1) + "\u2026" : text;
  }

  // ------------------------------------------------------------ header, legend

  document.getElementById("stats").textContent =
    data.nodes.length + " " + ui.nodes + " \u00b7 " + data.edges.length + " " + ui.edges;
  input.setAttribute("placeholder", ui.search);

  function swatch(shape, color) {
    var s = el("span", "swatch " + shape);
    s.style.background = color;
    return s;
  }

  function buildLegend() {
    var box = document.getElementById("legend");
    clear(box);
    box.appendChild(el("h2", null, ui.legend));
    var legend = data.legend;
    if (legend.groups.length) {
      box.appendChild(el("div", "sub", ui.color));
      var gl = el("ul");
      legend.groups.forEach(function (g) {
        var li = el("li");
        li.appendChild(swatch("dot", g.color));
        li.appendChild(el("span", null, g.label));
        li.appendChild(el("span", "count", "(" + g.count + ")"));
        gl.appendChild(li);
      });
      box.appendChild(gl);
      box.appendChild(el("div", "sub", ui.shape));
    }
    var kl = el("ul");
    legend.kinds.forEach(function (k) {
      var li = el("li", "kind");
      li.setAttribute("data-kind", k.key);
      li.appendChild(swatch(k.shape, k.color));
      li.appendChild(el("span", "link", k.label));
      li.appendChild(el("span", "count", "(" + k.count + ")"));
      li.addEventListener("click", function () { toggleKind(k.key, li); });
      kl.appendChild(li);
    });
    box.appendChild(kl);
    if (legend.proposed) {
      var ql = el("ul", "single");
      var qi = el("li");
      qi.appendChild(swatch("line dashed", "#848484"));
      qi.appendChild(el("span", null, ui.proposed));
      ql.appendChild(qi);
      box.appendChild(ql);
    }
    if (legend.path) {
      var pl = el("ul", "single");
      var li = el("li");
      li.appendChild(swatch("line", "#d62728"));
      var pathLink = el("span", data.hops ? "link" : null, ui.path);
      if (data.hops) pathLink.addEventListener("click", showPath);
      li.appendChild(pathLink);
      pl.appendChild(li);
      box.appendChild(pl);
    }
    fitColumns(box);
  }

  // A legend list takes two columns where every label fits on one line, else one.
  function lines(span) {
    var range = document.createRange();
    range.selectNodeContents(span);
    var tops = {};
    Array.prototype.forEach.call(range.getClientRects(), function (r) { tops[Math.round(r.top)] = 1; });
    return Object.keys(tops).length;
  }

  function fitColumns(box) {
    box.querySelectorAll("ul.split").forEach(function (ul) { ul.classList.remove("single", "split"); });
    box.querySelectorAll("ul:not(.single)").forEach(function (ul) {
      var spans = ul.querySelectorAll("li span:not(.count)");
      if (Array.prototype.some.call(spans, function (s) { return lines(s) > 1; })) {
        ul.classList.add("single", "split");
      }
    });
  }

  window.addEventListener("resize", function () { fitColumns(document.getElementById("legend")); });

  function toggleKind(key, li) {
    var hide = !state.hiddenKinds[key];
    state.hiddenKinds[key] = hide;
    if (li) li.style.opacity = hide ? "0.4" : "1";
    var changes = [];
    nodes.forEach(function (n) { if (n.kind === key) changes.push({ id: n.id, hidden: hide }); });
    nodes.update(changes);
  }

  // ------------------------------------------------------------ details panel

  function factBlock(fact) {
    var box = el("div", "fact" + (fact.definitional ? " definitional" : ""));
    if (fact.definitional) box.appendChild(el("div", "doc", ui.definitional));
    fact.quotes.forEach(function (q) { box.appendChild(el("p", "quote", q)); });
    if (fact.documents.length) {
      box.appendChild(el("div", "doc", ui.source + ": " + fact.documents.join(" \u2190 ")));
    }
    if (fact.why) box.appendChild(el("div", "doc", fact.why));
    fact.caveats.forEach(function (c) { box.appendChild(el("div", "caveat", ui.caveat + ": " + c)); });
    return box;
  }

  function dl(rows) {
    var list = el("dl");
    rows.forEach(function (r) {
      if (r[1] === undefined || r[1] === null || r[1] === "") return;
      list.appendChild(el("dt", null, r[0]));
      list.appendChild(el("dd", null, r[1]));
    });
    return list;
  }

  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });

  // An edge with its references resolved: relation label, end labels, fact.
  function edgeInfo(eid) {
    var e = edgeById[eid];
    if (!e) return null;
    return {
      relation: data.relations[e.relation], relationCurie: e.relation,
      from: data.nodeInfo[e.from].label, to: data.nodeInfo[e.to].label,
      fromId: e.from, toId: e.to, role: e.role || "",
      fact: e.fact ? data.facts[e.fact] : null
    };
  }

  // The address of a node's page when the view is served by the explorer, else null.
  function pageOf(id) {
    var pages = data.meta && data.meta.pages;
    return pages && Object.prototype.hasOwnProperty.call(pages, id) ? pages[id] : null;
  }

  function nodeLink(id, text) {
    var a = el("a", null, text);
    a.setAttribute("data-node", id);
    a.addEventListener("click", function () { focusNode(id); });
    return a;
  }

  function showNode(id) {
    var info = data.nodeInfo[id];
    if (!info) return;
    state.shown = { node: id };
    clear(details);
    details.appendChild(el("h2", null, ui.details));
    details.appendChild(el("h3", "title", info.label));
    details.appendChild(el("div", "sub", info.kind + " \u00b7 " + id));
    var page = pageOf(id);
    if (page) {  // served by the explorer: the entity's own page, in the top window
      var open = el("a", "page", data.meta.openPage);
      open.href = page;
      open.target = "_top";
      open.setAttribute("data-page", id);
      details.appendChild(open);
    }
    var rows = [];
    Object.keys(info.labels).forEach(function (code) {
      rows.push([ui.labels + (code ? " @" + code : ""), info.labels[code].join(" / ")]);
    });
    Object.keys(info.aliases).forEach(function (code) {
      rows.push([ui.aliases + (code ? " @" + code : ""), info.aliases[code].join(" / ")]);
    });
    if (info.group) rows.push([ui.color, info.group]);
    info.attrs.forEach(function (a) { rows.push([a[0], a[1]]); });
    rows.push([info.measure[0], String(info.measure[1])]);
    rows.push([ui.file, info.file]);
    details.appendChild(dl(rows));
    var seen = {};
    var fact = info.fact ? data.facts[info.fact] : null;
    if (fact) {
      details.appendChild(factBlock(fact));
      fact.quotes.forEach(function (q) { seen[q] = true; });
    }
    var connected = network.getConnectedEdges(id);
    if (connected.length) {
      details.appendChild(el("h2", null, ui.relations + " (" + connected.length + ")"));
      var rels = connected.map(edgeInfo).filter(Boolean);
      rels.sort(function (a, b) {  // outgoing first, then by relation and by the other end
        var ka = [a.fromId === id ? 0 : 1, a.role || a.relation, a.fromId === id ? a.to : a.from];
        var kb = [b.fromId === id ? 0 : 1, b.role || b.relation, b.fromId === id ? b.to : b.from];
        return ka[0] - kb[0] || ka[1].localeCompare(kb[1]) || ka[2].localeCompare(kb[2]);
      });
      rels.forEach(function (e) {
        var line = el("div", "rel");
        var outgoing = e.fromId === id;
        line.appendChild(document.createTextNode(outgoing ? "\u2192 " : "\u2190 "));
        line.appendChild(document.createTextNode((e.role || e.relation) + " "));
        line.appendChild(nodeLink(outgoing ? e.toId : e.fromId, outgoing ? e.to : e.from));
        details.appendChild(line);
        if (!e.fact) return;
        var fresh = e.fact.quotes.filter(function (q) { return !seen[q]; });
        if (fresh.length || (e.fact.definitional && !e.fact.quotes.length)) {
          details.appendChild(factBlock(e.fact));
          e.fact.quotes.forEach(function (q) { seen[q] = true; });
        }
      });
    }
  }

  function showEdge(eid) {
    var e = edgeInfo(eid);
    if (!e) return;
    state.shown = { edge: eid };
    clear(details);
    details.appendChild(el("h2", null, ui.details));
    var head = el("h3", "title");
    head.appendChild(nodeLink(e.fromId, e.from));
    head.appendChild(document.createTextNode(" \u2014" + e.relation + "\u2192 "));
    head.appendChild(nodeLink(e.toId, e.to));
    details.appendChild(head);
    details.appendChild(el("div", "sub", e.relationCurie));
    if (e.role) details.appendChild(dl([[ui.role, e.role]]));
    if (e.fact) details.appendChild(factBlock(e.fact));
  }

  function showPath() {
    state.shown = { path: true };
    clear(details);
    details.appendChild(el("h2", null, ui.path + " (" + data.hops.length + ")"));
    data.hops.forEach(function (h) {
      var line = el("div", "rel");
      line.appendChild(nodeLink(h.from, h.fromLabel));
      line.appendChild(document.createTextNode(
        h.symmetric ? " \u2014" + h.relation + "\u2014 " :
        h.forward ? " \u2014" + h.relation + "\u2192 " : " \u2190" + h.relation + "\u2014 "));
      line.appendChild(nodeLink(h.to, h.toLabel));
      details.appendChild(line);
      if (h.quotes.length || h.definitional) details.appendChild(factBlock(h));
    });
  }

  function showHint() {
    clear(details);
    details.appendChild(el("h2", null, ui.details));
    details.appendChild(el("p", "hint", ui.hint));
  }

  // ------------------------------------------------------------ tooltips

  function placeTip(pointer) {
    tip.hidden = false;
    var x = pointer.x + 14, y = pointer.y + 14;
    var maxX = container.clientWidth - tip.offsetWidth - 4;
    var maxY = container.clientHeight - tip.offsetHeight - 4;
    tip.style.left = Math.max(0, Math.min(x, maxX)) + "px";
    tip.style.top = Math.max(0, Math.min(y, maxY)) + "px";
  }

  function tipFor(lines, pointer) {
    clear(tip);
    lines.forEach(function (l) { tip.appendChild(el("div", l[0], l[1])); });
    placeTip(pointer);
  }

  network.on("hoverNode", function (p) {
    var info = data.nodeInfo[p.node];
    if (!info) return;
    var lines = [["", info.label], ["k", info.kind]];
    var fact = info.fact ? data.facts[info.fact] : null;
    if (fact && fact.quotes.length) lines.push(["quote", shorten(fact.quotes[0], 160)]);
    tipFor(lines, p.pointer.DOM);
  });
  network.on("hoverEdge", function (p) {
    var e = edgeInfo(p.edge);
    if (!e) return;
    var lines = [["", e.from + " \u2014" + (e.role || e.relation) + "\u2192 " + e.to]];
    if (e.fact && e.fact.quotes.length) lines.push(["quote", shorten(e.fact.quotes[0], 160)]);
    tipFor(lines, p.pointer.DOM);
  });
  ["blurNode", "blurEdge", "dragStart", "zoom"].forEach(function (ev) {
    network.on(ev, function () { tip.hidden = true; });
  });

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });
  network.on("doubleClick", function (p) {
    var page = p.nodes.length ? pageOf(p.nodes[0]) : null;
    if (page) window.top.location.assign(page);
  });

  // ------------------------------------------------------------ search

  function norm(s) { return String(s).normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }

  var index = [];
  Object.keys(data.nodeInfo).forEach(function (id) {
    var info = data.nodeInfo[id];
    var names = [info.label, id, id.split(":").pop()];
    [info.labels, info.aliases].forEach(function (group) {
      Object.keys(group).forEach(function (code) { names = names.concat(group[code]); });
    });
    var seen = {};
    names.forEach(function (name) {
      var key = norm(name);
      if (key && !seen[key]) { seen[key] = true; index.push({ id: id, key: key, text: name }); }
    });
  });

  function find(query, limit) {
    var q = norm(query);
    if (!q) return [];
    var best = {};
    index.forEach(function (entry) {
      var rank = entry.key === q ? 0 : entry.key.indexOf(q) === 0 ? 1 :
        entry.key.indexOf(q) > 0 ? 2 : -1;
      if (rank < 0) return;
      var prev = best[entry.id];
      if (!prev || rank < prev.rank) best[entry.id] = { id: entry.id, rank: rank, text: entry.text };
    });
    var found = Object.keys(best).map(function (k) { return best[k]; });
    found.sort(function (a, b) {
      return a.rank - b.rank || data.nodeInfo[a.id].label.localeCompare(data.nodeInfo[b.id].label);
    });
    return found.slice(0, limit || 12);
  }

  var active = -1, current = [];

  function renderResults() {
    clear(results);
    if (!input.value.trim()) { results.hidden = true; return; }
    if (!current.length) {
      results.appendChild(el("li", "none", ui.nomatch));
    }
    current.forEach(function (r, i) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-node", r.id);
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      var label = data.nodeInfo[r.id].label;
      li.appendChild(el("span", null, label));
      if (norm(r.text) !== norm(label)) li.appendChild(el("span", "alt", r.text));
      li.appendChild(el("span", "alt", data.nodeInfo[r.id].kind));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(r.id); });
      results.appendChild(li);
    });
    results.hidden = false;
  }

  function pick(id) {
    results.hidden = true;
    active = -1;
    focusNode(id);
  }

  input.addEventListener("input", function () {
    current = find(input.value);
    active = current.length ? 0 : -1;
    renderResults();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!current.length) return;
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
      renderResults();
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (!current.length) current = find(input.value);
      if (current.length) pick(current[Math.max(active, 0)].id);
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });
  input.addEventListener("blur", function () { results.hidden = true; });

  function focusNode(id) {
    var node = nodes.get(id);
    if (!node) return false;
    if (state.hiddenKinds[node.kind]) {
      var li = document.querySelector('#legend li[data-kind="' + CSS.escape(node.kind) + '"]');
      toggleKind(node.kind, li);
    }
    network.selectNodes([id], true);
    state.centred = null;
    network.once("animationFinished", function () { state.centred = id; });
    network.focus(id, {
      scale: Math.max(1.2, network.getScale()), locked: false,
      animation: { duration: 400, easingFunction: "easeInOutQuad" }
    });
    state.focused = id;
    showNode(id);
    return true;
  }

  // ------------------------------------------------------------ physics: settle, then stop

  // Centre on some nodes by their positions (vis-network's fit also counts label
  // boxes, which are measured only once drawn, so it can land off-centre).
  function fitTo(ids) {
    var pos = network.getPositions(ids);
    var xs = [], ys = [];
    Object.keys(pos).forEach(function (k) { xs.push(pos[k].x); ys.push(pos[k].y); });
    if (!xs.length) return;
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var margin = 160;
    var scale = Math.min(1.2, container.clientWidth / (maxX - minX + 2 * margin),
      container.clientHeight / (maxY - minY + 2 * margin));
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: scale });
  }

  function markReady() {
    if (state.ready) return;
    state.ready = true;
    state.readyAt = performance.now();
    status.textContent = "";
    if (data.focus) {
      network.selectNodes([data.focus], true);
      state.focused = data.focus;
      showNode(data.focus);
    } else if (data.hops && data.hops.length) {
      showPath();
    }
    fitTo(data.path && data.path.length ? data.path : nodes.getIds());
    document.body.setAttribute("data-ready", "1");
  }

  if (data.options.physics && data.options.physics.enabled) {
    status.textContent = ui.settling;
    network.on("stabilizationProgress", function (p) {
      status.textContent = ui.settling + " " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      state.physicsStopped = true;
      markReady();
    });
  } else {
    state.physicsStopped = true;
    network.once("afterDrawing", markReady);
  }

  buildLegend();
  // kinds the view starts with hidden (the first view's claims and figures): one click away
  data.legend.kinds.forEach(function (k) {
    if (k.hidden) {
      toggleKind(k.key, document.querySelector('#legend li[data-kind="' + CSS.escape(k.key) + '"]'));
    }
  });
  showHint();

  window.cnaiView = {
    network: network, nodes: nodes, edges: edges, data: data, state: state,
    find: find, focus: focusNode, showNode: showNode, showEdge: showEdge
  };
})();
