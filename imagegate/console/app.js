// The imagegate console: generations list, new generation form, live generation page, benchmark reports.
// Hash routes (#/, #/new, #/generations/<id>, #/benchmarks, #/benchmarks/<name>) so the files can be served
// from any static host. Every figure comes from the API: GET /options (defaults, models, sizes, limits),
// POST/GET /generations; benchmark reports from imagegate serve's /_local/benchmarks.

import { api, apiBase, apiBaseSource, apiKey, ApiError, newIdempotencyKey, setConnection } from "./api.js";
import { barChart, lineChart } from "./charts.js";
import { wordDiff } from "./diff.js";
import { zipFiles } from "./zip.js";

const POLL_MS = 1000;
// Generations being deleted from this page: their polls stop (a poll landing after the DELETE would be a 404).
const deleting = new Set();
const PAGE_SIZE = 20;
const main = document.getElementById("main");
const announcer = document.getElementById("announcer");
let options = null; // GET /options, loaded once
let view = 0; // bumped on every route change: a poll of an older view stops

// -- small DOM helpers --------------------------------------------------------------------------
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "class") element.className = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function announce(text) {
  announcer.textContent = text;
}

function usd(value) {
  return value == null ? "n/a" : `$${Number(value).toFixed(4)}`;
}

function pct(value) {
  return value == null ? "n/a" : `${Math.round(value * 100)}%`;
}

function num(value, digits = 2) {
  return value == null ? "n/a" : Number(value).toFixed(digits);
}

