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
  var vendorsData = null; // GET vendors answer, fetched when the preferences open
  var vendorsPromise = null;
  var tc = ""; // current TC string
  var ac = ""; // current AC string
  var meta = null; // cmp_consent cookie
  var model = null; // decoded TC string
  var cmpStatus = "loading";
  var displayStatus = "hidden";
  var eventStatus;
  var listeners = {};
  var lastListenerId = 0;
  var waiting = []; // calls that need gdprApplies to be known
  var ui = {}; // DOM nodes
  var choice = null; // in-progress selection in the preferences
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
    return m ? decodeURIComponent(m[1]) : "";
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
    return (cfg && cfg.jurisdiction && cfg.jurisdiction.experience) || "opt_in";
  }
  function objectionCategories() {
    return (cfg && cfg.jurisdiction && cfg.jurisdiction.objection_categories) || [];
  }
  function gdprApplies() {
    return cfg ? !!cfg.cmp.gdpr_applies : undefined;
  }
  function ping() {
    return {
      gdprApplies: gdprApplies(),
      cmpLoaded: true,
      cmpStatus: cmpStatus,
      displayStatus: displayStatus,
      apiVersion: "2.2",
      cmpVersion: cfg ? cfg.cmp.cmp_version : undefined,
      cmpId: cfg ? cfg.cmp.cmp_id : undefined,
      gvlVersion: cfg ? cfg.cmp.gvl_version : undefined,
      tcfPolicyVersion: cfg ? cfg.cmp.tcf_policy_version : undefined,
    };
  }
  function tcData(listenerId, vendorFilter) {
    var c = cfg.cmp;
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
    if (cmpStatus === "error") return;
    if (!cfg) return waiting.push([command, version, callback, parameter]);
    if (command === "addEventListener") {
      var id = ++lastListenerId;
      listeners[id] = callback;
      // Outside the GDPR there is nothing to wait for: readers such as Prebid wait for this answer.
      if (eventStatus || !gdprApplies()) callback(tcData(id), true);
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
    if (tc) {
      try {
        model = decodeTC(tc);
      } catch (e) {
        tc = "";
      }
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
    var cats = categoriesNow() || {};
    dl.push({ event: eventName, cmp_categories: cats, cmp_consent_mode: signals, cmp_tc_string: tc, cmp_ac_string: ac });
  }
  function allowedScript(el) {
    var cats = categoriesNow() || {};
    var cat = el.getAttribute("data-category");
    if (cat && cat !== "necessary" && !cats[cat]) return false;
    var ok = true;
    (el.getAttribute("data-vendor") || "").split(/[\s,]+/).forEach(function (v) {
      if (v && !(model && model.vendorConsents[v])) ok = false;
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
  function applyConsent(eventName) {
    runScripts();
    pushConsentMode(consentMode(categoriesNow()), eventName);
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
      meta.vendors_hash !== req.vendors_hash
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
      vendorsData = vendorsPromise = null;
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
      if (ui.dlg) openPreferences(ui.opener, choice, ui.dlg.querySelector("[aria-selected=true]").id.slice(8));
      var sel = (ui.dlg || ui.bar).querySelector(".cmp-lang");
      if (sel) sel.focus();
    });
  }
  function getJSON(url) {
    return fetch(url, { credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    });
  }
  function loadVendors() {
    if (!vendorsPromise) {
      vendorsPromise = getJSON(BASE + cfg.vendors_url).then(function (data) {
        vendorsData = data;
        return data;
      });
      vendorsPromise.catch(function () {
        vendorsPromise = null;
      });
    }
    return vendorsPromise;
  }
  function send(body) {
    return fetch(BASE + cfg.consents_url, {
      method: "POST",
      credentials: "omit",
      // text/plain (accepted by the API) keeps a cross-origin POST free of a CORS preflight.
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(body),
    }).then(function (r) {
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
    var req = cfg.consent_requirements || {};
    meta = {
      v: 1,
      user_id: answer.user_id,
      consent_id: answer.consent_id,
      categories: answer.categories,
      policy_version: req.policy_version,
      tcf_policy_version: req.tcf_policy_version,
      vendors_hash: req.vendors_hash,
      created_at: answer.created_at,
      experience: answer.experience,
      gpc: answer.gpc,
      us_opt_outs: answer.us_opt_outs,
      gpp: answer.gpp_string,
    };
    setCookie("euconsent-v2", answer.tc_string, days);
    setCookie("addtl_consent", answer.ac_string || "", days);
    setCookie("cmp_consent", JSON.stringify(meta), days);
    loadStored();
  }
  function submit(body) {
    var token = meta && meta.user_id && getToken(meta.user_id);
    // Without its token an id cannot be written to: the choice starts a new visitor instead.
    if (token && !body.user_id) {
      body.user_id = meta.user_id;
      body.write_token = token;
    }
    body.language = lang();
    return send(body).then(
      function (answer) {
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
        if (err.refused && body.user_id) {
          // An id from before ids carried proof, or a token this server no longer accepts.
          delete body.user_id;
          delete body.write_token;
          setToken(null);
          if (meta) meta.user_id = null;
          return submit(body);
        }
        if (err.retry === false) {
          setPending(null);
          throw err;
        }
        // Network down or the API overloaded: keep the choice and send it later.
        setPending({ body: body, categories: localCategories(body), at: Date.now() });
        applyConsent("cmp_consent_pending");
        showRevisit();
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
    return submit(pending.body).then(
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
    var purposeList = h("ul", { class: "cmp-list", id: "cmp-purpose-list", hidden: true });
    (cfg.purposes || []).concat(cfg.special_features || []).forEach(function (p) {
      purposeList.appendChild(h("li", { text: p.name }));
    });
    var more = h("button", {
      type: "button",
      class: "cmp-link cmp-more",
      "aria-expanded": "false",
      "aria-controls": "cmp-purpose-list",
      text: t("show"),
      onclick: function () {
        var open = more.getAttribute("aria-expanded") !== "true";
        more.setAttribute("aria-expanded", String(open));
        purposeList.hidden = !open;
      },
    });
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
          more,
          purposeList,
        ]),
        h("div", { class: "cmp-btns" }, [
          button(t("customise"), function () {
            openPreferences(ui.bar.querySelector("[data-cmp=customise]"));
          }, false, { "data-cmp": "customise" }),
          button(t("reject_all"), function () {
            decide({ action: "reject_all" });
          }, false, { "data-cmp": "reject" }),
          button(t("accept_all"), function () {
            decide({ action: "accept_all" });
          }, true, { "data-cmp": "accept" }),
        ]),
      ]
    );
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
    var refocus = function () {
      // Focus goes back to what opened the preferences (the revisit button, a "Cookie settings" link).
      if (opener && opener.focus && d.contains(opener)) opener.focus();
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
  function initialChoice() {
    var m = model;
    var cats = categoriesNow() || {};
    var c = { cats: {}, p: {}, pObj: {}, sf: {}, v: {}, vObj: null, a: {}, cp: {} };
    (cfg.categories || []).forEach(function (cat) {
      c.cats[cat.slug] = cat.always_active || !!cats[cat.slug];
    });
    if (m) {
      c.p = Object.assign({}, m.purposeConsents);
      c.sf = Object.assign({}, m.specialFeatureOptins);
      c.v = Object.assign({}, m.vendorConsents);
      c.cp = Object.assign({}, m.pubCustomConsents);
      (cfg.purposes || []).forEach(function (p) {
        if (p.li_allowed && p.li_vendors && !m.purposeLI[p.id]) c.pObj[p.id] = true;
      });
      (ac.split("~")[1] || "").split(".").forEach(function (id) {
        if (id) c.a[id] = true;
      });
    }
    return c;
  }
  // Vendor LI objections can only be read back once the vendor list says who claims LI.
  function vendorObjections() {
    if (!choice.vObj) {
      choice.vObj = {};
      if (model && vendorsData) {
        vendorsData.vendors.forEach(function (v) {
          if (v.leg_int_purposes.length && model.disclosed[v.id] && !model.vendorLI[v.id]) choice.vObj[v.id] = true;
        });
      }
    }
    return choice.vObj;
  }
  function toggle(label, checked, onchange, text) {
    var input = h("input", { type: "checkbox", role: "switch", "aria-label": label, onchange: function () {
      onchange(input.checked);
    } });
    input.checked = !!checked;
    return h("label", { class: "cmp-sw" }, [input, h("i"), text ? h("span", { "aria-hidden": "true", text: text }) : null]);
  }
  var itemSeq = 0;
  function item(key, title, controls, details) {
    var id = "cmp-d" + ++itemSeq;
    var det = h("div", { class: "cmp-det", id: id, hidden: true });
    var built = false;
    var acc = h("button", {
      type: "button",
      class: "cmp-acc",
      "aria-expanded": "false",
      "aria-controls": id,
      onclick: function () {
        var open = acc.getAttribute("aria-expanded") !== "true";
        if (open && !built) {
          built = true;
          (typeof details === "function" ? details() : details).forEach(function (n) {
            if (n) det.appendChild(typeof n === "string" ? h("p", { text: n }) : n);
          });
        }
        acc.setAttribute("aria-expanded", String(open));
        det.hidden = !open;
      },
    }, [h("span", { text: title })]);
    return h("div", { class: "cmp-it", "data-key": key }, [h("div", { class: "cmp-row" }, [acc].concat(controls)), det]);
  }
  // An entry the IAB has not translated comes in the GVL's English ("lang": "en"): it is marked as
  // English and says so, rather than pass for a translation.
  function marked(el, x) {
    if (x.lang) el.lang = x.lang;
    return el;
  }
  function englishNote(x) {
    return x.lang ? h("p", { class: "cmp-note", lang: lang(), text: t("english_only") }) : null;
  }
  function illustrations(x) {
    return x.illustrations && x.illustrations.length
      ? h("div", {}, [h("b", { text: t("illustrations") }), h("ul", {}, x.illustrations.map(function (s) {
          return h("li", { text: s });
        }))])
      : null;
  }
  function categoriesTab() {
    return (cfg.categories || []).map(function (cat) {
      var control = cat.always_active
        ? h("span", { class: "cmp-on", text: t("always_active") })
        : toggle(cat.name, choice.cats[cat.slug], function (on) {
            choice.cats[cat.slug] = on;
          });
      return item("c-" + cat.slug, cat.name, [control], function () {
        var cookies = cat.cookies || [];
        return [
          cat.description,
          cookies.length
            ? h("table", { class: "cmp-tbl" }, [
                h("thead", {}, [h("tr", {}, ["cookie_name", "cookie_duration", "cookie_description"].map(function (k) {
                  return h("th", { scope: "col", text: t(k) });
                }))]),
                h("tbody", {}, cookies.map(function (ck) {
                  return h("tr", {}, [h("td", { text: ck.name + (ck.is_pattern ? "*" : "") }), h("td", { text: ck.duration }), h("td", { text: ck.description })]);
                })),
              ])
            : h("p", { class: "cmp-note", text: t("no_cookies") }),
        ];
      });
    });
  }
  function customPurposes() {
    return ((cfg.publisher || {}).custom_purposes || []).filter(function (p) {
      return p.legal_basis === "consent";
    });
  }
  function purposesTab() {
    var out = [h("h3", { class: "cmp-sec", text: t("purposes") })];
    (cfg.purposes || []).forEach(function (p) {
      var controls = [
        toggle(t("consent") + ": " + p.name, choice.p[p.id], function (on) {
          choice.p[p.id] = on;
        }, t("consent")),
      ];
      if (p.li_allowed && p.li_vendors)
        controls.push(toggle(t("legitimate_interest") + ": " + p.name, !choice.pObj[p.id], function (on) {
          choice.pObj[p.id] = !on;
        }, t("legitimate_interest")));
      out.push(marked(item("p" + p.id, p.name, controls, function () {
        return [
          englishNote(p),
          p.description,
          illustrations(p),
          h("p", { class: "cmp-cnt", text: t("vendors_consent_count", { n: p.consent_vendors }) }),
          p.li_allowed ? h("p", { class: "cmp-cnt", text: t("vendors_li_count", { n: p.li_vendors }) }) : null,
        ];
      }), p));
    });
    // The publisher's own custom purposes on consent (PublisherTC), in the publisher's words.
    customPurposes().forEach(function (p) {
      out.push(item("cp" + p.id, p.name, [toggle(t("consent") + ": " + p.name, choice.cp[p.id], function (on) {
        choice.cp[p.id] = on;
      }, t("consent"))], [p.description]));
    });
    [["special_purposes", cfg.special_purposes], ["features", cfg.features]].forEach(function (group) {
      if (!group[1] || !group[1].length) return;
      out.push(h("h3", { class: "cmp-sec", text: t(group[0]) }));
      group[1].forEach(function (x) {
        out.push(marked(item(group[0] + x.id, x.name, [], function () {
          return [englishNote(x), x.description, illustrations(x), h("p", { class: "cmp-cnt", text: t("vendor_count", { n: x.vendors }) })];
        }), x));
      });
    });
    if (cfg.special_features && cfg.special_features.length) {
      out.push(h("h3", { class: "cmp-sec", text: t("special_features") }));
      cfg.special_features.forEach(function (x) {
        out.push(marked(item("sf" + x.id, x.name, [toggle(t("consent") + ": " + x.name, choice.sf[x.id], function (on) {
          choice.sf[x.id] = on;
        }, t("consent"))], function () {
          return [englishNote(x), x.description, illustrations(x), h("p", { class: "cmp-cnt", text: t("vendors_consent_count", { n: x.consent_vendors }) })];
        }), x));
      });
    }
    return out;
  }
  function vendorsTab(panel) {
    var status = h("p", { class: "cmp-note", role: "status", text: t("loading") });
    panel.appendChild(status);
    loadVendors().then(function (data) {
      if (!ui.dlg) return;
      status.remove();
      var objections = vendorObjections();
      var names = function (list, dict) {
        return (list || []).map(function (id) {
          return (dict[id] && dict[id].name) || "#" + id;
        }).join(", ");
      };
      var byId = function (arr) {
        var o = {};
        (arr || []).forEach(function (x) {
          o[x.id] = x;
        });
        return o;
      };
      var P = byId(cfg.purposes);
      var SP = byId(cfg.special_purposes);
      var F = byId(cfg.features);
      var SF = byId(cfg.special_features);
      var DC = byId(data.data_categories);
      var rows = [];
      var search = h("input", {
        type: "search",
        class: "cmp-srch",
        "aria-label": t("search_vendors"),
        placeholder: t("search_vendors"),
        oninput: function () {
          var q = search.value.trim().toLowerCase();
          rows.forEach(function (r) {
            r[1].hidden = q && r[0].indexOf(q) < 0;
          });
        },
      });
      panel.appendChild(search);
      var line = function (label, text) {
        return text ? h("p", {}, [h("b", { text: label + ": " }), text]) : null;
      };
      panel.appendChild(h("h3", { class: "cmp-sec", text: "IAB TCF · " + t("vendor_count", { n: data.vendors.length }) }));
      // Alphabetical, like the ATP list: easier to browse than GVL ids.
      data.vendors
        .slice()
        .sort(function (a, b) {
          return a.name.localeCompare(b.name, lang());
        })
        .forEach(function (v) {
        // A vendor with only special purposes has nothing to consent or object to (TCF v2.4): it is
        // disclosed, with a note instead of switches.
        var controls = [];
        if (v.purposes.length)
          controls.push(toggle(t("consent") + ": " + v.name, choice.v[v.id], function (on) {
            choice.v[v.id] = on;
          }, t("consent")));
        if (v.leg_int_purposes.length)
          controls.push(toggle(t("legitimate_interest") + ": " + v.name, !objections[v.id], function (on) {
            objections[v.id] = !on;
          }, t("legitimate_interest")));
        if (!controls.length) controls.push(h("span", { class: "cmp-note", "data-cmp": "transparency", text: t("special_only") }));
        var el = item("v" + v.id, v.name, controls, function () {
          var ret = v.data_retention && v.data_retention.stdRetention;
          return [
            line(t("consent") + " (" + t("purposes") + ")", names(v.purposes, P)),
            line(t("legitimate_interest"), names(v.leg_int_purposes, P)),
            line(t("special_purposes"), names(v.special_purposes, SP)),
            line(t("features"), names(v.features, F)),
            line(t("special_features"), names(v.special_features, SF)),
            line(t("data_categories"), names(v.data_declaration, DC)),
            ret != null ? h("p", { text: t("retention", { days: ret }) }) : null,
            v.uses_cookies && v.cookie_max_age_seconds != null
              ? h("p", { text: t("max_age", { seconds: v.cookie_max_age_seconds.toLocaleString(lang()) }) })
              : null,
            h("p", {}, [
              safeUrl(v.privacy_url) ? h("a", { href: v.privacy_url, target: "_blank", rel: "noopener", text: t("privacy_link") }) : null,
              safeUrl(v.privacy_url) && safeUrl(v.legint_claim_url) ? " · " : null,
              safeUrl(v.legint_claim_url) ? h("a", { href: v.legint_claim_url, target: "_blank", rel: "noopener", text: t("legint_link") }) : null,
            ]),
          ];
        });
        rows.push([v.name.toLowerCase(), el]);
        panel.appendChild(el);
      });
      if (data.atps && data.atps.length) {
        panel.appendChild(h("h3", { class: "cmp-sec", text: t("google_partners") + " · " + data.atps.length }));
        data.atps.forEach(function (a) {
          var el = item("a" + a.id, a.name, [toggle(t("consent") + ": " + a.name, choice.a[a.id], function (on) {
            choice.a[a.id] = on;
          }, t("consent"))], function () {
            return [safeUrl(a.policy_url) ? h("a", { href: a.policy_url, target: "_blank", rel: "noopener", text: t("privacy_link") }) : null];
          });
          rows.push([a.name.toLowerCase(), el]);
          panel.appendChild(el);
        });
      }
    }, function () {
      status.textContent = "Error";
    });
  }
  var TABS = [["categories", "tab_categories"], ["purposes", "tab_purposes"], ["vendors", "tab_vendors"]];
  function openPreferences(opener, kept, tab) {
    if (!cfg) return;
    if (ext && ext.open) return ext.open(opener);
    closePreferences(true);
    ui.opener = opener || d.activeElement;
    choice = kept || initialChoice();
    loadVendors().then(vendorObjections, function () {});
    var tabs = h("div", { class: "cmp-tabs", role: "tablist", "aria-label": t("preferences_title") });
    var body = h("div", { class: "cmp-body" });
    var built = {};
    var select = function (name, focus) {
      TABS.forEach(function (tab) {
        var b = tabs.querySelector("#cmp-tab-" + tab[0]);
        var on = tab[0] === name;
        b.setAttribute("aria-selected", String(on));
        b.tabIndex = on ? 0 : -1;
        var panel = body.querySelector("#cmp-panel-" + tab[0]);
        if (on && !built[name]) {
          built[name] = true;
          if (name === "vendors") vendorsTab(panel);
          else (name === "categories" ? categoriesTab() : purposesTab()).forEach(function (n) {
            panel.appendChild(n);
          });
        }
        panel.hidden = !on;
        if (on && focus) b.focus();
      });
      body.scrollTop = 0;
    };
    TABS.forEach(function (tab, i) {
      tabs.appendChild(h("button", {
        type: "button",
        role: "tab",
        class: "cmp-tab",
        id: "cmp-tab-" + tab[0],
        "aria-controls": "cmp-panel-" + tab[0],
        text: t(tab[1]),
        onclick: function () {
          select(tab[0]);
        },
        onkeydown: function (e) {
          var to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
          if (to == null) return;
          e.preventDefault();
          select(TABS[(to + TABS.length) % TABS.length][0], true);
        },
      }));
      body.appendChild(h("div", { role: "tabpanel", id: "cmp-panel-" + tab[0], "aria-labelledby": "cmp-tab-" + tab[0], hidden: true }));
    });
    var previous = meta && meta.created_at;
    ui.dlg = h("div", { class: "cmp-dlg", role: "dialog", "aria-modal": "true", "aria-labelledby": "cmp-ptitle" }, [
      h("div", { class: "cmp-hd" }, [
        h("h2", { class: "cmp-h", id: "cmp-ptitle", text: t("preferences_title") }),
        languageSwitch(),
        h("button", { type: "button", class: "cmp-x", "aria-label": t("close"), title: t("close"), "data-cmp": "close", text: "×", onclick: function () {
          closePreferences();
        } }),
      ]),
      h("p", { class: "cmp-intro", text: t("preferences_intro") }),
      previous
        ? h("div", { class: "cmp-wd" }, [
            t("given", { date: new Date(previous).toLocaleDateString(lang()) }),
            h("button", { type: "button", class: "cmp-link", "data-cmp": "withdraw", text: t("withdraw"), onclick: function () {
              decide({ action: "withdraw" });
            } }),
          ])
        : null,
      tabs,
      body,
      h("div", { class: "cmp-ft" }, [
        button(t("reject_all"), function () {
          decide({ action: "reject_all" });
        }, false, { "data-cmp": "reject" }),
        button(t("save"), save, false, { "data-cmp": "save" }),
        button(t("accept_all"), function () {
          decide({ action: "accept_all" });
        }, true, { "data-cmp": "accept" }),
      ]),
    ]);
    ui.ov = h("div", { class: "cmp-ov" }, [ui.dlg]);
    if (ui.bar) ui.bar.hidden = true;
    root().appendChild(ui.ov);
    select(tab || "categories");
    ui.dlg.querySelector("[aria-selected=true]").focus();
    if (eventStatus !== "cmpuishown") setEvent("cmpuishown", "visible");
  }
  function save() {
    var c = choice;
    // A choice carried over from an older configuration may name vendors, ATPs or purposes the
    // site no longer shows; the API would refuse the whole choice for them, so only send known ids.
    var known = function (chosen, offered) {
      if (!offered) return ids(chosen);
      var ok = setOf(offered.map(function (x) {
        return x.id;
      }));
      return ids(chosen).filter(function (id) {
        return ok[id];
      });
    };
    var done = function () {
      var vendors = vendorsData && vendorsData.vendors;
      var body = {
        action: "custom",
        categories: {},
        purposes: known(c.p, cfg.purposes),
        purpose_li_objections: known(c.pObj, cfg.purposes),
        special_features: known(c.sf, cfg.special_features),
        vendors: known(c.v, vendors),
        vendor_li_objections: known(c.vObj || {}, vendors),
        atps: known(c.a, vendorsData && vendorsData.atps),
        custom_purposes: known(c.cp, customPurposes()),
      };
      for (var slug in c.cats) if (slug !== "necessary") body.categories[slug] = !!c.cats[slug];
      return decide(body);
    };
    // Objections already given must survive even if the vendor list never loaded.
    return loadVendors().then(function () {
      vendorObjections();
      return done();
    }, done);
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
  var early = categoriesNow();
  if (early) runScripts(); // a return visit: blocked scripts run at once, before the config arrives
  d.addEventListener("DOMContentLoaded", function () {
    if (categoriesNow()) runScripts();
  });
  function start() {
    getJSON(API + "/banner?lang=" + encodeURIComponent(chooseLanguage())).then(
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
        var el = h("script", { src: new URL("gpp.js", script.src).href, async: true });
        el.onload = el.onerror = proceed;
        d.head.appendChild(el);
      },
      function (err) {
        cmpStatus = "error";
        waiting = [];
        if (w.console) console.error("CMP: could not load the banner configuration", err);
      }
    );
  }
  function proceed() {
    cmpStatus = "loaded";
    if (getPending()) {
      applyConsent("cmp_consent_pending");
      showRevisit();
      retryPending();
      eventStatus = tc ? "tcloaded" : undefined;
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
    var calls = waiting;
    waiting = [];
    calls.forEach(function (call) {
      api.apply(null, call);
    });
    emit("ready", { tcString: tc, categories: categoriesNow() });
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
  if (d.body) start();
  else d.addEventListener("DOMContentLoaded", start);
})(window, document);
