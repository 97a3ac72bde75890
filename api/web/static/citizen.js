/* citizen.js: my documents (type, key fields, validity, signature), download, consent to reuse and
   take it back, and who read my data. Made for a 360-px phone. */
"use strict";

(() => {
  const { $, el, show, api } = sohoa;
  const KEY_FIELDS = ["ho_ten", "so_dinh_danh", "ngay_sinh", "ngay_cap", "so_ky_hieu", "co_quan_cap", "tinh_trang_hon_nhan", "noi_thuong_tru", "noi_cu_tru"];
  let logNext = null;

  function validity(doc) {
    const until = doc.thoi_han_hieu_luc || (doc.metadata || {}).thoi_han_hieu_luc;
    if (!until) return { cls: "valid", text: "Không thời hạn" };
    const today = new Date().toISOString().slice(0, 10);
    return until >= today
      ? { cls: "valid", text: `Còn hiệu lực đến ${sohoa.fmtDate(until)}` }
      : { cls: "expired", text: `Hết hiệu lực từ ${sohoa.fmtDate(until)}` };
  }
  function signature(doc) {
    const sigs = doc.signatures || [];
    if (!sigs.length) return { cls: "", text: "Chưa ký số" };
    const bad = sigs.filter((s) => s.valid === false);
    const who = sigs.map((s) => s.signer).filter(Boolean).join(", ");
    return bad.length ? { cls: "invalid", text: `Chữ ký không hợp lệ (${bad.length})` } : { cls: "valid", text: `Đã ký số${who ? `: ${who}` : ""}` };
  }
  function fieldValue(doc, name) {
    const f = (doc.fields || {})[name];
    const v = f && typeof f === "object" ? f.value : f ?? (doc.metadata || {})[name];
    return name.startsWith("ngay") ? sohoa.fmtDate(v) : v;
  }

  async function loadDocuments() {
    show("docs-error", "");
    try {
      const answer = await api("GET", "/v1/me/documents");
      const items = answer.items || [];
      $("docs-empty").hidden = items.length > 0;
      $("docs").replaceChildren(...items.map(card));
    } catch (err) { show("docs-error", err.message); }
  }

  function card(doc) {
    const title = doc.ten_giay_to || sohoa.docTypeName(doc.doc_type);
    const v = validity(doc), s = signature(doc);
    const rows = KEY_FIELDS.map((n) => [n, fieldValue(doc, n)]).filter(([, value]) => value);
    const headingId = `doc-${doc.id}`;
    const consentId = `consent-${doc.id}`;
    const consentInput = el("input", { id: consentId, autocomplete: "off", spellcheck: "false", placeholder: "000.00.15.H55-230612-0001",
      "aria-describedby": `${consentId}-hint` });
    const consentHint = el("p", { class: "hint", id: `${consentId}-hint`, text: "Mã hồ sơ ghi trên giấy biên nhận." });
    const checkConsent = sohoa.liveCheck(consentInput, consentHint, sohoa.checkDossierCode);
    consentInput.addEventListener("input", () => { consentInput.value = consentInput.value.toUpperCase().replace(/\s/g, ""); });
    const consentError = el("p", { class: "error", role: "alert", hidden: true });
    const consentForm = el("form", { class: "consent-form", novalidate: true },
      el("label", { for: consentId, text: "Cho phép hồ sơ này dùng lại giấy tờ" }), consentInput, consentHint,
      el("p", { class: "actions" }, el("button", { type: "submit", class: "primary", text: "Cho phép" })), consentError);
    consentForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      show(consentError, "");
      if (!checkConsent()) { consentInput.focus(); return; }
      try {
        await api("POST", "/v1/me/consents", { json: { document_id: doc.id, ma_ho_so: consentInput.value.trim() } });
        consentInput.value = "";
        loadConsents();
      } catch (err) { show(consentError, err.message); }
    });
    const downloads = el("p", { class: "actions" },
      el("button", { type: "button", "aria-describedby": headingId, text: "Tải về (PDF)", onclick: () => get(doc, "signed") }),
      el("button", { type: "button", "aria-describedby": headingId, text: "Bản in có mã QR", onclick: () => get(doc, "printable") }));
    return el("li", {},
      el("h3", { id: headingId, text: title }),
      el("p", {}, el("span", { class: `badge ${v.cls}`, text: v.text }), " ", el("span", { class: `badge ${s.cls}`, text: s.text })),
      rows.length ? el("dl", {}, ...rows.flatMap(([n, value]) => [el("dt", { text: sohoa.fieldLabel(n) }), el("dd", { text: value })])) : null,
      downloads,
      el("details", {}, el("summary", { text: "Cho một hồ sơ dùng lại" }), consentForm));
  }
  async function get(doc, variant) {
    try { await sohoa.download(`/v1/me/documents/${doc.id}/file?variant=${variant}`, `${doc.doc_type || "giay-to"}-${variant}.pdf`); }
    catch (err) { show("docs-error", err.message); }
  }

  async function loadConsents() {
    try {
      const answer = await api("GET", "/v1/me/consents");
      const items = (answer.items || []).filter((c) => !c.revoked_at);
      $("consents-empty").hidden = items.length > 0;
      $("consents").replaceChildren(...items.map((c) => {
        const button = el("button", { type: "button", text: "Thu hồi", "aria-label": `Thu hồi quyền dùng lại cho hồ sơ ${c.ma_ho_so}` });
        button.addEventListener("click", async () => {
          button.disabled = true;
          try { await api("DELETE", `/v1/me/consents/${c.id}`); loadConsents(); }
          catch (err) { button.disabled = false; sohoa.banner(err.message); }
        });
        return el("li", {}, el("p", { text: `Hồ sơ ${c.ma_ho_so} được dùng lại ${c.ten_giay_to || sohoa.docTypeName(c.doc_type) || "giấy tờ"}` }),
          el("p", { class: "hint", text: `Từ ${sohoa.fmtTime(c.created_at)}` }), el("p", { class: "actions" }, button));
      }));
    } catch (err) { $("consents-empty").hidden = false; $("consents-empty").textContent = err.message; }
  }

  async function loadLog(more = false) {
    try {
      const path = more && logNext ? `/v1/me/access-log?cursor=${encodeURIComponent(logNext)}` : "/v1/me/access-log";
      const answer = await api("GET", path);
      const items = answer.items || [];
      logNext = answer.next;
      $("log-more").hidden = !logNext;
      const rows = items.map((e) => el("li", {},
        el("p", {}, el("strong", { text: sohoa.fmtTime(e.at || e.time) }), " ", el("span", { text: who(e) })),
        el("p", { class: "hint", text: [e.what || e.action, e.ma_ho_so && `hồ sơ ${e.ma_ho_so}`].filter(Boolean).join(" · ") })));
      if (more) $("access-log").append(...rows); else $("access-log").replaceChildren(...rows);
      $("log-empty").hidden = $("access-log").children.length > 0;
    } catch (err) { $("log-empty").hidden = false; $("log-empty").textContent = err.message; }
  }
  function who(e) {
    const roles = { officer: "Cán bộ", citizen: "Bạn", resolution_system: "Hệ thống giải quyết TTHC", admin: "Quản trị" };
    return [roles[e.role] || e.role, e.actor || e.principal, e.agency && `(${e.agency})`].filter(Boolean).join(" ");
  }
  $("log-more").addEventListener("click", () => loadLog(true));

  sohoa.start(() => { loadDocuments(); loadConsents(); loadLog(); });
})();