function age(iso) {
  if (!iso) return "";
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

function seconds(from, to) {
  if (!from || !to) return null;
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

function badge(status) {
  return h("span", { class: `badge status-${status}` }, status);
}

// The evaluator's and the verifier's verdicts beside a status, in the words of domain/readings.py (status_line):
// checks that hold over checks that could be verified; an unverifiable check (satisfied null) is counted apart,
// never as held or failed. A reading is a full record ({checks: [...]}) or the listing's counts.
function checkCounts(reading) {
  if (Array.isArray(reading.checks)) {
    const verdicts = reading.checks.map((check) => check.satisfied);
    const unverifiable = verdicts.filter((verdict) => verdict == null).length;
    return { satisfied: verdicts.filter((verdict) => verdict === true).length, verifiable: verdicts.length - unverifiable, unverifiable };
  }
  return { satisfied: reading.satisfied ?? 0, verifiable: reading.verifiable ?? 0, unverifiable: reading.unverifiable ?? 0 };
}

function evaluationText(evaluation) {
  if (!evaluation) return null;
  if (evaluation.unavailable) return "evaluator unavailable";
  if (!Array.isArray(evaluation.checks) && evaluation.verifiable == null) return `evaluator ${evaluation.passed ? "passed" : "failed"}`;  // an older run: no counts
  const n = checkCounts(evaluation);
  return (n.verifiable ? `evaluator ${n.satisfied}/${n.verifiable} checks` : "evaluator verified nothing")
    + (n.unverifiable ? ` · ${n.unverifiable} unverifiable` : "");
}

function verificationText(verification) {
  if (!verification || verification.status === "skipped") return null;
  if (verification.status === "unavailable") return "verifier unavailable (judge alone)";
  const n = checkCounts(verification);
  return `verifier ${n.satisfied}/${n.verifiable} checks` + (n.unverifiable ? ` (${n.unverifiable} unverifiable)` : "");
}

// passed, failed or unverified: what GET /generations?evaluation= filters on (the list item's evaluationClass)
function evaluationClass(evaluation) {
  if (!evaluation || evaluation.unavailable) return "unverified";
  if (!Array.isArray(evaluation.checks) && evaluation.verifiable == null) return evaluation.passed ? "passed" : "failed";
  const n = checkCounts(evaluation);
  return n.verifiable === 0 ? "unverified" : (evaluation.passed ? "passed" : "failed");
}

// The status badge with the evaluator's and the verifier's beside it: a PASSED the evaluator failed never shows alone.
function readingBadges(status, evaluation, verification, verdictClass) {
  const evaluated = evaluationText(evaluation);
  const verified = verificationText(verification);
  const outcome = verification?.passed === false ? "failed" : (verification?.passed === true ? "passed" : "unverified");
  return [
    badge(status),
    evaluated ? h("span", { class: `badge evaluation evaluation-${verdictClass || evaluationClass(evaluation)}`,
      title: "The independent evaluator's checks of the best image: held / verifiable" }, evaluated) : null,
    verified ? h("span", { class: `badge verification verification-${outcome}`,
      title: "The verifier's grounding of the judge's checks on the best image: held / verifiable" }, verified) : null,
  ].filter(Boolean);
}

function isActive(status) {
  return !options.terminalStatuses.includes(status);
}

function errorBanner(error) {
  return h("p", { class: "error-banner", role: "alert" }, error instanceof Error ? error.message : String(error));
}

function show(title, ...content) {
  document.title = `${title} · imagegate console`;
  main.replaceChildren(...content);
}

// -- routing ------------------------------------------------------------------------------------
const ROUTES = [
  [/^#?\/?$/, "list", () => listView()],
  [/^#\/new(?:\?(.*))?$/, "new", (query) => formView(new URLSearchParams(query || ""))],
  [/^#\/generations\/([^/]+)$/, "list", (id) => generationView(decodeURIComponent(id))],
  [/^#\/benchmarks$/, "benchmarks", () => benchmarksView()],
  [/^#\/benchmarks\/([^/]+)$/, "benchmarks", (name) => benchmarkView(decodeURIComponent(name))],
];

// initial: the first render of a page load, where focus stays at the top (skip link first); later routes
// move focus to the new content, as a page load would for a screen reader.
async function route(initial = false) {
  view += 1;
  const hash = window.location.hash || "#/";
  const [, section, render] = ROUTES.find(([pattern]) => pattern.test(hash)) || [null, "", null];
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!render) {
    show("Not found", h("h1", {}, "Not found"), h("p", {}, "No such page. ", h("a", { href: "#/" }, "See the generations.")));
    return;
  }
  const match = hash.match(ROUTES.find(([pattern]) => pattern.test(hash))[0]);
  try {
    if (!options) options = await api("/options");
    await render(...match.slice(1));
  } catch (error) {
    show("Error", h("h1", {}, "Something went wrong"), errorBanner(error));
  }
  if (!initial && (document.activeElement === document.body || !main.contains(document.activeElement))) main.focus();
}

// -- generations list ---------------------------------------------------------------------------
async function listView() {
  const current = view;
  const filter = h("select", { id: "status-filter" }, h("option", { value: "" }, "All statuses"),
    options.statuses.map((status) => h("option", { value: status }, status)));
  const verdict = h("select", { id: "evaluation-filter" }, h("option", { value: "" }, "Any evaluation"),
    [["passed", "Evaluator passed"], ["failed", "Evaluator failed"], ["unverified", "Not verified"]]
      .map(([value, text]) => h("option", { value }, text)));
  const list = h("ul", { class: "gen-list", "aria-label": "Generations, newest first" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load more");
  const note = h("p", { class: "muted", role: "status" });
  const items = [];
  let cursor = null;

  const render = () => {
    list.replaceChildren(...items.map(listItem));
    const judged = verdict.value ? ` the evaluator ${verdict.value === "unverified" ? "did not verify" : verdict.value}` : "";
    const wanted = filter.value ? ` ${filter.value}` : "";
    note.textContent = items.length === 0
      ? (judged || wanted ? `No${wanted} generations${judged}.` : "No generations yet.")
      : `${items.length}${wanted} generation(s)${judged} shown${cursor ? "; load more to see older ones" : ""}.`;
  };
  let asked = 0; // the latest load: a page asked for before a filter changed is dropped
  const load = async () => {
    const mine = ++asked;
    more.disabled = true;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) query.set("cursor", cursor);
    // both filters are applied by the API, page by page (GET /generations?status=&evaluation=), so a page of
    // results is never only what happened to be loaded already
    if (filter.value) query.set("status", filter.value);
    if (verdict.value) query.set("evaluation", verdict.value);
    const page = await api(`/generations?${query}`);
    if (current !== view || mine !== asked) return;
    items.push(...page.generations);
    cursor = page.nextCursor;
    more.hidden = !cursor;
    more.disabled = false;
    render();
  };
  const reload = () => {
    items.length = 0;
    cursor = null;
    load().catch((error) => note.replaceChildren(errorBanner(error)));
  };
  filter.addEventListener("change", reload);
  verdict.addEventListener("change", reload);
  more.addEventListener("click", () => load().catch((error) => note.replaceChildren(errorBanner(error))));

  const budget = h("p", { id: "daily-budget", class: "muted" });
  show("Generations",
    h("h1", {}, "Generations"),
    budget,
    h("div", { class: "toolbar" },
      h("div", { class: "field" }, h("label", { for: "status-filter" }, "Status"), filter),
      h("div", { class: "field" }, h("label", { for: "evaluation-filter" }, "Evaluator"), verdict),
      h("a", { class: "button", href: "#/new" }, "New generation"),
      h("button", { type: "button", class: "secondary", onclick: () => route() }, "Refresh")),
    note, list, more);
  showBudget(budget, current);
  await load();
}

// Today's spend against the deployment's daily cap (GET /budget); an API without the route shows nothing.
function showBudget(element, current) {
  api("/budget").then((b) => {
    if (current !== view) return;
    element.textContent = b.capUsd == null
      ? `Today (UTC ${b.day}): no daily budget is set, so the day's spend is not counted (each generation shows its own cost).`
      : `Today's budget (UTC ${b.day}): ${usd(b.spentUsd)} spent and ${usd(b.reservedUsd)} reserved of ${usd(b.capUsd)} `
        + `(${pct(b.usedRatio)} used); resets ${b.resetsAt}.`;
  }).catch(() => { element.textContent = ""; });
}

function listItem(item) {
  const title = item.prompt || item.id;
  const picture = item.bestImage
    ? h("img", { class: "thumb", src: item.bestImage, alt: `Best image so far of: ${title}`, loading: "lazy" })
    : h("div", { class: "no-thumb", "aria-hidden": "true" }, "no image yet");
  const score = item.bestScore == null ? "no score yet"
    : `score ${num(item.bestScore, 1)}${item.threshold == null ? "" : ` / ${num(item.threshold, 1)}`}`;
  return h("li", { class: "gen-item" },
    picture,
    h("div", {},
      // cut to two lines here (.prompt); the whole text is its title and the generation page's heading
      h("a", { class: "prompt", href: `#/generations/${encodeURIComponent(item.id)}`, title }, title),
      h("ul", { class: "gen-facts" },
        h("li", {}, score),
        h("li", {}, `${item.rounds} round(s)`),
        h("li", {}, usd(item.costUsd)),
        h("li", {}, h("time", { datetime: item.startedAt, title: item.startedAt }, age(item.startedAt))))),
    h("div", { class: "gen-status" }, ...readingBadges(item.status, item.evaluation, item.verification, item.evaluationClass)));
}

// -- new generation form ------------------------------------------------------------------------
const FIELD_FOR_ERROR = { "width/height": "size", width: "size", height: "size" };

// Help under each field, written for the person filling the form (the schema's descriptions are for developers).
const HINTS = {
  negativePrompt: "Things that must not appear, comma separated (for example: blurry, text, watermark).",
  generator: "The image model that draws each round.",
  quality: "Higher quality costs more per image where the model offers it.",
  cfgScale: "How strictly the model follows the prompt; higher is stricter.",
  threshold: "The score (0-10) a round's best image needs from the judge to pass.",
  maxRounds: "The most rounds drawn before the best one so far is the result.",
  candidatesPerRound: "Images drawn per round; the judge picks the best.",
  maxCostUsd: "The run stops before a round would spend more than this.",
  seed: "The same seed and settings draw the same first image.",
  strategy: "What happens after a round that misses: auto edits the best image when it is close, else rewrites the "
    + "prompt; regenerate rewrites the prompt and draws anew; refine always edits the best image; redraw and "
    + "reword are comparison arms (same prompt with a new seed; the prompt restated without the judge's advice).",
  style: "A look applied to every round (for example photographic or watercolor); the judge checks it too.",
  review: "final: you approve the result, or reject it with feedback that the next round acts on.",
  reviewTimeoutSeconds: "Without your answer by then, the run ends with its best round.",
  judge: "The vision model that scores each image against your prompt.",
  rewriter: "The text model that rewrites the prompt from the judge's advice and your feedback.",
  evaluator: "A second model that checks the final image on its own, apart from the loop.",
  expected: "Optional: the objects the final image must show, for the evaluator.",
};

async function formView(query = new URLSearchParams()) {
  const current = view;
  const source = await rerunSource(query);
  if (current !== view) return;
  const schema = options.requestSchema.properties;
  const defaults = options.defaults;
  const generators = options.models.generator;
  const form = h("form", { class: "run-form", novalidate: true, "aria-describedby": "form-error" });
  const formError = h("div", { id: "form-error", role: "alert" });
  const fields = {};

  const field = (name, label, control, { wide = false, hint = HINTS[name] } = {}) => {
    const error = h("p", { class: "field-error", id: `error-${name}` });
    const hintId = hint ? `hint-${name}` : null;
    control.id = control.id || `field-${name}`;
    control.setAttribute("aria-describedby", [hintId, `error-${name}`].filter(Boolean).join(" "));
    const wrapper = h("div", { class: `field${wide ? " wide" : ""}`, "data-field": name },
      h("label", { for: control.id }, label), control, hint ? h("p", { class: "hint", id: hintId }, hint) : null, error);
    fields[name] = { wrapper, control, error };
    return wrapper;
  };
  const number = (name, { step = "any" } = {}) => {
    const rule = schema[name];
    return h("input", {
      type: "number", name, step, value: defaults[name] ?? "", inputmode: step === "1" ? "numeric" : "decimal",
      min: rule.minimum ?? rule.exclusiveMinimum, max: rule.maximum,
    });
  };
  const select = (name, choices, selected) => h("select", { name },
    choices.map(([value, text]) => h("option", { value, selected: value === selected }, text)));
  const modelChoices = (role) => options.models[role].map((model) => [model.id, `${model.name} (${model.id})`]);

  const generator = select("generator", modelChoices("generator"), defaults.generator);
  const size = h("select", { name: "size" });
  const width = h("input", { type: "number", name: "width", step: "1", inputmode: "numeric", "aria-label": "Width in pixels" });
  const height = h("input", { type: "number", name: "height", step: "1", inputmode: "numeric", "aria-label": "Height in pixels" });
  const sizeRange = h("div", { class: "size-pair" }, width, height);
  const quality = h("select", { name: "quality" });
  const cfgScale = h("input", { type: "number", name: "cfgScale", step: "0.1", inputmode: "decimal" });
  const prompt = h("textarea", { name: "prompt", required: true, rows: 3 });
  const promptCount = h("p", { class: "hint", id: "prompt-count", "aria-live": "off" });

  const sizeField = field("size", "Size (width x height)", size, { hint: "The sizes the chosen generator draws" });
  sizeField.insertBefore(sizeRange, fields.size.error);
  const cfgField = field("cfgScale", "Prompt adherence (cfgScale)", cfgScale);

  const applyGenerator = () => {
    const model = generators.find((g) => g.id === generator.value);
    if (model.sizes) {
      const keep = `${width.value || defaults.width}x${height.value || defaults.height}`;
      size.replaceChildren(...model.sizes.map((s) => h("option", { value: `${s.width}x${s.height}` }, s.label)));
      const values = model.sizes.map((s) => `${s.width}x${s.height}`);
      size.value = values.includes(keep) ? keep : values[0];
      size.hidden = false;
      sizeRange.hidden = true;
      size.id = "field-size";
    } else {
      const rule = model.sizeRange;
      for (const input of [width, height]) {
        Object.assign(input, { min: rule.minSide, max: rule.maxSide, step: rule.multipleOf });
        if (!input.value) input.value = defaults[input.name];
      }
      size.hidden = true;
      sizeRange.hidden = false;
    }
    fields.size.wrapper.querySelector("label").htmlFor = model.sizes ? "field-size" : width.id || "field-width";
    const keepQuality = quality.value || defaults.quality;
    quality.replaceChildren(...model.qualities.map((q) => h("option", { value: q }, q)));
    quality.value = model.qualities.includes(keepQuality) ? keepQuality : model.qualities[0];
    cfgField.hidden = !model.cfgScale;
    if (model.cfgScale) Object.assign(cfgScale, { min: model.cfgScale.min, max: model.cfgScale.max, value: cfgScale.value || model.cfgScale.default });
    promptCount.textContent = `${prompt.value.length} / ${model.promptMaxChars} characters for ${model.name}`;
  };
  width.id = "field-width";
  height.id = "field-height";

  const basic = [
    field("prompt", "Prompt", prompt, { wide: true, hint: "What to draw. Quotes are fine: a sign that says \"OPEN LATE\"." }),
    promptCount,
    field("style", "Style preset", select("style", [["", "none"], ...schema.style.enum.map((s) => [s, s])], "")),
    field("threshold", "Threshold (score 0-10 that passes)", number("threshold")),
    field("maxRounds", "Maximum rounds", number("maxRounds", { step: "1" })),
  ];
  const advanced = [
    field("negativePrompt", "Negative prompt", h("textarea", { name: "negativePrompt", rows: 2 }), { wide: true }),
    field("generator", "Image model (generator)", generator),
    sizeField,
    field("quality", "Quality", quality),
    cfgField,
    field("candidatesPerRound", "Images per round", number("candidatesPerRound", { step: "1" })),
    field("maxCostUsd", "Budget (USD)", number("maxCostUsd")),
    field("seed", "Seed", number("seed", { step: "1" })),
    field("strategy", "After a round that misses", select("strategy", schema.strategy.enum.map((s) => [s, s]), defaults.strategy)),
    field("review", "Human review", select("review", schema.review.enum.map((s) => [s, s === "final" ? "final: approve or reject before it ends" : s]), defaults.review)),
    field("reviewTimeoutSeconds", "Review timeout (seconds)", number("reviewTimeoutSeconds", { step: "1" })),
    field("judge", "Judge (vision model)", select("judge", modelChoices("judge"), defaults.judge)),
    field("rewriter", "Rewriter (text model)", select("rewriter", modelChoices("rewriter"), defaults.rewriter)),
    field("evaluator", "Independent evaluator", select("evaluator", modelChoices("evaluator"), defaults.evaluator)),
    h("details", { class: "advanced" }, h("summary", {}, "Evaluator expectations (optional, JSON)"),
      field("expected", "expected", h("textarea", { name: "expected", rows: 4, placeholder: '{"include": [{"class": "apple", "count": 1, "color": "red"}]}' }), { wide: true })),
  ];
  form.append(
    h("fieldset", { class: "basic-settings" }, h("legend", {}, "Basic settings"), ...basic),
    h("details", { class: "advanced-settings" }, h("summary", {}, "Advanced settings: models, size, budget, seed, strategy, review"),
      h("div", { class: "advanced-fields" }, ...advanced)),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Start generation"), formError),
  );
  fields.negativePrompt.control.value = defaults.negativePrompt || "";
  if (source) prefill(fields, source, generator, size, width, height);
  generator.addEventListener("change", applyGenerator);
  prompt.addEventListener("input", applyGenerator);
  applyGenerator();
  if (source) prefillAfterGenerator(fields, source);

  let pending = null; // {key, body}: a retried identical submission reuses its Idempotency-Key
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(fields, formError);
    const model = generators.find((g) => g.id === generator.value);
    let body;
    try {
      body = requestBody(form, model);
      // a re-run keeps the source's settings the form has no field for (verifier, finish...), and records its source
      if (source) body = { ...carriedSettings(source.settings, fields), ...body, from: source.link };
    } catch (error) {
      return showFieldError(fields, formError, error.field, error.message);
    }
    const text = JSON.stringify(body);
    if (!pending || pending.text !== text) pending = { key: newIdempotencyKey(), text };
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Starting…";
    try {
      const started = await api("/generations", { method: "POST", body, headers: { "Idempotency-Key": pending.key } });
      window.location.hash = `#/generations/${encodeURIComponent(started.id)}`;
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) pending = null;
      showFieldError(fields, formError, error.field, error.message);
    } finally {
      button.disabled = false;
      button.textContent = "Start generation";
    }
  });

  show(source ? "Run again" : "New generation", h("h1", {}, source ? "Run again with changes" : "New generation"),
    source ? h("p", { id: "rerun-source", class: "rerun-note" }, "Every setting of ",
      h("a", { href: `#/generations/${encodeURIComponent(source.link.id)}` }, source.link.id),
      source.link.round ? ` with round ${source.link.round}'s prompt` : " with its original prompt",
      " is filled in: change what you want and start. The new generation links back to it.")
      : h("p", { class: "muted" }, "Defaults are this deployment's; every limit is checked by the API."), form);
  prompt.focus();
}

// #/new?from=<id>[&round=N]: the generation to copy (its settings, and round N's prompt or its original prompt).
async function rerunSource(query) {
  const id = query.get("from");
  if (!id) return null;
  const generation = await api(`/generations/${encodeURIComponent(id)}`);
  const wanted = query.get("round") ? Number(query.get("round")) : null;
  const round = wanted == null ? null : generation.rounds.find((r) => r.round === wanted);
  if (wanted != null && !round) throw new Error(`generation ${id} has no round ${query.get("round")}`);
  return {
    link: round ? { id: generation.id, round: round.round } : { id: generation.id },
    settings: generation.settings || {},
    prompt: round ? round.prompt : generation.prompt,
    negativePrompt: round ? round.negativePrompt : generation.settings?.negativePrompt,
  };
}

// The copied settings: the generator first (its sizes and qualities follow it), then every field the form has.
function prefill(fields, source, generator, size, width, height) {
  const settings = source.settings;
  if (settings.generator && [...generator.options].some((o) => o.value === settings.generator)) generator.value = settings.generator;
  if (settings.width) {
    width.value = settings.width;
    height.value = settings.height;
  }
  fields.prompt.control.value = source.prompt || "";
  fields.negativePrompt.control.value = source.negativePrompt || "";
  for (const [name, value] of Object.entries(settings)) {
    const field = fields[name];
    if (!field || ["prompt", "negativePrompt", "generator", "size", "quality", "cfgScale"].includes(name) || value == null) continue;
    field.control.value = name === "expected" ? JSON.stringify(value) : String(value);
  }
  if (settings.expected) fields.expected.wrapper.closest("details").open = true;
}

// Settings of a re-run's source that no form field shows: sent as they were (the form's fields decide the rest).
function carriedSettings(settings, fields) {
  const byForm = new Set([...Object.keys(fields), "prompt", "from", "width", "height"]);
  return Object.fromEntries(Object.entries(settings).filter(([name, value]) => !byForm.has(name) && value != null));
}

function prefillAfterGenerator(fields, source) {
  const settings = source.settings;
  if (settings.width && !fields.size.control.hidden) fields.size.control.value = `${settings.width}x${settings.height}`;
  if (settings.quality) fields.quality.control.value = settings.quality;
  if (settings.cfgScale != null && !fields.cfgScale.wrapper.hidden) fields.cfgScale.control.value = settings.cfgScale;
}

function requestBody(form, model) {
  const data = new FormData(form);
  const schema = options.requestSchema.properties;
  const body = {};
  for (const [name, raw] of data.entries()) {
    const value = String(raw);
    if (name === "size") continue;
    if (name === "expected") {
      if (!value.trim()) continue;
      try {
        body.expected = JSON.parse(value);
      } catch (error) {
        throw Object.assign(new Error(`expected: is not valid JSON (${error.message})`), { field: "expected" });
      }
      continue;
    }
    if (name === "cfgScale" && !model.cfgScale) continue;
    if (name === "style" && !value) continue; // no style preset
    if (["width", "height"].includes(name) && model.sizes) continue;
    const type = schema[name]?.type;
    if (type === "number" || type === "integer") {
      if (value.trim() === "") continue; // left empty: the API applies the default
      body[name] = Number(value);
      if (!Number.isFinite(body[name])) {
        throw Object.assign(new Error(`${name}: ${JSON.stringify(value)} is not a number`), { field: name });
      }
    } else {
      body[name] = value;
    }
  }
  if (model.sizes) {
    const [width, height] = String(data.get("size")).split("x").map(Number);
    Object.assign(body, { width, height });
  }
  return body;
}

function clearErrors(fields, formError) {
  formError.replaceChildren();
  for (const { control, error } of Object.values(fields)) {
    error.textContent = "";
    control.removeAttribute("aria-invalid");
  }
}

function showFieldError(fields, formError, field, message) {
  const name = FIELD_FOR_ERROR[field] || (field && field.startsWith("expected") ? "expected" : field);
  const target = fields[name];
  if (!target || target.wrapper.hidden) {
    formError.replaceChildren(errorBanner(message));
    return;
  }
  target.error.textContent = message;
  const control = name === "size" && target.control.hidden ? target.wrapper.querySelector("input") : target.control;
  control.setAttribute("aria-invalid", "true");
  const details = target.wrapper.closest("details");
  if (details) details.open = true;
  control.focus();
  formError.replaceChildren(h("p", { class: "field-error" }, `Not started: ${message}`));
}

// -- a generation, live -------------------------------------------------------------------------
async function generationView(id) {
  const current = view;
  const head = h("div", { class: "gen-head" });
  const summary = h("div", { class: "summary-grid" });
  const rounds = h("ol", { class: "rounds", "aria-label": "Rounds" }); // new rounds are announced by #announcer
  const roundsNote = h("p", { class: "muted" });
  const problem = h("div", { class: "poll-problem" });
  const title = h("h1", {}, "Generation");
  const review = h("section", { id: "review", class: "review", "aria-label": "Human review" });
  const enhance = h("section", { id: "enhance", class: "enhance", "aria-label": "Enhance the final image" });
  const actions = h("div", { id: "generation-actions", class: "downloads" });
  const overlaySwitch = h("label", { class: "overlay-switch", hidden: true },
    h("input", { type: "checkbox", id: "overlay-toggle", onchange: (e) => main.classList.toggle("show-drawn", e.currentTarget.checked) }),
    " Show what the offline world drew (labels and boxes)");
  const compare = h("section", { id: "compare", class: "compare", "aria-labelledby": "compare-heading" });
  main.classList.remove("show-drawn");
  show("Generation", title, head, actions, overlaySwitch, review, summary, enhance, compare, h("h2", {}, "Rounds"), roundsNote, rounds);
  main.insertBefore(problem, summary);
  let shownRounds = 0;
  let reviewKey = null;
  let enhanceKey = null;
  let actionsKey = null;
  let lastStatus = null;
  const drawings = drawingLoader(current, overlaySwitch);
  let document_ = null;

  const refresh = async () => {
    const generation = await api(`/generations/${encodeURIComponent(id)}`);
    if (current !== view) return;
    document_ = generation;
    title.textContent = generation.prompt || generation.id;
    document.title = `${generation.status}: ${generation.prompt || id} · imagegate console`;
    renderHead(head, generation);
    const actionsNow = JSON.stringify([generation.status, enhancing(generation)]);
    if (actionsNow !== actionsKey) {
      actionsKey = actionsNow;
      renderActions(actions, generation, () => poll(0));
    }
    // re-drawn only when the review state changes, so feedback being typed survives the polls
    const key = JSON.stringify([generation.awaitingReview, generation.rounds.map((r) => (r.reviews || []).length)]);
    if (key !== reviewKey) {
      reviewKey = key;
      renderReview(review, generation);
    }
    if (generation.status !== lastStatus || generation.rounds.length !== shownRounds) {
      renderSummary(summary, generation, () => document_);
      drawings.attach(summary);
      renderCompare(compare, generation, drawings);
    }
    // the enhancements' list is re-drawn only when one of them changes, so the form being filled survives the polls
    const enhancementsKey = JSON.stringify([generation.status, (generation.enhancements || []).map((e) => [e.id, e.status])]);
    if (enhancementsKey !== enhanceKey) {
      enhanceKey = enhancementsKey;
      renderEnhance(enhance, generation, () => poll());
    }
    for (const round of generation.rounds.slice(shownRounds)) {
      const previous = generation.rounds.find((r) => r.round === round.round - 1);
      const item = roundItem(round, previous, generation);
      rounds.append(item);
      drawings.attach(item);
      announce(`Round ${round.round} recorded: score ${num(round.score, 1)}${round.passed ? ", passed" : ""}.`);
    }
    shownRounds = generation.rounds.length;
    roundsNote.textContent = shownRounds === 0 ? (isActive(generation.status) ? "Waiting for the first round…" : "No rounds were recorded.") : "";
    if (lastStatus && generation.status !== lastStatus && !isActive(generation.status)) {
      announce(`Generation ${generation.status}${generation.reason ? `: ${generation.reason}` : ""}.`);
    }
    lastStatus = generation.status;
    if (isActive(generation.status) || enhancing(generation)) window.setTimeout(() => poll(), POLL_MS);
  };
  // A failed poll (throttled, offline) is shown and retried, less often, until the view changes.
  const poll = (delay = POLL_MS) => {
    if (current !== view || deleting.has(id)) return; // a deleted generation is not asked for again
    refresh().then(() => problem.replaceChildren()).catch((error) => {
      if (current !== view) return;
      problem.replaceChildren(errorBanner(`${error.message}; trying again in ${(2 * delay) / 1000} s`));
      window.setTimeout(() => poll(Math.min(2 * delay, 30000)), 2 * delay);
    });
  };
  await refresh();
}

// -- enhancing the final image (POST /generations/{id}/enhance) ------------------------------------------------
const ENHANCE_PRESETS = [
  ["enhance-add-upscale-fast", "Upscale (fast)", () => ({ op: "upscale", mode: "fast" })],
  ["enhance-add-upscale-conservative", "Upscale (conservative)", () => ({ op: "upscale", mode: "conservative" })],
  ["enhance-add-remove-background", "Remove background", () => ({ op: "remove-background" })],
];

function enhancing(generation) {
  return (generation.enhancements || []).some((e) => e.status === "QUEUED" || e.status === "RUNNING");
}

function describeOperation(op) {
  if (op.op === "upscale") return `upscale (${op.mode})`;
  if (op.op === "recolor") return `recolor ${op.object} ${op.colour}`;
  if (op.op === "replace") return `replace ${op.object} with ${op.with}`;
  if (op.op === "erase") return `erase ${op.object}`;
  if (op.op === "replace-background") return `new background: ${op.prompt}`;
  return op.op;
}

// A finished generation's image can be enhanced: operations are queued in order (each applies to the previous
// one's output), then sent as one enhancement; each enhancement shows its source image and its result side by side.
function renderEnhance(section, generation, pollSoon) {
  if (isActive(generation.status) || !generation.bestImage) {
    section.replaceChildren();
    return;
  }
  let form = section.querySelector("#enhance-form");
  if (!form) {
    const queued = [];
    const list = h("ol", { id: "enhance-ops", "aria-label": "Operations to apply, in order" });
    const message = h("div", { id: "enhance-message" });
    const start = h("button", { type: "button", id: "enhance-start", disabled: true }, "Enhance");
    const redraw = () => {
      list.replaceChildren(...queued.map((op) => h("li", {}, describeOperation(op))));
      start.disabled = queued.length === 0;
    };
    const add = (op) => { queued.push(op); redraw(); };
    const recolorObject = h("input", { id: "enhance-recolor-object", name: "recolorObject", placeholder: "cup" });
    const recolorColour = h("input", { id: "enhance-recolor-colour", name: "recolorColour", placeholder: "green" });
    const eraseObject = h("input", { id: "enhance-erase-object", name: "eraseObject", placeholder: "cup" });
    start.addEventListener("click", async () => {
      start.disabled = true;
      message.replaceChildren();
      try {
        const body = { operations: [...queued] };
        const answer = await api(`/generations/${encodeURIComponent(generation.id)}/enhance`, { method: "POST", body });
        message.replaceChildren(h("p", { role: "status", id: "enhance-started" }, `Enhancement ${answer.enhancementId} started…`));
        queued.length = 0;
        redraw();
        pollSoon();
      } catch (error) {
        message.replaceChildren(errorBanner(error));
        start.disabled = queued.length === 0;
      }
    });
    form = h("div", { id: "enhance-form" },
      h("h2", {}, "Enhance the final image"),
      h("p", { class: "muted" }, "Each operation is one Stability AI Image Services call on the previous one's output, billed in this run's ledger."),
      h("div", { class: "toolbar" }, ENHANCE_PRESETS.map(([id, label, make]) =>
        h("button", { type: "button", class: "secondary", id, onclick: () => add(make()) }, label))),
      h("div", { class: "toolbar" },
        h("div", { class: "field" }, h("label", { for: "enhance-recolor-object" }, "Recolor object"), recolorObject),
        h("div", { class: "field" }, h("label", { for: "enhance-recolor-colour" }, "to colour"), recolorColour),
        h("button", { type: "button", class: "secondary", id: "enhance-add-recolor",
          onclick: () => add({ op: "recolor", object: recolorObject.value, colour: recolorColour.value }) }, "Add recolor"),
        h("div", { class: "field" }, h("label", { for: "enhance-erase-object" }, "Erase object"), eraseObject),
        h("button", { type: "button", class: "secondary", id: "enhance-add-erase",
          onclick: () => add({ op: "erase", object: eraseObject.value }) }, "Add erase")),
      list,
      h("div", { class: "toolbar" }, start,
        h("button", { type: "button", class: "secondary", id: "enhance-clear", onclick: () => { queued.length = 0; redraw(); } }, "Clear")),
      message);
    section.replaceChildren(form, h("div", { id: "enhancements" }));
  }
  const shown = section.querySelector("#enhancements");
  shown.replaceChildren(...(generation.enhancements || []).slice().reverse().map((e) =>
    h("article", { class: "enhancement", id: `enhancement-${e.id}` },
      h("h3", {}, `Enhancement ${e.id}: `, badge(e.status), ` ${e.operations.map(describeOperation).join(" → ")} · ${usd(e.costUsd)}`),
      e.error ? h("p", { class: "error-banner", role: "alert" }, e.error) : null,
      h("div", { class: "before-after" },
        h("figure", { class: "before" },
          e.sourceImage ? h("img", { src: e.sourceImage, alt: `Before: round ${e.sourceRound}'s best image` }) : null,
          h("figcaption", {}, `Before (round ${e.sourceRound})`)),
        h("figure", { class: "after" },
          e.image ? h("img", { src: e.image, alt: `After: ${e.operations.map(describeOperation).join(", then ")}` })
            : h("p", { class: "muted" }, e.status === "FAILED" ? "No result." : "Working…"),
          h("figcaption", {}, e.image ? `After (${e.steps.at(-1)?.width}x${e.steps.at(-1)?.height})` : "After"))))));
}

// "1 min 4 s", "12 s"
function duration(seconds) {
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`;
}

// Where the run is (GET /generations/{id} progress, from its execution's history): the step it is at, for how
// long, the time since it started, an estimate from its own finished rounds, and the last finished steps.
function progressLine(generation) {
  const p = generation.progress;
  if (!p || p.elapsedSeconds == null) return null;
  const parts = p.step
    ? [`Now: ${p.step}${p.round ? ` (round ${p.round})` : ""}`, `${duration(p.stepSeconds ?? 0)} in this step`,
      `${duration(p.elapsedSeconds)} since it started`,
      p.estimatedSecondsLeft != null ? `at most about ${duration(p.estimatedSecondsLeft)} left` : null]
    : [`Took ${duration(p.elapsedSeconds)}`];
  const done = (p.finishedSteps || []).slice(-4).map((s) => `${s.step}${s.round ? ` (round ${s.round})` : ""} ${duration(s.seconds)}`);
  return h("span", { id: "generation-progress" }, parts.filter(Boolean).join(" · "),
    p.step && done.length ? h("span", { class: "muted", id: "generation-steps" }, ` — before: ${done.join(", ")}`) : null);
}

function renderHead(head, generation) {
  const live = isActive(generation.status);
  head.replaceChildren(...[
    h("span", { id: "generation-status", role: "status" }, "Status: ", badge(generation.status)),
    progressLine(generation),
    // the evaluator's and the verifier's verdicts on the best image, beside the status
    h("span", { id: "generation-readings" }, ...readingBadges(generation.status, generation.evaluation, generation.verification).slice(1)),
    live ? h("span", { class: "muted" }, `updating every ${POLL_MS / 1000} s`) : null,
    generation.reason ? h("span", { id: "generation-reason" }, generation.reason) : null,
    generation.error ? h("span", { class: "error-banner", id: "generation-error" }, `Error: ${generation.error}`) : null,
  ].filter(Boolean));
}

// The run waits for a person (review final): approve, or reject with feedback for the next round; and the
// reviews so far, each with its round. The task token never reaches the page (the API keeps it).
function renderReview(section, generation) {
  const reviews = generation.rounds.flatMap((round) => round.reviews || []);
  const history = reviews.length ? h("ul", { class: "reviews", "aria-label": "Reviews" }, reviews.map((r) =>
    h("li", {}, `Round ${r.round}: ${r.decision === "approve" ? "✔ approved" : "✘ rejected"} by ${r.reviewer} at ${r.reviewedAt}`,
      r.feedback ? ` — “${r.feedback}”` : ""))) : null;
  const waiting = generation.awaitingReview;
  if (!waiting) {
    section.replaceChildren(...(history ? [h("h2", {}, "Reviews"), history] : []));
    return;
  }
  const feedback = h("textarea", { id: "review-feedback", name: "feedback", rows: 2, maxlength: 1000,
    placeholder: "With reject: what the next round should change" });
  const note = h("div", { role: "status" });
  const send = async (button, decision) => {
    note.replaceChildren();
    const body = decision === "reject" ? { decision, feedback: feedback.value } : { decision };
    await withBusy(button, decision === "approve" ? "Approving…" : "Rejecting…", async () => {
      try {
        await api(`/generations/${encodeURIComponent(generation.id)}/review`, { method: "POST", body });
        announce(decision === "approve" ? "Approved." : "Rejected; another round is drawn if rounds and budget remain.");
        section.replaceChildren(h("p", { id: "review-sent", role: "status" }, `Review sent (${decision}); the run goes on…`));
      } catch (error) {
        note.replaceChildren(h("p", { class: "field-error" }, error.message));
        if (error.field === "feedback") feedback.focus();
      }
    });
  };
  section.replaceChildren(
    h("h2", {}, `Round ${waiting.round} waits for your review`),
    h("p", { class: "muted" }, `Approve it to end the run PASSED with this round's best image, or reject it with feedback. `
      + `Without an answer by ${waiting.deadline} the run ends EXHAUSTED.`),
    ...(waiting.round >= (generation.settings?.maxRounds ?? Infinity)
      ? [h("p", { id: "review-last-round" }, "This is the last round: a reject ends the run EXHAUSTED (no round is drawn after it).")]
      : []),
    h("div", { class: "field wide" }, h("label", { for: "review-feedback" }, "Feedback"), feedback),
    h("div", { class: "downloads" },
      h("button", { type: "button", id: "review-approve", onclick: (e) => send(e.currentTarget, "approve") }, "Approve"),
      h("button", { type: "button", class: "secondary", id: "review-reject", onclick: (e) => send(e.currentTarget, "reject") }, "Reject")),
    note, ...(history ? [h("h3", {}, "Earlier reviews"), history] : []));
}

function renderSummary(summary, generation, latest) {
  const settings = generation.settings || {};
  const totals = generation.totals || {};
  const best = generation.bestImage;
  const bestPanel = h("section", { class: "best", "aria-labelledby": "best-heading" },
    h("h2", { id: "best-heading" }, best ? `Best image: round ${best.round}, score ${num(best.score, 1)}` : "Best image"),
    best ? h("figure", {}, drawable(h("img", { id: "best-image", src: best.url, alt: `Best image (round ${best.round}, score ${num(best.score, 1)}) for: ${generation.prompt}` }),
      generation.rounds.find((r) => r.round === best.round)?.images.find((i) => i.best)?.drawing))
      : h("p", { class: "muted" }, "No image yet."),
    h("div", { class: "downloads" },
      best ? h("a", { class: "button secondary", id: "open-best", href: best.url, target: "_blank", rel: "noopener" }, "Open best image") : null,
      best ? h("button", { type: "button", class: "secondary", id: "download-best", onclick: (e) => downloadBest(e.currentTarget, latest()) }, "Download best image") : null,
      generation.rounds.length ? h("button", { type: "button", id: "download-zip", onclick: (e) => downloadZip(e.currentTarget, latest()) }, "Download run (.zip)") : null));
  const evaluation = generation.evaluation;
  const facts = [
    ["Status", badge(generation.status)],
    ["Outcome", generation.reason || (isActive(generation.status) ? "in progress" : "")],
    ["Best score / threshold", `${num(totals.bestScore, 1)} / ${num(settings.threshold, 1)}`],
    ["Rounds", `${totals.rounds ?? 0} of at most ${settings.maxRounds ?? "?"}`],
    ["Model cost", `${usd(totals.costUsd)} of ${usd(settings.maxCostUsd)} budget`],
    ["Evaluator cost", usd(totals.evaluationCostUsd)],
    ["Evaluator verdict", evaluation ? (evaluation.unavailable ? `unavailable (${evaluation.source || settings.evaluator})`
      : `${evaluation.passed ? "✔ passed" : "✘ failed"}: ${evaluationText(evaluation).replace(/^evaluator /, "")} (${evaluation.source || settings.evaluator})`) : "none yet"],
    ["Verifier verdict", verificationText(generation.verification)?.replace(/^verifier /, "")
      ?? (generation.verification?.status === "skipped" ? "not asked (the judge did not pass the image)" : "none")],
    ["Generator", settings.generator], ["Size", settings.width ? `${settings.width}x${settings.height}, ${settings.quality}` : ""],
    ["Judge / rewriter", settings.judge ? `${settings.judge} / ${settings.rewriter}` : ""],
    ["Strategy", settings.strategy], ["Style", settings.style || "none"], ["Seed", settings.seed], ["Candidates per round", settings.candidatesPerRound],
    ["Started", generation.startedAt], ["Finished", generation.finishedAt || "—"],
    ["Duration", generation.finishedAt ? `${num(seconds(generation.startedAt, generation.finishedAt), 1)} s` : "—"],
    ["Id", generation.id],
  ];
  summary.replaceChildren(bestPanel, h("section", { "aria-labelledby": "facts-heading" },
    h("h2", { id: "facts-heading" }, "Summary"),
    h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value ?? "")]))));
}

