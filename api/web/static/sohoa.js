/* sohoa.js: what both pages share. The /v1 client (token, retries, errors in words), sign-in,
   the connection banner, drafts kept across sign-ins and reloads, small DOM and format helpers. */
"use strict";

const sohoa = (() => {
  const words = JSON.parse(document.getElementById("words").textContent);
  const role = document.body.dataset.role;
  const development = document.body.dataset.development === "true";
  const tokenKey = `sohoa.token.${role}`;
  const keepPrefix = `sohoa.keep.${role}.`;
  const $ = (id) => document.getElementById(id);

  /* ---- DOM helpers: text only, never HTML from data ---- */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  function show(node, text) {
    if (typeof node === "string") node = $(node);
    if (text === undefined || text === null || text === "") { node.hidden = true; node.textContent = ""; }
    else { node.textContent = text; node.hidden = false; }
  }

  /* ---- formats ---- */
  function fmtDate(iso) {
    if (!iso) return "";
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
  }
  function fmtTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return d.toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short", timeStyle: "short" });
  }
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  const fieldLabel = (name) => words.fields[name] || name;
  const docTypeName = (t) => words.doc_types[t] || t || "";
  const statusWords = (s) => words.status[s] || s || "";
  const flagWords = (f) => words.flags[f] || `Cần kiểm tra (${f})`;
  const reassuring = new Set(words.reassuring);

  /* ---- codes, checked as the user types (the same rules as schemas/codes.py) ---- */
  const dossierRe = new RegExp(words.codes.dossier);
  const procedureRe = new RegExp(words.codes.procedure);
  function checkDossierCode(code) {
    const m = dossierRe.exec(code);
    if (!m) return { ok: false, text: "Chưa đúng mẫu: MÃ-ĐƠN-VỊ-YYMMDD-SỐTT, ví dụ 000.00.15.H55-230612-0001." };
    const d = m.groups.yymmdd;
    const day = new Date(Date.UTC(2000 + +d.slice(0, 2), +d.slice(2, 4) - 1, +d.slice(4, 6)));
    if (day.getUTCDate() !== +d.slice(4, 6) || day.getUTCMonth() !== +d.slice(2, 4) - 1)
      return { ok: false, text: `Ngày nhận ${d} không có thật (yymmdd).` };
    return { ok: true, text: `Đúng mẫu: đơn vị ${m.groups.agency}, nhận ngày ${fmtDate(day.toISOString())}, số ${m.groups.seq}.` };
  }
  function checkProcedureCode(code) {
    return procedureRe.test(code)
      ? { ok: true, text: "Đúng mẫu mã thủ tục." }
      : { ok: false, text: "Chưa đúng mẫu: 1.001193 hoặc 2.000815.000.00.00.H55." };
  }
  function checkIdNumber(id) {
    if (!/^\d{12}$/.test(id)) return { ok: false, text: `Cần đủ 12 chữ số (đang có ${id.replace(/\D/g, "").length}).` };
    const province = words.codes.provinces[id.slice(0, 3)];
    if (!province) return { ok: false, text: `Ba số đầu ${id.slice(0, 3)} không phải mã tỉnh nơi đăng ký khai sinh.` };
    const c = +id[3];
    const year = 1900 + 100 * Math.floor(c / 2) + +id.slice(4, 6);
    return { ok: true, text: `Đúng mẫu: khai sinh tại ${province}, ${c % 2 ? "Nữ" : "Nam"}, sinh năm ${year}.` };
  }
  function liveCheck(input, hint, check, optional = false) {
    const run = () => {
      const v = input.value.trim();
      if (!v) { input.removeAttribute("aria-invalid"); hint.className = "hint"; hint.textContent = hint.dataset.plain; return !optional ? false : true; }
      const r = check(v);
      input.setAttribute("aria-invalid", r.ok ? "false" : "true");
      hint.className = r.ok ? "hint good" : "hint bad";
      hint.textContent = r.text;
      return r.ok;
    };
    hint.dataset.plain = hint.textContent;
    input.addEventListener("input", run);
    return run;
  }

  /* ---- the connection banner ---- */
  let bannerTimer = null;
  function banner(text, good = false) {
    const b = $("banner");
    clearTimeout(bannerTimer);
    if (!text) { b.hidden = true; return; }
    b.textContent = text;
    b.classList.toggle("good", good);
    b.hidden = false;
    if (good) bannerTimer = setTimeout(() => { b.hidden = true; }, 3000);
  }
  let offline = null;
  function waitOnline() {
    if (!offline) {
      banner(words.client.offline);
      offline = new Promise((resolve) => {
        const probe = async () => {
          try {
            const r = await fetch("/healthz", { cache: "no-store" });
            if (r.ok || r.status < 500) { window.removeEventListener("online", probe); offline = null; banner(words.client.back_online, true); resolve(); return; }
          } catch (e) { /* still offline */ }
          setTimeout(probe, 2000);
        };
        window.addEventListener("online", probe);
        setTimeout(probe, 1000);
      });
    }
    return offline;
  }

  /* ---- tokens and sign-in ---- */
  const token = () => sessionStorage.getItem(tokenKey);
  function claims(t = token()) {
    try { return JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))); } catch (e) { return null; }
  }
  const signedInHandlers = [];
  function onSignedIn(fn) { signedInHandlers.push(fn); }
  function setToken(t) {
    sessionStorage.setItem(tokenKey, t);
    const c = claims(t) || {};
    $("who-name").textContent = [c.sub, c.agency].filter(Boolean).join(" · ");
    $("who").hidden = false;
  }
  let signIn = null;
  function askSignIn(reason) {
    if (signIn) return signIn;
    const dialog = $("sign-in");
    show("sign-in-reason", reason || "");
    show("sign-in-error", "");
    signIn = new Promise((resolve) => {
      const form = $("sign-in-form");
      const submit = async (e) => {
        e.preventDefault();
        show("sign-in-error", "");
        try {
          const pasted = $("sign-in-token").value.trim();
          const t = pasted || (development ? await devToken() : "");
          if (!t) { show("sign-in-error", "Hãy dán mã truy cập."); return; }
          setToken(t);
          form.removeEventListener("submit", submit);
          dialog.close();
          signIn = null;
          resolve(t);
          signedInHandlers.forEach((fn) => fn(claims(t)));
        } catch (err) { show("sign-in-error", err.message); }
      };
      form.addEventListener("submit", submit);
      dialog.addEventListener("cancel", (e) => e.preventDefault());
      dialog.showModal();
      (dialog.querySelector("input:not([type=hidden])") || $("sign-in-token")).focus();
    });
    return signIn;
  }
  async function devToken() {
    const body = { role };
    const sub = $("dev-sub");
    const agency = $("dev-agency");
    if (sub && !sub.value.trim()) { sub.focus(); throw new Error(`Hãy nhập ${sub.labels[0].textContent.toLowerCase()}.`); }
    if (sub) body.sub = sub.value.trim();
    if (agency) body.agency = agency.value.trim();
    let r;
    try {
      r = await fetch("/v1/dev/tokens", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    } catch (e) { throw new Error(words.client.offline); }
    if (!r.ok) throw await apiError(r);
    const data = await r.json();
    return data.access_token || data.token;
  }
  function signOut() {
    sessionStorage.removeItem(tokenKey);
    $("who").hidden = true;
    location.reload();
  }

  /* ---- the /v1 client ---- */
  class ApiError extends Error {
    constructor(status, code, message, detail, requestId) {
      super(message);
      Object.assign(this, { status, code, detail, requestId });
    }
  }
  async function apiError(response) {
    let code = "internal", detail = {};
    try {
      const body = await response.json();
      if (body && body.error) { code = body.error.code || code; detail = body.error.detail || {}; }
    } catch (e) { code = response.status === 404 ? "not_found" : "internal"; }
    const text = words.errors[code] || words.client.unexpected;
    return new ApiError(response.status, code, text, detail, response.headers.get("x-request-id"));
  }
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  /* One call: the token attached, a POST keeps one Idempotency-Key across its retries, a lost
     connection waits and retries, an expired token asks to sign in again and retries. */
  async function api(method, path, { json, form, multipart, raw = false, signal } = {}) {
    const key = method === "POST" ? newKey() : null;
    for (;;) {
      if (!token()) await askSignIn();
      const headers = { Authorization: `Bearer ${token()}` };
      if (key) headers["Idempotency-Key"] = key;
      let body;
      if (json !== undefined) { body = JSON.stringify(json); headers["Content-Type"] = "application/json"; }
      else if (form) body = form;
      else if (multipart) { body = multipart.body; headers["Content-Type"] = multipart.type; }
      let response;
      try {
        response = await fetch(path, { method, headers, body, signal, cache: "no-store" });
      } catch (e) {
        if (signal && signal.aborted) throw e;
        await waitOnline();
        continue;
      }
      if (response.status === 401) { await askSignIn(words.client.session_expired); continue; }
      if (response.status === 429 && method === "GET") {  // over the token's rate: wait as told, then ask again
        const wait = Math.min(30, Math.max(1, +(response.headers.get("retry-after") || 1)));
        await new Promise((r) => setTimeout(r, wait * 1000));
        continue;
      }
      if (response.status === 503 || response.status === 502 || response.status === 504) {
        const err = await apiError(response);
        if (method === "GET") { banner(err.message); await new Promise((r) => setTimeout(r, 2000)); continue; }
        throw err;
      }
      if (!response.ok) throw await apiError(response);
      if (raw) return response;
      if (response.status === 204) return null;
      return response.json();
    }
  }
  async function download(path, fallbackName) {
    const response = await api("GET", path, { raw: true });
    const blob = await response.blob();
    const disposition = response.headers.get("content-disposition") || "";
    const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
    const name = m ? decodeURIComponent(m[1] || m[2]) : fallbackName;
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    return name;
  }

  /* ---- drafts: what is typed survives a sign-in, a lost connection and a reload ---- */
  function keep(root = document) {
    for (const input of root.querySelectorAll("[data-keep]")) {
      const k = keepPrefix + (input.dataset.keep || input.id);
      const saved = sessionStorage.getItem(k);
      if (saved !== null && !input.value) input.value = saved;
      input.addEventListener("input", () => sessionStorage.setItem(k, input.value));
    }
  }
  function forget(...ids) { ids.forEach((id) => sessionStorage.removeItem(keepPrefix + id)); }
  function stash(name, value) {
    if (value === undefined) { const v = sessionStorage.getItem(keepPrefix + name); return v ? JSON.parse(v) : null; }
    if (value === null) sessionStorage.removeItem(keepPrefix + name);
    else sessionStorage.setItem(keepPrefix + name, JSON.stringify(value));
    return value;
  }

  /* ---- keys: one key per action; Alt+letter by its physical key so layouts and IMEs agree ---- */
  function keys(map) {
    document.addEventListener("keydown", (e) => {
      const name = `${e.ctrlKey || e.metaKey ? "Ctrl+" : ""}${e.altKey ? "Alt+" : ""}${e.code.replace(/^Key/, "")}`;
      const fn = map[name];
      if (fn) { e.preventDefault(); fn(e); }
    });
  }

  /* ---- start: a page waits for a token before it calls anything ---- */
  async function start(run) {
    $("sign-out").addEventListener("click", signOut);
    keep();
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (fragment.get("access_token")) { setToken(fragment.get("access_token")); history.replaceState(null, "", location.pathname); }
    if (token()) setToken(token());
    else await askSignIn();
    run(claims());
  }

  return {
    $, el, show, fmtDate, fmtTime, fold, fieldLabel, docTypeName, statusWords, flagWords, reassuring, words,
    checkDossierCode, checkProcedureCode, checkIdNumber, liveCheck, banner, api, ApiError, download,
    keep, forget, stash, keys, start, claims, onSignedIn, development,
  };
})();
