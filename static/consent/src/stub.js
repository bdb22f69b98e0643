/* CMP stub: paste inline in <head>, before any ad or analytics tag.
 * It makes window.__tcfapi callable at once (answering "ping", queueing the rest for cmp.js),
 * proxies __tcfapiCall postMessages from iframes, publishes the __tcfapiLocator frame, and sets
 * Google Consent Mode v2 defaults per region before any Google tag can read them. */
(function (w, d) {
  "use strict";

  // The TCF and GPP APIs are found alike (IAB specifications): a frame named `<api>Locator` marks
  // the window that answers, and iframes call it by postMessage.
  function answeredAbove(locator) {
    // Another CMP higher up the frame tree is in charge: leave it alone.
    var frame = w;
    while (frame) {
      try {
        if (frame.frames[locator]) return true;
      } catch (e) {
        /* cross-origin ancestor: keep walking */
      }
      if (frame === w.top) break;
      frame = frame.parent;
    }
    return false;
  }
  function addLocator(locator, title) {
    if (w.frames[locator]) return;
    if (!d.body) return setTimeout(addLocator, 5, locator, title);
    var iframe = d.createElement("iframe");
    iframe.style.display = "none";
    iframe.name = locator;
    iframe.title = title;
    iframe.setAttribute("aria-hidden", "true");
    iframe.tabIndex = -1;
    d.body.appendChild(iframe);
  }
  // Iframe callers: {<api>Call: {command, parameter, version, callId}}; `invoke(call, reply)` calls
  // the API, and the answer goes back as {<api>Return: ...} in the same form (string or object).
  function bridge(api, invoke) {
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
        var call = message && typeof message === "object" && message[api + "Call"];
        if (!call || typeof w[api] !== "function") return;
        invoke(call, function (returnValue, success) {
          var reply = {};
          reply[api + "Return"] = { returnValue: returnValue, success: success, callId: call.callId };
          if (event.source && event.source.postMessage) {
            event.source.postMessage(isString ? JSON.stringify(reply) : reply, "*");
          }
        });
      },
      false
    );
  }

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

  // The TCF CMP API stub: __tcfapi answers "ping" and queues the rest for cmp.js.
  (function () {
    if (answeredAbove("__tcfapiLocator")) return;
    addLocator("__tcfapiLocator", "TCF API locator");

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

    bridge("__tcfapi", function (call, reply) {
      w.__tcfapi(call.command, call.version, reply, call.parameter);
    });
  })();

  /* IAB GPP CMP API v1.1 stub: window.__gpp answers "ping" at once and queues the rest (listeners
   * with their ids, as the specification's stub does) for static/consent/gpp.js, which cmp.js loads
   * where a GPP section applies or something already called __gpp (`asked`). Elsewhere cmp.js sets
   * `na` (its CMP id): no section applies, and the stub answers so itself. It also proxies __gppCall
   * postMessages from iframes and publishes the __gppLocator frame. */
  (function () {
    if (answeredAbove("__gppLocator")) return; // a CMP higher up the frame tree is in charge
    addLocator("__gppLocator", "GPP API locator");
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
    bridge("__gpp", function (call, reply) {
      w.__gpp(call.command, reply, call.parameter, call.version);
    });
  })();
})(window, document);
