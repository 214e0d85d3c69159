// The report's page: the setting chosen by the reader, and everything that follows from it.
// Reads the analysis embedded as JSON; touches nothing outside the page (no requests).
(function () {
  "use strict";
  const $ = id => document.getElementById(id);

  function fail(message) {
    const box = $("error");
    box.textContent = "This report cannot be shown: " + message;
    box.hidden = false;
    document.querySelector("main").hidden = true;
  }

  let A;
  try {
    A = JSON.parse($("analysis").textContent);
  } catch (error) {
    fail("its embedded analysis does not load (" + error.message + "). " +
      "Write it again with threatmodel report.");
    return;
  }
  try {
    start();
  } catch (error) {
    fail("the page's script failed (" + error.message + ").");
    console.error(error);
  }

  function start() {
    // ------------------------------------------------------------------ expressions
    const compiled = new Map();
    function compile(text) {
      let fn = compiled.get(text);
      if (fn) return fn;
      const t = text.match(/\(|\)|[A-Za-z_][A-Za-z0-9_]*/g) || [];
      let i = 0;
      function disjunction() {
        const parts = [conjunction()];
        while (t[i] === "or") { i++; parts.push(conjunction()); }
        return parts.length === 1 ? parts[0] : e => parts.some(p => p(e));
      }
      function conjunction() {
        const parts = [unary()];
        while (t[i] === "and") { i++; parts.push(unary()); }
        return parts.length === 1 ? parts[0] : e => parts.every(p => p(e));
      }
      function unary() {
        const w = t[i++];
        if (w === "not") { const f = unary(); return e => !f(e); }
        if (w === "(") { const f = disjunction(); i++; return f; }
        if (w === "true" || w === "always") return () => true;
        if (w === "false" || w === "never") return () => false;
        // Only the model's own variables have values: any other word is a fault, never false.
        return e => {
          if (!Object.prototype.hasOwnProperty.call(e, w)) throw new Error("unknown name in a condition: " + w);
          return e[w] === true;
        };
      }
      fn = disjunction();
      compiled.set(text, fn);
      return fn;
    }
    // Each condition text is evaluated once per setting, however many cells share it.
    function evaluator(setting) {
      const env = Object.assign(Object.create(null), A.constants, setting);
      const memo = new Map();
      return text => {
        let value = memo.get(text);
        if (value === undefined) { value = compile(text)(env); memo.set(text, value); }
        return value;
      };
    }

    // ------------------------------------------------------------------ settings
    const names = A.variables.map(v => v.name);
    const byName = Object.fromEntries(A.variables.map(v => [v.name, v]));
    const declared = Object.fromEntries(A.variables.map(v => [v.name, v.default]));
    const pinned = A.variables.filter(v => v.pinned).map(v => v.name);
    const constraints = A.constraints.map(c => ({id: c.id, text: c.text, names: c.names, fn: compile(c.require)}));
    const MAX_TRIALS = 200000;

    function broken(setting) {
      const env = Object.assign(Object.create(null), A.constants, setting);
      return constraints.filter(c => !c.fn(env));
    }
    function related(changed) {
      const reached = new Set(changed);
      let grown = true;
      while (grown) {
        grown = false;
        for (const c of constraints) {
          if (c.names.some(n => reached.has(n)) && !c.names.every(n => reached.has(n))) {
            c.names.forEach(n => reached.add(n));
            grown = true;
          }
        }
      }
      return [...reached].filter(n => !changed.includes(n));
    }
    function* combinations(n, size) {
      const index = Array.from({length: size}, (_, k) => k);
      while (true) {
        yield index.slice();
        let k = size - 1;
        while (k >= 0 && index[k] === n - size + k) k--;
        if (k < 0) return;
        index[k]++;
        for (let j = k + 1; j < size; j++) index[j] = index[j - 1] + 1;
      }
    }
    // The allowed setting nearest to `base` keeping `fixed`: what `--set` does (the same
    // candidates, tried in the same order), so that the page agrees with analyze.
    function nearest(base, fixed) {
      const wrong = broken(base);
      if (!wrong.length) return {setting: base, forced: {}};
      const keep = new Set([...fixed, ...pinned]);
      const touched = new Set(wrong.flatMap(c => c.names));
      const linked = new Set([...touched, ...related([...new Set([...keep, ...touched])])]);
      const candidates = [...linked].filter(n => !keep.has(n)).sort();
      let trials = 0;
      for (let size = 1; size <= candidates.length; size++) {
        for (const combo of combinations(candidates.length, size)) {
          if (++trials > MAX_TRIALS) return null;
          const trial = Object.assign({}, base);
          combo.forEach(k => { trial[candidates[k]] = !trial[candidates[k]]; });
          if (!broken(trial).length) {
            return {setting: trial, forced: Object.fromEntries(combo.map(k => [candidates[k], trial[candidates[k]]]))};
          }
        }
      }
      return null;
    }
    function resolve(sets) {
      if (!sets.length) return {setting: Object.assign({}, A.start), forced: Object.assign({}, A.start_forced)};
      const base = Object.assign({}, declared);
      sets.forEach(([n, v]) => { base[n] = v; });
      return nearest(base, sets.map(([n]) => n));
    }
    function describe(setting) { return names.map(n => n + "=" + setting[n]).join(", "); }
    function sameSetting(a, b) { return names.every(n => a[n] === b[n]); }

    // ------------------------------------------------------------------ state
    let sets = [];            // the reader's choices, in order: like --set NAME=VALUE
    let current = resolve(sets);
    let released = [];
    let message = "";
    let compare = null;       // a pinned setting B, or null to compare with the default
    let selected = null;      // {party, datum}
    let query = "";
    let only = false;
    let page = 0;
    let sortKey = null, sortUp = true;
    const undoStack = [];
    const PAGE = 50;

    function remember() {
      undoStack.push({sets: sets.slice(), compare, selected});
      if (undoStack.length > 100) undoStack.shift();
    }
    function choose(name, value) {
      remember();
      let next = sets.filter(([n]) => n !== name).concat([[name, value]]);
      let result = resolve(next);
      released = [];
      message = "";
      if (!result) {
        const base = Object.assign({}, declared);
        next.forEach(([n, v]) => { base[n] = v; });
        const alone = nearest(base, [name]);
        if (!alone) {
          undoStack.pop();
          message = "No allowed setting has " + name + "=" + value + "; nothing changed.";
          update();
          return;
        }
        released = next.filter(([n, v]) => n !== name && alone.setting[n] !== v).map(([n]) => n);
        next = next.filter(([n]) => !released.includes(n));
        result = resolve(next);
        if (!result) {
          released = next.filter(([n]) => n !== name).map(([n]) => n).concat(released);
          next = [[name, value]];
          result = resolve(next);
        }
      }
      if (!result) {
        undoStack.pop();
        message = "No allowed setting was found with " + name + "=" + value + "; nothing changed.";
        update();
        return;
      }
      sets = next;
      current = result;
      update();
    }
    function goTo(values) {
      remember();
      sets = names.filter(n => values[n] !== declared[n]).map(n => [n, values[n]]);
      current = resolve(sets) || resolve([]);
      released = [];
      message = "";
      update();
    }
    function undo() {
      const last = undoStack.pop();
      if (!last) return;
      sets = last.sets; compare = last.compare; selected = last.selected;
      current = resolve(sets) || resolve([]);
      released = []; message = "";
      update();
    }

    // ------------------------------------------------------------------ DOM helpers
    function el(tag, attrs, children) {
      const node = document.createElement(tag);
      Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) node.setAttribute(k, v); });
      (children || []).forEach(c => { if (c !== null && c !== undefined) node.append(c); });
      return node;
    }
    function code(text) { return el("code", {}, [text]); }
    function small(text) { return el("small", {class: "id"}, [text]); }
    function named(item) { return item.title !== item.id ? [item.title + " ", small(item.id)] : [item.id]; }
    const LEVEL_TEXT = {plaintext: "plaintext", ciphertext: "ciphertext only", none: "never"};
    const CELL_TEXT = {plaintext: "plaintext", ciphertext: "ciphertext", none: "—"};
    // Which parties get which data in a setting: only the pairs not "never" are embedded, and
    // each setting's table is computed once.
    const exposed = A.data.map(d => [d.id, Object.entries(A.conditions[d.id] || {})]);
    function table(test) {
      if (!test.table) {
        const found = new Map();
        exposed.forEach(([datum, entries]) => entries.forEach(([party, c]) => {
          const level = test(c.plaintext) ? "plaintext" : test(c.ciphertext) ? "ciphertext" : "none";
          if (level !== "none") found.set(party + "\u0000" + datum, level);
        }));
        test.table = found;
      }
      return test.table;
    }
    function levelOf(test, party, datum) { return table(test).get(party + "\u0000" + datum) || "none"; }
    // The evidence tier of a cell in a setting: the strongest tier whose derivations alone
    // give the party this level here (A.tiers lists each tier's conditions, strongest first).
    function tierOf(test, party, datum, level) {
      const graded = A.tiers[party + "/" + datum];
      if (!graded || level === "none") return null;
      const found = graded.find(([, plain, sealed]) => test(level === "plaintext" ? plain : sealed));
      const tier = found ? found[0] : A.weakest;
      return tier === "established" ? null : tier;
    }

    // ------------------------------------------------------------------ controls
    const boxes = {};
    A.variables.forEach(v => {
      const box = el("input", {type: "checkbox", id: "v-" + v.name, "aria-describedby": v.description ? "d-" + v.name : null});
      if (v.pinned) box.disabled = true;
      box.addEventListener("change", () => choose(v.name, box.checked));
      boxes[v.name] = box;
      const label = el("label", {class: "var", for: "v-" + v.name, title: v.name}, [box, " ", ...named({id: v.name, title: v.title})]);
      const row = el("div", {class: "var-row", id: "row-" + v.name}, [label]);
      if (v.pinned) row.append(el("span", {class: "fixed"}, [" fixed by --set"]));
      if (v.description) row.append(el("div", {class: "desc", id: "d-" + v.name}, [v.description]));
      $(v.kind === "toggle" ? "toggles" : "assumptions").append(row);
    });
    A.fixed.forEach(f => {
      const box = el("input", {type: "checkbox", id: "c-" + f.name, disabled: ""});
      box.checked = f.value;
      $("assumptions").append(el("div", {class: "var-row"}, [
        el("label", {class: "var", for: "c-" + f.name}, [box, " ", ...named({id: f.name, title: f.title})]),
        el("span", {class: "fixed"}, [" fixed: " + f.why])]));
    });
    if (!A.variables.some(v => v.kind === "toggle")) $("toggles").append(el("p", {}, ["This model has no toggles."]));
    if (!A.variables.some(v => v.kind === "assumption") && !A.fixed.length) $("assumptions").hidden = true;

    const scenarioButtons = [];
    const scenarios = Object.assign({default: {title: "Default setting", values: A.start}}, A.scenarios);
    Object.entries(scenarios).forEach(([id, s]) => {
      const button = el("button", {type: "button", class: "scenario", "aria-pressed": "false", title: id}, [s.title]);
      button.addEventListener("click", () => (id === "default" ? reset() : goTo(s.values)));
      scenarioButtons.push([button, s.values]);
      $("scenarios").append(button);
    });
    function reset() { remember(); sets = []; current = resolve(sets); released = []; message = ""; update(); }
    $("reset").addEventListener("click", reset);
    $("undo").addEventListener("click", undo);
    $("pin").addEventListener("click", () => {
      remember();
      compare = compare ? null : Object.assign({}, current.setting);
      update();
    });
    $("search").addEventListener("input", () => { query = $("search").value.trim().toLowerCase(); page = 0; update(); });
    $("only").addEventListener("change", () => { only = $("only").checked; page = 0; update(); });

    // ------------------------------------------------------------------ diagram
    const svg = $("diagram").querySelector("svg");
    const elementShapes = new Map(), edgeShapes = new Map(), partyShapes = new Map();
    if (svg) {
      const fit = el("button", {type: "button", id: "fit", "aria-pressed": "false"}, ["Fit the diagram to the width"]);
      fit.addEventListener("click", () => {
        const on = $("diagram").classList.toggle("fit");
        fit.setAttribute("aria-pressed", String(on));
      });
      $("diagram").before(fit);
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", "Data-flow diagram of " + document.title);
      svg.querySelectorAll("g.edge[id], g.node[id]").forEach(g => {
        const id = g.id.replace(/\.tail$/, "");
        const match = /^(?:label-)?(flow|observe|access)-(.*)$/.exec(id);
        if (match) {
          const base = match[1] + "-" + match[2];
          const element = match[1] === "observe" ? match[2].split(".")[0] : match[2];
          if (!elementShapes.has(element)) elementShapes.set(element, []);
          elementShapes.get(element).push(g);
          if (!edgeShapes.has(base)) edgeShapes.set(base, []);
          edgeShapes.get(base).push(g);
        } else if (id.startsWith("party-")) {
          partyShapes.set(id.slice(6), g);
        }
      });
    }
    function paintDiagram(test) {
      if (!svg) return;
      const env = Object.assign({}, A.constants, current.setting);
      elementShapes.forEach((shapes, element) => {
        const on = (A.guards[element] || []).every(text => compile(text)(env));
        shapes.forEach(g => g.classList.toggle("off", !on));
      });
      partyShapes.forEach((g, party) => {
        const level = selected ? levelOf(test, party, selected.datum) : "none";
        g.classList.toggle("reads-plain", level === "plaintext");
        g.classList.toggle("reads-sealed", level === "ciphertext");
        g.classList.toggle("chosen", Boolean(selected) && selected.party === party);
      });
      edgeShapes.forEach(shapes => shapes.forEach(g => g.classList.remove("path")));
      const way = selected ? waysNow(test, selected)[0] : null;
      if (way) way.steps.forEach(step => (edgeShapes.get(step.edge) || []).forEach(g => g.classList.add("path")));
    }

    // ------------------------------------------------------------------ status line
    function setCommand() {
      const parts = sets.map(([n, v]) => "--set " + n + "=" + v);
      return parts.length ? "analyze " + parts.join(" ") : "analyze (the default setting)";
    }
    function paintStatus() {
      const status = $("status");
      status.replaceChildren();
      const labels = Object.entries(scenarios).filter(([, s]) => sameSetting(s.values, current.setting)).map(([id]) => id);
      status.append(el("p", {class: "now"}, [
        labels.length ? "Setting: " + labels.join(", ") + ". " : "Setting: your own. ",
        "Same as ", code(setCommand()), "."]));
      const forced = Object.entries(current.forced);
      if (forced.length) {
        status.append(el("p", {class: "forced"}, [
          "The constraints force " + forced.map(([n, v]) => n + " → " + v).join(", ") +
          (sets.length ? " to keep your choices allowed." : " in the default setting."),
          " ", sets.length ? el("button", {type: "button", class: "inline-undo"}, ["Undo"]) : null]));
      }
      if (released.length) status.append(el("p", {class: "forced"}, ["Released your earlier choice of " + released.join(", ") + ": it conflicts with this one."]));
      if (message) status.append(el("p", {class: "problem"}, [message]));
      if (compare) status.append(el("p", {class: "compare"}, ["Compared with B: " + describe(compare) + "."]));
      const button = status.querySelector(".inline-undo");
      if (button) button.addEventListener("click", undo);
    }

    // ------------------------------------------------------------------ matrix
    function visible() {
      let parties = A.parties, data = A.data;
      if (query) {
        const hit = item => item.id.toLowerCase().includes(query) || item.title.toLowerCase().includes(query);
        const p = parties.filter(hit), d = data.filter(hit);
        if (!p.length && !d.length) return {parties: [], data: []};
        if (p.length) parties = p;
        if (d.length) data = d;
      }
      return {parties, data};
    }
    // The table is rebuilt only when its rows or columns change; a flip updates the cells
    // whose content changes, so that the browser lays out almost nothing again.
    let built = null;
    function paintMatrix(test, testB) {
      const shown = visible();
      let rows = shown.parties;
      if (only) {
        const found = table(test);
        rows = rows.filter(p => shown.data.some(d => found.has(p.id + "\u0000" + d.id)));
      }
      const pages = Math.max(1, Math.ceil(rows.length / PAGE));
      page = Math.min(page, pages - 1);
      const first = page * PAGE;
      const pageRows = rows.slice(first, first + PAGE);
      const against = compare ? "B" : "the default setting";
      const key = pageRows.map(p => p.id).join(" ") + "|" + shown.data.map(d => d.id).join(" ");
      if (!built || built.key !== key) built = buildMatrix(key, pageRows, shown.data);
      const caption = "Who reads what: " + rows.length + " of " + A.parties.length + " parties, " +
        shown.data.length + " of " + A.data.length + " data. Marked cells differ from " + against + ".";
      if (built.caption.textContent !== caption) built.caption.textContent = caption;
      built.cells.forEach(button => paintCell(button, test, testB, against));
      if (!rows.length) $("pages").textContent = query ? "Nothing matches \u201c" + query + "\u201d." : "No party reads anything here.";
      else paintPages(first, rows.length, pages);
    }
    function buildMatrix(key, parties, data) {
      const focused = document.activeElement && document.activeElement.classList.contains("cell")
        ? [document.activeElement.dataset.party, document.activeElement.dataset.datum] : null;
      const matrix = $("matrix");
      const caption = el("caption");
      const head = el("tr", {}, [el("th", {scope: "col", class: "corner"}, ["party"])]);
      data.forEach(d => head.append(el("th", {scope: "col", title: d.id}, named(d))));
      const body = el("tbody");
      const cells = [];
      parties.forEach(p => {
        const where = p.boundary ? " · in " + (A.boundaries[p.boundary] || p.boundary) : "";
        const row = el("tr", {}, [el("th", {scope: "row", title: p.id + " (" + p.kind + ")" + where}, named(p))]);
        data.forEach(d => {
          const cell = el("button", {type: "button", "data-party": p.id, "data-datum": d.id});
          cells.push(cell);
          row.append(el("td", {}, [cell]));
        });
        body.append(row);
      });
      matrix.replaceChildren(caption, el("thead", {}, [head]), body);
      if (focused) {
        const again = cells.find(c => c.dataset.party === focused[0] && c.dataset.datum === focused[1]);
        if (again) again.focus();
      }
      return {key, caption, cells};
    }
    function paintCell(cell, test, testB, against) {
      const party = cell.dataset.party, datum = cell.dataset.datum;
      const level = levelOf(test, party, datum);
      const other = levelOf(testB, party, datum);
      const isSelected = Boolean(selected) && selected.party === party && selected.datum === datum;
      const evidence = tierOf(test, party, datum, level);
      const stamp = level + " " + other + " " + isSelected + " " + against + " " + evidence;
      if (cell.dataset.stamp === stamp) return;
      cell.dataset.stamp = stamp;
      const changed = other !== level;
      cell.className = "cell " + level + (changed ? " changed" : "") + (isSelected ? " selected" : "");
      cell.dataset.level = level;
      cell.setAttribute("aria-pressed", String(isSelected));
      cell.setAttribute("aria-label", party + " and " + datum + ": " + LEVEL_TEXT[level] +
        (changed ? ", " + LEVEL_TEXT[other] + " in " + against : "") + (evidence ? ", evidence " + evidence : ""));
      cell.replaceChildren(CELL_TEXT[level]);
      if (changed) cell.append(el("span", {class: "was", "aria-hidden": "true"}, [" (" + CELL_TEXT[other] + ")"]));
      if (evidence) cell.append(el("span", {class: "tier"}, [" " + evidence]));
    }
    function paintPages(first, total, pages) {
      const box = $("pages");
      box.replaceChildren();
      if (pages === 1) return;
      const previous = el("button", {type: "button"}, ["Previous rows"]);
      const next = el("button", {type: "button"}, ["Next rows"]);
      previous.disabled = page === 0;
      next.disabled = page === pages - 1;
      previous.addEventListener("click", () => { page--; update(); });
      next.addEventListener("click", () => { page++; update(); });
      box.append(previous, " rows " + (first + 1) + "–" + Math.min(first + PAGE, total) + " of " + total + " ", next);
    }
    $("matrix").addEventListener("click", event => {
      const cell = event.target.closest("button.cell");
      if (!cell) return;
      selected = {party: cell.dataset.party, datum: cell.dataset.datum};
      update();
    });
    $("matrix").addEventListener("keydown", event => {
      const moves = {ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0]};
      const move = moves[event.key];
      const cell = event.target.closest("button.cell");
      if (!move || !cell) return;
      const td = cell.parentElement, tr = td.parentElement;
      const row = tr.parentElement.rows[tr.sectionRowIndex + move[0]];
      const target = row && row.cells[td.cellIndex + move[1]];
      const button = target && target.querySelector("button.cell");
      if (button) { button.focus(); event.preventDefault(); }
    });

    // ------------------------------------------------------------------ explanation
    function waysNow(test, pick) {
      return (A.ways[pick.party + "/" + pick.datum] || []).filter(w => test(w.condition));
    }
    function sourcesOf(id) {
      const item = byElement(id);
      return item && item.sources ? item.sources : [];
    }
    function byElement(id) {
      return A.elements[id] || A.parties.find(p => p.id === id) || A.data.find(d => d.id === id) || null;
    }
    function sourceItem(sid) {
      const s = A.sources[sid];
      if (!s) return el("li", {}, [sid]);
      const bits = [s.title, " ", small(sid)];
      if (s.assurance) bits.push(" · " + s.assurance);
      if (s.date) bits.push(" · " + s.date);
      if (s.url) bits.push(" · ", el("span", {class: "url"}, [s.url]));
      if (s.description) bits.push(el("div", {class: "desc"}, [s.description]));
      return el("li", {}, bits);
    }
    function paintExplanation(test) {
      const box = $("explanation");
      if (!selected) { box.hidden = true; box.replaceChildren(); return; }
      const {party, datum} = selected;
      const p = A.parties.find(x => x.id === party), d = A.data.find(x => x.id === datum);
      if (!p || !d) { selected = null; box.hidden = true; return; }
      box.hidden = false;
      box.replaceChildren();
      const level = levelOf(test, party, datum);
      const c = (A.conditions[datum] || {})[party];
      box.append(el("h3", {}, [...named(p), " and ", ...named(d)]));
      [p, d].forEach(item => { if (item.description) box.append(el("p", {class: "desc"}, [item.title + ": " + item.description])); });
      if (p.boundary) box.append(el("p", {class: "desc"}, [p.title + " sits in " + (A.boundaries[p.boundary] || p.boundary) + "."]));
      const now = el("p", {class: "level-now"}, ["In this setting: ", el("strong", {}, [LEVEL_TEXT[level]]), "."]);
      const evidence = tierOf(test, party, datum, level);
      if (evidence) now.append(" Evidence: " + evidence + ".");
      box.append(now);
      if (!c) { box.append(el("p", {}, [party + " gets " + datum + " in no allowed setting."])); return; }
      const conditions = el("ul", {class: "conditions"});
      [["plaintext", c.plaintext], ["ciphertext only", c.ciphertext]].forEach(([name, text]) => {
        if (text === "never") return;
        const holds = test(text);
        conditions.append(el("li", {}, [name + " when ", code(text), holds ? " — holds now" : " — does not hold now"]));
      });
      box.append(el("p", {}, [level === "none" ? "It gets it in other settings:" : "Conditions:"]), conditions);
      if (c.ciphertext !== "never") {
        box.append(el("p", {class: "coalitions"}, [party + " holds " + datum +
          " sealed in some settings; which parties could read it together: ",
          code("threatmodel coalitions MODEL --data " + datum), "."]));
      }
      if (A.ways_omitted) {
        box.append(el("p", {}, ["Witnesses are not embedded for models this large; run ", code("threatmodel explain MODEL --party " + party + " --data " + datum), "."]));
        return;
      }
      (A.ways[party + "/" + datum] || []).forEach((way, k) => {
        const holds = test(way.condition);
        const item = el("div", {class: "way" + (holds ? " now" : "")});
        item.append(el("h4", {}, ["Way " + (k + 1) + ": " + LEVEL_TEXT[way.level] + " when ", code(way.condition),
          holds ? " (holds now)" : " (does not hold now)"]));
        if (A.graded) item.append(el("p", {class: "evidence"}, ["Evidence of this way: " + way.evidence +
          " (its weakest step)."]));
        if (holds) item.append(el("p", {}, ["Shown in this setting."]));
        else {
          const changes = names.filter(n => way.setting[n] !== current.setting[n]).map(n => n + "=" + way.setting[n]);
          const go = el("button", {type: "button", class: "go"}, ["Go to that setting"]);
          go.addEventListener("click", () => goTo(way.setting));
          item.append(el("p", {}, ["For example with " + changes.join(", ") + ". ", go]));
        }
        const steps = el("ol", {class: "steps"});
        way.steps.forEach(step => {
          const li = el("li", {}, [step.text]);
          if (A.graded && step.evidence !== "established") li.append(el("span", {class: "tier"}, [" (" + step.evidence + ")"]));
          const sources = sourcesOf(step.element).concat(step.element !== step.party ? sourcesOf(step.party) : []);
          if (sources.length) li.append(el("ul", {class: "sources"}, [...new Set(sources)].map(sourceItem)));
          steps.append(li);
        });
        item.append(steps);
        box.append(item);
      });
    }

    // ------------------------------------------------------------------ expectations, findings
    function paintExpectations(test) {
      const list = $("expectations");
      list.replaceChildren();
      A.expectations.forEach(x => {
        const now = x.parties.filter(p => test(p.condition)).map(p => p.party);
        const item = el("li", {class: now.length ? "violated" : "holds", "data-id": x.id},
          [now.length ? "✗ " : "✓ ", ...named(x)]);
        if (now.length) item.append(" — broken here by " + now.join(", "));
        x.parties.forEach(p => item.append(el("div", {}, [p.party + " breaks it when ", code(p.condition)])));
        list.append(item);
      });
    }
    const RANK = {high: 0, medium: 1, low: 2, info: 3};
    const COLUMNS = [["rule", f => f.rule], ["severity", f => RANK[f.severity]], ["finding", f => f.message],
      ["when", f => f.condition], ["here", f => f.here ? 0 : 1]];
    function paintFindings(test) {
      const table = $("findings");
      table.replaceChildren();
      if (!A.findings.length) { table.append(el("caption", {}, ["No findings."])); return; }
      table.append(el("caption", {}, ["Findings; sort by a column with its button."]));
      const head = el("tr");
      COLUMNS.forEach(([name]) => {
        const button = el("button", {type: "button", class: "sort"}, [name]);
        button.addEventListener("click", () => { sortUp = sortKey === name ? !sortUp : true; sortKey = name; update(); });
        head.append(el("th", {scope: "col", "aria-sort": sortKey === name ? (sortUp ? "ascending" : "descending") : null}, [button]));
      });
      table.append(el("thead", {}, [head]));
      const rows = A.findings.map(f => Object.assign({}, f, {here: test(f.condition)}));
      if (sortKey) {
        const key = COLUMNS.find(([n]) => n === sortKey)[1];
        rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (sortUp ? 1 : -1));
      }
      const body = el("tbody");
      rows.forEach(f => body.append(el("tr", {class: "severity-" + f.severity}, [f.rule, f.severity, f.message,
        code(f.condition), f.here ? "yes" : "no"].map(c => el("td", {}, [c])))));
      table.append(body);
    }

    // ------------------------------------------------------------------ lazy sections
    function once(id, build) {
      const box = $(id);
      box.addEventListener("toggle", () => { if (box.open && !box.dataset.built) { box.dataset.built = "1"; build(); } });
    }
    once("conditions-box", () => {
      const table = $("conditions");
      table.append(el("caption", {}, ["Conditions under which each party gets each datum."]));
      table.append(el("tr", {}, ["datum", "party", "plaintext", "ciphertext only"].map(h => el("th", {scope: "col"}, [h]))));
      A.data.forEach(d => Object.entries(A.conditions[d.id] || {}).forEach(([party, c]) => {
        table.append(el("tr", {}, [d.id, party, code(c.plaintext), code(c.ciphertext)].map(x => el("td", {}, [x]))));
      }));
    });
    once("impacts-box", () => {
      A.impacts.forEach(i => {
        const forced = Object.entries(i.forced).map(([k, v]) => k + " → " + v).join(", ");
        const item = el("li", {}, [i.variable + " → " + i.value + (forced ? " (forces " + forced + ")" : "") +
          (i.possible ? "" : ": not possible, the constraints forbid it")]);
        const sub = el("ul");
        i.removes.forEach(t => sub.append(el("li", {}, ["removes " + t])));
        i.adds.forEach(t => sub.append(el("li", {}, ["adds " + t])));
        item.append(sub);
        $("impacts").append(item);
      });
    });

    // ------------------------------------------------------------------ URL fragment
    function writeFragment() {
      const parts = [];
      if (sets.length) parts.push("set=" + sets.map(([n, v]) => n + ":" + (v ? 1 : 0)).join(","));
      if (compare) parts.push("b=" + names.map(n => (compare[n] ? 1 : 0)).join(""));
      if (selected) parts.push("cell=" + encodeURIComponent(selected.party) + "/" + encodeURIComponent(selected.datum));
      if (query) parts.push("q=" + encodeURIComponent(query));
      if (only) parts.push("only=1");
      if (page) parts.push("page=" + (page + 1));
      const fragment = parts.length ? "#" + parts.join("&") : "";
      if (fragment === location.hash || (!fragment && !location.hash)) return;
      window.history.replaceState(null, "", fragment || location.pathname + location.search);
    }
    function readFragment() {
      const fields = Object.fromEntries(location.hash.replace(/^#/, "").split("&").filter(Boolean).map(part => {
        const at = part.indexOf("=");
        return at < 0 ? [part, ""] : [part.slice(0, at), part.slice(at + 1)];
      }));
      const wanted = (fields.set || "").split(",").filter(Boolean).map(item => item.split(":"))
        .filter(([n, v]) => n in byName && !byName[n].pinned && (v === "1" || v === "0")).map(([n, v]) => [n, v === "1"]);
      const result = resolve(wanted);
      if (result) { sets = wanted; current = result; } else { sets = []; current = resolve([]); message = "The link's setting is not allowed; showing the default setting."; }
      released = [];
      compare = null;
      if (fields.b && fields.b.length === names.length && /^[01]*$/.test(fields.b)) {
        compare = Object.fromEntries(names.map((n, k) => [n, fields.b[k] === "1"]));
      }
      selected = null;
      if (fields.cell) {
        const [party, datum] = fields.cell.split("/").map(decodeURIComponent);
        if (A.parties.some(p => p.id === party) && A.data.some(d => d.id === datum)) selected = {party, datum};
      }
      query = fields.q ? decodeURIComponent(fields.q).toLowerCase() : "";
      $("search").value = query;
      only = fields.only === "1";
      $("only").checked = only;
      page = Math.max(0, (parseInt(fields.page, 10) || 1) - 1);
    }
    window.addEventListener("hashchange", () => { readFragment(); update(); });

    // ------------------------------------------------------------------ everything
    let lastB = null;
    function update() {
      const setting = current.setting;
      const test = evaluator(setting);
      const base = compare || A.start;
      if (!lastB || lastB.base !== base) lastB = {base, test: evaluator(base)};
      const testB = lastB.test;
      names.forEach(n => {
        boxes[n].checked = setting[n];
        $("row-" + n).classList.toggle("was-forced", n in current.forced);
      });
      scenarioButtons.forEach(([button, values]) => button.setAttribute("aria-pressed", String(sameSetting(values, setting))));
      $("pin").setAttribute("aria-pressed", String(Boolean(compare)));
      $("pin").textContent = compare ? "Stop comparing with B" : "Pin as B to compare";
      $("undo").disabled = !undoStack.length;
      paintStatus();
      paintMatrix(test, testB);
      paintExplanation(test);
      paintDiagram(test);
      paintExpectations(test);
      paintFindings(test);
      writeFragment();
    }
    readFragment();
    update();
    performance.mark("report-ready");
  }
})();
