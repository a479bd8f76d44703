// The interview page: one question at a time, from /v1/interview; plain DOM and fetch.
"use strict";
(function () {
  const body = document.body;
  const lang = body.dataset.lang;
  const ui = JSON.parse(document.getElementById("ui-text").textContent);
  const store = window.sessionStorage;
  let state = JSON.parse(store.getItem("policykit-interview") || "null") || { case: {}, skipped: [] };
  let last = null; // the last step from the server
  let changing = null; // an assumed fact of no choices being changed in the question form, or a list added to
  // an answer being edited: kept until a new one is given ({fact, value}; "keep" puts it back)
  let editing = null;
  const $ = (id) => document.getElementById(id);

  function save() { store.setItem("policykit-interview", JSON.stringify(state)); }
  function headers() {
    const h = { "Content-Type": "application/json" };
    const key = store.getItem("policykit-key");
    if (key) h["X-API-Key"] = key;
    return h;
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }
  function getPath(obj, path) {
    return path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), obj);
  }
  function setPath(obj, path, value) {
    const parts = path.split(".");
    let node = obj;
    for (const p of parts.slice(0, -1)) { if (typeof node[p] !== "object" || node[p] === null) node[p] = {}; node = node[p]; }
    if (value === undefined) delete node[parts[parts.length - 1]]; else node[parts[parts.length - 1]] = value;
  }

  async function post(path, payload) {
    let response;
    try {
      response = await fetch(path + "?lang=" + lang, { method: "POST", headers: headers(), body: JSON.stringify(payload) });
    } catch (e) {
      throw { status: 0 }; // no answer at all: the service is down or unreachable
    }
    const text = await response.text();
    if (!response.ok) {
      let problem; try { problem = JSON.parse(text); } catch (e) { problem = {}; }
      if (!problem || typeof problem !== "object") problem = {};
      problem.status = response.status;
      throw problem;
    }
    return text;
  }

  async function refresh() {
    save();
    let step;
    try {
      step = JSON.parse(await post("/v1/interview", { case: state.case, skipped: state.skipped }));
    } catch (problem) {
      showProblem(problem);
      return null;
    }
    last = step;
    render(step);
    return step;
  }

  // a problem answer: the clerk's to correct (4xx, with what is wrong), or the service's own (5xx, none)
  function showProblem(problem) {
    if (!problem.status || problem.status >= 500 || !problem.title) {
      showErrors([{ path: "", message: ui.server_error }], "");
      return;
    }
    const listed = (problem.errors || []).map((e) => ({ path: e.path || "", message: e.message }));
    showErrors(listed.length ? listed : [{ path: "", message: problem.title + (problem.detail ? ": " + problem.detail : "") }]);
  }

  // a problem where the interview asks it (its question's title), else by its path in the case
  function problemText(e) {
    const at = e.where || e.path;
    return (at ? at + ui.colon : "") + e.message;
  }

  function showErrors(errors, heading) {
    const box = $("errors");
    box.replaceChildren();
    if (!errors.length) { box.hidden = true; return; }
    if (heading !== "") box.append(el("strong", { text: ui.errors }));
    const list = el("ul");
    for (const e of errors) list.append(el("li", { text: problemText(e) }));
    box.append(list);
    box.hidden = false;
  }

  function inputFor(q) {
    const wrap = el("div", { class: "choices" });
    if (q.choices.length) {
      // one group, named by its question: a screen reader says what "express" answers
      wrap.setAttribute("role", "radiogroup");
      wrap.setAttribute("aria-labelledby", "q-heading");
      q.choices.forEach((c, i) => {
        const id = "choice-" + i;
        const radio = el("input", { type: "radio", name: "answer", id: id, value: JSON.stringify(c.value) });
        if (i === 0) radio.required = true;
        wrap.append(el("label", { for: id }, radio, document.createTextNode(c.label)));
      });
      return wrap;
    }
    if (q.kind === "list") {
      const rows = el("div", { id: "list-entries" });
      for (const f of q.item) {
        rows.append(el("label", { for: "item-" + f.field, text: f.title || f.field }));
        if (f.choices && f.choices.length) { // one of a few values (the case format's): a list to pick from
          const pick = el("select", { id: "item-" + f.field, name: f.field, "data-kind": f.kind });
          pick.append(el("option", { value: "", text: "—" }));
          for (const c of f.choices) pick.append(el("option", { value: String(c), text: (f.labels && Object.prototype.hasOwnProperty.call(f.labels, c) && f.labels[c]) || String(c) }));
          rows.append(pick);
          continue;
        }
        rows.append(el("input", { id: "item-" + f.field, name: f.field, "data-kind": f.kind, placeholder: f.kind === "date" ? "YYYY-MM-DD" : "" }));
      }
      return rows;
    }
    const input = el("input", { id: "answer", name: "answer", autocomplete: "off", "aria-labelledby": "q-heading" });
    if (q.kind === "date") { input.placeholder = "YYYY-MM-DD"; input.inputMode = "numeric"; }
    if (q.kind === "int" || q.kind === "number") input.inputMode = "decimal";
    return input;
  }

  // a day as a person types it (2026/2/10, 20260210, full-width digits...) in the form YYYY-MM-DD,
  // as the terminal reads it; anything else as typed, for the service to say what is wrong
  const marks = Array.from(ui.day_marks || ""); // the language's own marks of year, month and day
  const sep = (i) => "[-\\/." + (marks[i] || "") + "]";
  const written = new RegExp("^(\\d{4})\\s*" + sep(0) + "\\s*(\\d{1,2})\\s*" + sep(1) + "\\s*(\\d{1,2})\\s*" + (marks[2] ? "[" + marks[2] + "]?" : "") + "$");
  function asDay(raw) {
    const plain = raw.normalize("NFKC").trim();
    const m = plain.match(written) || plain.match(/^(\d{4})(\d{2})(\d{2})$/);
    return m ? m[1] + "-" + m[2].padStart(2, "0") + "-" + m[3].padStart(2, "0") : plain;
  }

  function typed(kind, raw) {
    if (kind === "date") return asDay(raw);
    const text = raw.trim();
    if (kind === "int" && /^-?\d+$/.test(text)) return parseInt(text, 10);
    if (kind === "number" && text !== "" && !isNaN(Number(text))) return Number(text);
    return text;
  }

  function answerOf(q) {
    if (q.choices.length) {
      const picked = document.querySelector("input[name=answer]:checked");
      return picked ? JSON.parse(picked.value) : undefined;
    }
    if (q.kind === "list") {
      const entry = {};
      for (const f of q.item) {
        const v = $("item-" + f.field).value;
        if (v.trim() !== "") entry[f.field] = typed(f.kind, v);
      }
      let existing = getPath(state.case, q.fact) || [];
      if (editing && editing.fact === q.fact && Array.isArray(editing.value)) existing = editing.value.slice(0, -1);
      return Object.keys(entry).length ? existing.concat([entry]) : existing;
    }
    const v = $("answer").value;
    return v.trim() === "" ? undefined : typed(q.kind, v);
  }

  function clauseNodes(clauses) {
    // the original, and its English beside it where it is another text (not for a standard written in English)
    return clauses.map((c) => el("div", { class: "clause" }, el("div", { class: "cid", text: c.clause }), el("p", { text: c.text }), c.en && c.en.trim() !== c.text.trim() ? el("p", { class: "en", text: c.en }) : null));
  }

  // the question of a fact, wherever the step has it: still to ask, assumed, skipped, or answered
  function questionOf(step, fact) {
    const all = (step.questions || []).concat(step.assumed || [], step.skipped_questions || [],
      (step.given || []).map((g) => g.question).filter(Boolean));
    return all.find((x) => x.fact === fact);
  }

  function render(step) {
    showErrors(step.errors || []);
    // the request's own problems (an uploaded case's impossible day) are corrected in the start form
    const badRequest = (step.errors || []).some((e) => (e.path || "").startsWith("request"));
    const started = Boolean(getPath(state.case, "request.type")) && Boolean(getPath(state.case, "request.date"));
    $("start").hidden = started && !badRequest;
    if (!$("start").hidden && started) fillStart();
    renderRequest(started && !badRequest);
    const asked = (step.questions || []).find((x) => x.fact !== "request.type" && x.fact !== "request.date");
    const q = (changing && questionOf(step, changing)) || asked;
    const form = $("question");
    if (q && $("start").hidden) {
      form.hidden = false;
      form.dataset.fact = q.fact;
      $("q-heading").textContent = q.text;
      $("q-purpose").textContent = q.needed_for.length ? ui.needed_for + ui.colon + q.needed_for.join(ui.list_sep) : "";
      $("q-input").replaceChildren(inputFor(q));
      $("q-error").hidden = true;
      $("q-clauses").replaceChildren(...clauseNodes(q.clauses));
      $("q-why").hidden = !q.clauses.length;
      // the questions still to ask, the one shown among them (an assumed answer being
      // changed, a list taking another entry, is not in the server's list)
      const open = (step.questions || []).filter((x) => x.fact !== "request.type" && x.fact !== "request.date");
      const count = open.length + (open.some((x) => x.fact === q.fact) ? 0 : 1);
      $("q-count").textContent = ui.question_of.replace("{n}", String(count));
      const kept = editing && editing.fact === q.fact;
      $("skip-button").textContent = kept ? ui.keep : ui.skip;
      if (kept) prefill(q, editing.value);
      const first = form.querySelector("input, select");
      if (first) first.focus();
    } else {
      form.hidden = true;
    }
    $("finished").hidden = !(step.result && !q && !(step.errors || []).length);
    renderSkipped(step.skipped_questions || []);
    renderAssumed(step.assumed || []);
    renderAnswered(step);
    renderDecisions(step);
  }

  // the answer being edited, put back in its question's form (a list: its last entry)
  function prefill(q, value) {
    if (q.choices.length) {
      for (const radio of document.querySelectorAll("input[name=answer]")) radio.checked = radio.value === JSON.stringify(value);
      return;
    }
    if (q.kind === "list") {
      const entry = Array.isArray(value) && value.length ? value[value.length - 1] : {};
      for (const f of q.item) if (entry[f.field] !== undefined) $("item-" + f.field).value = String(entry[f.field]);
      return;
    }
    if (value !== undefined) $("answer").value = String(value);
  }

  // the questions skipped that would still decide something: "skip" is for now, not for good
  function renderSkipped(skipped) {
    const list = $("skipped-list");
    list.replaceChildren();
    for (const q of skipped) {
      const ask = el("button", { type: "button", class: "quiet", text: ui.ask_now });
      ask.addEventListener("click", () => { state.skipped = state.skipped.filter((f) => f !== q.fact); refresh(); });
      list.append(el("li", { "data-fact": q.fact }, el("span", { text: q.text + " " }), ask));
    }
    $("finished-text").textContent = skipped.length ? ui.done_open : ui.done;
  }

  // the request being handled, with ways to correct it or to begin the next
  function renderRequest(shown) {
    $("request-bar").hidden = !shown;
    if (!shown) return;
    const type = getPath(state.case, "request.type");
    const option = [...$("request-type").options].find((o) => o.value === type);
    $("request-shown").textContent = (option ? option.textContent : type) + " · " + getPath(state.case, "request.date");
  }

  function fillStart() {
    const type = getPath(state.case, "request.type");
    if ([...$("request-type").options].some((o) => o.value === type)) $("request-type").value = type;
    $("request-date").value = getPath(state.case, "request.date") || "";
  }

  function renderAssumed(assumed) {
    const list = $("assumed-list");
    list.replaceChildren();
    for (const a of assumed) {
      const shown = a.choices.find((c) => c.value === a.default);
      const item = el("li", { "data-fact": a.fact },
        el("div", { text: a.text }),
        el("div", { class: "meta", text: ui.assumed_value.replace("{value}", shown ? shown.label : Array.isArray(a.default) && !a.default.length ? ui.none : String(a.default)) + (a.default_reason ? " — " + a.default_reason : "") }));
      // each button named with its question too: ten "Confirm" buttons say nothing to a screen reader
      const confirm = el("button", { type: "button", class: "quiet", text: ui.confirm, "aria-label": ui.confirm + ui.colon + a.text });
      confirm.addEventListener("click", () => answer(a.fact, a.default));
      item.append(confirm);
      for (const c of a.choices.filter((c) => c.value !== a.default)) {
        const change = el("button", { type: "button", class: "quiet", text: ui.change + " " + c.label, "aria-label": ui.change + " " + c.label + ui.colon + a.text });
        change.addEventListener("click", () => answer(a.fact, c.value));
        item.append(document.createTextNode(" "), change);
      }
      if (!a.choices.length) {
        // a number, a date, a text or a list: typed in the question form
        const change = el("button", { type: "button", class: "quiet", text: ui.change + "…" });
        change.addEventListener("click", () => { changing = a.fact; render(last); });
        item.append(document.createTextNode(" "), change);
      }
      list.append(item);
    }
    $("assumed").hidden = !assumed.length;
  }

  function renderAnswered(step) {
    const list = $("answered-list");
    list.replaceChildren();
    for (const g of (step && step.given) || []) {
      if (g.fact === "request.type" || g.fact === "request.date") continue;
      const edit = el("button", { type: "button", class: "quiet", text: ui.edit });
      edit.addEventListener("click", () => {
        // asked again, with the answer filled in; the answer stands until another is given
        // (a list: its last entry is edited, the others stay)
        editing = { fact: g.fact, value: getPath(state.case, g.fact) };
        changing = g.fact;
        render(last);
      });
      const item = el("li", { "data-fact": g.fact }, el("span", { text: g.text + " " }), el("strong", { text: g.value }), document.createTextNode(" "), edit);
      if (g.question && g.question.kind === "list") { // a list takes more than one entry
        const add = el("button", { type: "button", class: "quiet", text: ui.add_entry });
        add.addEventListener("click", () => { changing = g.fact; render(last); });
        item.append(document.createTextNode(" "), add);
      }
      list.append(item);
    }
    $("answered").hidden = !list.children.length;
  }

  function renderDecisions(step) {
    const list = $("decision-list");
    list.replaceChildren();
    for (const d of step.decisions || []) {
      const details = el("details", {}, el("summary", { text: ui.why }), ...clauseNodes(d.cites));
      const item = el("li", { class: "decision", "data-decision": d.id },
        el("div", { class: "title", text: d.title }),
        el("div", { class: "value" + (d.decided ? "" : " undecided"), text: d.words }));
      for (const b of d.because) item.append(el("div", { class: "because", text: b }));
      if (d.cites.length) item.append(details);
      list.append(item);
    }
    const steps = $("step-list");
    steps.replaceChildren();
    for (const s of step.steps || []) steps.append(el("li", { "data-step": s.id, text: s.text + (s.due ? " — " + ui.due + " " + s.due : "") }));
    const warnings = $("warnings");
    warnings.replaceChildren(...(step.warnings || []).map((w) => el("p", { class: "warning", text: w })));
  }

  async function answer(fact, value) {
    const wasChanging = changing;
    const typed = typedValues();
    changing = null;
    const before = getPath(state.case, fact);
    setPath(state.case, fact, value);
    const step = await refresh();
    if (!step) return;
    const errors = step.errors || [];
    if (errors.length) {
      // the answer is not taken: the same message as the CLI, beside the question
      setPath(state.case, fact, before);
      changing = wasChanging; // a bad new value for an assumption: its question stays
      save();
      $("q-error").textContent = errors.map(problemText).join("; ");
      $("q-error").hidden = false;
      await refreshQuiet();
      restoreTyped(typed);
      $("q-error").hidden = false;
      return;
    }
    if (editing && editing.fact === fact) editing = null;
    save();
  }

  // what the clerk typed or picked in the question form, to give back after a refusal
  function typedValues() {
    const out = {};
    for (const field of $("q-input").querySelectorAll("input, select")) {
      out[field.id] = field.type === "radio" ? field.checked : field.value;
    }
    return out;
  }

  function restoreTyped(typed) {
    for (const [id, value] of Object.entries(typed)) {
      const field = document.getElementById(id);
      if (!field) continue;
      if (field.type === "radio") field.checked = value; else field.value = value;
    }
  }

  async function refreshQuiet() {
    const message = $("q-error").textContent;
    const step = await refresh();
    $("q-error").textContent = message;
    return step;
  }

  $("start").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = $("api-key");
    if (key && key.value) store.setItem("policykit-key", key.value);
    const request = { type: $("request-type").value, date: asDay($("request-date").value) };
    const before = state.case;
    editing = null;
    changing = null;
    // a request corrected keeps the answers given; a new one starts from nothing
    state = { case: Object.assign({}, before, { request: request }), skipped: state.skipped || [] };
    const step = await refresh();
    if (step && (step.errors || []).length) { // refused: the start form keeps what was typed
      state.case = before;
      save();
      $("start").hidden = false;
      $("request-type").value = request.type;
      $("request-date").value = request.date;
    }
  });

  $("change-request").addEventListener("click", () => {
    fillStart();
    $("start").hidden = false;
    $("request-type").focus();
  });

  $("new-case").addEventListener("click", () => {
    state = { case: {}, skipped: [] };
    editing = null;
    changing = null;
    last = null;
    save();
    $("request-date").value = body.dataset.today;
    for (const id of ["question", "finished", "assumed", "answered", "request-bar", "errors"]) $(id).hidden = true;
    for (const id of ["decision-list", "step-list", "warnings"]) $(id).replaceChildren();
    $("start").hidden = false;
    $("request-type").focus();
  });

  $("question").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fact = $("question").dataset.fact;
    const q = questionOf(last, fact);
    const value = answerOf(q);
    if (value === undefined) { $("q-error").textContent = ui.errors; $("q-error").hidden = false; return; }
    await answer(q.fact, value);
  });

  $("skip-button").addEventListener("click", () => {
    const fact = $("question").dataset.fact;
    if (editing && editing.fact === fact) { // the answer edited stands as it was
      editing = null;
      changing = null;
      render(last);
      return;
    }
    if (changing) { changing = null; render(last); return; } // the default stands
    state.skipped.push($("question").dataset.fact);
    refresh();
  });

  $("download-button").addEventListener("click", () => {
    const blob = new Blob([JSON.stringify(state.case, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: (state.case.case_id || "case") + ".json" });
    document.body.append(link); link.click(); link.remove();
  });

  $("upload").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    editing = null;
    changing = null;
    try { state = { case: JSON.parse(await file.text()), skipped: [] }; }
    catch (e) { showErrors([{ path: file.name, message: String(e) }]); return; }
    refresh();
  });

  $("record-button").addEventListener("click", async () => {
    const popup = window.open("", "_blank");
    try {
      const html = await post("/v1/interview/record", state.case);
      popup.document.open(); popup.document.write(html); popup.document.close();
    } catch (problem) {
      popup.close();
      showProblem(problem);
    }
  });

  if (getPath(state.case, "request.type")) refresh();
})();