function diffView(before, after, label) {
  const container = h("p", { class: "prompt-diff", "aria-label": label });
  if (before === undefined) {
    container.append(after || "(empty)");
    return container;
  }
  for (const piece of wordDiff(before, after)) {
    if (piece.op === "same") container.append(piece.text);
    else if (piece.op === "added") container.append(h("ins", {}, h("span", { class: "visually-hidden" }, "[added: "), piece.text, h("span", { class: "visually-hidden" }, "]")));
    else container.append(h("del", {}, h("span", { class: "visually-hidden" }, "[removed: "), piece.text, h("span", { class: "visually-hidden" }, "]")));
  }
  if (!after && !before) container.append("(empty)");
  return container;
}

// yes/no checks ({question, satisfied, evidence?}) as a ✔/✘/? list, the mark also said in words for screen readers;
// satisfied null is unverifiable: neither held nor failed
const CHECK_MARKS = { true: ["ok", "✔ ", "holds: "], false: ["no", "✘ ", "fails: "], null: ["unverifiable", "? ", "unverifiable: "] };
function checkList(checks, kind, label) {
  return h("ul", { class: `checks ${kind}`, "aria-label": label }, checks.map((check) => {
    const [cls, mark, words] = CHECK_MARKS[check.satisfied == null ? "null" : String(check.satisfied === true)];
    return h("li", { class: cls }, mark, h("span", { class: "visually-hidden" }, words), check.question,
      check.satisfied == null ? h("span", { class: "muted" }, " (unverifiable)") : null,
      check.evidence ? h("span", { class: "muted" }, ` — ${check.evidence}`) : null);
  }));
}

