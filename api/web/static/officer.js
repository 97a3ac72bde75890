/* officer.js: the counter. Open or create a dossier, drop scans, watch them being read, check and
   correct each component beside its page image, confirm, reuse what the store already holds. */
"use strict";

(() => {
  const { $, el, show, api, words } = sohoa;
  const POLL_MS = 300;
  const LOW_CONFIDENCE = 0.8;
  const state = { dossier: null, selected: null, component: null, page: 1, pages: [], polling: null, imageUrl: null };

  /* ---------------- 1. the dossier ---------------- */
  const code = $("ma-ho-so"), tthc = $("ma-tthc"), sdd = $("so-dinh-danh");
  const checkCode = sohoa.liveCheck(code, $("ma-ho-so-hint"), sohoa.checkDossierCode);
  const checkTthc = sohoa.liveCheck(tthc, $("ma-tthc-hint"), sohoa.checkProcedureCode);
  const checkSdd = sohoa.liveCheck(sdd, $("so-dinh-danh-hint"), sohoa.checkIdNumber);
  code.addEventListener("input", () => { code.value = code.value.toUpperCase().replace(/\s/g, ""); });
  sdd.addEventListener("input", () => { sdd.value = sdd.value.replace(/\D/g, "").slice(0, 12); });

  function creating(on) {
    $("create-fields").hidden = !on;
    $("new-dossier").setAttribute("aria-expanded", String(on));
    $("open-dossier").textContent = on ? "Tạo và mở hồ sơ" : "Mở hồ sơ";
    $("new-dossier").textContent = on ? "Chỉ mở hồ sơ có sẵn" : "Tạo hồ sơ mới";
  }
  $("new-dossier").addEventListener("click", () => {
    creating($("create-fields").hidden);
    (($("create-fields").hidden) ? code : tthc).focus();
  });

  $("open-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    show("dossier-error", "");
    const isNew = !$("create-fields").hidden;
    const ok = [checkCode(), ...(isNew ? [checkTthc(), checkSdd()] : [])];
    if (ok.includes(false)) {
      show("dossier-error", "Hãy sửa các ô đánh dấu đỏ rồi thử lại.");
      [code, tthc, sdd].find((i) => i.getAttribute("aria-invalid") === "true" || !i.value.trim())?.focus();
      return;
    }
    try {
      if (isNew) {
        await api("POST", "/v1/dossiers", { json: { ma_ho_so: code.value.trim(), ma_tthc: tthc.value.trim(), so_dinh_danh: sdd.value.trim() } });
        sohoa.forget("ma-tthc", "so-dinh-danh");
        creating(false);
      }
      await openDossier(code.value.trim(), true);
    } catch (err) {
      show("dossier-error", err.message);
      if (err.code === "not_found" && !isNew) { creating(true); tthc.focus(); }
    }
  });

  /* the dossier lists its components; what was read from each finished one comes with the component */
  async function withDocuments(dossier) {
    const known = new Map((state.dossier?.components || []).map((c) => [c.id, c]));
    await Promise.all((dossier.components || []).map(async (c, i) => {
      if (c.status !== "done" || (c.documents || []).length) return;
      dossier.components[i] = await api("GET", `/v1/components/${c.id}`).catch(() => known.get(c.id) || c);
    }));
    return dossier;
  }

  async function openDossier(ma, focusUpload = false) {
    const dossier = await withDocuments(await api("GET", `/v1/dossiers/${encodeURIComponent(ma)}`));
    state.dossier = dossier;
    sohoa.stash("dossier", ma);
    renderFacts(dossier);
    for (const id of ["upload-card", "components-card", "kho-card"]) $(id).hidden = false;
    state.selected = null;
    renderComponents();
    loadKho();
    poll();
    const toReview = (dossier.components || []).filter((c) => c.id && c.status === "done");
    const first = toReview.find((c) => ["pending", "extracted"].includes(stateOf(c))) || toReview[0];
    if (first) await select(first.id, false);
    if (focusUpload) $("files").focus();
  }

  function renderFacts(d) {
    const facts = $("dossier-facts");
    facts.replaceChildren(
      el("dt", { text: "Mã hồ sơ" }), el("dd", { text: d.ma_ho_so }),
      el("dt", { text: "Mã thủ tục" }), el("dd", { text: d.ma_tthc }),
      el("dt", { text: "Công dân" }), el("dd", { text: d.so_dinh_danh }),
    );
    facts.hidden = false;
  }

  /* ---------------- 2. scans ---------------- */
  const drop = $("drop");
  $("files").addEventListener("change", (e) => { upload([...e.target.files]); e.target.value = ""; });
  for (const ev of ["dragenter", "dragover"]) document.addEventListener(ev, (e) => {
    if (!state.dossier) return;
    e.preventDefault(); drop.classList.add("over");
  });
  document.addEventListener("dragleave", (e) => { if (!e.relatedTarget) drop.classList.remove("over"); });
  document.addEventListener("drop", (e) => {
    e.preventDefault(); drop.classList.remove("over");
    if (state.dossier) upload([...e.dataTransfer.files]);
  });

  const SCAN = /\.(jpe?g|png|tiff?|pdf)$/i;
  const DECLARE_MAX_BYTES = 32 * 1024 * 1024;  // larger files: a plain form (the browser reads them from disk)
  /* Each file part declares its SHA-256 and length (Repr-Digest, RFC 9530): the API checks the bytes it got
     against them and streams the file to the store while it arrives. FormData cannot give a part headers of
     its own, so the body is put together here; a plain FormData without WebCrypto (not a secure context). */
  async function uploadBody(files) {
    if (!(window.crypto && crypto.subtle) || files.some((f) => f.size > DECLARE_MAX_BYTES)) {
      const form = new FormData();
      files.forEach((f) => form.append("files", f, f.name));
      return { form };
    }
    const boundary = "sohoa-" + Array.from(crypto.getRandomValues(new Uint8Array(12)),
      (b) => b.toString(16).padStart(2, "0")).join("");
    const quoted = (s) => s.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");  // as FormData does
    const parts = [];
    for (const f of files) {
      const bytes = await f.arrayBuffer();
      const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${quoted(f.name)}"\r\n`
        + `Content-Type: ${f.type || "application/octet-stream"}\r\n`
        + `Repr-Digest: sha-256=:${btoa(String.fromCharCode(...sum))}:\r\nContent-Length: ${bytes.byteLength}\r\n\r\n`,
      bytes, "\r\n");
    }
    parts.push(`--${boundary}--\r\n`);
    return { multipart: { body: new Blob(parts), type: `multipart/form-data; boundary=${boundary}` } };
  }
  async function upload(files) {
    show("upload-error", "");
    const good = files.filter((f) => SCAN.test(f.name) || /^(image\/(jpeg|png|tiff)|application\/pdf)$/.test(f.type));
    const bad = files.filter((f) => !good.includes(f));
    if (bad.length) show("upload-error", `${bad.map((f) => f.name).join(", ")}: ${words.client.not_a_scan}`);
    if (!good.length) return;
    const body = await uploadBody(good);
    const names = good.map((f) => f.name);
    const pending = names.map((n) => ({ id: null, status: "uploading", file_name: n }));
    state.dossier.components = [...(state.dossier.components || []), ...pending];
    renderComponents();
    try {
      const answer = await api("POST", `/v1/dossiers/${encodeURIComponent(state.dossier.ma_ho_so)}/components`, body);
      answer.items.forEach((item, i) => Object.assign(pending[i] || {}, item, { file_name: item.file_name || names[i] }));
    } catch (err) {
      state.dossier.components = state.dossier.components.filter((c) => !pending.includes(c));
      show("upload-error", err.message);
    }
    renderComponents();
    poll();
  }

  /* ---------------- 3. components and their progress ---------------- */
  const busy = (c) => ["queued", "running", "uploading"].includes(c.status);
  /* a component's state in one word: its job while it runs, then its document's record state */
  function stateOf(c) {
    if (c.origin === "reused" || c.reuses_document_id) return "reused";
    const doc = (c.documents || [])[0];
    return c.status === "done" && doc ? doc.status : c.status;
  }
  function renderComponents() {
    const list = $("components");
    const comps = state.dossier.components || [];
    list.replaceChildren(...comps.map((c, i) => {
      const doc = (c.documents || [])[0];
      const many = (c.documents || []).length > 1 ? ` (+${c.documents.length - 1})` : "";
      const label = doc ? sohoa.docTypeName(doc.doc_type) + many : (c.file_name || `Thành phần ${i + 1}`);
      const status = stateOf(c);
      const statusText = status === "uploading" ? "Đang tải lên" : sohoa.statusWords(status);
      const button = el("button", {
        type: "button", "data-id": c.id || "", "aria-current": c.id && c.id === state.selected ? "true" : "false",
        disabled: !c.id, onclick: () => select(c.id),
      }, el("span", { text: `${i + 1}. ${label}` }), el("span", { class: `badge ${status}`, text: statusText }),
      busy(c) ? el("span", { class: "progress", role: "progressbar", "aria-label": `${label}: ${statusText}` }, el("span")) : null);
      return el("li", {}, button);
    }));
  }
  $("components").addEventListener("keydown", (e) => {
    const buttons = [...$("components").querySelectorAll("button:not(:disabled)")];
    const at = buttons.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (e.key === "ArrowDown" ? 1 : -1)))];
      next?.focus();
    }
  });

  /* Live progress without reloading: while anything is being read, ask for each such component. */
  /* Live progress without reloading: while anything is being read, one request a tick asks for the
     dossier's components and their states; a component that has just finished is asked for what was read. */
  function poll() {
    if (state.polling) return;
    const tick = async () => {
      const d = state.dossier;
      if (!d || !(d.components || []).some((c) => c.id && busy(c))) { state.polling = null; return; }
      try {
        const fresh = await api("GET", `/v1/dossiers/${encodeURIComponent(d.ma_ho_so)}`);
        if (state.dossier !== d) { state.polling = null; return; }
        const known = new Map(d.components.filter((c) => c.id).map((c) => [c.id, c]));
        let firstDone = null;
        const comps = await Promise.all((fresh.components || []).map(async (c) => {
          const before = known.get(c.id);
          if (before && before.status === c.status && (c.status !== "done" || (before.documents || []).length)) return before;
          if (c.status !== "done") return before ? Object.assign(before, c) : c;
          const full = await api("GET", `/v1/components/${c.id}`);
          if (!firstDone && (!before || before.status !== "done")) firstDone = full;
          return full;
        }));
        const uploading = d.components.filter((c) => !c.id);
        d.components = [...comps, ...uploading];
        renderComponents();
        if (firstDone && !state.selected) select(firstDone.id, false, firstDone);
        else if (firstDone && state.selected === firstDone.id) select(firstDone.id, false, firstDone);
      } catch (err) { show("upload-error", err.message); }
      state.polling = setTimeout(tick, POLL_MS);
    };
    state.polling = setTimeout(tick, POLL_MS);
  }
  function summary(component) { return component; }
  const docOf = (c) => (c.documents || [])[state.docIndex] || (c.documents || [])[0] || null;

  /* ---------------- 4. review: the page beside its fields ---------------- */
  async function select(id, focus = true, known = null) {
    state.selected = id;
    renderComponents();
    const c = known || await api("GET", `/v1/components/${id}`);
    if (state.selected !== id) return;
    if (!state.component || state.component.id !== id) state.docIndex = 0;
    state.component = c;
    renderReview(c);
    if (focus) $("fields").querySelector("input")?.focus();
  }

  function renderReview(c) {
    $("review-empty").hidden = true;
    $("review-body").hidden = false;
    show("fields-ok", "");
    show("fields-error", "");
    if (c.status === "failed") {
      $("doc-type").textContent = "Không đọc được thành phần này";
      show("doc-flags", sohoa.words.errors[c.error?.code] || c.error?.message || words.client.unexpected);
      $("fields").replaceChildren();
      return;
    }
    if (c.status !== "done") {
      $("doc-type").textContent = sohoa.statusWords(c.status) + "…";
      show("doc-flags", "");
      $("fields").replaceChildren();
      return;
    }
    const doc = docOf(c);
    if (!doc) {
      $("doc-type").textContent = "Không tìm thấy giấy tờ nào trong tệp này";
      $("fields").replaceChildren();
      return;
    }
    const docs = c.documents || [];
    const part = docs.length > 1 ? ` (giấy tờ ${state.docIndex + 1}/${docs.length} trong tệp)` : "";
    $("doc-type").textContent = `${sohoa.docTypeName(doc.doc_type)}${part} · độ tin cậy ${Math.round((doc.confidence || 0) * 100)}%`
      + (doc.status && doc.status !== "extracted" ? ` · ${sohoa.statusWords(doc.status)}` : "");
    renderDocSwitch(docs);
    const docFlags = (doc.flags || []).filter((f) => !sohoa.reassuring.has(f));
    show("doc-flags", docFlags.map(sohoa.flagWords).join(" · "));
    renderFields(c, doc);
    state.pages = Array.from({ length: Math.max(1, doc.page_count || 1) }, (_, i) => (doc.page_start || 1) + i);
    state.sizes = {};
    showPage(state.pages[0]);
    renderSignatures(doc);
  }
  function renderDocSwitch(docs) {
    const box = $("doc-switch");
    box.hidden = docs.length < 2;
    box.replaceChildren(...docs.map((d, i) => el("button", {
      type: "button", "aria-pressed": String(i === state.docIndex), text: `${i + 1}. ${sohoa.docTypeName(d.doc_type)}`,
      onclick: () => { state.docIndex = i; renderReview(state.component); },
    })));
  }

  function renderFields(c, doc) {
    const draftKey = `fields.${doc.id}`;
    const draft = sohoa.stash(draftKey) || {};
    const names = Object.keys(doc.fields || {});
    for (const extra of Object.keys(doc.metadata || {})) if (!names.includes(extra) && ["ten_giay_to", "so_ky_hieu", "co_quan_cap", "thoi_han_hieu_luc"].includes(extra)) names.push(extra);
    $("fields").replaceChildren(...names.map((name) => {
      const f = (doc.fields || {})[name] || { value: (doc.metadata || {})[name], confidence: null, flags: [] };
      const id = `f-${name}`;
      const flags = f.flags || [];
      const doubts = flags.filter((x) => !sohoa.reassuring.has(x));
      const low = f.value !== null && f.value !== undefined && typeof f.confidence === "number" && f.confidence < LOW_CONFIDENCE;
      const reasons = [...doubts.map(sohoa.flagWords), ...(low && !doubts.length ? [sohoa.flagWords("low_confidence")] : [])];
      const conf = typeof f.confidence === "number"
        ? el("span", { class: "conf", id: `${id}-conf`, text: `tin cậy ${Math.round(f.confidence * 100)}%` }) : null;
      const why = reasons.length
        ? el("p", { class: "why", id: `${id}-why`, text: reasons.join(" · ") })
        : flags.length ? el("p", { class: "why fine", id: `${id}-why`, text: flags.map(sohoa.flagWords).join(" · ") }) : null;
      const input = el("input", {
        id, name, value: draft[name] ?? f.value ?? "", autocomplete: "off", spellcheck: "false",
        "aria-describedby": [conf && conf.id, why && why.id].filter(Boolean).join(" ") || null,
        "aria-invalid": reasons.length ? "true" : null,
      });
      const wrap = el("div", { class: `field${reasons.length ? " check" : ""}${name in draft ? " edited" : ""}` },
        el("div", { class: "field-head" }, el("label", { for: id, text: sohoa.fieldLabel(name) }), conf), input, why);
      input.dataset.original = f.value ?? "";
      input.addEventListener("focus", () => drawBox(f));
      input.addEventListener("input", () => {
        const d = sohoa.stash(draftKey) || {};
        if (input.value === input.dataset.original) delete d[name]; else d[name] = input.value;
        sohoa.stash(draftKey, Object.keys(d).length ? d : null);
        wrap.classList.toggle("edited", input.value !== input.dataset.original);
      });
      return wrap;
    }));
    if (!names.length) $("fields").replaceChildren(el("p", { class: "empty", text: "Không có trường nào cho loại giấy tờ này. Hãy xem trang ảnh và xác nhận." }));
  }

  /* page images: the page's own pixel size comes with the image, the boxes are drawn in those pixels */
  async function showPage(n) {
    const c = state.component, doc = docOf(c);
    state.page = n;
    const at = state.pages.indexOf(n);
    $("pager").hidden = state.pages.length < 2;
    $("page-number").textContent = `Trang ${at + 1}/${state.pages.length}`;
    $("page-caption").textContent = `${sohoa.docTypeName(doc.doc_type)}, trang ${at + 1}`;
    $("page-image").alt = `Ảnh trang ${at + 1} của ${sohoa.docTypeName(doc.doc_type)}`;
    $("page-boxes").replaceChildren();
    try {
      const q = state.dossier ? `?for_dossier=${encodeURIComponent(state.dossier.ma_ho_so)}` : "";
      const response = await api("GET", `/v1/documents/${doc.id}/pages/${n}${q}`, { raw: true });
      const blob = await response.blob();
      if (state.component !== c || state.page !== n) return;
      if (state.imageUrl) URL.revokeObjectURL(state.imageUrl);
      state.imageUrl = URL.createObjectURL(blob);
      const w = +response.headers.get("x-page-width"), h = +response.headers.get("x-page-height");
      if (w && h) $("page-boxes").setAttribute("viewBox", `0 0 ${w} ${h}`);
      $("page-image").src = state.imageUrl;
    } catch (err) { $("page-caption").textContent = err.message; }
  }
  const step = (by) => { const at = state.pages.indexOf(state.page) + by; if (at >= 0 && at < state.pages.length) showPage(state.pages[at]); };
  $("page-prev").addEventListener("click", () => step(-1));
  $("page-next").addEventListener("click", () => step(1));

  async function drawBox(f) {
    const svg = $("page-boxes");
    svg.replaceChildren();
    if (!f.bbox || !f.page) return;
    if (f.page !== state.page) await showPage(f.page);
    const [x0, y0, x1, y1] = f.bbox;
    const pad = 6;
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("x", x0 - pad); rect.setAttribute("y", y0 - pad);
    rect.setAttribute("width", x1 - x0 + 2 * pad); rect.setAttribute("height", y1 - y0 + 2 * pad);
    svg.append(rect);
  }

  /* edit, then confirm; in a stack of several documents the body names the one on screen */
  const patchBody = (doc, fields, reason) => ({ fields, reason, ...(state.component.documents.length > 1 ? { document_id: doc.id } : {}) });
  const confirmBody = (doc) => (state.component.documents.length > 1 ? { document_id: doc.id } : {});
  function edits() {
    const out = {};
    for (const input of $("fields").querySelectorAll("input")) if (input.value !== input.dataset.original) out[input.name] = input.value.trim();
    return out;
  }
  async function save() {
    const c = state.component;
    if (!c || c.status !== "done") return false;
    const changed = edits();
    if (!Object.keys(changed).length) return true;
    show("fields-error", ""); show("fields-ok", "");
    try {
      const reason = $("reason").value.trim() || "Đối chiếu bản giấy";
      const doc = docOf(c);
      const answer = await api("PATCH", `/v1/components/${c.id}/fields`, { json: patchBody(doc, changed, reason) });
      sohoa.stash(`fields.${doc.id}`, null);
      state.component = answer && answer.documents ? answer : await api("GET", `/v1/components/${c.id}`);
      renderReview(state.component);
      show("fields-ok", `Đã lưu ${Object.keys(changed).length} trường đã sửa.`);
      return true;
    } catch (err) { show("fields-error", err.message); return false; }
  }
  async function confirm() {
    const c = state.component;
    if (!c || c.status !== "done") return;
    if (!(await save())) return;
    try {
      await api("POST", `/v1/components/${c.id}/confirm`, { json: confirmBody(docOf(c)) });
      await refreshDossier();
      loadKho();
      const next = (state.dossier.components || []).find((x) => x.id && x.status === "done" && x.id !== c.id
        && (x.documents || []).some((d) => !["confirmed", "signed"].includes(d.status)));
      await select(next ? next.id : c.id, false);
      show("fields-ok", "Đã xác nhận và lưu vào kho của công dân.");
    } catch (err) { show("fields-error", err.message); }
  }
  $("fields-form").addEventListener("submit", (e) => { e.preventDefault(); save(); });
  $("confirm").addEventListener("click", confirm);

  async function refreshDossier() {
    const d = await api("GET", `/v1/dossiers/${encodeURIComponent(state.dossier.ma_ho_so)}`);
    await withDocuments(d);
    state.dossier = d;
    renderComponents();
    poll();
  }

  /* downloads and signatures */
  for (const b of $("downloads").querySelectorAll("button[data-variant]")) b.addEventListener("click", async () => {
    const c = state.component, doc = c && docOf(c);
    if (!doc) return;
    const variant = b.dataset.variant;
    const path = `/v1/components/${c.id}/file?variant=${variant}`;
    try { await sohoa.download(path, `${state.dossier.ma_ho_so}-${variant}.pdf`); }
    catch (err) { show("fields-error", err.message); }
  });
  async function renderSignatures(doc) {
    const list = $("signatures");
    if (!(doc.signatures || []).length) { list.replaceChildren(el("li", { class: "empty", text: "Chưa có chữ ký số." })); return; }
    list.replaceChildren(el("li", { class: "empty", text: "Đang kiểm tra chữ ký…" }));
    try {
      const q = state.dossier ? `?for_dossier=${encodeURIComponent(state.dossier.ma_ho_so)}` : "";
      const report = await api("GET", `/v1/documents/${doc.id}/signatures${q}`);
      const sigs = report.items || [];
      list.replaceChildren(...(sigs.length ? sigs.map(signatureItem) : [el("li", { class: "empty", text: "Chưa có chữ ký số." })]));
    } catch (err) { list.replaceChildren(el("li", { class: "error", text: err.message })); }
  }
  function signatureItem(s) {
    return el("li", {},
      el("span", { class: `badge ${s.valid ? "valid" : "invalid"}`, text: s.valid ? "Hợp lệ" : "Không hợp lệ" }), " ",
      el("span", { text: s.summary }));
  }

  /* ---------------- 5. the store: reuse instead of scanning again ---------------- */
  let khoTimer = null;
  $("kho-q").addEventListener("input", () => { clearTimeout(khoTimer); khoTimer = setTimeout(loadKho, 200); });
  async function loadKho() {
    const d = state.dossier;
    if (!d) return;
    show("kho-error", "");
    const q = $("kho-q").value.trim();
    const params = new URLSearchParams({ valid: "true", for_dossier: d.ma_ho_so });
    if (q) params.set("q", q);
    try {
      const answer = await api("GET", `/v1/citizens/${encodeURIComponent(d.so_dinh_danh)}/documents?${params}`);
      if (state.dossier !== d || $("kho-q").value.trim() !== q) return;
      const inDossier = new Set((d.components || []).flatMap((c) => [c.reuses_document_id, ...(c.documents || []).map((x) => x.lineage_id)]).filter(Boolean));
      const items = answer.items || [];
      $("kho-list").replaceChildren(...(items.length ? items.map((doc) => khoItem(doc, inDossier.has(doc.id) || inDossier.has(doc.lineage_id)))
        : [el("li", { class: "empty", text: q ? "Không tìm thấy giấy tờ nào khớp." : "Kho của công dân chưa có giấy tờ còn hiệu lực." })]));
    } catch (err) { show("kho-error", err.message); }
  }
  function khoItem(doc, already) {
    const m = doc.metadata || {};
    const title = sohoa.docTypeName(doc.doc_type);
    const who = (doc.fields || {}).ho_ten?.value;
    const meta = [who, m.so_ky_hieu, m.ngay_cap && `cấp ${sohoa.fmtDate(m.ngay_cap)}`,
      doc.valid_until ? `hiệu lực đến ${sohoa.fmtDate(doc.valid_until)}` : "không thời hạn", doc.ma_ho_so && `từ hồ sơ ${doc.ma_ho_so}`]
      .filter(Boolean).join(" · ");
    const button = el("button", { type: "button", disabled: already, "aria-label": `Dùng lại ${title}` , text: already ? "Đã dùng" : "Dùng lại" });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await api("POST", `/v1/dossiers/${encodeURIComponent(state.dossier.ma_ho_so)}/reuse`, { json: { document_id: doc.id } });
        await refreshDossier();
        button.textContent = "Đã dùng";
      } catch (err) { button.disabled = false; show("kho-error", err.message); }
    });
    return el("li", {}, el("div", {}, el("strong", { text: title }), el("div", { class: "meta", text: meta })), button);
  }

  /* ---------------- keys: focus order is the work order ---------------- */
  sohoa.keys({
    "Alt+H": () => code.focus(),
    "Alt+T": () => !$("upload-card").hidden && $("files").click(),
    "Alt+D": () => ($("components").querySelector("button[aria-current=true]") || $("components").querySelector("button:not(:disabled)"))?.focus(),
    "Alt+N": () => $("fields").querySelector("input")?.focus(),
    "Alt+K": () => !$("kho-card").hidden && $("kho-q").focus(),
    "Ctrl+S": () => save(),
    "Ctrl+Enter": () => confirm(),
  });

  sohoa.start(async () => {
    const last = sohoa.stash("dossier");
    if (last) {
      code.value = last;
      try { await openDossier(last); } catch (err) { show("dossier-error", err.message); }
    } else code.focus();
  });
})();
