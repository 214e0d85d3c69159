(function () {
  "use strict";
  const A = JSON.parse(document.getElementById("analysis").textContent);
  const values = {};
  A.variables.forEach(v => { values[v.name] = v.default; });

  function tokens(text) { return text.match(/\(|\)|[a-z_][a-z0-9_]*/g) || []; }
  function evaluate(text, env) {
    if (text === "always") return true;
    if (text === "never") return false;
    const t = tokens(text); let i = 0;
    function or() { let v = and(); while (t[i] === "or") { i++; const r = and(); v = v || r; } return v; }
    function and() { let v = not(); while (t[i] === "and") { i++; const r = not(); v = v && r; } return v; }
    function not() {
      const w = t[i++];
      if (w === "not") return !not();
      if (w === "(") { const v = or(); i++; return v; }
      if (w === "true") return true;
      if (w === "false") return false;
      return Boolean(env[w]);
    }
    return or();
  }
  function env() { return Object.assign({}, A.constants, values); }
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    (children || []).forEach(c => node.append(c));
    return node;
  }
  function levelOf(party, datum, e) {
    const c = (A.conditions[datum] || {})[party];
    if (!c) return "none";
    if (evaluate(c.plaintext, e)) return "plaintext";
    if (evaluate(c.ciphertext, e)) return "ciphertext";
    return "none";
  }
  function tierOf(party, datum, level, e) {
    // the strongest tier whose derivations alone give this level here
    const graded = A.tiers[party + "/" + datum];
    if (!graded || level === "none") return "";
    const found = graded.find(([, plain, sealed]) => evaluate(level === "plaintext" ? plain : sealed, e));
    const tier = found ? found[0] : A.weakest;
    return tier === "established" ? "" : " (" + tier + ")";
  }
  function showWitness(party, datum) {
    const box = document.getElementById("witness");
    const ways = A.ways[party + "/" + datum];
    const e = env();
    let text;
    if (A.ways_omitted) text = "Witnesses are not embedded for models this large; run threatmodel explain.";
    else if (!ways || !ways.length) text = party + " never gets " + datum + ".";
    else {
      const here = ways.filter(w => evaluate(w.condition, e));
      const shown = here.length ? here : ways;
      text = shown.map(w => (w.level === "plaintext" ? "plaintext" : "ciphertext only") +
        " when " + w.condition + "\n  e.g. " + w.setting + "\n" +
        w.lines.map(l => "    " + l).join("\n") + "\n  evidence: " + w.evidence +
        "; each step, and the sources behind it:\n" +
        w.steps.map(l => "    " + l).join("\n")).join("\n\n");
    }
    box.textContent = party + " and " + datum + "\n\n" + text;
    box.hidden = false;
  }
  function render() {
    const e = env();
    const broken = A.constraints.filter(c => !evaluate(c.require, e));
    const status = document.getElementById("allowed");
    status.className = broken.length ? "bad" : "good";
    status.textContent = broken.length
      ? "Not an allowed setting: it breaks " + broken.map(c => c.id + " (" + c.text + ")").join(", ")
      : "An allowed setting.";
    const matrix = document.getElementById("matrix");
    matrix.replaceChildren();
    matrix.append(el("tr", {}, [el("th", {}, ["party"]), ...A.data.map(d => el("th", {title: d.title}, [d.id]))]));
    A.parties.forEach(p => {
      const row = el("tr", {}, [el("th", {title: p.title}, [p.id])]);
      A.data.forEach(d => {
        const level = levelOf(p.id, d.id, e);
        const tier = tierOf(p.id, d.id, level, e);
        const cell = el("span", {class: "cell " + level}, [level === "none" ? "—" : level + tier]);
        cell.addEventListener("click", () => showWitness(p.id, d.id));
        row.append(el("td", {}, [cell]));
      });
      matrix.append(row);
    });
    const list = document.getElementById("expectations");
    list.replaceChildren();
    A.expectations.forEach(x => {
      const now = x.parties.filter(p => evaluate(p.condition, e)).map(p => p.party);
      const item = el("li", {class: now.length ? "violated" : "holds"},
        [(now.length ? "✗ " : "✓ ") + x.id + (x.title !== x.id ? ": " + x.title : "")]);
      if (now.length) item.append(" — broken here by " + now.join(", "));
      x.parties.forEach(p => item.append(el("div", {}, [p.party + " breaks it when ", el("code", {}, [p.condition])])));
      list.append(item);
    });
    const findings = document.getElementById("findings");
    findings.replaceChildren(el("tr", {}, ["rule", "severity", "finding", "when", "here"].map(h => el("th", {}, [h]))));
    A.findings.forEach(f => findings.append(el("tr", {}, [f.rule, f.severity, f.message,
      el("code", {}, [f.condition]), evaluate(f.condition, e) ? "yes" : "no"].map(c => el("td", {}, [c])))));
  }
  const vars = document.getElementById("variables");
  A.variables.forEach(v => {
    const box = el("input", {type: "checkbox", id: "v-" + v.name});
    box.checked = v.default;
    if (v.pinned) box.disabled = true;
    box.addEventListener("change", () => { values[v.name] = box.checked; render(); });
    vars.append(el("label", {class: "var " + v.kind, for: "v-" + v.name, title: v.kind},
      [box, " " + v.name + (v.title !== v.name ? " — " + v.title : "")]));
  });
  const scenarios = document.getElementById("scenarios");
  const all = Object.assign({default: {title: "Default setting", values: Object.fromEntries(A.variables.map(v => [v.name, v.default]))}}, A.scenarios);
  Object.entries(all).forEach(([id, s]) => {
    const button = el("button", {type: "button", title: s.title}, [id]);
    button.addEventListener("click", () => {
      Object.assign(values, s.values);
      A.variables.forEach(v => { document.getElementById("v-" + v.name).checked = values[v.name]; });
      render();
    });
    scenarios.append(button);
  });
  const conditions = document.getElementById("conditions");
  conditions.append(el("tr", {}, ["datum", "party", "plaintext", "ciphertext only"].map(h => el("th", {}, [h]))));
  A.data.forEach(d => Object.entries(A.conditions[d.id] || {}).forEach(([party, c]) => {
    if (c.plaintext === "never" && c.ciphertext === "never") return;
    conditions.append(el("tr", {}, [d.id, party, el("code", {}, [c.plaintext]), el("code", {}, [c.ciphertext])].map(x => el("td", {}, [x]))));
  }));
  const impacts = document.getElementById("impacts");
  A.impacts.forEach(i => {
    const forced = Object.entries(i.forced).map(([k, v]) => k + " → " + v).join(", ");
    const item = el("li", {}, [i.variable + " → " + i.value + (forced ? " (forces " + forced + ")" : "") +
      (i.possible ? "" : ": not possible, the constraints forbid it")]);
    const sub = el("ul");
    i.removes.forEach(t => sub.append(el("li", {}, ["removes " + t])));
    i.adds.forEach(t => sub.append(el("li", {}, ["adds " + t])));
    item.append(sub);
    impacts.append(item);
  });
  render();
})();
