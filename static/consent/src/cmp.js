/* Consent banner, TCF v2.2/2.3 CMP API, Google Consent Mode v2 and script blocking.
 * Source of static/consent/cmp.js (built by static/consent/build.mjs: CSS inlined, minified).
 * Embed: <script src="https://CMP_HOST/static/consent/cmp.js" data-site="SITE_KEY" async></script>
 * after the inline stub (stub.js). See docs/BANNER.md. */
(function (w, d) {
  "use strict";
  if (w.__cmpLoaded) return;
  w.__cmpLoaded = 1;
  var CSS = "/*CSS*/";
  var script = d.currentScript || d.querySelector("script[data-site]");
  var attr = function (n) {
    return (script && script.getAttribute("data-" + n)) || "";
  };
  var SITE = attr("site");
  var BASE = attr("api") || (script && script.src ? new URL(script.src, location.href).origin : "");
  var API = BASE + "/api/v1/sites/" + encodeURIComponent(SITE);
  var PENDING = "cmp_pending_" + SITE;
  var LS = null;
  try {
    LS = w.localStorage; // throws where storage is disabled (some sandboxed frames, privacy modes)
  } catch (e) {
    /* then a failed post is only retried while this page stays open */
  }
  var pendingInMemory = null;
  // The visitor's write token (answered once with their id; docs/SECURITY.md): next to the cookies
  // in first-party storage, but not a cookie itself, so it never travels to the publisher's server.
  var TOKEN = "cmp_token_" + SITE;
  var tokenInMemory = null;
  function getToken(userId) {
    var kept = tokenInMemory;
    try {
      if (LS) kept = readJSON(LS.getItem(TOKEN));
    } catch (e) {
      /* disabled storage: the in-memory copy */
    }
    return kept && kept.user_id === userId ? kept.token : null;
  }
  function setToken(value) {
    tokenInMemory = value;
    try {
      if (LS) value ? LS.setItem(TOKEN, JSON.stringify(value)) : LS.removeItem(TOKEN);
    } catch (e) {
      /* the in-memory copy still serves this page */
    }
  }
  function getPending() {
    try {
      return LS ? readJSON(LS.getItem(PENDING)) : pendingInMemory;
    } catch (e) {
      return pendingInMemory;
    }
  }
  function setPending(value) {
    pendingInMemory = value;
    try {
      if (LS) value ? LS.setItem(PENDING, JSON.stringify(value)) : LS.removeItem(PENDING);
    } catch (e) {
      /* quota or disabled storage: the in-memory copy still retries on this page */
    }
  }
  /* ---------- state ---------- */
  var cfg = null; // GET banner answer
  var tc = ""; // current TC string
  var ac = ""; // current AC string
  var meta = null; // cmp_consent cookie
  var model = null; // decoded TC string
  var allowedVendors = {};
  var cmpStatus = "loading";
  var displayStatus = "hidden";
  var eventStatus;
  var listeners = {};
  var lastListenerId = 0;
  var waiting = []; // calls that need gdprApplies to be known
  var early = null; // what a stored TC string says of the CMP, until the banner document arrives
  var pushed; // the Consent Mode signals last sent
  var latest; // the choice being sent: an answer to an earlier one must not overwrite it
  var ui = {}; // DOM nodes
  var retryDelay = 5000;
  var retryTimer;
  var ext = null; // src/gpp.js once loaded: __gpp and the experiences other than the opt-in banner

  /* ---------- small helpers ---------- */
  function h(tag, props, kids) {
    var el = d.createElement(tag);
    for (var k in props || {}) {
      var v = props[k];
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    (kids || []).forEach(function (c) {
      if (c != null && c !== false) el.appendChild(typeof c === "string" ? d.createTextNode(c) : c);
    });
    return el;
  }
  function t(key, vars) {
    // Every string comes in the banner document, in the language it was built for (gettext).
    var s = (cfg && cfg.texts && cfg.texts[key]) || key;
    for (var v in vars || {}) s = s.split("{" + v + "}").join(vars[v]);
    return s;
  }
  function lang() {
    return (cfg && cfg.site.language) || "en";
  }
  function getCookie(name) {
    var m = d.cookie.match("(?:^|; )" + name + "=([^;]*)");
    try {
      return m ? decodeURIComponent(m[1]) : "";
    } catch (e) {
      return ""; // not percent-encoding we wrote (another script's cookie): no value
    }
  }
  function setCookie(name, value, days) {
    var c = name + "=" + encodeURIComponent(value) + "; Max-Age=" + Math.round(days * 86400) + "; Path=/; SameSite=Lax";
    var dom = ((cfg && cfg.site.cookie_domain) || "").replace(/^\./, "");
    var host = location.hostname;
    // A domain the page is not on would make the browser drop the cookie: fall back to the host.
    if (dom && (host === dom || host.slice(-dom.length - 1) === "." + dom)) c += "; Domain=" + dom;
    if (location.protocol === "https:") c += "; Secure";
    d.cookie = c;
  }
  function ids(obj) {
    return Object.keys(obj || {})
      .filter(function (k) {
        return obj[k];
      })
      .map(Number);
  }
  function setOf(list) {
    var s = {};
    (list || []).forEach(function (i) {
      s[i] = true;
    });
    return s;
  }
  // Vendor data comes from outside this service: only web links become hrefs.
  function safeUrl(u) {
    return /^https?:\/\//i.test(u || "") ? u : null;
  }
  function readJSON(s) {
    try {
      return JSON.parse(s);
    } catch (e) {
      return null;
    }
  }
  function emit(name, detail) {
    try {
      w.dispatchEvent(new CustomEvent("cmp:" + name, { detail: detail }));
    } catch (e) {
      /* old browsers: events are a convenience */
    }
  }

  /* ---------- TC string decoding (for TCData) ---------- */
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function reader(segment) {
    var bits = "";
    segment = segment.replace(/=+$/, "");
    for (var i = 0; i < segment.length; i++) {
      var n = B64.indexOf(segment[i]);
      if (n < 0) throw new Error("bad TC string");
      bits += ("00000" + n.toString(2)).slice(-6);
    }
    var pos = 0;
    function r(len) {
      if (pos + len > bits.length) throw new Error("short TC string");
      var v = parseInt(bits.substr(pos, len), 2);
      pos += len;
      return v;
    }
    r.fixed = function (len) {
      var s = {};
      for (var i = 1; i <= len; i++) if (r(1)) s[i] = true;
      return s;
    };
    r.vendors = function () {
      var max = r(16);
      if (!r(1)) return r.fixed(max);
      var s = {};
      for (var n = r(12); n--; ) {
        var range = r(1);
        var a = r(16);
        var b = range ? r(16) : a;
        for (var v = a; v <= b; v++) s[v] = true;
      }
      return s;
    };
    r.letters = function () {
      return String.fromCharCode(65 + r(6), 65 + r(6));
    };
    return r;
  }
  function decodeTC(str) {
    var parts = str.split(".");
    var r = reader(parts[0]);
    var m = {
      version: r(6),
      created: r(36),
      lastUpdated: r(36),
      cmpId: r(12),
      cmpVersion: r(12),
      consentScreen: r(6),
      consentLanguage: r.letters(),
      vendorListVersion: r(12),
      policyVersion: r(6),
      isServiceSpecific: !!r(1),
      useNonStandardTexts: !!r(1),
      specialFeatureOptins: r.fixed(12),
      purposeConsents: r.fixed(24),
      purposeLI: r.fixed(24),
      purposeOneTreatment: !!r(1),
      publisherCC: r.letters(),
      vendorConsents: r.vendors(),
      vendorLI: r.vendors(),
      restrictions: {},
      disclosed: {},
      pubConsents: {},
      pubLI: {},
      pubCustomConsents: {},
      pubCustomLI: {},
    };
    for (var n = r(12); n--; ) {
      var purpose = r(6);
      var type = r(2);
      for (var k = r(12); k--; ) {
        var range = r(1);
        var a = r(16);
        var b = range ? r(16) : a;
        for (var v = a; v <= b; v++) (m.restrictions[purpose] = m.restrictions[purpose] || {})[v] = type;
      }
    }
    for (var i = 1; i < parts.length; i++) {
      var s = reader(parts[i]);
      var segType = s(3);
      if (segType === 1) m.disclosed = s.vendors();
      else if (segType === 3) {
        m.pubConsents = s.fixed(24);
        m.pubLI = s.fixed(24);
        var custom = s(6);
        m.pubCustomConsents = s.fixed(custom);
        m.pubCustomLI = s.fixed(custom);
      }
    }
    return m;
  }
  // {id: true} -> {1: bool, ..., max: bool}, the shape the IAB reference CMP API produces.
  function vector(s) {
    var out = {};
    var max = Math.max.apply(null, [0].concat(ids(s)));
    for (var i = 1; i <= max; i++) out[i] = !!s[i];
    return out;
  }

  /* ---------- CMP API ---------- */
  // Which banner the visitor's region gets (sites/jurisdictions.py): opt_in, us_opt_out, notice, none.
  function experience() {
    return (cfg ? cfg.jurisdiction && cfg.jurisdiction.experience : meta && meta.experience) || "opt_in";
  }
  function objectionCategories() {
    return (cfg && cfg.jurisdiction && cfg.jurisdiction.objection_categories) || [];
  }
  function cmpInfo() {
    return cfg ? cfg.cmp : early;
  }
  function ping() {
    var c = cmpInfo() || {};
    return {
      gdprApplies: cmpInfo() ? !!c.gdpr_applies : undefined,
      cmpLoaded: true,
      cmpStatus: cmpStatus,
      displayStatus: displayStatus,
      apiVersion: "2.2",
      cmpVersion: c.cmp_version,
      cmpId: c.cmp_id,
      gvlVersion: c.gvl_version,
      tcfPolicyVersion: c.tcf_policy_version,
    };
  }
  function tcData(listenerId, vendorFilter) {
    var c = cmpInfo();
    var out = { gdprApplies: !!c.gdpr_applies, tcfPolicyVersion: c.tcf_policy_version, cmpId: c.cmp_id, cmpVersion: c.cmp_version };
    if (!c.gdpr_applies) return out;
    var m = model || {};
    var vec = function (s) {
      if (!vendorFilter) return vector(s);
      var o = {};
      vendorFilter.forEach(function (id) {
        o[id] = !!(s || {})[id];
      });
      return o;
    };
    out.tcString = tc;
    out.listenerId = listenerId;
    out.eventStatus = eventStatus;
    out.cmpStatus = cmpStatus;
    out.isServiceSpecific = model ? m.isServiceSpecific : true;
    out.useNonStandardTexts = !!m.useNonStandardTexts;
    out.publisherCC = m.publisherCC || c.publisher_cc;
    out.purposeOneTreatment = model ? m.purposeOneTreatment : !!c.purpose_one_treatment;
    out.purpose = { consents: vector(m.purposeConsents), legitimateInterests: vector(m.purposeLI) };
    out.vendor = {
      consents: vec(m.vendorConsents),
      legitimateInterests: vec(m.vendorLI),
      disclosedVendors: vec(m.disclosed),
    };
    out.specialFeatureOptins = vector(m.specialFeatureOptins);
    out.publisher = {
      consents: vector(m.pubConsents),
      legitimateInterests: vector(m.pubLI),
      customPurpose: { consents: vector(m.pubCustomConsents), legitimateInterests: vector(m.pubCustomLI) },
      restrictions: m.restrictions || {},
    };
    out.addtlConsent = ac;
    out.enableAdvertiserConsentMode = false;
    return out;
  }
  function notify() {
    for (var id in listeners) {
      try {
        listeners[id](tcData(+id), true);
      } catch (e) {
        /* one broken listener must not starve the others */
      }
    }
  }
  function setEvent(status, display) {
    eventStatus = status;
    if (display) displayStatus = display;
    notify();
  }
  function api(command, version, callback, parameter) {
    if (typeof callback !== "function") return;
    // 0/null/undefined mean "latest"; v1 and unknown versions are refused.
    if (!(version == null || version === 0 || version === 2)) return callback(null, false);
    if (command === "ping") return callback(ping(), true);
    // As the IAB reference CMP API does once disabled: an answer with cmpStatus "error" and
    // success false, so that callers stop waiting and proceed without consent.
    if (cmpStatus === "error") return callback(ping(), false);
    if (!cmpInfo()) return waiting.push([command, version, callback, parameter]);
    if (command === "addEventListener") {
      var id = ++lastListenerId;
      listeners[id] = callback;
      // Outside the GDPR there is nothing to wait for: readers such as Prebid wait for this answer.
      if (eventStatus || !cmpInfo().gdpr_applies) callback(tcData(id), true);
    } else if (command === "removeEventListener") {
      var ok = !!listeners[parameter];
      delete listeners[parameter];
      callback(ok);
    } else if (command === "getTCData") {
      callback(tcData(undefined, Array.isArray(parameter) ? parameter : null), true);
    } else {
      callback(null, false);
    }
  }
  var queued = typeof w.__tcfapi === "function" ? w.__tcfapi() : null;
  if (!queued) installFrameProxy();
  w.__tcfapi = api;
  (queued || []).forEach(function (call) {
    api.apply(null, call);
  });

  // Without the inline stub, cmp.js answers iframe callers itself (same protocol as stub.js).
  function installFrameProxy() {
    (function addLocator() {
      if (w.frames.__tcfapiLocator) return;
      if (!d.body) return setTimeout(addLocator, 5);
      var f = h("iframe", { name: "__tcfapiLocator", title: "TCF API locator", "aria-hidden": "true", tabindex: "-1" });
      f.style.display = "none";
      d.body.appendChild(f);
    })();
    w.addEventListener("message", function (event) {
      var isString = typeof event.data === "string";
      var msg = isString ? readJSON(event.data) : event.data;
      var call = msg && typeof msg === "object" && msg.__tcfapiCall;
      if (!call) return;
      w.__tcfapi(
        call.command,
        call.version,
        function (returnValue, success) {
          var reply = { __tcfapiReturn: { returnValue: returnValue, success: success, callId: call.callId } };
          if (event.source) event.source.postMessage(isString ? JSON.stringify(reply) : reply, "*");
        },
        call.parameter
      );
    });
  }

  /* ---------- consent state, Consent Mode, script blocking ---------- */
  function loadStored() {
    tc = getCookie("euconsent-v2");
    ac = getCookie("addtl_consent");
    meta = readJSON(getCookie("cmp_consent"));
    model = null;
    try {
      if (tc) model = decodeTC(tc);
      // The three cookies are one choice, and anything else (a garbled value, or one a sibling
      // subdomain's script wrote under the same name) is no choice: the banner asks again, and
      // nothing of it is applied or sent to the API as this visitor's.
      var m = meta || 0;
      var mine = typeof m.user_id == "string" && typeof m.created_at == "string" && m.categories instanceof Object;
      if (!mine || (model && model.version !== 2) || (ac && !/^\d~[\d.]*(~|$)/.test(ac))) throw 0;
    } catch (e) {
      tc = ac = "";
      meta = model = null;
    }
    // A choice still waiting to reach the API replaces the recorded one: its pre-issued string, and
    // no AC string (no ATP consent) until it is recorded (docs/BANNER.md §3).
    var p = getPending();
    if (p) {
      tc = p.tc || "";
      ac = "";
      try {
        model = tc ? decodeTC(tc) : null;
      } catch (e) {
        tc = "";
        model = null;
      }
    }
    // The vendors the server's rule allows for this choice (consent/processing.py), as answered.
    try {
      allowedVendors = reader(meta.va).vendors();
    } catch (e) {
      allowedVendors = {};
    }
  }
  // A choice still waiting to reach the API is newer than the one in the cookies.
  function categoriesNow() {
    var pending = getPending();
    if (pending && pending.categories) return pending.categories;
    if (meta && meta.categories) return meta.categories;
    // UK notice + objection: statistics and preference cookies run until the visitor objects.
    var objection = objectionCategories();
    if (objection.length) return localCategories({ action: "custom", categories: setOf(objection) });
    // Opt-out and notice regions: allowed until the visitor refuses; GPC refuses advertising at once.
    if (cfg && experience() !== "opt_in") {
      var all = localCategories({ action: "accept_all" });
      if (experience() === "us_opt_out" && navigator.globalPrivacyControl === true) all.advertisement = false;
      return all;
    }
    return null;
  }
  // Outside the opt-in banner there are no TCF purposes: the categories alone decide (as the server's
  // opt_out signals do).
  function purposeConsented(p) {
    return experience() !== "opt_in" || !!(model && model.purposeConsents[p]);
  }
  // Same mapping as consent/consent_mode.py: the categories give the storage signals, and for ads
  // the TCF purposes Google reads from the TC string must agree too.
  function consentMode(cats) {
    cats = cats || {};
    var g = function (yes) {
      return yes ? "granted" : "denied";
    };
    var ads = !!cats.advertisement && purposeConsented(1);
    return {
      ad_storage: g(ads),
      ad_user_data: g(ads && (purposeConsented(7) || !!(model && model.purposeLI[7]))),
      ad_personalization: g(ads && purposeConsented(3) && purposeConsented(4)),
      analytics_storage: g(cats.analytics || cats.performance),
      functionality_storage: g(cats.functional),
      personalization_storage: g(cats.functional),
      security_storage: "granted",
    };
  }
  function pushConsentMode(signals, eventName) {
    var dl = (w.dataLayer = w.dataLayer || []);
    if (typeof w.gtag !== "function") {
      w.gtag = function () {
        dl.push(arguments);
      };
    }
    w.gtag("consent", "update", signals);
    pushed = JSON.stringify(signals);
    var cats = categoriesNow() || {};
    dl.push({ event: eventName, cmp_categories: cats, cmp_consent_mode: signals, cmp_tc_string: tc, cmp_ac_string: ac });
  }
  function allowedScript(el) {
    var cats = categoriesNow() || {};
    var cat = el.getAttribute("data-category");
    if (cat && cat !== "necessary" && !cats[cat]) return false;
    var ok = true;
    (el.getAttribute("data-vendor") || "").split(/[\s,]+/).forEach(function (v) {
      // A choice still pending has no answer from the rule yet: its vendors wait for it.
      if (v && !(allowedVendors[v] && !getPending())) ok = false;
    });
    var atps = (ac.split("~")[1] || "").split(".");
    (el.getAttribute("data-atp") || "").split(/[\s,]+/).forEach(function (a) {
      if (a && atps.indexOf(a) < 0) ok = false;
    });
    return ok && !!(cat || el.hasAttribute("data-vendor") || el.hasAttribute("data-atp"));
  }
  function runScripts() {
    var list = d.querySelectorAll('script[type="text/plain"]:not([data-cmp-ran])');
    for (var i = 0; i < list.length; i++) {
      var old = list[i];
      if (!allowedScript(old)) continue;
      old.setAttribute("data-cmp-ran", "");
      var el = d.createElement("script");
      for (var j = 0; j < old.attributes.length; j++) {
        var a = old.attributes[j];
        if (a.name !== "type") el.setAttribute(a.name, a.value);
      }
      if (old.nonce || (script && script.nonce)) el.nonce = old.nonce || script.nonce;
      var type = old.getAttribute("data-type");
      if (type) el.type = type;
      if (old.src) el.async = false; // keep document order between released external scripts
      else el.text = old.text;
      old.parentNode.replaceChild(el, old);
    }
  }
  // Sends Consent Mode only when the signals change (or after a click: `always`), so that a page
  // view that applied the stored choice at once does not send it again when the config arrives.
  function applyConsent(eventName, always) {
    runScripts();
    var signals = consentMode(categoriesNow());
    if (always || JSON.stringify(signals) !== pushed) pushConsentMode(signals, eventName);
  }
  if (w.MutationObserver) {
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++)
        for (var j = 0; j < records[i].addedNodes.length; j++)
          if (records[i].addedNodes[j].nodeName === "SCRIPT" && categoriesNow()) return runScripts();
    }).observe(d.documentElement, { childList: true, subtree: true });
  }
  // Milliseconds this consent has left: it lasts the site's lifetime from when it was given.
  function consentLeft() {
    var days = cfg.site.consent_lifetime_days || 730;
    return Date.parse((meta && meta.created_at) || "") + days * 86400000 - Date.now();
  }
  // Browsers cap a cookie's Max-Age (Chromium: 400 days), so each visit writes the cookies again
  // with the time the consent has left.
  function refreshCookies() {
    var left = consentLeft() / 86400000;
    setCookie("euconsent-v2", tc, left);
    setCookie("addtl_consent", ac, left);
    setCookie("cmp_consent", JSON.stringify(meta), left);
  }
  function needsPrompt() {
    var x = experience();
    var req = cfg.consent_requirements || {};
    if (x === "none") return false;
    if (x !== "opt_in")
      return (
        !meta ||
        meta.experience !== x ||
        !(consentLeft() > 0) ||
        meta.policy_version !== req.policy_version ||
        // GPC switched on since the last choice: the opt-out it asks for is recorded first.
        (x === "us_opt_out" && navigator.globalPrivacyControl === true && !meta.gpc)
      );
    if (!tc || !meta || !(consentLeft() > 0)) return true;
    return (
      (meta.experience && meta.experience !== "opt_in") ||
      meta.policy_version !== req.policy_version ||
      !(meta.tcf_policy_version >= req.tcf_policy_version) ||
      meta.vendors_hash !== req.vendors_hash ||
      !meta.va // recorded before the server answered the vendors its rule allows
    );
  }

  /* ---------- talking to the API ---------- */
  // The languages to ask for, best first (docs/BANNER.md, "Languages"): the visitor's own pick in
  // the language switch, the script's data-lang, the page's <html lang>, the browser's languages.
  // The server shows the first that the site lists and the IAB has translated, else its default.
  function chooseLanguage() {
    var wanted = [storedLanguage(), attr("lang"), d.documentElement.lang].concat(navigator.languages || [navigator.language]);
    return wanted.filter(Boolean).slice(0, 10).join(",").toLowerCase();
  }
  function storedLanguage() {
    try {
      return localStorage.getItem("cmp_lang") || "";
    } catch (e) {
      return ""; // storage blocked: the switch then lasts for the page only
    }
  }
  function languageSwitch() {
    var list = cfg.site.languages || [];
    if (list.length < 2) return null;
    var sel = h("select", { class: "cmp-lang", "aria-label": t("language"), "data-cmp": "language", onchange: function () {
      switchLanguage(sel.value);
    } }, list.map(function (l) {
      return h("option", { value: l.code, lang: l.code, selected: l.code === lang(), text: l.name });
    }));
    return sel;
  }
  function switchLanguage(code) {
    try {
      localStorage.setItem("cmp_lang", code);
    } catch (e) {}
    return getJSON(API + "/banner?lang=" + encodeURIComponent(code)).then(function (data) {
      cfg = data;
      root().lang = lang();
      if (ui.revisit) {
        ui.revisit.title = t("reopen");
        ui.revisit.setAttribute("aria-label", t("reopen"));
      }
      if (ui.bar) {
        var hidden = ui.bar.hidden;
        showBanner(true);
        ui.bar.hidden = hidden;
      }
      // The open preferences are rebuilt in the new language on the same tab, keeping the
      // selection made so far.
      var reopened = ui.dlg && openPreferences(ui.opener, prefs.choice(), ui.dlg.querySelector("[aria-selected=true]").id.slice(8));
      return Promise.resolve(reopened).then(function () {
        var sel = (ui.dlg || ui.bar).querySelector(".cmp-lang");
        if (sel) sel.focus();
      });
    });
  }
  function getJSON(url) {
    return fetch(url, { credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "omit",
      // text/plain (accepted by the API) keeps a cross-origin POST free of a CORS preflight.
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(body),
    });
  }
  function send(body) {
    return post(BASE + cfg.consents_url, body).then(function (r) {
      if (r.ok) return r.json();
      var err = new Error("HTTP " + r.status);
      err.retry = r.status >= 500 || r.status === 429 || r.status === 408;
      err.refused = r.status === 403;
      throw err;
    });
  }
  function store(answer) {
    if (answer.write_token) setToken({ user_id: answer.user_id, token: answer.write_token });
    var days = cfg.site.consent_lifetime_days || 730;
    meta = {
      v: 1,
      user_id: answer.user_id,
      consent_id: answer.consent_id,
      categories: answer.categories,
      // What the server recorded it under, which a document cached before a change would not say.
      policy_version: answer.policy_version,
      tcf_policy_version: answer.tcf_policy_version,
      vendors_hash: answer.vendors_hash,
      created_at: answer.created_at,
      experience: answer.experience,
      gpc: answer.gpc,
      us_opt_outs: answer.us_opt_outs,
      gpp: answer.gpp_string,
      va: answer.vendors_allowed,
    };
    setCookie("euconsent-v2", answer.tc_string, days);
    setCookie("addtl_consent", answer.ac_string || "", days);
    setCookie("cmp_consent", JSON.stringify(meta), days);
    loadStored();
  }
  // `retry`: sending again a choice already applied (only a new click is announced and applied).
  function submit(body, retry) {
    var token = meta && meta.user_id && getToken(meta.user_id);
    // Without its token an id cannot be written to: the choice starts a new visitor instead.
    if (token && !body.user_id) {
      body.user_id = meta.user_id;
      body.write_token = token;
    }
    body.language = lang();
    latest = body;
    return send(body).then(
      function (answer) {
        if (body !== latest) return;
        setPending(null);
        store(answer);
        if (ext && ext.recorded) ext.recorded(answer);
        setEvent("useractioncomplete", "hidden");
        pushConsentMode(answer.consent_mode || consentMode(answer.categories), "cmp_consent_update");
        runScripts();
        emit("consent", { action: body.action, categories: answer.categories, tcString: tc, acString: ac });
        showRevisit();
      },
      function (err) {
        if (body !== latest) return;
        if (err.refused && body.user_id) {
          // An id from before ids carried proof, or a token this server no longer accepts.
          delete body.user_id;
          delete body.write_token;
          setToken(null);
          if (meta) meta.user_id = null;
          return submit(body, retry);
        }
        if (err.retry === false) {
          setPending(null);
          throw err;
        }
        // Network down or the API overloaded: keep the choice, send it later and apply it now, with
        // the string the server pre-issued for it (consent/interim.py), never the one it replaced.
        var pre = cfg.interim || {};
        setPending({ body: body, categories: localCategories(body), at: Date.now(), tc: pre[body.action] || pre.withdraw });
        if (!retry) {
          loadStored();
          setEvent("useractioncomplete", "hidden");
          applyConsent("cmp_consent_pending", true);
          showRevisit();
        }
        scheduleRetry();
      }
    );
  }
  function localCategories(body) {
    var out = { necessary: true };
    (cfg.categories || []).forEach(function (c) {
      if (c.slug !== "necessary") out[c.slug] = body.action === "accept_all" || (body.action === "custom" && !!(body.categories || {})[c.slug]);
    });
    return out;
  }
  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retryPending, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 300000);
  }
  function retryPending() {
    var pending = getPending();
    if (!pending || !cfg) return Promise.resolve(false);
    clearTimeout(retryTimer);
    return submit(pending.body, true).then(
      function () {
        retryDelay = 5000;
        return !getPending();
      },
      function () {
        return false;
      }
    );
  }
  w.addEventListener("online", retryPending);

  /* ---------- first layer ---------- */
  function root() {
    if (!ui.root) {
      var style = h("style", { id: "cmp-style" });
      // Pages with a nonce-based CSP give cmp.js a nonce; the stylesheet reuses it.
      if (script && script.nonce) style.nonce = script.nonce;
      // The site's theme (colours, font, position) comes with the configuration: no second request.
      style.textContent = CSS + ((cfg && cfg.theme && cfg.theme.css) || "");
      d.head.appendChild(style);
      ui.root = h("div", { id: "cmp-root", lang: lang() });
      d.body.insertBefore(ui.root, d.body.firstChild);
      d.addEventListener("keydown", onKey, true);
    }
    return ui.root;
  }
  function button(label, onclick, primary, extra) {
    var props = { type: "button", class: "cmp-btn" + (primary ? " cmp-pri" : ""), onclick: onclick, text: label };
    for (var k in extra || {}) props[k] = extra[k];
    return h("button", props);
  }
  function partners() {
    return (cfg.vendor_count || 0) + (cfg.atp_count || 0);
  }
  function showBanner(quiet) {
    hideRevisit();
    if (experience() !== "opt_in") return ext && ext.prompt();
    if (ui.bar) ui.bar.remove();
    // The first layer names what the vendors use (TCF policy): the stacks the site chose, then each
    // purpose and special feature no stack covers, with the names of this GVL version and language.
    var shown = cfg.first_layer || {};
    var named = function (list, ids) {
      return (ids || []).map(function (id) {
        var x = (list || []).filter(function (e) {
          return e.id === id;
        })[0];
        return x && h("li", { lang: x.lang, text: x.name });
      });
    };
    var purposeList = h("ul", { class: "cmp-list", id: "cmp-purpose-list" }, named(cfg.stacks, shown.stacks).concat(named(cfg.purposes, shown.purposes)));
    var features = named(cfg.special_features, shown.special_features);
    var policy = safeUrl(cfg.site.privacy_policy_url);
    var block = cfg.site.block_page_until_choice;
    ui.bar = h(
      "div",
      {
        class: "cmp-bar",
        role: block ? "dialog" : "region",
        "aria-modal": block ? "true" : null,
        "aria-labelledby": "cmp-title",
        "aria-describedby": "cmp-desc",
      },
      [
        h("div", { class: "cmp-txt" }, [
          cfg.theme && cfg.theme.logo_url ? h("img", { class: "cmp-logo", src: BASE + cfg.theme.logo_url, alt: cfg.site.name }) : null,
          h("div", { class: "cmp-top" }, [h("h2", { class: "cmp-h", id: "cmp-title", text: t("title") }), languageSwitch()]),
          h("p", { id: "cmp-desc" }, [
            t("body", { partners: partners() }) + " ",
            policy && h("a", { href: policy, target: "_blank", rel: "noopener", text: t("privacy_policy") }),
          ]),
          objectionCategories().length ? h("p", { "data-cmp": "objection", text: t("objection") }) : null,
          h("p", { class: "cmp-cnt", "data-cmp": "counts", text: "IAB TCF: " + t("vendor_count", { n: cfg.vendor_count || 0 }) + (cfg.atp_count ? " · " + t("google_partners") + ": " + cfg.atp_count : "") }),
          h("b", { class: "cmp-lh", text: t("purposes") }),
          purposeList,
          features.length ? h("b", { class: "cmp-lh", text: t("special_features") }) : null,
          features.length ? h("ul", { class: "cmp-list", id: "cmp-feature-list" }, features) : null,
        ]),
        h("div", { class: "cmp-btns" }, [
          // A pointer over Customise or the focus on it fetches prefs.js ahead of the click.
          button(t("customise"), function () {
            openPreferences(ui.bar.querySelector("[data-cmp=customise]"));
          }, false, { "data-cmp": "customise", onpointerenter: prefetchPrefs, onfocus: prefetchPrefs }),
          // Reject All and Accept All carry the same weight (TCF policy, EDPB guidelines 03/2022).
          button(t("reject_all"), function () {
            decide({ action: "reject_all", screen: "first_layer" });
          }, true, { "data-cmp": "reject" }),
          button(t("accept_all"), function () {
            decide({ action: "accept_all", screen: "first_layer" });
          }, true, { "data-cmp": "accept" }),
        ]),
      ]
    );
    if (!quiet) ui.before = d.activeElement;
    var r = root();
    if (block) {
      ui.blocker = h("div", { class: "cmp-ov cmp-lite" }, [ui.bar]);
      r.appendChild(ui.blocker);
      ui.bar.querySelector("button").focus();
    } else r.appendChild(ui.bar);
    if (!quiet) {
      setEvent("cmpuishown", "visible");
      // Counted for the publisher's consent rates: one beacon per page view, no identifier.
      if (!ui.counted && navigator.sendBeacon) ui.counted = navigator.sendBeacon(API + "/shown?lang=" + lang());
    }
  }
  function hideBanner() {
    if (ui.blocker) ui.blocker.remove();
    if (ui.bar) ui.bar.remove();
    ui.bar = ui.blocker = null;
  }
  function decide(body) {
    var opener = ui.dlg && ui.opener;
    hideBanner();
    closePreferences(true);
    // WCAG 2.4.3: the focus was in what just closed. Once the choice is settled (the revisit button
    // exists then) it goes to what opened the preferences, else to the control that reopens them
    // where the banner was, unless the visitor has moved on meanwhile (docs/BANNER.md, §2).
    var refocus = function () {
      if (d.activeElement === d.body || !d.activeElement)
        [opener, ui.revisit, d.querySelector("[data-cmp-open]"), ui.before].some(function (el) {
          if (el && el !== d.body && el.focus && d.contains(el)) return el.focus() || 1;
        });
    };
    return submit(body).then(refocus, function (err) {
      refocus();
      throw err;
    });
  }
  function showRevisit() {
    if (ui.revisit || attr("revisit") === "off") return;
    ui.revisit = h(
      "button",
      {
        type: "button",
        class: "cmp-rv",
        "aria-label": (ext && ext.revisitLabel) || t("reopen"),
        title: (ext && ext.revisitLabel) || t("reopen"),
        "data-cmp": "revisit",
        onclick: function () {
          openPreferences(ui.revisit);
        },
      },
      []
    );
    ui.revisit.innerHTML =
      '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5zm-4.5 9a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm3 5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm5.5-1a1 1 0 1 1 0 2 1 1 0 0 1 0-2zM9 6a1 1 0 1 1 0 2 1 1 0 0 1 0-2z"/></svg>';
    root().appendChild(ui.revisit);
  }
  function hideRevisit() {
    if (ui.revisit) ui.revisit.remove();
    ui.revisit = null;
  }

  /* ---------- preferences ---------- */
  // The preferences dialog and the vendor list are src/prefs.js, loaded when the visitor first opens
  // them (the same way as gpp.js): the first layer does not carry them.
  var prefs = null;
  var prefsLoading = null;
  function loadPrefs() {
    if (!prefsLoading)
      prefsLoading = new Promise(function (resolve, reject) {
        w.__cmpPrefs = function (factory) {
          prefs = factory({
            h: h,
            t: t,
            lang: lang,
            ids: ids,
            setOf: setOf,
            safeUrl: safeUrl,
            getJSON: getJSON,
            button: button,
            decide: decide,
            root: root,
            languageSwitch: languageSwitch,
            categoriesNow: categoriesNow,
            closePreferences: closePreferences,
            base: BASE,
            api: API,
            site: SITE,
            post: post,
            token: getToken,
            ui: ui,
            state: function () {
              return { cfg: cfg, model: model, meta: meta, ac: ac };
            },
          });
          resolve(prefs);
        };
        var el = h("script", { src: new URL("prefs.js", script.src).href, async: true, nonce: script.nonce || null });
        el.onerror = function () {
          prefsLoading = null;
          el.remove();
          reject(new Error("could not load prefs.js"));
        };
        d.head.appendChild(el);
      });
    return prefsLoading;
  }
  // What only the preferences show (every text, descriptions, cookies, counts) is a document of its
  // own, fetched beside prefs.js and merged into the configuration it belongs to (sites/banner.py).
  var prefsDocs = {};
  function loadPrefsDoc() {
    var c = cfg;
    var url = c.preferences_url;
    if (!url) return Promise.resolve();
    if (!prefsDocs[url]) {
      prefsDocs[url] = getJSON(BASE + url);
      prefsDocs[url].catch(function () {
        delete prefsDocs[url];
      });
    }
    return prefsDocs[url].then(function (doc) {
      for (var k in doc) c[k] = doc[k];
    });
  }
  function prefetchPrefs() {
    // A failed prefetch is retried when the visitor clicks.
    Promise.all([loadPrefs(), cfg && loadPrefsDoc()]).catch(function () {});
  }
  function openPreferences(opener, kept, tab) {
    // A return visit applies its choice before the configuration arrives: open once it has.
    if (!cfg) return (openLater = [opener || d.activeElement, kept, tab]);
    if (ext && ext.open) return ext.open(opener);
    opener = opener || d.activeElement;
    return Promise.all([loadPrefs(), loadPrefsDoc()]).then(
      function (loaded) {
        loaded[0].open(opener, kept, tab);
        if (eventStatus !== "cmpuishown") setEvent("cmpuishown", "visible");
      },
      function (err) {
        if (w.console) console.error("CMP:", err);
      }
    );
  }
  function closePreferences(silent) {
    if (!ui.ov) return;
    ui.ov.remove();
    ui.ov = ui.dlg = null;
    if (silent) return;
    if (ui.bar) {
      ui.bar.hidden = false;
      ui.bar.querySelector("[data-cmp=customise]").focus();
    } else {
      if (ui.opener && ui.opener.focus && d.contains(ui.opener)) ui.opener.focus();
      displayStatus = "hidden";
      if (tc) setEvent(meta ? "tcloaded" : eventStatus, "hidden");
    }
  }
  function focusables(container) {
    return Array.prototype.filter.call(
      container.querySelectorAll("a[href],button,input,select,textarea,[tabindex]"),
      function (el) {
        return el.tabIndex >= 0 && !el.disabled && el.getClientRects().length;
      }
    );
  }
  function onKey(e) {
    var trap = ui.dlg || (ui.blocker && ui.bar);
    if (!trap) return;
    if (e.key === "Escape" && ui.dlg) {
      e.preventDefault();
      closePreferences();
    } else if (e.key === "Tab") {
      var list = focusables(trap);
      var first = list[0];
      var last = list[list.length - 1];
      var active = d.activeElement;
      if (!trap.contains(active)) {
        e.preventDefault();
        first.focus();
      } else if (e.shiftKey && active === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  /* ---------- start ---------- */
  loadStored();
  if (categoriesNow()) {
    // A return visit (or a choice still pending) applies at once, in this task, before any request:
    // Consent Mode, the blocked scripts, and __tcfapi, which the stored TC string can answer alone.
    if (model) {
      early = {
        gdpr_applies: true,
        cmp_id: model.cmpId,
        cmp_version: model.cmpVersion,
        gvl_version: model.vendorListVersion,
        tcf_policy_version: model.policyVersion,
      };
      cmpStatus = "loaded";
      eventStatus = "tcloaded";
    }
    applyConsent(getPending() ? "cmp_consent_pending" : "cmp_consent_loaded");
    flush();
  }
  function flush() {
    var calls = waiting;
    waiting = [];
    calls.forEach(function (call) {
      api.apply(null, call);
    });
  }
  d.addEventListener("DOMContentLoaded", function () {
    if (categoriesNow()) runScripts();
  });
  function start() {
    var q = "?lang=" + encodeURIComponent(chooseLanguage());
    var url = API + "/banner" + q;
    // With a stored choice, the small requirements stamp is revalidated first and the document is
    // fetched under it, so a cached document never hides a change that asks again (§2).
    (meta
      ? getJSON(API + "/requirements" + q).then(
          function (r) {
            return getJSON(url + "&v=" + r.stamp);
          },
          function () {
            return getJSON(url);
          }
        )
      : w.__cmpConfig && w.__cmpConfig.url === url
        ? w.__cmpConfig.answer // asked for by the inline stub, so it travelled while this script loaded
        : getJSON(url)
    ).then(
      function (data) {
        cfg = data;
        // The GPP part loads only where it is needed: another experience, or a GPP reader that
        // already called the stub's __gpp; otherwise the stub answers that no section applies.
        var g = w.__gpp;
        if (experience() === "opt_in" && !(g && g.asked)) {
          if (g) g.na = cfg.cmp.cmp_id;
          return proceed();
        }
        w.__cmpModule = function (factory) {
          ext = factory({
            cfg: cfg,
            h: h,
            t: t,
            root: root,
            button: button,
            decide: decide,
            readJSON: readJSON,
            showRevisit: showRevisit,
            hideRevisit: hideRevisit,
            openPreferences: function () {
              var open = ext.open;
              ext.open = null;
              openPreferences();
              ext.open = open;
            },
            meta: function () {
              return meta;
            },
          });
        };
        // Under a nonce-based CSP the part needs the nonce cmp.js was given, as prefs.js does.
        var el = h("script", { src: new URL("gpp.js", script.src).href, async: true, nonce: script.nonce || null });
        el.onload = el.onerror = proceed;
        d.head.appendChild(el);
      },
      function (err) {
        // A stored choice keeps answering __tcfapi from its cookie.
        if (!early) {
          cmpStatus = "error";
          flush();
        }
        var say = function (why) {
          if (w.console) console.error("CMP: " + why, err);
        };
        // fetch cannot tell a refused origin from a network failure; an opaque (no-cors) request
        // to the same URL can: it succeeds whenever the server answered at all.
        if (!(err instanceof TypeError)) return say("could not load the banner configuration of site \"" + SITE + "\"");
        fetch(url, { mode: "no-cors", credentials: "omit" }).then(function () {
          var o = location.origin;
          say("site \"" + SITE + "\" does not allow the origin " + o + " (CORS): add it to the site's Allowed origins (" + BASE + "/admin/ \u203a Sites \u203a " + SITE + "), or correct data-site");
        }, function () {
          say("could not reach the API at " + BASE);
        });
      }
    );
  }
  var openLater = null;
  function proceed() {
    if (!d.body) return setTimeout(proceed, 5);
    cmpStatus = "loaded";
    if (getPending()) {
      applyConsent("cmp_consent_pending");
      showRevisit();
      retryPending();
      eventStatus = "tcloaded";
    } else if (needsPrompt()) {
      // Opt-out, notice and UK objection regions run the allowed scripts while the notice shows.
      if (tc || experience() !== "opt_in" || objectionCategories().length) applyConsent("cmp_consent_loaded");
      showBanner();
    } else {
      eventStatus = "tcloaded";
      displayStatus = "disabled";
      if (meta) refreshCookies();
      applyConsent("cmp_consent_loaded");
      if (experience() !== "none") showRevisit();
    }
    flush();
    emit("ready", { tcString: tc, categories: categoriesNow() });
    var later = openLater;
    openLater = null;
    if (later) openPreferences.apply(null, later);
  }
  d.addEventListener("click", function (e) {
    var target = e.target && e.target.closest && e.target.closest("[data-cmp-open]");
    if (target) {
      e.preventDefault();
      openPreferences(target);
    }
  });
  w.__cmp = {
    open: function () {
      openPreferences();
    },
    retryPending: retryPending,
    consent: function () {
      return { tcString: tc, acString: ac, categories: categoriesNow(), meta: meta };
    },
  };
  // The configuration is asked for (or taken from the stub) at once: only proceed(), which shows
  // things, waits, and for the <body> alone, not for DOMContentLoaded (much later on a long page or
  // a slow phone: docs/PERFORMANCE.md, "Banner first load").
  start();
})(window, document);