function roundItem(round, previous, generation) {
  const threshold = generation.settings?.threshold;
  const candidates = h("div", { class: "candidates" }, round.images.map((image) => {
    const isBest = image.best === true;
    return h("figure", { class: isBest ? "is-best candidate" : "candidate", "data-candidate": image.candidate },
      drawable(h("img", { src: image.url, alt: `Round ${round.round}, candidate ${image.candidate}${image.score == null ? "" : `, score ${num(image.score, 1)}`}${isBest ? ", the round's best" : ""}: ${round.prompt}` }), image.drawing),
      h("figcaption", {}, `#${image.candidate} · ${image.score == null ? "no score" : num(image.score, 1)}${isBest ? " · ★ best" : ""}`,
        // the judge's checks are recorded for the round's best candidate (its verdict); the others keep their score
        isBest && (round.judgeChecks || []).length ? h("span", { class: "candidate-checks" }, ` · judge ${checkTally(round.judgeChecks)}`) : null));
  }));
  const judgeChecks = round.judgeChecks || [];
  const evaluatorChecks = round.evaluation?.checks || [];
  const verification = round.verification;
  const verifierChecks = verification?.status === "complete" ? verification.checks || [] : [];
  const overruled = round.passed && round.gatePassed === false;
  const subscores = Object.entries(round.subscores || {});
  const started = previous ? previous.recordedAt : generation.startedAt;
  const took = seconds(started, round.recordedAt);
  return h("li", { class: "round", id: `round-${round.round}`, "data-round": round.round },
    h("h3", {}, `Round ${round.round}: score ${num(round.score, 1)}${threshold == null ? "" : ` / ${num(threshold, 1)}`} `,
      round.passed ? h("span", { class: "badge status-PASSED" }, "✔ passed") : h("span", { class: "badge status-FAILED" }, "✘ below threshold"),
      overruled ? [" ", h("span", { class: "badge status-FAILED verifier-overruled" }, "✘ failed by the verifier")] : null),
    h("p", { class: "round-actions" },
      h("a", { class: "rerun-round", href: `#/new?from=${encodeURIComponent(generation.id)}&round=${round.round}` }, `Run again from round ${round.round}'s prompt`)),
    h("div", { class: "round-body" },
      candidates,
      h("div", {},
        h("h4", {}, "Prompt", previous ? " (changes since round " + previous.round + ")" : ""),
        diffView(previous ? previous.prompt : undefined, round.prompt, `Prompt of round ${round.round}`),
        round.promptChanges?.length ? h("p", { class: "muted" }, `Rewriter: ${round.promptChanges.join("; ")}`) : null,
        round.mode === "edit" ? h("p", { class: "muted edit" }, `Edited round ${round.edit?.sourceRound}'s best image (`,
          round.sourceImage ? h("a", { href: round.sourceImage, target: "_blank", rel: "noopener" }, "source") : "source",
          `): ${Object.entries(round.edit || {}).filter(([key]) => key !== "sourceRound").map(([key, value]) => `${key} ${value}`).join(", ")}`)
          : h("p", { class: "muted" }, "Drawn from text"),
        h("h4", {}, "Negative prompt"),
        diffView(previous ? previous.negativePrompt : undefined, round.negativePrompt, `Negative prompt of round ${round.round}`),
        subscores.length ? h("div", { class: "subscores", role: "group", "aria-label": "Subscores" },
          subscores.map(([name, value]) => [h("span", {}, name), h("meter", { min: 0, max: 10, value, "aria-label": `${name} ${value} of 10` }), h("span", {}, num(value, 1))])) : null,
        h("h4", {}, "Judge"),
        h("p", {}, round.explanation || "(no explanation)"),
        round.suggestions?.length ? h("ul", { "aria-label": "Suggestions" }, round.suggestions.map((s) => h("li", {}, s))) : null,
        judgeChecks.length ? [h("h4", {}, "Judge's checks"), checkList(judgeChecks, "judge-checks", "The judge's checks")] : null,
        verification?.status === "unavailable" ? h("p", { class: "muted" }, "Verifier unavailable: the gate fell back to the judge's verdict.") : null,
        verifierChecks.length ? [h("h4", {}, `Verifier's grounding of the judge's checks (${verificationText(verification).replace(/^verifier /, "")})`),
          checkList(verifierChecks, "verifier-checks", "The verifier's grounding of the judge's checks")] : null,
        evaluatorChecks.length ? [h("h4", {}, `Independent evaluator's checks (${round.evaluation.passed ? "passed" : "not passed"}: ${evaluationText(round.evaluation).replace(/^evaluator /, "")})`),
          checkList(evaluatorChecks, "evaluator-checks", "The independent evaluator's checks")] : null,
        h("p", { class: "muted" }, `Cost ${usd(round.costUsd)} (evaluator ${usd(round.evaluationCostUsd)})`,
          took == null ? "" : ` · ${num(took, 1)} s`, round.recordedAt ? ` · recorded ${round.recordedAt}` : ""))));
}

