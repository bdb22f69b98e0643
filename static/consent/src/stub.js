/* CMP stub: paste inline in <head>, before any ad or analytics tag (the console's Embed page gives
 * it built, minified, from this source: static/consent/build.mjs).
 * It sets Google Consent Mode v2 defaults per region before any Google tag can read them, starts the
 * first visit's banner document request, and makes window.__tcfapi and window.__gpp callable at once
 * (answering "ping", queueing the rest for cmp.js), with their locator frames and the postMessage
 * proxies for iframes. */
(function (w, d) {
  "use strict";
  var dl = (w.dataLayer = w.dataLayer || []);
  if (!w.gtag) {
    w.gtag = function () {
      dl.push(arguments);
    };
  }
  var script = d.currentScript;
  var attr = function (name) {
    return script && script.getAttribute(name);
  };
  if (attr("data-consent-mode") !== "off") {
    // Region defaults from the site's rules (sites.services.stub_attributes, docs/BANNER.md §8);
    // without them the shipped rules: granted only in the US states with an opt-out law.
    var regions = attr("data-consent-regions");
    if (regions === null) regions = "CA VA CO CT UT FL MT OR TX DE IA NE NH NJ TN MN MD IN KY RI".replace(/\w+/g, "US-$&");
    var defaults = function (granted, region, noAds) {
      var v = granted ? "granted" : "denied";
      // GPC is an opt-out of sale, sharing and targeted ads where tags run before a choice.
      var ad = noAds || w.navigator.globalPrivacyControl ? "denied" : v;
      var signals = { ad_storage: ad, ad_user_data: ad, ad_personalization: ad, analytics_storage: v };
      signals.functionality_storage = signals.personalization_storage = v;
      signals.security_storage = "granted";
      signals.wait_for_update = 500;
      if (region) signals.region = region.split(" ");
      w.gtag("consent", "default", signals);
    };
    var elsewhere = attr("data-consent-default") === "granted";
    defaults(elsewhere);
    if (regions) defaults(!elsewhere, regions);
    // The UK's notice and objection (Data (Use and Access) Act 2025): statistics and preferences, no ads.
    var objection = attr("data-consent-objection-regions");
    if (objection) defaults(true, objection, true);
    w.gtag("set", "ads_data_redaction", true);
  }

  // A first visit's banner document, asked for now so that it travels while cmp.js loads instead
  // of after it (docs/BANNER.md, "First load"); cmp.js takes this answer when it would ask for the
  // same URL. Not on a return visit, which revalidates the requirements stamp first.
  var banner = attr("data-banner");
  if (banner && w.fetch && !/(^|;\s*)cmp_consent=/.test(d.cookie)) {
    var chosen = "";
    try {
      chosen = localStorage.getItem("cmp_lang") || "";
    } catch (e) {}
    var langs = [chosen, d.documentElement.lang].concat(navigator.languages || [navigator.language]);
    var url = new URL(banner, location.href).href + "?lang=" +
      encodeURIComponent(langs.filter(Boolean).slice(0, 10).join(",").toLowerCase());
    var answer = fetch(url, { credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    });
    answer.catch(function () {}); // cmp.js reports a failure; an unused answer is no error
    w.__cmpConfig = { url: url, answer: answer };
  }

  // The TCF and GPP stubs below share these: an API another CMP higher up the frame tree already
  // publishes is left to it; each API's locator frame; each API's postMessage proxy for iframes.
  function alreadyPublished(locator) {
    for (var frame = w; frame; frame = frame.parent) {
      try {
        if (frame.frames[locator]) return true;
      } catch (e) {
        /* cross-origin ancestor: keep walking */
      }
      if (frame === w.top) break;
    }
    return false;
  }
  var locators = [];
  function addLocators() {
    if (!d.body) return setTimeout(addLocators, 5);
    // Both frames in one task: each costs a frame and a document of its own.
    locators.forEach(function (pair) {
      if (w.frames[pair[0]]) return;
      var iframe = d.createElement("iframe");
      iframe.style.display = "none";
      iframe.name = pair[0];
      iframe.title = pair[1];
      iframe.setAttribute("aria-hidden", "true");
      iframe.tabIndex = -1;
      d.body.appendChild(iframe);
    });
  }
  // Iframe callers send {<callKey>: {command, parameter, version, callId}}; the answer goes back as
  // {<returnKey>: {returnValue, success, callId}} in the same form (string or object) it came in.
  function proxy(callKey, returnKey, invoke) {
    w.addEventListener(
      "message",
      function (event) {
        var isString = typeof event.data === "string";
        var message = event.data;
        if (isString) {
          try {
            message = JSON.parse(event.data);
          } catch (e) {
            return;
          }
        }
        var call = message && typeof message === "object" && message[callKey];
        if (!call) return;
        invoke(call, function (returnValue, success) {
          var reply = {};
          reply[returnKey] = { returnValue: returnValue, success: success, callId: call.callId };
          if (event.source && event.source.postMessage) {
            event.source.postMessage(isString ? JSON.stringify(reply) : reply, "*");
          }
        });
      },
      false
    );
  }

  if (!alreadyPublished("__tcfapiLocator")) tcfStub();
  if (!alreadyPublished("__gppLocator")) gppStub();
  addLocators();

  // TCF CMP API v2.2 stub: ping answers at once, setGdprApplies is kept, the rest waits for cmp.js.
  function tcfStub() {
    locators.push(["__tcfapiLocator", "TCF API locator"]);
    var queue = [];
    var gdprApplies;
    var stub = function (command, version, callback, parameter) {
      if (!arguments.length) return queue;
      if (command === "setGdprApplies") {
        if (arguments.length > 3 && version === 2 && typeof parameter === "boolean") {
          gdprApplies = parameter;
          if (typeof callback === "function") callback("set", true);
        }
      } else if (command === "ping") {
        if (typeof callback === "function") {
          callback({ gdprApplies: gdprApplies, cmpLoaded: false, cmpStatus: "stub", apiVersion: "2.2" }, true);
        }
      } else {
        queue.push([command, version, callback, parameter]);
      }
    };
    stub.queue = queue;
    w.__tcfapi = stub;

    proxy("__tcfapiCall", "__tcfapiReturn", function (call, reply) {
      if (typeof w.__tcfapi === "function") w.__tcfapi(call.command, call.version, reply, call.parameter);
    });
  }

  // IAB GPP CMP API v1.1 stub: window.__gpp answers "ping" at once and queues the rest (listeners
  // with their ids, as the specification's stub does) for static/consent/gpp.js, which cmp.js loads
  // where a GPP section applies or something already called __gpp (`asked`). Elsewhere cmp.js sets
  // `na` (its CMP id): no section applies, and the stub answers so itself.
  function gppStub() {
    locators.push(["__gppLocator", "GPP API locator"]);
    var queue = [];
    var events = [];
    var lastId = 0;
    var gpp;
    function ping() {
      return {
        gppVersion: "1.1",
        cmpStatus: gpp.na ? "loaded" : "stub",
        cmpDisplayStatus: "hidden",
        signalStatus: gpp.na ? "ready" : "not ready",
        supportedAPIs: [],
        cmpId: gpp.na || 0,
        sectionList: [],
        applicableSections: gpp.na ? [-1] : [],
        gppString: gpp.na ? "DBAA" : "",
        parsedSections: {},
      };
  }
  gpp = w.__gpp = function (command, callback, parameter, version) {
    if (!arguments.length) return queue;
    if (command === "events") return events;
    gpp.asked = true;
    if (typeof callback !== "function") return;
    if (command === "ping") return callback(ping(), true);
    if (command === "addEventListener") {
      var id = ++lastId;
      events.push({ id: id, callback: callback, parameter: parameter });
      return callback({ eventName: "listenerRegistered", listenerId: id, data: true, pingData: ping() }, true);
    }
    if (command === "removeEventListener") {
      var found = false;
      for (var i = 0; i < events.length; i++) {
        if (events[i].id === parameter) {
          events.splice(i, 1);
          found = true;
          break;
        }
      }
      return callback({ eventName: "listenerRemoved", listenerId: parameter, data: found, pingData: ping() }, true);
    }
    if (gpp.na) return command === "hasSection" ? callback(false, true) : callback(null, false);
    queue.push([command, callback, parameter, version]);
  };
  proxy("__gppCall", "__gppReturn", function (call, reply) {
    if (typeof w.__gpp === "function") w.__gpp(call.command, reply, call.parameter, call.version);
  });
  }
})(window, document);
