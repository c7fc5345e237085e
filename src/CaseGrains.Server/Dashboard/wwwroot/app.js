// 督办看板: the supervisors' dashboard. Plain JavaScript, no framework, no third-party code.
// Every figure comes from /api with the pasted token; nothing is unmasked here: the API masks
// personal data for the caller's role and the page shows exactly what it answers.
"use strict";

(() => {
  const TOKEN_KEY = "casegrains.dashboard.token";
  const STREAM_SILENCE_MS = 35000; // the server writes at least every 10 s; longer silence means a dead connection
  const $ = (id) => document.getElementById(id);

  // ---- Words -----------------------------------------------------------------------------------

  const ROLE = { officer: "经办人员", supervisor: "督办人员", reporter: "统计人员", admin: "管理员" };
  const KIND = { petition: "信访件", dispute: "矛盾纠纷" };
  const ALERT = { overdue: "已超期", dueSoon: "即将到期" };
  const DEADLINE = {
    acceptanceNotice: "受理告知期限", handling: "办理期限", reviewAnswer: "复查答复期限",
    recheckAnswer: "复核答复期限", platformOrder: "12345工单期限", disputeSettlement: "调解期限",
  };
  const CHANNEL = {
    letter: "来信", visit: "来访", online: "网上信访", phone: "来电", fax: "传真",
    hotline12345: "12345热线", assignedByHigherLevel: "上级交办", other: "其他",
  };
  const SOURCE = {
    screening: "排查发现", application: "当事人申请", petitionReferral: "信访转办", gridReport: "网格员上报",
    policeReferral: "公安移交", courtReferral: "法院委派", other: "其他",
  };
  const STATUS = {
    registered: "已登记", accepted: "办理中", declined: "不予受理", concluded: "已办结", underReview: "复查中",
    reviewed: "已复查", underRecheck: "复核中", final: "已终结", withdrawn: "已撤回",
    resolved: "已化解", failed: "调解不成", closed: "已回访结案",
  };
  const OUTCOME = { supported: "予以支持", partiallySupported: "部分支持", notSupported: "不予支持", explained: "解释说明" };
  const RATING = { satisfied: "满意", basicallySatisfied: "基本满意", dissatisfied: "不满意" };
  const DECISION = { upheld: "维持", changed: "变更" };
  const DECLINE_ROUTE = { litigation: "诉讼", arbitration: "仲裁", administrativeReconsideration: "行政复议", otherAuthority: "其他有权机关", other: "其他途径" };
  const REFERRAL = { litigation: "诉讼", arbitration: "仲裁", administrative: "行政途径", other: "其他途径" };
  const PROCEDURE = { simple: "简易程序", general: "一般程序" };
  const AGREEMENT = { oral: "口头协议", written: "书面协议" };
  const FULFILLED = { fulfilled: "已履行", partly: "部分履行", not: "未履行" };
  const RISK = { low: "低", medium: "中", high: "高" };
  const word = (table, key) => (key == null ? "" : table[key] || key);

  // ---- State -------------------------------------------------------------------------------------

  const state = {
    token: null,
    claims: null,
    alerts: new Map(), // key township/case -> alert item
    fresh: new Set(), // keys that arrived live and are not yet seen
    sort: { key: "days", dir: "desc" },
    townships: new Map(), // id -> Promise of {name, leaders: Map}
    stream: null,
    lastEventId: null,
    view: null,
    drawing: 0,
    turn: 0, // bumped by every navigation to a case or a year, so that only the latest answer is drawn
  };

  // ---- Token -------------------------------------------------------------------------------------

  /** The token's claims, for showing who is signed in. Not a check: the server verifies every request. */
  function decodeClaims(token) {
    const parts = token.split(".");
    if (parts.length !== 3) return null;
    try {
      const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
      const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
      const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return null;
    }
  }

  const list = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);
  const role = () => (state.claims && state.claims.role) || "";
  const seesPersonalData = () => role() === "officer" || role() === "admin";
  const readsAlerts = () => role() !== "reporter";

  function storeToken(token) {
    state.token = token;
    state.claims = decodeClaims(token);
    sessionStorage.setItem(TOKEN_KEY, token);
  }

  function signOut(message) {
    stopStream();
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.claims = null;
    state.alerts.clear();
    state.alertsLoaded = false;
    state.fresh.clear();
    state.townships.clear();
    state.lastEventId = null;
    $("token").value = "";
    if (location.hash && location.hash !== "#/") {
      history.replaceState(null, "", "#/");
    }
    route();
    if (message) showSigninError(message);
  }

  // ---- API ---------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.messageZh || problem.detail || problem.title)) || "请求失败（" + status + "）");
      this.status = status;
    }
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: "Bearer " + state.token, Accept: "application/json" } });
    if (response.status === 401) {
      signOut("令牌无效或已过期，请重新登录。");
      throw new ApiError(401, { messageZh: "令牌无效或已过期" });
    }
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch { /* not JSON */ }
      throw new ApiError(response.status, problem);
    }
    return response.json();
  }

  /** A township's name and roster, asked once per sign-in; a caller who may not read it gets ids only. */
  function township(id) {
    if (!state.townships.has(id)) {
      state.townships.set(id, api("/api/townships/" + encodeURIComponent(id))
        .then((t) => ({ name: t.name || id, leaders: new Map((t.leaders || []).map((l) => [l.id, l])) }))
        .catch(() => ({ name: id, leaders: new Map() })));
    }
    return state.townships.get(id);
  }

  const townshipName = async (id) => (await township(id)).name;
  async function leaderName(townshipId, leaderId) {
    if (!leaderId) return "";
    const leader = (await township(townshipId)).leaders.get(leaderId);
    return leader ? leader.name : leaderId;
  }

  // ---- Small DOM helpers ---------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value == null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child == null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value != null) node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child != null) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function showError(id, error) {
    const box = $(id);
    box.textContent = error ? (error instanceof ApiError && error.status === 404 ? "未找到，或不在您的管辖范围内。" : String(error.message || error)) : "";
    box.hidden = !error;
  }

  function showSigninError(message) {
    const box = $("token-error");
    box.textContent = message || "";
    box.hidden = !message;
    $("token").setAttribute("aria-invalid", message ? "true" : "false");
  }

  function notice(message) {
    const box = $("notice");
    box.textContent = message || "";
    box.hidden = !message;
  }

  // ---- Dates and figures -------------------------------------------------------------------

  /** The offset of an ISO instant, in minutes ("+08:00" -> 480). */
  function offsetOf(iso) {
    const match = /([+-])(\d{2}):(\d{2})$/.exec(iso || "");
    if (!match) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === "-" ? -minutes : minutes;
  }

  /** The calendar date of an instant at an offset: the server gives instants in the deployment's zone. */
  function localDate(iso, offsetMinutes) {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return String(iso || "").slice(0, 10);
    return new Date(ms + offsetMinutes * 60000).toISOString().slice(0, 10);
  }

  function localDateTime(iso) {
    const offset = offsetOf(iso);
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return iso || "";
    return new Date(ms + offset * 60000).toISOString().slice(0, 16).replace("T", " ");
  }

  /** 98.7% as the reports write it: one decimal, none when whole. */
  function percent(value) {
    const text = (Math.round(value * 1000) / 10).toFixed(1);
    return (text.endsWith(".0") ? text.slice(0, -2) : text) + "%";
  }

  /** «化解率98.7%（154/156）»; with a zero denominator there is no rate, never 100%. */
  function rateText(label, rate) {
    if (!rate) return label + "—";
    const parts = rate.numerator + "/" + rate.denominator;
    return rate.value == null ? label + "—（" + parts + "，无可计算）" : label + percent(rate.value) + "（" + parts + "）";
  }

  // ---- Router ------------------------------------------------------------------------------

  const VIEWS = ["signin", "alerts", "case", "year"];

  function showView(name) {
    for (const view of VIEWS) $("view-" + view).hidden = view !== name;
    const signedIn = !!state.token;
    $("nav").hidden = !signedIn;
    $("who").hidden = !signedIn;
    for (const link of document.querySelectorAll("[data-nav]")) {
      const current = link.dataset.nav === name || (name === "case" && link.dataset.nav === "alerts");
      if (current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    const changed = state.view !== name;
    state.view = name;
    // A new view moves focus to its heading, so keyboard and screen-reader users start there.
    if (changed) {
      const heading = $("view-" + name).querySelector("h1");
      if (heading) heading.focus({ preventScroll: false });
    }
  }

  function route() {
    if (!state.token) {
      document.title = "登录 · 督办看板";
      showView("signin");
      return;
    }
    renderWho();
    const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    if (parts[0] === "case" && parts.length === 4) {
      showCase(parts[1], parts[2], parts[3]);
    } else if (parts[0] === "year") {
      showYear(parts[1], parts[2]);
    } else if (!readsAlerts()) {
      // Reporters read figures only: their start is the township's year.
      showYear(parts[1], parts[2]);
    } else {
      showAlerts();
    }
  }

  function renderWho() {
    const c = state.claims || {};
    const scope = list(c.township).map((t) => "乡镇 " + t).concat(list(c.county).map((t) => "县 " + t));
    const who = [c.name || c.sub || "", word(ROLE, c.role), scope.length ? scope.join("、") : c.role === "admin" ? "全部范围" : ""]
      .filter(Boolean).join(" · ");
    $("who-text").textContent = who;
    $("nav").querySelector('[data-nav="alerts"]').parentElement.hidden = !readsAlerts();
  }

  // ---- Sign in -----------------------------------------------------------------------------

  async function signIn(event) {
    event.preventDefault();
    const token = $("token").value.trim().replace(/^Bearer\s+/i, "");
    const claims = decodeClaims(token);
    if (!claims) {
      showSigninError("这不是一个有效的令牌：请粘贴 token 命令输出的整行内容。");
      $("token").focus();
      return;
    }
    if (claims.exp && claims.exp * 1000 < Date.now()) {
      showSigninError("该令牌已过期，请重新签发。");
      $("token").focus();
      return;
    }
    // One request proves the token before it is kept.
    const probe = claims.role === "reporter" ? null : "/api/alerts?alert=overdue";
    if (probe) {
      const response = await fetch(probe, { headers: { Authorization: "Bearer " + token } }).catch(() => null);
      if (!response) {
        showSigninError("无法连接服务，请稍后再试。");
        return;
      }
      if (response.status === 401) {
        showSigninError("令牌未通过验证（签名、签发方或有效期不符）。");
        $("token").focus();
        return;
      }
    }
    showSigninError(null);
    storeToken(token);
    route();
  }

  // ---- Alerts ------------------------------------------------------------------------------

  const keyOf = (a) => a.townshipId + "/" + a.caseId;

  async function showAlerts() {
    document.title = "超期与即将到期 · 督办看板";
    showView("alerts");
    state.turn++;
    startStream();
    if (!state.alertsLoaded) await loadAlerts();
    else renderAlerts();
  }

  async function loadAlerts() {
    showError("alerts-error", null);
    const buffered = [];
    state.buffer = buffered;
    try {
      const items = await api("/api/alerts");
      state.alerts = new Map(items.map((a) => [keyOf(a), a]));
      state.alertsLoaded = true;
      // Changes that came on the stream while the list was on its way are newer than it.
      for (const change of buffered) applyChange(change.event, change.item, false);
    } catch (error) {
      if (error.status !== 401) showError("alerts-error", error);
    } finally {
      state.buffer = null;
    }
    await renderAlerts();
  }

  function applyChange(event, item, live) {
    const key = keyOf(item);
    if (event === "cleared") {
      state.alerts.delete(key);
      state.fresh.delete(key);
    } else {
      const before = state.alerts.get(key);
      state.alerts.set(key, item);
      if (live && (!before || before.alert !== item.alert)) state.fresh.add(key);
    }
  }

  function filters() {
    const form = $("filters");
    return { alert: form.alert.value, kind: form.kind.value, township: form.township.value, leader: form.leader.value };
  }

  async function renderAlerts() {
    // Renders overlap as changes stream in; only the latest, which read the newest list, draws.
    const drawing = ++state.drawing;
    const items = [...state.alerts.values()];
    // Names first, so that sorting by township and leader sorts by what the user reads.
    const townships = [...new Set(items.map((a) => a.townshipId))];
    const names = new Map(await Promise.all(townships.map(async (t) => [t, await townshipName(t)])));
    const leaders = new Map(await Promise.all(items.map(async (a) => [keyOf(a), await leaderName(a.townshipId, a.leaderId)])));
    if (drawing !== state.drawing) return;
    fillOptions($("f-township"), townships.map((t) => [t, names.get(t)]));
    const leaderChoices = new Map();
    for (const a of items) {
      if (a.leaderId) leaderChoices.set(a.townshipId + "|" + a.leaderId, leaders.get(keyOf(a)) + (townships.length > 1 ? "（" + names.get(a.townshipId) + "）" : ""));
    }
    fillOptions($("f-leader"), [...leaderChoices]);

    const f = filters();
    const shown = items.filter((a) => (!f.alert || a.alert === f.alert) && (!f.kind || a.caseKind === f.kind)
      && (!f.township || a.townshipId === f.township) && (!f.leader || a.townshipId + "|" + a.leaderId === f.leader));
    const collator = new Intl.Collator("zh-CN");
    const { key, dir } = state.sort;
    const sign = dir === "asc" ? 1 : -1;
    const byDays = (a, b) => (a.daysOverdue - b.daysOverdue) || (b.daysLeft - a.daysLeft);
    shown.sort((a, b) => {
      let c;
      if (key === "township") c = collator.compare(names.get(a.townshipId), names.get(b.townshipId));
      else if (key === "leader") c = collator.compare(leaders.get(keyOf(a)) || "\uffff", leaders.get(keyOf(b)) || "\uffff");
      else c = byDays(a, b);
      return sign * c || -byDays(a, b) || collator.compare(a.caseId, b.caseId);
    });

    const body = $("alerts-body");
    body.replaceChildren(...shown.map((a) => alertRow(a, names.get(a.townshipId), leaders.get(keyOf(a)))));
    const overdue = items.filter((a) => a.alert === "overdue").length;
    $("alerts-summary").textContent = "共 " + items.length + " 件：已超期 " + overdue + " 件，即将到期 " + (items.length - overdue) + " 件"
      + (shown.length !== items.length ? "；筛选后显示 " + shown.length + " 件" : "") + "。";
    $("alerts-empty").hidden = shown.length > 0 || !state.alertsLoaded;
    // When the list first stood on screen, for the load-time check (performance.getEntriesByName("alerts-listed")).
    if (state.alertsLoaded && !performance.getEntriesByName("alerts-listed").length) performance.mark("alerts-listed");
    $("alerts-table").hidden = shown.length === 0;
    for (const th of document.querySelectorAll("#alerts-table th[data-sort]")) {
      th.setAttribute("aria-sort", th.dataset.sort === key ? (dir === "asc" ? "ascending" : "descending") : "none");
    }
    for (const button of document.querySelectorAll(".sort-bar [data-sort]")) {
      button.setAttribute("aria-pressed", String(button.dataset.sort === key));
    }
  }

  function fillOptions(select, entries) {
    const current = select.value;
    const sorted = entries.sort((a, b) => String(a[1]).localeCompare(String(b[1]), "zh-CN"));
    select.replaceChildren(el("option", { value: "" }, "全部"), ...sorted.map(([value, text]) => el("option", { value }, text)));
    select.value = sorted.some(([value]) => value === current) ? current : "";
  }

  function alertRow(a, townshipText, leaderText) {
    const key = keyOf(a);
    const href = "#/case/" + [a.townshipId, a.caseKind, a.caseId].map(encodeURIComponent).join("/");
    const days = a.alert === "overdue" ? "超期 " + a.daysOverdue + " 天" : a.daysLeft === 0 ? "今日到期" : "剩 " + a.daysLeft + " 天";
    const row = el("tr", { "data-case": a.caseId, "data-township": a.townshipId, "data-alert": a.alert, class: state.fresh.has(key) ? "fresh" : null },
      el("td", { "data-label": "预警" }, el("span", { class: "badge " + a.alert }, word(ALERT, a.alert))),
      el("td", { "data-label": "乡镇" }, townshipText),
      // One child per cell, so that the phone's card layout (label | value) keeps each value in its column.
      el("td", { "data-label": "案件", class: "case" }, el("span", null, el("a", { href }, a.caseId), el("span", { class: "kind-label" }, word(KIND, a.caseKind)))),
      el("td", { "data-label": "事由" }, a.subject),
      el("td", { "data-label": "期限" }, el("span", null, word(DEADLINE, a.deadlineKind) + " ", el("time", { datetime: a.dueOn }, a.dueOn))),
      el("td", { "data-label": "超期天数", class: "days", "data-days-overdue": a.daysOverdue }, days),
      el("td", { "data-label": "包案领导", class: "leader" }, leaderText || "未指定"));
    return row;
  }

  // ---- The live stream -------------------------------------------------------------------------
  // EventSource cannot send an Authorization header, so the stream is read with fetch(): the same
  // text/event-stream, parsed here, with Last-Event-ID on every reconnect so that nothing is missed.

  function setLive(stateName, text) {
    $("live").dataset.state = stateName;
    $("live-text").textContent = text;
  }

  function stopStream() {
    if (state.stream) {
      state.stream.stopped = true;
      state.stream.abort.abort();
      clearTimeout(state.stream.retry);
      state.stream = null;
    }
  }

  function startStream() {
    if (state.stream || !state.token || !readsAlerts()) return;
    const stream = { abort: new AbortController(), stopped: false, failures: 0, retry: null };
    state.stream = stream;
    connect(stream);
  }

  async function connect(stream) {
    setLive("connecting", "正在连接实时预警");
    const headers = { Authorization: "Bearer " + state.token, Accept: "text/event-stream" };
    if (state.lastEventId) headers["Last-Event-ID"] = state.lastEventId;
    let silence = null;
    const watchdog = () => {
      clearTimeout(silence);
      silence = setTimeout(() => stream.abort.abort(), STREAM_SILENCE_MS);
    };
    try {
      const response = await fetch("/api/alerts/stream", { headers, signal: stream.abort.signal, cache: "no-store" });
      if (response.status === 401) {
        signOut("令牌无效或已过期，请重新登录。");
        return;
      }
      if (!response.ok || !response.body) throw new Error("stream answered " + response.status);
      const first = !stream.connectedOnce;
      stream.connectedOnce = true;
      stream.failures = 0;
      setLive("on", "实时更新中");
      watchdog();
      // The list is read once the stream is open, so that nothing falls between the two.
      if (first && !state.buffer) loadAlerts();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let pending = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        watchdog();
        pending += value;
        let end;
        while ((end = pending.search(/\r?\n\r?\n/)) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + (pending[end] === "\r" ? 4 : 2));
          onBlock(block);
        }
      }
      throw new Error("stream ended");
    } catch (error) {
      clearTimeout(silence);
      if (stream.stopped) return;
      stream.failures++;
      const wait = Math.min(30000, 1000 * 2 ** Math.min(stream.failures - 1, 5));
      setLive("off", "连接中断，" + Math.round(wait / 1000) + " 秒后重连");
      stream.abort = new AbortController();
      stream.retry = setTimeout(() => connect(stream), wait);
    }
  }

  function onBlock(block) {
    let id = null, event = "message";
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(":")) continue; // comments: the opening line and heartbeats
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") id = value;
      else if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (id) state.lastEventId = id;
    if (!data.length || (event !== "alert" && event !== "cleared")) return;
    let item;
    try { item = JSON.parse(data.join("\n")); } catch { return; }
    if (state.buffer) state.buffer.push({ event, item });
    applyChange(event, item, true);
    if (event === "alert") announce(item);
    if (state.view === "alerts") renderAlerts();
  }

  async function announce(item) {
    const text = "新预警：" + (await townshipName(item.townshipId)) + " " + item.caseId + " " + word(ALERT, item.alert)
      + (item.alert === "overdue" ? " " + item.daysOverdue + " 天" : "");
    $("announcer").textContent = text;
  }

  // ---- A case and its timeline -------------------------------------------------------------

  async function showCase(townshipId, kind, caseId) {
    document.title = caseId + " · 督办看板";
    showView("case");
    const turn = ++state.turn;
    $("case-title").textContent = word(KIND, kind) + " " + caseId;
    $("case-content").hidden = true;
    showError("case-error", null);
    if (kind !== "petition" && kind !== "dispute") {
      showError("case-error", new ApiError(404));
      return;
    }
    const base = "/api/townships/" + encodeURIComponent(townshipId) + "/" + kind + "s/" + encodeURIComponent(caseId);
    try {
      const [view, events, t] = await Promise.all([api(base), api(base + "/events"), township(townshipId)]);
      if (turn !== state.turn) return;
      state.fresh.delete(townshipId + "/" + caseId);
      renderFacts(view, kind, t);
      await renderTimeline(events, townshipId);
      if (turn !== state.turn) return;
      $("case-masked").hidden = seesPersonalData();
      $("case-content").hidden = false;
    } catch (error) {
      if (turn === state.turn && error.status !== 401) showError("case-error", error);
    }
  }

  function renderFacts(v, kind, t) {
    const people = (kind === "petition" ? v.petitioners : v.parties) || [];
    const leader = v.leaderId ? (t.leaders.get(v.leaderId) || { name: v.leaderId }).name : "未指定";
    const due = kind === "petition"
      ? [v.status === "registered" ? ["受理告知期限", v.acceptanceDueOn] : ["办理期限", v.handlingDueOn]]
      : [["调解期限", v.settlementDueOn]];
    const rows = [
      ["乡镇", t.name],
      ["状态", word(STATUS, v.status) + (v.overdue ? "（已超期 " + v.daysOverdue + " 天）" : "")],
      ["事由", v.subject],
      ["类别", v.category],
      kind === "petition" ? ["来源渠道", word(CHANNEL, v.channel)] : ["来源", word(SOURCE, v.source)],
      ["登记时间", localDateTime(kind === "petition" ? v.receivedAt : v.reportedAt)],
      ...due.filter(([, d]) => d),
      v.extendedDays ? ["延期", v.extendedDays + " 日"] : null,
      ["包案领导", leader],
      [kind === "petition" ? "信访人" : "当事人", people.map((p) => [p.name, p.phone].filter(Boolean).join(" ")).join("；") || "—"],
      v.village ? ["村（社区）", v.village] : null,
      kind === "dispute" && v.riskLevel ? ["风险等级", word(RISK, v.riskLevel)] : null,
    ].filter(Boolean);
    $("case-facts").replaceChildren(...rows.flatMap(([name, value]) => [el("dt", null, name), el("dd", null, value == null || value === "" ? "—" : value)]));
  }

  /** One step of the audit trail in words, as an officer would write it in the ledger. */
  async function describe(e, townshipId) {
    const d = e.data || {};
    const deadline = (label, date) => (date ? label + " " + date : "");
    switch (e.type) {
      case "petitionRegistered":
        return ["登记（" + word(CHANNEL, d.channel) + "）", [deadline("受理告知期限", d.acceptanceDueOn), d.collective ? "集体访" : "", d.repeatOf ? "重复信访，关联 " + d.repeatOf : ""]];
      case "disputeRegistered":
        return ["登记（" + word(SOURCE, d.source) + "）", ["风险等级 " + word(RISK, d.riskLevel)]];
      case "petitionAccepted":
        return ["受理", [deadline("办理期限", d.handlingDueOn)]];
      case "disputeAccepted":
        return ["受理", [deadline("调解期限", d.settlementDueOn), d.plannedProcedure ? "拟用" + word(PROCEDURE, d.plannedProcedure) : ""]];
      case "petitionDeclined":
        return ["不予受理（" + d.reason + "）", ["告知通过" + word(DECLINE_ROUTE, d.route) + "解决"]];
      case "petitionAssigned":
      case "disputeAssigned": {
        const helpers = d.handlers || d.mediators || [];
        return ["指定包案领导 " + (await leaderName(townshipId, d.leaderId)), [helpers.length ? (e.type === "petitionAssigned" ? "经办人 " : "调解员 ") + helpers.join("、") : ""]];
      }
      case "petitionProgressRecorded":
        return ["办理进展：" + d.note, []];
      case "mediationRecorded":
        return ["调解：" + d.note, []];
      case "petitionExtended":
        return ["延期" + d.days + "日（" + d.reason + "）", ["批准人 " + d.approvedBy, deadline("办理期限延至", d.handlingDueOn)]];
      case "disputeExtended":
        return ["延期" + d.days + "日（" + d.reason + "）", ["批准人 " + d.approvedBy, deadline("调解期限延至", d.settlementDueOn)]];
      case "platformDeadlineChanged":
        return ["12345工单期限改为 " + d.platformDueOn + (d.reason ? "（" + d.reason + "）" : ""), [deadline("办理期限", d.handlingDueOn)]];
      case "petitionConcluded":
        return ["办结（" + word(OUTCOME, d.outcome) + "）", [d.onTime ? "按期办结" : "超期办结", deadline("可申请复查至", d.reviewRequestDueOn)]];
      case "petitionEvaluated":
        return ["满意度评价：" + word(RATING, d.rating), []];
      case "reviewRequested":
        return ["申请复查", [deadline("复查答复期限", d.answerDueOn)]];
      case "reviewConcluded":
        return ["复查答复（" + word(DECISION, d.decision) + "）", [deadline("可申请复核至", d.recheckRequestDueOn)]];
      case "recheckRequested":
        return ["申请复核", [deadline("复核答复期限", d.answerDueOn)]];
      case "recheckHearingStarted":
        return ["复核听证开始", []];
      case "recheckHearingEnded":
        return ["复核听证结束", [d.pausedDays ? "听证期间 " + d.pausedDays + " 日不计入" : "", deadline("复核答复期限", d.answerDueOn)]];
      case "recheckConcluded":
        return ["复核答复（" + word(DECISION, d.decision) + "），信访事项终结", []];
      case "petitionWithdrawn":
        return ["撤回（" + d.reason + "）", []];
      case "repeatLinked":
        return ["关联重复信访 " + d.repeatOf, []];
      case "disputeResolved":
        return ["化解（" + word(PROCEDURE, d.procedure) + "，" + word(AGREEMENT, d.agreement) + "）", [d.onTime === false ? "超期化解" : "按期化解"]];
      case "disputeFailed":
        return ["调解不成，告知通过" + word(REFERRAL, d.referral) + "解决" + (d.note ? "（" + d.note + "）" : ""), []];
      case "disputeFollowedUp":
        return ["回访：" + word(FULFILLED, d.fulfilled), []];
      case "becameDueSoon":
        return ["即将到期（" + word(DEADLINE, d.kind) + " " + d.dueOn + "）", []];
      case "becameOverdue":
        return ["已超期（" + word(DEADLINE, d.kind) + " " + d.dueOn + "）", []];
      default:
        return [e.type, []];
    }
  }

  async function renderTimeline(events, townshipId) {
    const items = await Promise.all(events.map(async (e) => {
      const d = e.data || {};
      // The step's own date (the acceptance is dated when it happened, not when it was entered), in the zone the server uses.
      const at = d.at || d.receivedAt || d.reportedAt || e.occurredAt;
      const date = localDate(at, offsetOf(e.occurredAt));
      const [what, notes] = await describe(e, townshipId);
      const alarm = e.type === "becameOverdue" || e.type === "becameDueSoon";
      return el("li", { class: alarm ? "alarm" : null, "data-type": e.type },
        el("time", { datetime: date }, date), " ", el("span", { class: "what" }, what),
        notes.filter(Boolean).length ? el("span", { class: "note" }, "，" + notes.filter(Boolean).join("，")) : null,
        el("span", { class: "by" }, "记录于 " + localDateTime(e.occurredAt) + (e.actor ? " · " + e.actor : "")));
    }));
    $("timeline").replaceChildren(...items);
  }

  // ---- A township's year -------------------------------------------------------------------

  async function townshipChoices(year) {
    const c = state.claims || {};
    const ids = new Set(list(c.township));
    const counties = list(c.county);
    // A county's townships are listed in its rollup.
    await Promise.all(counties.map((county) => api("/api/counties/" + encodeURIComponent(county) + "/rollups/" + year)
      .then((r) => (r.townships || []).forEach((t) => ids.add(t.scope)))
      .catch(() => {})));
    for (const a of state.alerts.values()) ids.add(a.townshipId);
    return [...ids];
  }

  async function showYear(townshipId, year) {
    document.title = "乡镇年度统计 · 督办看板";
    showView("year");
    // Only the latest request draws: a slower earlier one (another township or year) must not overwrite it.
    const turn = ++state.turn;
    $("year-title").textContent = "乡镇年度统计";
    const form = $("year-form");
    // The route's values go into the form now, before any wait: what the user types meanwhile is never overwritten.
    if (year) form.year.value = year;
    else if (!form.year.value) form.year.value = String(new Date().getFullYear());
    if (townshipId) form.township.value = townshipId;
    const choices = await townshipChoices(form.year.value);
    if (turn !== state.turn) return;
    $("township-options").replaceChildren(...choices.map((t) => el("option", { value: t })));
    if (!townshipId) {
      // Without a township in the address, only a caller of exactly one township sees it at once; others choose.
      if (choices.length !== 1 || form.township.value) {
        $("year-content").hidden = true;
        return;
      }
      townshipId = form.township.value = choices[0];
    }
    year = year || form.year.value;
    showError("year-error", null);
    const base = "/api/townships/" + encodeURIComponent(townshipId) + "/rollups/" + encodeURIComponent(year);
    try {
      const [rollup, months, t] = await Promise.all([api(base), api(base + "/months"), township(townshipId)]);
      if (turn !== state.turn) return;
      $("year-title").textContent = t.name + " " + year + "年度统计";
      $("year-asof").textContent = "截至 " + rollup.asOf + "，按登记年度统计（" + year + "年登记的案件）。";
      renderPetitionFigures(rollup.petitions);
      renderDisputeFigures(rollup.disputes);
      renderChart($("petition-chart"), "petition", "信访件", months.petitions, "办结");
      renderChart($("dispute-chart"), "dispute", "矛盾纠纷", months.disputes, "化解或调解不成");
      $("year-content").hidden = false;
    } catch (error) {
      if (turn !== state.turn) return;
      $("year-content").hidden = true;
      if (error.status !== 401) showError("year-error", error);
    }
  }

  function figure(label, value, name) {
    return el("div", { class: "figure", "data-figure": name },
      el("span", { class: "label" }, label), el("span", { class: "value" }, String(value)));
  }

  function rateFigure(label, rate, name) {
    const value = rate.value == null ? "—" : percent(rate.value);
    return el("div", { class: "figure rate", "data-rate": name, "data-numerator": rate.numerator, "data-denominator": rate.denominator },
      el("span", { class: "label" }, label),
      el("span", { class: "value" }, value),
      el("span", { class: "parts" }, rateText(label, rate)),
      el("span", { class: "formula" }, rate.formula));
  }

  function renderPetitionFigures(p) {
    $("petition-figures").replaceChildren(
      figure("登记", p.registered, "registered"), figure("受理", p.accepted, "accepted"), figure("办结", p.concluded, "concluded"),
      figure("在办", p.inProgress, "inProgress"), figure("不予受理", p.declined, "declined"), figure("撤回", p.withdrawn, "withdrawn"),
      figure("当前超期", p.overdueNow, "overdueNow"),
      rateFigure("按期办结率", p.onTimeRate, "onTimeRate"), rateFigure("参评率", p.evaluationRate, "evaluationRate"),
      rateFigure("满意率", p.satisfactionRate, "satisfactionRate"));
  }

  function renderDisputeFigures(d) {
    $("dispute-figures").replaceChildren(
      figure("登记", d.registered, "registered"), figure("受理", d.accepted, "accepted"), figure("化解", d.resolved, "resolved"),
      figure("调解不成", d.failed, "failed"), figure("在办", d.inProgress, "inProgress"), figure("当前超期", d.overdueNow, "overdueNow"),
      rateFigure("化解率", d.resolutionRate, "resolutionRate"));
  }

  const SERIES = [
    { key: "received", label: "登记", className: "received" },
    { key: "concluded", label: "办结", className: "concluded" },
    { key: "inProgressAtMonthEnd", label: "月末在办", className: "progress" },
  ];

  /** Grouped bars per month, drawn as SVG from the monthly endpoint, with the same figures as a table beside. */
  function renderChart(container, kind, title, months, concludedLabel) {
    const series = SERIES.map((s) => (s.key === "concluded" ? { ...s, label: concludedLabel } : s));
    const max = Math.max(1, ...months.flatMap((m) => series.map((s) => m[s.key] || 0)));
    const step = niceStep(max);
    const top = Math.ceil(max / step) * step;
    const width = 720, height = 260, left = 36, right = 8, topPad = 12, bottom = 28;
    const plotW = width - left - right, plotH = height - topPad - bottom;
    const groupW = plotW / 12, barW = Math.min(14, (groupW - 8) / 3);
    const y = (v) => topPad + plotH - (v / top) * plotH;
    const captionId = kind + "-chart-caption";

    const grid = [];
    for (let v = 0; v <= top; v += step) {
      grid.push(svg("line", { class: "grid", x1: left, x2: width - right, y1: y(v), y2: y(v) }));
      grid.push(svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, String(v)));
    }
    const bars = months.map((m, i) => {
      const x0 = left + i * groupW + (groupW - barW * 3 - 4) / 2;
      const group = series.map((s, j) => {
        const value = m[s.key];
        const future = value == null;
        const h = future ? 0 : Math.max(value > 0 ? 1 : 0, (value / top) * plotH);
        return svg("rect", {
          class: "bar-" + s.className, x: x0 + j * (barW + 2), y: topPad + plotH - h, width: barW, height: h,
          "data-month": m.month, "data-series": s.key, "data-value": future ? "" : value,
        }, svg("title", null, m.month + "月" + s.label + "：" + (future ? "尚未到来" : value + " 件")));
      });
      return svg("g", null, ...group, svg("text", { x: left + i * groupW + groupW / 2, y: height - 8, "text-anchor": "middle" }, m.month + "月"));
    });
    const chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": captionId, focusable: "false" }, ...grid, ...bars);

    const total = (k) => months.reduce((sum, m) => sum + (m[k] || 0), 0);
    const last = [...months].reverse().find((m) => m.inProgressAtMonthEnd != null);
    const caption = el("figcaption", { id: captionId },
      title + "逐月：全年登记 " + total("received") + " 件，" + concludedLabel + " " + total("concluded") + " 件"
      + (last ? "，" + last.month + "月末在办 " + last.inProgressAtMonthEnd + " 件" : "") + "。");
    const legend = el("ul", { class: "legend", "aria-hidden": "true" }, ...series.map((s) => el("li", { class: s.className }, s.label)));
    const table = el("table", { class: "month-table", "data-kind": kind },
      el("caption", { class: "visually-hidden" }, title + "逐月数据"),
      el("thead", null, el("tr", null, el("th", { scope: "col" }, "月份"), ...series.map((s) => el("th", { scope: "col", class: "num" }, s.label)))),
      el("tbody", null, ...months.map((m) => el("tr", { "data-month": m.month },
        el("th", { scope: "row" }, m.month + "月"),
        ...series.map((s) => el("td", { class: "num", "data-series": s.key }, m[s.key] == null ? "—" : String(m[s.key])))))));
    const details = el("details", null, el("summary", null, "查看逐月数据表"), table);
    container.replaceChildren(el("figure", null, caption, legend, chart), details);
  }

  function niceStep(max) {
    const rough = max / 4;
    const power = 10 ** Math.floor(Math.log10(rough));
    for (const m of [1, 2, 5, 10]) if (m * power >= rough) return Math.max(1, m * power);
    return Math.max(1, 10 * power);
  }

  // ---- Wiring ------------------------------------------------------------------------------------

  function sortBy(key) {
    state.sort = state.sort.key === key
      ? { key, dir: state.sort.dir === "asc" ? "desc" : "asc" }
      : { key, dir: key === "days" ? "desc" : "asc" };
    renderAlerts();
  }

  function init() {
    $("signin-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", () => signOut(null));
    $("filters").addEventListener("change", () => renderAlerts());
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    for (const button of document.querySelectorAll("#alerts-table th[data-sort] button, .sort-bar [data-sort]")) {
      button.addEventListener("click", () => sortBy(button.closest("[data-sort]").dataset.sort));
    }
    $("year-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const form = e.currentTarget;
      const target = "#/year/" + encodeURIComponent(form.township.value.trim()) + "/" + encodeURIComponent(form.year.value);
      if (location.hash === target) route();
      else location.hash = target;
    });
    window.addEventListener("hashchange", route);
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved && decodeClaims(saved)) {
      state.token = saved;
      state.claims = decodeClaims(saved);
    }
    notice(null);
    route();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