// ✔ held / ✘ failed / ? unverifiable of a list of checks, e.g. "✔3 ✘1 ?1"
function checkTally(checks) {
  const count = (value) => checks.filter((c) => (c.satisfied ?? null) === value).length;
  return [["✔", true], ["✘", false], ["?", null]].map(([mark, value]) => `${mark}${count(value)}`).join(" ");
}

// -- what the offline world drew, the lightbox ---------------------------------------------------
// An image that may have a drawing record: wrapped so its overlay can lie over it, and opened full size on click.
function drawable(img, drawingUrl) {
  img.classList.add("zoomable");
  img.tabIndex = 0;
  img.setAttribute("role", "button");
  img.setAttribute("aria-label", `Open full size: ${img.alt}`);
  img.addEventListener("click", () => openLightbox(img));
  img.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      openLightbox(img);
    }
  });
  return h("span", { class: "drawable", "data-drawing": drawingUrl || null }, img);
}

// drawn.json: {objects: [{label, box: [left, top, width, height] as fractions, drawn, placedBy: [...]}, ...]}; the
// offline world's record, read by people only. A real model's image has none (its URL answers 404): no overlay.
function overlayOf(drawing) {
  const objects = Array.isArray(drawing?.objects) ? drawing.objects : [];
  const boxes = objects.filter((o) => o && o.drawn && Array.isArray(o.box) && o.box.length === 4 && o.box.every(Number.isFinite));
  if (!boxes.length) return null;
  return h("span", { class: "drawn-overlay", "aria-label": "What the offline world drew" }, boxes.map((o) => {
    const [left, top, width, height] = o.box.map((v) => `${(100 * v).toFixed(2)}%`);
    const placed = (o.placedBy || []).map(String).join("; ");
    const text = `${String(o.label ?? "")}${placed ? ` · ${placed}` : ""}`;
    // the label stays on the image instead of spilling over the page beside it: in the left half it hangs below the
    // box from its left edge, in the right half above it from its right edge (so two objects side by side do not
    // cover each other's labels); at the image's bottom above, at its top below
    const [x, y, w, hgt] = o.box;
    const right = x + w / 2 > 0.5;
    const above = y + hgt > 0.85 || (right && y > 0.08);
    const sides = `${right ? " tag-right" : ""}${above ? " tag-above" : ""}`;
    const tag = h("span", { class: "drawn-tag" }, text);
    const room = right ? x + w : 1 - x; // the image's width left for the label on its side
    tag.style.maxWidth = `min(220px, calc(${(100 * Math.max(0, Math.min(1, room))).toFixed(2)}cqw - 4px))`; // cut with an ellipsis
    const box = h("span", { class: `drawn-box${sides}`, title: text }, tag);
    Object.assign(box.style, { left, top, width, height }); // CSSOM, not a style attribute: the page's CSP allows it
    return box;
  }));
}

