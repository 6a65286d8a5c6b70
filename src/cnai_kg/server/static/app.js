// cnai-kg explorer: the SPARQL editor's highlighting and "show as graph".
// Written for cnai-kg; builds DOM nodes with textContent only (never innerHTML).
(function () {
  "use strict";

  // ------------------------------------------------------------ highlighting

  const KEYWORDS = new Set((
    "SELECT CONSTRUCT DESCRIBE ASK WHERE FILTER OPTIONAL UNION MINUS GRAPH SERVICE BIND " +
    "VALUES PREFIX BASE DISTINCT REDUCED ORDER BY GROUP HAVING LIMIT OFFSET AS ASC DESC NOT " +
    "EXISTS IN FROM NAMED COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG " +
    "LANGMATCHES DATATYPE BOUND IRI URI BNODE CONCAT STRLEN UCASE LCASE CONTAINS STRSTARTS " +
    "STRENDS STRBEFORE STRAFTER COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK " +
    "ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE YEAR NOW TRUE FALSE UNDEF INSERT DELETE DATA " +
    "LOAD CLEAR DROP WITH USING"
  ).split(" "));

  // One alternative per kind of token; the group that matched names its class.
  const TOKEN = new RegExp([
    "(#[^\\n]*)",                                            // 1 comment
    "(\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)" +
      "|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                              // 3 IRI
    "([?$][\\w\\u00B7-\\uFFFF]+)",                           // 4 variable
    "(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",                        // 5 language tag
    "((?:[A-Za-z\\u00C0-\\uFFFF][\\w.\\-\\u00B7-\\uFFFF]*)?:[\\w.\\-\\u00B7-\\uFFFF]*)", // 6 prefixed name
    "(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)",                  // 7 number
    "([A-Za-z_][A-Za-z_0-9]*)",                              // 8 word
  ].join("|"), "g");
  const CLASSES = [null, "t-comment", "t-string", "t-iri", "t-var", "t-lang", "t-pname",
    "t-number", "t-keyword"];

  function highlight(text, into) {
    const out = document.createDocumentFragment();
    let last = 0;
    TOKEN.lastIndex = 0;
    let m;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m.index > last) out.appendChild(document.createTextNode(text.slice(last, m.index)));
      let group = 1;
      while (group < m.length && m[group] === undefined) group++;
      let cls = CLASSES[group];
      if (group === 8) {
        const word = m[0];
        cls = (KEYWORDS.has(word.toUpperCase()) || word === "a") ? "t-keyword" : null;
      }
      if (cls) {
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = m[0];
        out.appendChild(span);
      } else {
        out.appendChild(document.createTextNode(m[0]));
      }
      last = m.index + m[0].length;
    }
    if (last < text.length) out.appendChild(document.createTextNode(text.slice(last)));
    out.appendChild(document.createTextNode("\n "));  // the overlay keeps a last empty line
    into.replaceChildren(out);
  }

  function setUpEditor() {
    const editor = document.getElementById("editor");
    const shown = document.getElementById("highlight");
    if (!editor || !shown) return;
    const sync = () => {
      highlight(editor.value, shown);
      shown.scrollTop = editor.scrollTop;
      shown.scrollLeft = editor.scrollLeft;
    };
    editor.addEventListener("input", sync);
    editor.addEventListener("scroll", () => {
      shown.scrollTop = editor.scrollTop;
      shown.scrollLeft = editor.scrollLeft;
    });
    editor.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        editor.form.requestSubmit();
      }
    });
    document.body.classList.add("highlighting");
    sync();
  }

  // ------------------------------------------------------------ show as graph

  let visLoading = null;
  function loadVis() {
    if (window.vis) return Promise.resolve(window.vis);
    if (!visLoading) {
      visLoading = new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = "/static/vis-network.min.js";
        s.onload = () => resolve(window.vis);
        s.onerror = () => reject(new Error("vis-network did not load"));
        document.head.appendChild(s);
      });
    }
    return visLoading;
  }

  function setUpGraph() {
    const button = document.getElementById("show-graph");
    const box = document.getElementById("result-graph");
    const source = document.getElementById("result-graph-data");
    if (!button || !box || !source) return;
    const data = JSON.parse(source.textContent || "{}");
    const lang = document.documentElement.lang;
    let network = null;
    button.addEventListener("click", () => {
      if (!box.hidden) {
        box.hidden = true;
        button.textContent = button.dataset.show;
        return;
      }
      box.hidden = false;
      button.textContent = button.dataset.hide;
      if (network) return;
      loadVis().then((vis) => {
        const nodes = new vis.DataSet((data.nodes || []).map((n) => ({
          id: n.id, label: n.label, title: n.id, page: n.page,
          shape: "dot", size: 10, color: n.page ? "#1f77b4" : "#b0b0b0",
        })));
        const edges = new vis.DataSet((data.edges || []).map((e, i) => ({
          id: i, from: e.from, to: e.to, label: e.label, arrows: "to",
          font: { size: 10, color: "#555" }, color: { color: "#999" },
        })));
        network = new vis.Network(box, { nodes, edges }, {
          physics: { stabilization: { iterations: 200 } },
          interaction: { hover: true },
        });
        network.once("stabilizationIterationsDone", () => network.setOptions({ physics: false }));
        network.on("doubleClick", (params) => {
          const node = params.nodes.length ? nodes.get(params.nodes[0]) : null;
          if (node && node.page) {
            window.location.href = "/entity/" + encodeURIComponent(node.page) + "?lang=" +
              encodeURIComponent(lang);
          }
        });
        box.dataset.ready = "true";
      }).catch((err) => {
        box.textContent = String(err);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpEditor();
    setUpGraph();
  });
})();
