/* citizen.js: my documents (type, key fields, validity, signature), download, consent to reuse and
   take it back, and who read my data. Made for a 360-px phone. */
"use strict";

(() => {
  const { $, el, show, api } = sohoa;
  const KEY_FIELDS = ["ho_ten", "so_dinh_danh", "ngay_sinh", "ngay_cap", "so_ky_hieu", "co_quan_cap", "tinh_trang_hon_nhan", "noi_thuong_tru", "noi_cu_tru"];
  let logNext = null;
  let documents = new Map();

  function validity(doc) {
    const until = doc.valid_until || (doc.metadata || {}).thoi_han_hieu_luc;
    if (!until) return { cls: "valid", text: "Không thời hạn" };
    const today = new Date().toISOString().slice(0, 10);
    return until >= today
      ? { cls: "valid", text: `Còn hiệu lực đến ${sohoa.fmtDate(until)}` }
      : { cls: "expired", text: `Hết hiệu lực từ ${sohoa.fmtDate(until)}` };
  }
  /* a certificate subject ("Common Name: Nguyễn Văn An, Organization: …" or "CN=…,O=…") to the signer's name */
  function commonName(subject) {
    const m = /(?:Common Name:\s*|CN=)([^,]+)/.exec(subject || "");
    return m ? m[1].trim() : subject;
  }
  function signature(doc) {
    const sigs = doc.signatures || [];
    if (!sigs.length) return { cls: "", text: "Chưa ký số" };
    const who = [...new Set(sigs.map((s) => commonName(s.signer_name)).filter(Boolean))].join(", ");
    return { cls: "", text: `Đã ký số${who ? `: ${who}` : ""} · đang kiểm tra…` };
  }
  /* each signature verified by the server, then said in words on the card */
  async function verify(doc, badge, details) {
    try {
      const report = await api("GET", `/v1/documents/${doc.id}/signatures`);
      const items = report.items || [];
      const who = [...new Set(items.map((s) => s.signer).filter(Boolean))].join(", ");
      badge.className = `badge ${report.valid ? "valid" : "invalid"}`;
      badge.textContent = report.valid ? `Chữ ký số hợp lệ: ${who}` : "Chữ ký số KHÔNG hợp lệ";
      details.replaceChildren(el("summary", { text: "Chi tiết chữ ký" }),
        el("ul", {}, ...items.map((x) => el("li", { text: x.summary }))));
      details.hidden = false;
    } catch (err) { badge.textContent = `Đã ký số · ${err.message}`; }
  }
  function fieldValue(doc, name) {
    const f = (doc.fields || {})[name];
    const v = f && typeof f === "object" ? f.value : (f ?? (doc.metadata || {})[name]);
    return name.startsWith("ngay") ? sohoa.fmtDate(v) : v;
  }

  async function loadDocuments() {
    show("docs-error", "");
    try {
      const answer = await api("GET", "/v1/me/documents");
      const items = answer.items || [];
      documents = new Map(items.map((d) => [d.id, d]));
      $("docs-empty").hidden = items.length > 0;
      $("docs").replaceChildren(...items.map(card));
      loadConsents();
    } catch (err) { show("docs-error", err.message); }
  }

  function card(doc) {
    const title = sohoa.docTypeName(doc.doc_type);
    const printed = (doc.metadata || {}).ten_giay_to;
    const v = validity(doc), s = signature(doc);
    const sigBadge = el("span", { class: `badge ${s.cls}`, text: s.text });
    const sigDetails = el("details", { class: "sig-details", hidden: true });
    if ((doc.signatures || []).length) verify(doc, sigBadge, sigDetails);
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
      printed && printed.toLowerCase() !== title.toLowerCase() ? el("p", { class: "hint", text: printed }) : null,
      el("p", {}, el("span", { class: `badge ${v.cls}`, text: v.text }), " ", sigBadge), sigDetails,
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
        const doc = documents.get(c.document_id);
        return el("li", {}, el("p", { text: `Hồ sơ ${c.ma_ho_so} được dùng lại ${doc ? sohoa.docTypeName(doc.doc_type) : "giấy tờ"}` }),
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
        el("p", {}, el("strong", { text: sohoa.fmtTime(e.at) }), " ", el("span", { text: who(e) })),
        el("p", { class: "hint", text: [sohoa.words.actions[e.action] || e.action, e.ma_ho_so && `cho hồ sơ ${e.ma_ho_so}`].filter(Boolean).join(" · ") })));
      if (more) $("access-log").append(...rows); else $("access-log").replaceChildren(...rows);
      $("log-empty").hidden = $("access-log").children.length > 0;
    } catch (err) { $("log-empty").hidden = false; $("log-empty").textContent = err.message; }
  }
  function who(e) {
    const [role, ...rest] = (e.who || "").split(":");
    const name = rest.join(":");
    if (role === "citizen") return "Bạn";
    return [sohoa.words.roles[role] || role, name].filter(Boolean).join(" ");
  }
  $("log-more").addEventListener("click", () => loadLog(true));

  sohoa.start(() => { loadDocuments(); loadLog(); });
})();