// Fetches each image's drawing once per page (by its object path: the presigned query changes on every GET) and lays
// it over every copy of that image; the page's switch appears once one image has a drawing.
function drawingLoader(current, overlaySwitch) {
  const cache = new Map();
  const load = (url) => {
    const key = url.split("?")[0];
    if (!cache.has(key)) {
      cache.set(key, fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null));
    }
    return cache.get(key);
  };
  return {
    attach(container) {
      for (const wrapper of container.querySelectorAll(".drawable[data-drawing]")) {
        const url = wrapper.dataset.drawing;
        wrapper.removeAttribute("data-drawing");
        load(url).then((drawing) => {
          if (current !== view) return;
          const overlay = overlayOf(drawing);
          if (!overlay) return;
          wrapper.append(overlay);
          wrapper.classList.add("has-drawing");
          overlaySwitch.hidden = false;
        });
      }
    },
  };
}

function lightbox() {
  let dialog = document.getElementById("lightbox");
  if (!dialog) {
    dialog = h("dialog", { id: "lightbox", "aria-label": "Full-size image" },
      h("div", { class: "lightbox-bar" },
        h("a", { id: "lightbox-open", target: "_blank", rel: "noopener" }, "Open in a new tab"),
        h("button", { type: "button", id: "lightbox-close", class: "secondary", onclick: () => dialog.close() }, "Close")),
      h("div", { class: "lightbox-frame" }));
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    document.body.append(dialog);
  }
  return dialog;
}

