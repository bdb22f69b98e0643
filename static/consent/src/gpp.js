/* The banner's part for visitors outside the opt-in banner's regions, and the IAB GPP CMP API v1.1.
 * Source of static/consent/gpp.js (minified by static/consent/build.mjs). cmp.js loads it only when
 * the banner document names another experience than the opt-in banner, or when the page's stub
 * defined __gpp (a GPP reader such as Prebid.js is waiting): the opt-in banner's first load stays
 * the size it was. It registers itself with cmp.js (window.__cmpModule) and gets cmp.js's helpers.
 *
 * - __gpp: ping, addEventListener / removeEventListener (the stub's listeners are taken over with
 *   their ids), hasSection, getSection, getField, answered as the IAB reference @iabgpp/cmpapi
 *   answers for the same string (tests/banner/test_gpp_api_answers_as_the_reference.py). The
 *   string is built by the server; it is read back here with the section layouts the banner
 *   document carries, so no GPP encoder ships to the browser.
 * - The US opt-out notice ("Your Privacy Choices"): Do Not Sell or Share My Personal Information,
 *   Limit the Use of My Sensitive Personal Information; Global Privacy Control applied as an
 *   opt-out and the notice saying the request was honoured.
 * - The information notice of the "notice" experience. */
(function (w, d, nav) {
  "use strict";
  var register = w.__cmpModule;
  if (typeof register !== "function") return;
  register(function (core) {
    var cfg = core.cfg;
    var J = cfg.jurisdiction || {};
    var layouts = J.gpp_layouts || {};
    var US = J.experience === "us_opt_out";
    var gppString = "";
    var parsed = {};
    var sectionList = [];
    var cmpStatus = "loading";
    var displayStatus = "hidden";
    var signalStatus = "not ready";
    var listeners = {};
    var nextId = 1000;
    var ui = {};
    // English defaults; a site's texts (SiteText extra) may override any of them per language.
    var TEXTS = {
      us_title: "Your Privacy Choices",
      us_body:
        "We and our partners use cookies and similar technologies to run this site, measure its use and " +
        "show advertising. You may opt out of the sale or sharing of your personal information, including " +
        "for targeted advertising, and limit the use of your sensitive personal information.",
      us_do_not_sell: "Do Not Sell or Share My Personal Information",
      us_limit_sensitive: "Limit the Use of My Sensitive Personal Information",
      us_close: "OK",
      gpc_honoured:
        "Opt-Out Request Honored: your browser sent a Global Privacy Control signal, so your personal " +
        "information is not sold or shared and not used for targeted advertising.",
      notice_title: "Cookies on this site",
      notice_body:
        "This site uses cookies to work, to measure its use and to personalise content and ads. " +
        "You can choose which ones you allow in the settings at any time.",
    };
    function tx(key) {
      return (cfg.texts && cfg.texts[key]) || TEXTS[key] || core.t(key);
    }

    /* ---------- reading the server's GPP string ---------- */
    var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    function bits(text) {
      var out = "";
      for (var i = 0; i < text.length; i++) out += ("00000" + B64.indexOf(text[i]).toString(2)).slice(-6);
      return out;
    }
    function readFields(text, fields, into) {
      var b = bits(text);
      var pos = 0;
      fields.forEach(function (f) {
        var read = function () {
          var v = parseInt(b.substr(pos, f[1]), 2) || 0;
          pos += f[1];
          return v;
        };
        if (f[2]) {
          var list = [];
          for (var i = 0; i < f[2]; i++) list.push(read());
          into[f[0]] = list;
        } else into[f[0]] = f[3] ? !!read() : read();
      });
    }
    // Sections follow the header in id order (the server writes them so): the layouts say which.
    function parse(str) {
      var parts = (str || "").split("~");
      var names = Object.keys(layouts).sort(function (a, b) {
        return layouts[a].id - layouts[b].id;
      });
      var out = {};
      var ids = [];
      if (parts.length === names.length + 1) {
        names.forEach(function (name, i) {
          var segments = parts[i + 1].split(".");
          var section = {};
          readFields(segments[0], layouts[name].core, section);
          readFields(segments[1] || "", layouts[name].sub, section);
          out[name] = section;
          ids.push(layouts[name].id);
        });
      }
      return { sections: out, ids: ids };
    }

    /* ---------- __gpp ---------- */
    function applicable() {
      return US ? sectionList.slice() : [-1];
    }
    function pingData() {
      return {
        gppVersion: "1.1",
        cmpStatus: cmpStatus,
        cmpDisplayStatus: displayStatus,
        signalStatus: signalStatus,
        supportedAPIs: (J.gpp_supported_apis || []).slice(),
        cmpId: cfg.cmp.cmp_id,
        sectionList: sectionList.slice(),
        applicableSections: applicable(),
        gppString: gppString || "DBAA",
        parsedSections: JSON.parse(JSON.stringify(parsed)),
      };
    }
    function fire(eventName, data) {
      Object.keys(listeners).forEach(function (id) {
        try {
          listeners[id]({ eventName: eventName, listenerId: +id, data: data, pingData: pingData() }, true);
        } catch (e) {
          /* one broken listener must not starve the others */
        }
      });
    }
    function respond(callback, value) {
      if (typeof callback === "function") callback(value, value !== null);
    }
    var commands = {
      ping: function (callback) {
        respond(callback, pingData());
      },
      addEventListener: function (callback) {
        var id = nextId++;
        listeners[id] = callback;
        respond(callback, { eventName: "listenerRegistered", listenerId: id, data: true, pingData: pingData() });
      },
      removeEventListener: function (callback, id) {
        var found = !!listeners[id];
        delete listeners[id];
        respond(callback, { eventName: "listenerRemoved", listenerId: id, data: found, pingData: pingData() });
      },
      hasSection: function (callback, name) {
        if (!name) throw new Error("section required");
        respond(callback, !!parsed[name]);
      },
      getSection: function (callback, name) {
        if (!name) throw new Error("section required");
        respond(callback, name !== "tcfeuv2" && parsed[name] ? JSON.parse(JSON.stringify(parsed[name])) : null);
      },
      getField: function (callback, path) {
        var parts = String(path || "").split(".");
        if (parts.length !== 2) throw new Error("<section>.<field> required");
        var section = parsed[parts[0]];
        var value = section && parts[1] in section ? section[parts[1]] : null;
        respond(callback, value && typeof value === "object" ? value.slice() : value);
      },
    };
    function api(command, callback, parameter) {
      if (typeof command !== "string" || !commands.hasOwnProperty(command)) return respond(callback, null);
      try {
        commands[command](callback, parameter);
      } catch (e) {
        respond(callback, null);
      }
    }
    // The stub's queued calls and listeners (with the ids it gave them) carry over.
    var stub = typeof w.__gpp === "function" ? w.__gpp : null;
    var queued = [];
    if (stub) {
      try {
        queued = stub() || [];
        (stub("events") || []).forEach(function (e) {
          listeners[e.id] = e.callback;
        });
      } catch (e) {
        /* a foreign __gpp: start afresh */
      }
    }
    w.__gpp = api;
    queued.forEach(function (call) {
      api.apply(null, call);
    });
    if (!w.frames.__gppLocator) installLocator();
    function installLocator() {
      (function add() {
        if (!d.body) return setTimeout(add, 5);
        var f = core.h("iframe", { name: "__gppLocator", title: "GPP API locator", "aria-hidden": "true", tabindex: "-1" });
        f.style.display = "none";
        d.body.appendChild(f);
      })();
      w.addEventListener("message", function (event) {
        var isString = typeof event.data === "string";
        var msg = isString ? core.readJSON(event.data) : event.data;
        var call = msg && typeof msg === "object" && msg.__gppCall;
        if (!call) return;
        w.__gpp(call.command, function (returnValue, success) {
          var reply = { __gppReturn: { returnValue: returnValue, success: success, callId: call.callId } };
          if (event.source) event.source.postMessage(isString ? JSON.stringify(reply) : reply, "*");
        }, call.parameter, call.version);
      });
    }
    function setDisplay(status) {
      if (displayStatus === status) return;
      displayStatus = status;
      fire("cmpDisplayStatus", status);
    }
    // A new string: its sections change, then the signal is ready (the specification's order).
    function setString(str) {
      var read = parse(str);
      gppString = str || "";
      parsed = read.sections;
      sectionList = read.ids;
      Object.keys(parsed).forEach(function (name) {
        fire("sectionChange", name);
      });
      signalStatus = "ready";
      fire("signalStatus", "ready");
    }

    /* ---------- the notices ---------- */
    var gpcOn = nav.globalPrivacyControl === true;
    function close() {
      if (ui.bar) ui.bar.remove();
      ui.bar = null;
      setDisplay("hidden");
    }
    function choose(body) {
      close();
      signalStatus = "not ready";
      fire("signalStatus", "not ready");
      if (gpcOn) body.gpc = true;
      return core.decide(body);
    }
    function usNotice(opener) {
      close();
      var meta = core.meta();
      var outs = (meta && meta.us_opt_outs) || [];
      var honoured = !!(meta && meta.gpc);
      var link = function (key, kind, done) {
        return core.button(tx(key), function () {
          choose({ action: "opt_out", opt_outs: outs.concat(kind).filter(function (x, i, all) {
            return all.indexOf(x) === i;
          }) });
        }, false, { "data-cmp": kind, disabled: done || null, "aria-pressed": done ? "true" : null });
      };
      var sold = outs.indexOf("sale_sharing") >= 0;
      core.hideRevisit();
      ui.bar = core.h("div", { class: "cmp-bar cmp-col", role: "region", "aria-labelledby": "cmp-title" }, [
        core.h("div", { class: "cmp-txt" }, [
          core.h("h2", { class: "cmp-h", id: "cmp-title", text: tx("us_title") }),
          core.h("p", { id: "cmp-desc", text: tx("us_body") }),
          honoured ? core.h("p", { class: "cmp-gpc", role: "status", "data-cmp": "gpc-honoured", text: tx("gpc_honoured") }) : null,
        ]),
        core.h("div", { class: "cmp-btns" }, [
          link("us_do_not_sell", "sale_sharing", sold),
          link("us_limit_sensitive", "sensitive_data", outs.indexOf("sensitive_data") >= 0),
          core.button(tx("us_close"), function () {
            if (meta && meta.experience === "us_opt_out") {
              close();
              core.showRevisit();
            } else choose({ action: "opt_out", opt_outs: [] });
          }, true, { "data-cmp": "acknowledge" }),
        ]),
      ]);
      core.root().appendChild(ui.bar);
      setDisplay("visible");
      if (opener) ui.bar.querySelector("button:not([disabled])").focus();
    }
    function infoNotice() {
      close();
      ui.bar = core.h("div", { class: "cmp-bar", role: "region", "aria-labelledby": "cmp-title" }, [
        core.h("div", { class: "cmp-txt" }, [
          core.h("h2", { class: "cmp-h", id: "cmp-title", text: tx("notice_title") }),
          core.h("p", { id: "cmp-desc", text: tx("notice_body") }),
        ]),
        core.h("div", { class: "cmp-btns" }, [
          core.button(core.t("customise"), function () {
            close();
            core.openPreferences();
          }, false, { "data-cmp": "customise" }),
          core.button(tx("us_close"), function () {
            choose({ action: "accept_all" });
          }, true, { "data-cmp": "acknowledge" }),
        ]),
      ]);
      core.root().appendChild(ui.bar);
      setDisplay("visible");
    }

    /* ---------- start ---------- */
    cmpStatus = "loaded";
    fire("cmpStatus", "loaded");
    var stored = core.meta();
    var current = stored && stored.experience === J.experience && stored.gpp;
    setString(current || J.gpp_string || "");
    return {
      // cmp.js asks: show the notice of this experience (no current choice).
      prompt: function () {
        if (!US) return J.experience === "notice" ? infoNotice() : null;
        // GPC is the visitor's opt-out already: it is recorded, then the notice says so.
        if (gpcOn && !(stored && stored.gpc)) {
          signalStatus = "not ready";
          fire("signalStatus", "not ready");
          var outs = ((stored && stored.us_opt_outs) || []).concat("sale_sharing");
          return core.decide({ action: "opt_out", opt_outs: outs, gpc: true }).then(function () {
            usNotice();
          });
        }
        usNotice();
      },
      open: US ? usNotice : null,
      // After a recorded choice: the string the server built for it.
      recorded: function (answer) {
        setString(answer.gpp_string || J.gpp_string || "");
      },
      revisitLabel: US ? tx("us_title") : null,
    };
  });
})(window, document, navigator);