function openLightbox(img) {
  const dialog = lightbox();
  const frame = dialog.querySelector(".lightbox-frame");
  const wrapper = img.closest(".drawable");
  const copy = h("span", { class: `drawable${wrapper?.classList.contains("has-drawing") ? " has-drawing" : ""}` },
    h("img", { id: "lightbox-image", src: img.src, alt: img.alt }),
    wrapper?.querySelector(".drawn-overlay")?.cloneNode(true));
  frame.replaceChildren(copy);
  dialog.querySelector("#lightbox-open").href = img.src;
  dialog.classList.toggle("show-drawn", main.classList.contains("show-drawn"));
  dialog.showModal();
  dialog.querySelector("#lightbox-close").focus();
}

// -- cancel, delete, run again -------------------------------------------------------------------
function renderActions(section, generation, pollSoon) {
  const id = encodeURIComponent(generation.id);
  const note = h("span", { role: "status", id: "actions-note" });
  const from = generation.settings?.from;
  const cancel = async (button) => {
    if (!window.confirm("Cancel this generation? It stops now and ends FAILED; its rounds and what they cost are kept.")) return;
    await withBusy(button, "Cancelling…", async () => {
      const answer = await api(`/generations/${id}/cancel`, { method: "POST" });
      announce(`Cancelled: ${answer.status}.`);
      pollSoon();
    });
  };
  const remove = async (button) => {
    if (!window.confirm("Delete this generation? Its images and records are removed for good (its spend stays counted).")) return;
    await withBusy(button, "Deleting…", async () => {
      deleting.add(id); // no poll asks for it while or after it is deleted (a 404 in the log)
      await api(`/generations/${id}`, { method: "DELETE" }).catch((error) => {
        deleting.delete(id);
        throw error;
      });
      announce(`Generation ${generation.id} deleted.`);
      window.location.hash = "#/";
    });
  };
  section.replaceChildren(...[
    from ? h("p", { id: "rerun-of", class: "rerun-note" }, "Re-run of ",
      h("a", { href: `#/generations/${encodeURIComponent(from.id)}` }, from.id), from.round ? ` (from round ${from.round}'s prompt)` : "") : null,
    h("a", { class: "button secondary", id: "rerun", href: `#/new?from=${id}` }, "Run again with changes"),
    isActive(generation.status)
      ? h("button", { type: "button", class: "danger", id: "cancel-generation", onclick: (e) => cancel(e.currentTarget) }, "Cancel generation")
      : h("button", { type: "button", class: "danger", id: "delete-generation", disabled: enhancing(generation),
        title: enhancing(generation) ? "An enhancement is still running" : null, onclick: (e) => remove(e.currentTarget) }, "Delete generation"),
    note,
  ].filter(Boolean));
}

// -- compare two rounds ---------------------------------------------------------------------------
// Two rounds side by side: their best images, scores and gates, the prompt's word diff from the first to the
// second, and every check whose answer changed (the judge's, the verifier's, the evaluator's, matched by question).
function renderCompare(section, generation, drawings) {
  const rounds = generation.rounds;
  if (rounds.length < 2) {
    section.replaceChildren();
    return;
  }
  const previous = [section.querySelector("#compare-a")?.value, section.querySelector("#compare-b")?.value];
  const choose = (id, label, selected) => h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id, onchange: () => draw() }, rounds.map((r) => h("option", { value: r.round, selected: r.round === selected }, `Round ${r.round} (score ${num(r.score, 1)})`))));
  const has = (value) => rounds.some((r) => String(r.round) === value);
  const a = choose("compare-a", "Compare round", has(previous[0]) ? Number(previous[0]) : rounds[0].round);
  const b = choose("compare-b", "with round", has(previous[1]) ? Number(previous[1]) : rounds.at(-1).round);
  const body = h("div", { id: "compare-body" });
  const draw = () => {
    const [left, right] = [a, b].map((field) => rounds.find((r) => String(r.round) === field.querySelector("select").value));
    body.replaceChildren(
      h("div", { class: "compare-pair" }, [left, right].map((round, index) => {
        const best = round.images.find((i) => i.best) || round.images[0];
        return h("figure", { class: `compare-side compare-${index ? "b" : "a"}` },
          best ? drawable(h("img", { src: best.url, alt: `Round ${round.round}'s best image, score ${num(round.score, 1)}` }), best.drawing) : h("p", { class: "muted" }, "No image."),
          h("figcaption", {}, `Round ${round.round}: score ${num(round.score, 1)} · `, round.gatePassed ? "✔ passed" : "✘ below the gate",
            round.evaluation?.checks?.length ? ` · ${evaluationText(round.evaluation)}` : ""));
      })),
      h("h3", {}, `Prompt: round ${left.round} → round ${right.round}`),
      diffView(left.prompt, right.prompt, `Prompt change from round ${left.round} to round ${right.round}`),
      changedChecks(left, right));
    drawings.attach(body);
  };
  section.replaceChildren(h("h2", { id: "compare-heading" }, "Compare rounds"), h("div", { class: "toolbar" }, a, b), body);
  draw();
}

const CHECK_SOURCES = [["judge", (r) => r.judgeChecks], ["verifier", (r) => r.verification?.checks], ["evaluator", (r) => r.evaluation?.checks]];
function changedChecks(left, right) {
  const word = (check) => (check == null ? "not asked" : check.satisfied === true ? "✔ holds" : check.satisfied === false ? "✘ fails" : "? unverifiable");
  const rows = [];
  for (const [source, of] of CHECK_SOURCES) {
    const before = new Map((of(left) || []).map((c) => [c.question, c]));
    const after = new Map((of(right) || []).map((c) => [c.question, c]));
    for (const question of new Set([...before.keys(), ...after.keys()])) {
      if (word(before.get(question)) !== word(after.get(question))) rows.push([source, question, word(before.get(question)), word(after.get(question))]);
    }
  }
  if (!rows.length) return h("p", { id: "compare-checks", class: "muted" }, "No check changed its answer between these rounds.");
  return h("div", { class: "table-wrap" }, h("table", { id: "compare-checks", class: "data" },
    h("caption", {}, `Checks that changed (${rows.length})`),
    h("thead", {}, h("tr", {}, ["Who", "Check", `Round ${left.round}`, `Round ${right.round}`].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell) => h("td", {}, cell)))))));
}

// -- downloads ----------------------------------------------------------------------------------
const EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`an image could not be downloaded (HTTP ${response.status}); reload the page for fresh links`);
  const type = (response.headers.get("Content-Type") || "").split(";")[0];
  return { data: new Uint8Array(await response.arrayBuffer()), extension: EXTENSIONS[type] || "bin" };
}

function saveBlob(blob, name) {
  const link = h("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

async function withBusy(button, label, work) {
  const text = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    await work();
  } catch (error) {
    button.after(errorBanner(error));
  } finally {
    button.disabled = false;
    button.textContent = text;
  }
}

function downloadBest(button, generation) {
  return withBusy(button, "Downloading…", async () => {
    const { data, extension } = await fetchBytes(generation.bestImage.url);
    saveBlob(new Blob([data]), `${generation.id}-best-round-${generation.bestImage.round}.${extension}`);
  });
}

// The run as a zip: run.json (the API's document) and every round's images as round-NN/candidate-N.<ext> (with an
// offline image's round-NN/candidate-N.drawn.json).
// run.json names each image by its path in the zip: the presigned URLs expire and, in AWS, carry the caller's
// session token (X-Amz-Security-Token), so none of them is written into the archive.
function downloadZip(button, generation) {
  return withBusy(button, "Building zip…", async () => {
    const images = [];
    const rounds = [];
    for (const round of generation.rounds) {
      const listed = [];
      for (const image of round.images) {
        const { data, extension } = await fetchBytes(image.url);
        const path = `round-${String(round.round).padStart(2, "0")}/candidate-${image.candidate}.${extension}`;
        images.push({ name: path, data });
        // an offline image's drawing record goes beside it, as in a run folder; a real model's image has none
        const drawing = image.drawing ? await fetch(image.drawing).then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null) : null;
        const drawingPath = drawing ? path.replace(/\.[a-z]+$/, ".drawn.json") : null;
        if (drawing) images.push({ name: drawingPath, data: new Uint8Array(drawing) });
        listed.push({ ...image, url: path, drawing: drawingPath });
      }
      rounds.push({ ...round, images: listed, bestImage: listed.find((image) => image.best)?.url ?? null });
    }
    const best = generation.bestImage;
    const bestPath = best ? rounds.find((round) => round.round === best.round)?.bestImage ?? null : null;
    const run = { ...generation, rounds, bestImage: best ? { ...best, url: bestPath } : null };
    const files = [{ name: "run.json", data: new TextEncoder().encode(JSON.stringify(run, null, 2)) }, ...images];
    saveBlob(zipFiles(files), `${generation.id}.zip`);
    announce(`Zip with run.json and ${files.length - 1} image(s) ready.`);
  });
}

// -- benchmark reports --------------------------------------------------------------------------
async function benchmarks() {
  try {
    return await api("/_local/benchmarks");
  } catch (error) {
    if (error.status === 404 || error.status === 403) {
      throw new Error("Benchmark reports are served by `imagegate serve` only (the deployed API has no benchmark route).");
    }
    throw error;
  }
}

async function benchmarksView() {
  const index = await benchmarks();
  const rows = index.reports.map((report) => h("tr", {},
    h("td", {}, h("a", { href: `#/benchmarks/${encodeURIComponent(report.name)}` }, report.name)),
    h("td", {}, report.problem || report.suite || ""), h("td", {}, report.runs ?? ""), h("td", {}, pct(report.passRate)),
    h("td", {}, usd(report.totalCostUsd)), h("td", {}, (report.arms || []).join(", "))));
  show("Benchmarks", h("h1", {}, "Benchmark reports"),
    h("p", { class: "muted" }, `Reports in ${index.benchDir} (imagegate bench --out).`),
    rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "data" },
      h("caption", { class: "visually-hidden" }, "Benchmark reports, newest first"),
      h("thead", {}, h("tr", {}, ["Report", "Suite", "Runs", "Pass rate", "Cost", "Arms"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)))
      : h("p", {}, "No reports yet. Run ", h("code", {}, "imagegate bench --limit 3"), " and reload."));
}

function table(caption, columns, rows) {
  return h("div", { class: "table-wrap" }, h("table", { class: "data" }, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map(([label, ...cells]) => h("tr", {}, h("th", { scope: "row" }, label), cells.map((c) => h("td", {}, c)))))));
}

const CATEGORY_COLUMNS = [
  ["Runs", (m) => m.runs], ["Pass rate", (m) => pct(m.passRate)], ["First-round pass", (m) => pct(m.firstRoundPassRate)],
  ["Rounds to pass", (m) => num(m.meanRoundsToPass)], ["First score", (m) => num(m.meanFirstRoundScore)],
  ["Final score", (m) => num(m.meanFinalScore)], ["Lift", (m) => num(m.lift)], ["Cost", (m) => usd(m.totalCostUsd)],
  ["Cost per pass", (m) => usd(m.costPerPassUsd)],
];
const ARM_ROWS = [
  ["Items", (a) => a.items], ["Evaluator pass rate", (a) => pct(a.evaluatorPassRate)], ["Gate pass rate (PASSED)", (a) => pct(a.judgePassRate)],
  ["Gate false-pass rate", (a) => pct(a.judgeFalsePassRate)],
  ["Evaluator checks unverifiable", (a) => pct(a.evaluatorUnverifiableShare)], ["Verifier checks unverifiable", (a) => pct(a.verifierUnverifiableShare)], ["Images per item", (a) => num(a.imagesPerItem)],
  ["Cost per evaluator pass", (a) => usd(a.costPerEvaluatorPassUsd)], ["Mean rounds", (a) => num(a.meanRounds)],
];

async function benchmarkView(name) {
  const report = await api(`/_local/benchmarks/${encodeURIComponent(name)}`);
  const categories = Object.entries(report.byCategory || {}).sort(([a], [b]) => a.localeCompare(b));
  const overall = report.overall || {};
  const arms = Object.entries(report.arms || {});
  const content = [
    h("h1", {}, `Benchmark ${name}`),
    h("p", {}, h("a", { href: "#/benchmarks" }, "← All reports")),
    h("dl", { class: "facts" }, [["Suite", report.suite], ["Started", report.startedAt], ["Runs", report.settings?.runs],
      ["Statuses", Object.entries(overall.statusCounts || {}).map(([k, v]) => `${k} ${v}`).join(", ")]]
      .map(([term, value]) => [h("dt", {}, term), h("dd", {}, value ?? "")])),
    h("h2", {}, "Settings"),
    table("Settings of the benchmark", ["Setting", "Value(s)"],
      Object.entries(report.settings || {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)])),
    h("h2", {}, "Results by category"),
    h("div", { class: "charts" },
      barChart({ title: "Pass rate by category: first round vs final", series: ["first round", "final"], max: 1, format: pct,
        groups: [["overall", overall], ...categories].map(([label, m]) => ({ label, values: [m.firstRoundPassRate, m.passRate] })) }),
      (report.scoreByRound || []).length ? lineChart({ title: "Mean score by round", xLabel: "round", yMax: 10,
        series: [{ name: "mean best score", points: report.scoreByRound.map((r) => r.meanBestScore) },
          { name: "mean score", points: report.scoreByRound.map((r) => r.meanScore) }] }) : null),
    table("The primary arm, overall and by category", ["Category", ...CATEGORY_COLUMNS.map(([t]) => t)],
      [["overall", overall], ...categories].map(([label, m]) => [label, ...CATEGORY_COLUMNS.map(([, f]) => f(m) ?? "n/a")])),
  ];
  if (arms.length) {
    const names = arms.map(([armName]) => armName);
    content.push(h("h2", {}, "Arms side by side"),
      barChart({ title: "Evaluator and judge pass rate by arm", series: ["evaluator pass", "judge pass"], max: 1, format: pct,
        groups: arms.map(([label, a]) => ({ label, values: [a.evaluatorPassRate, a.judgePassRate] })) }),
      table("Control arms side by side", ["Metric", ...names], ARM_ROWS.map(([label, f]) => [label, ...arms.map(([, a]) => f(a) ?? "n/a")])));
    const byCategory = report.armsByCategory || {};
    const armCategories = [...new Set(Object.values(byCategory).flatMap((c) => Object.keys(c)))].sort();
    if (armCategories.length) {
      content.push(table("Evaluator pass rate by category and arm", ["Category", ...names],
        armCategories.map((category) => [category, ...names.map((arm) => pct(byCategory[arm]?.[category]?.evaluatorPassRate))])));
    }
  }
  const anchors = report.anchors;
  if (anchors?.items?.length) {
    content.push(h("h2", {}, "Judge-drift anchors"),
      h("p", {}, `${anchors.runs} anchor run(s), mean first-round score ${num(anchors.meanFirstRoundScore)}.`));
  }
  const regressions = report.comparison?.regressions || [];
  if (report.comparison) {
    content.push(h("h2", {}, "Against the previous report"),
      regressions.length ? h("ul", {}, regressions.map((r) => h("li", {}, typeof r === "string" ? r : JSON.stringify(r))))
        : h("p", {}, "No regressions."));
  }
  const runs = report.runs || [];
  content.push(h("details", {}, h("summary", {}, `All ${runs.length} runs`),
    table("Every run of the benchmark", ["Run", "Item", "Category", "Arm", "Status", "Rounds", "First", "Final", "Evaluator", "Cost"],
      runs.map((r) => [r.runId, r.itemId, r.category, r.arm, r.status, r.rounds, num(r.firstRoundScore, 1), num(r.finalScore, 1),
        r.evaluationPassed == null ? "n/a" : (r.evaluationPassed ? "✔" : "✘"), usd(r.costUsd)]))));
  show(`Benchmark ${name}`, ...content.filter(Boolean));
}

// -- connection settings and start --------------------------------------------------------------
function showConnection() {
  const source = { link: "from this link's ?api=, this visit only", saved: "saved under Connection", page: "this page" };
  document.getElementById("connection-address").textContent = `API: ${apiBase()} (${source[apiBaseSource()]})`;
}

function connection() {
  const form = document.getElementById("connection-form");
  form.base.value = apiBase() === window.location.origin ? "" : apiBase();
  form.key.value = apiKey();
  showConnection();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setConnection(form.base.value.trim(), form.key.value.trim());
    // what was saved applies from now on: a ?api= of this visit would otherwise still override it
    const url = new URL(window.location.href);
    if (url.searchParams.has("api")) {
      url.searchParams.delete("api");
      window.history.replaceState(null, "", url);
    }
    showConnection();
    options = null;
    form.closest("details").open = false;
    route();
  });
}

connection();
window.addEventListener("hashchange", () => route());
route(true);
