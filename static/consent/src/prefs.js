/* The banner's preferences dialog (categories, purposes, vendors) and the vendor list.
 * Source of static/consent/prefs.js (CSS from src/prefs.css inlined, minified by build.mjs). cmp.js
 * loads it when the visitor first opens the preferences, so the first layer every page loads does not
 * carry it. It registers itself with cmp.js (window.__cmpPrefs) and gets cmp.js's helpers and state.
 * See docs/BANNER.md. */
(function (w, d) {
  "use strict";
  var register = w.__cmpPrefs;
  if (typeof register !== "function") return;
  var CSS = "/*CSS*/";
  register(function (core) {
    var h = core.h;
    var t = core.t;
    var lang = core.lang;
    var ids = core.ids;
    var setOf = core.setOf;
    var safeUrl = core.safeUrl;
    var getJSON = core.getJSON;
    var button = core.button;
    var decide = core.decide;
    var root = core.root;
    var languageSwitch = core.languageSwitch;
    var categoriesNow = core.categoriesNow;
    var closePreferences = core.closePreferences;
    var BASE = core.base;
    var ui = core.ui;
    // cmp.js's state as of the dialog's opening: a language switch or a choice rebuilds the dialog.
    var cfg, model, meta, ac;
    var vendorsData = null; // GET vendors answer, fetched when the Vendors tab opens
    var vendorsPromise = null;
    var vendorsUrl = null;
    var choice = null; // in-progress selection in the preferences
    var style = h("style", { id: "cmp-prefs-style" });
    var nonce = d.getElementById("cmp-style");
    if (nonce && nonce.nonce) style.nonce = nonce.nonce;
    style.textContent = CSS;
    d.head.appendChild(style);
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
      // The details panel is made on the first expansion: a long vendor list carries no empty ones.
      var det = null;
      var acc = h("button", {
        type: "button",
        class: "cmp-acc",
        "aria-expanded": "false",
        onclick: function () {
          var open = acc.getAttribute("aria-expanded") !== "true";
          if (open && !det) {
            det = h("div", { class: "cmp-det", id: "cmp-d" + ++itemSeq });
            (typeof details === "function" ? details() : details).forEach(function (n) {
              if (n) det.appendChild(typeof n === "string" ? h("p", { text: n }) : n);
            });
            acc.setAttribute("aria-controls", det.id);
            it.appendChild(det);
          }
          acc.setAttribute("aria-expanded", String(open));
          det.hidden = !open;
        },
        text: title,
      });
      var it = h("div", { class: "cmp-it", "data-key": key }, [h("div", { class: "cmp-row" }, [acc].concat(controls))]);
      return it;
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
      // A section's heading, then the GVL's explanation of it (TCF v2.4 standardTexts), if any.
      var heading = function (key) {
        var std = (cfg.standard_texts || {})[key];
        out.push(h("h3", { class: "cmp-sec", text: t(key) }));
        if (std) out.push(h("p", { class: "cmp-note", "data-cmp": "std-" + key, lang: std.lang, text: std.text }));
      };
      [["special_purposes", cfg.special_purposes], ["features", cfg.features]].forEach(function (group) {
        if (!group[1] || !group[1].length) return;
        heading(group[0]);
        group[1].forEach(function (x) {
          out.push(marked(item(group[0] + x.id, x.name, [], function () {
            return [englishNote(x), x.description, illustrations(x), h("p", { class: "cmp-cnt", text: t("vendor_count", { n: x.vendors }) })];
          }), x));
        });
      });
      if (cfg.special_features && cfg.special_features.length) {
        heading("special_features");
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
    // Vendor ids as names of purposes, features or data categories ("#id" where the list lacks one).
    function names(list, dict) {
      return (list || []).map(function (id) {
        return (dict[id] && dict[id].name) || "#" + id;
      }).join(", ");
    }
    function byId(arr) {
      var o = {};
      (arr || []).forEach(function (x) {
        o[x.id] = x;
      });
      return o;
    }
    function line(label, text) {
      return text ? h("p", {}, [h("b", { text: label + ": " }), text]) : null;
    }
    function days(n) {
      return t("days", { days: n.toLocaleString(lang()) });
    }
    function link(url, text) {
      return safeUrl(url) ? h("a", { href: url, target: "_blank", rel: "noopener", text: text }) : null;
    }
    // A vendor's details as the TCF policy lists them, built when the visitor expands the vendor.
    function vendorDetails(v, T) {
      var ret = v.data_retention || {};
      var perPurpose = function (spec, dict) {
        return Object.keys(spec || {}).map(function (id) {
          return ((dict[id] && dict[id].name) || "#" + id) + ": " + days(spec[id]);
        });
      };
      var retained = perPurpose(ret.purposes, T.P).concat(perPurpose(ret.specialPurposes, T.SP));
      var age = v.cookie_max_age_seconds;
      var storage = v.device_storage || v.deviceStorage;
      storage = storage && (storage.disclosures || storage);
      var maxAge = !v.uses_cookies || age == null ? null : age <= 0 ? t("cookies_session") : days(Math.max(1, Math.round(age / 86400)));
      return [
        line(t("consent") + " (" + t("purposes") + ")", names(v.purposes, T.P)),
        line(t("legitimate_interest"), names(v.leg_int_purposes, T.P)),
        line(t("special_purposes"), names(v.special_purposes, T.SP)),
        line(t("features"), names(v.features, T.F)),
        line(t("special_features"), names(v.special_features, T.SF)),
        line(t("data_categories"), names(v.data_declaration, T.DC)),
        ret.stdRetention != null ? h("p", { text: t("retention", { days: ret.stdRetention.toLocaleString(lang()) }) }) : null,
        retained.length ? h("div", {}, [h("b", { text: t("retention_by_purpose") }), h("ul", {}, retained.map(function (x) {
          return h("li", { text: x });
        }))]) : null,
        v.uses_cookies ? line(t("max_age"), maxAge) : h("p", { text: t("cookies_none") }),
        v.uses_cookies && v.cookie_refresh ? h("p", { text: t("cookie_refresh") }) : null,
        v.uses_non_cookie_access ? h("p", { text: t("non_cookie_access") }) : null,
        // The device storage disclosure, where the vendor document carries it (fetched server-side).
        h("div", { "data-cmp": "device-storage" }, Array.isArray(storage) && storage.length
          ? [h("b", { text: t("device_storage") }), h("table", { class: "cmp-tbl" }, [
              h("thead", {}, [h("tr", {}, ["cookie_name", "storage_type", "cookie_duration", "cookie_domain", "purposes"].map(function (k) {
                return h("th", { scope: "col", text: t(k) });
              }))]),
              h("tbody", {}, storage.map(function (x) {
                var max = x.maxAgeSeconds;
                return h("tr", {}, [
                  x.identifier,
                  x.type,
                  x.type !== "cookie" ? "" : max == null ? "" : max <= 0 ? t("cookies_session") : days(Math.max(1, Math.round(max / 86400))),
                  x.domain || (x.domains || []).join(", "),
                  names(x.purposes, T.P),
                ].map(function (c) {
                  return h("td", { text: c == null ? "" : String(c) });
                }));
              })),
            ])]
          : []),
        h("p", {}, [
          link(v.privacy_url, t("privacy_link")),
          safeUrl(v.privacy_url) && safeUrl(v.legint_claim_url) ? " · " : null,
          link(v.legint_claim_url, t("legint_link")),
        ]),
      ];
    }
    // 1,500 vendors and 600 ATPs: rows are built in slices of a few milliseconds each, so opening
    // the tab paints at once and no task blocks the page; details are built only when expanded.
    function vendorsTab(panel) {
      var status = h("p", { class: "cmp-note", role: "status", text: t("loading") });
      panel.appendChild(status);
      // After the click's frame is painted: parsing and sorting the list then cannot delay it.
      var painted = new Promise(function (resolve) {
        requestAnimationFrame(function () {
          setTimeout(resolve, 0);
        });
      });
      Promise.all([loadVendors(), painted]).then(function (all) {
        var data = all[0];
        if (!ui.dlg) return;
        status.remove();
        var objections = vendorObjections();
        var T = { P: byId(cfg.purposes), SP: byId(cfg.special_purposes), F: byId(cfg.features), SF: byId(cfg.special_features), DC: byId(data.data_categories) };
        var query = "";
        // Search by name, or by GVL id / ATP id when the query is a number.
        var matches = function (e) {
          return !query || (/^\d+$/.test(query) ? String(e.id) === query : e.key.indexOf(query) >= 0);
        };
        var entries = [];
        var switches = [];
        var search = h("input", {
          type: "search",
          class: "cmp-srch",
          "aria-label": t("search_vendors"),
          placeholder: t("search_vendors"),
          oninput: function () {
            query = search.value.trim().toLowerCase();
            entries.forEach(function (e) {
              if (e.el) e.el.hidden = !matches(e);
            });
          },
        });
        // All on / all off: every consent and LI switch of the vendors and ATPs, rendered or not.
        var all = function (on) {
          entries.forEach(function (e) {
            if (e.consent) choice[e.kind][e.id] = on;
            if (e.li) objections[e.id] = !on;
          });
          switches.forEach(function (sw) {
            sw.checked = on;
          });
        };
        panel.appendChild(search);
        panel.appendChild(h("div", { class: "cmp-all" }, [
          h("button", { type: "button", class: "cmp-link", "data-cmp": "all-on", text: t("all_on"), onclick: function () {
            all(true);
          } }),
          h("button", { type: "button", class: "cmp-link", "data-cmp": "all-off", text: t("all_off"), onclick: function () {
            all(false);
          } }),
        ]));
        var sw = function (label, checked, onchange, text) {
          var el = toggle(label, checked, onchange, text);
          switches.push(el.firstChild);
          return el;
        };
        var list = h("div", { class: "cmp-vl" });
        panel.appendChild(list);
        list.appendChild(h("h3", { class: "cmp-sec", text: "IAB TCF · " + t("vendor_count", { n: data.vendors.length }) }));
        // Alphabetical, like the ATP list: easier to browse than GVL ids. One collator for the whole
        // sort: localeCompare with a locale builds one per comparison (10,000 of them for 900 names).
        var collator = new Intl.Collator(lang());
        data.vendors
          .slice()
          .sort(function (a, b) {
            return collator.compare(a.name, b.name);
          })
          .forEach(function (v) {
            entries.push({ kind: "v", id: v.id, key: v.name.toLowerCase(), consent: v.purposes.length > 0, li: v.leg_int_purposes.length > 0, build: function () {
              // A vendor with only special purposes has nothing to consent or object to (TCF v2.4): it
              // is disclosed, with a note instead of switches.
              var controls = [];
              if (v.purposes.length)
                controls.push(sw(t("consent") + ": " + v.name, choice.v[v.id], function (on) {
                  choice.v[v.id] = on;
                }, t("consent")));
              if (v.leg_int_purposes.length)
                controls.push(sw(t("legitimate_interest") + ": " + v.name, !objections[v.id], function (on) {
                  objections[v.id] = !on;
                }, t("legitimate_interest")));
              if (!controls.length) controls.push(h("span", { class: "cmp-note", "data-cmp": "transparency", text: t("special_only") }));
              return item("v" + v.id, v.name, controls, function () {
                return vendorDetails(v, T);
              });
            } });
          });
        if (data.atps && data.atps.length) {
          entries.push({ id: -1, key: "", build: function () {
            return h("h3", { class: "cmp-sec", text: t("google_partners") + " · " + data.atps.length });
          } });
          data.atps.forEach(function (a) {
            entries.push({ kind: "a", id: a.id, key: a.name.toLowerCase(), consent: true, build: function () {
              return item("a" + a.id, a.name, [sw(t("consent") + ": " + a.name, choice.a[a.id], function (on) {
                choice.a[a.id] = on;
              }, t("consent"))], function () {
                return [link(a.policy_url, t("privacy_link"))];
              });
            } });
          });
        }
        var next = 0;
        (function slice() {
          if (!ui.dlg || !list.isConnected) return;
          var until = Date.now() + 8;
          var frag = d.createDocumentFragment();
          for (var n = 0; next < entries.length && (n < 1 || Date.now() < until); n++) {
            var e = entries[next++];
            e.el = e.build();
            if (e.id >= 0) e.el.hidden = !matches(e);
            frag.appendChild(e.el);
          }
          list.appendChild(frag);
          if (next < entries.length) setTimeout(slice, 0);
        })();
      }, function () {
        status.textContent = "Error";
      });
    }
    var TABS = [["categories", "tab_categories"], ["purposes", "tab_purposes"], ["vendors", "tab_vendors"]];
    function openPreferences(opener, kept, tab) {
      closePreferences(true);
      ui.opener = opener;
      choice = kept || initialChoice();
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
                decide({ action: "withdraw", screen: "preferences" });
              } }),
              receiptLink(),
            ])
          : null,
        tabs,
        body,
        h("div", { class: "cmp-ft" }, [
          button(t("reject_all"), function () {
            decide({ action: "reject_all", screen: "preferences" });
          }, true, { "data-cmp": "reject" }),
          button(t("save"), save, false, { "data-cmp": "save" }),
          button(t("accept_all"), function () {
            decide({ action: "accept_all", screen: "preferences" });
          }, true, { "data-cmp": "accept" }),
        ]),
      ]);
      ui.ov = h("div", { class: "cmp-ov" }, [ui.dlg]);
      if (ui.bar) ui.bar.hidden = true;
      root().appendChild(ui.ov);
      select(tab || "categories");
      ui.dlg.querySelector("[aria-selected=true]").focus();
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
          screen: "preferences",
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
      // A stored choice's vendor objections can only be read back with the vendor list, so saving
      // it fetches the list; a first choice saved without opening the Vendors tab needs none.
      if (!model && !vendorsData) return done();
      // Objections already given must survive even if the vendor list never loaded.
      return loadVendors().then(function () {
        vendorObjections();
        return done();
      }, done);
    }
    function loadVendors() {
      // Keyed by its URL, which names the language: a language switch fetches the list again.
      if (!vendorsPromise || vendorsUrl !== cfg.vendors_url) {
        vendorsUrl = cfg.vendors_url;
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
    // The visitor's ISO/IEC TS 27560 receipt of their current choice: asked with the write token
    // (only this browser holds it; docs/API.md, "Consent receipts") and saved as a file.
    function receiptLink() {
      var id = meta.user_id;
      var token = core.token(id);
      return token
        ? h("button", { type: "button", class: "cmp-link", "data-cmp": "receipt", text: t("receipt"), onclick: function () {
            core
              .post(core.api + "/users/" + id + "/receipt", { write_token: token })
              .then(function (r) {
                if (!r.ok) throw new Error("HTTP " + r.status);
                return r.blob();
              })
              .then(function (file) {
                var a = h("a", { href: URL.createObjectURL(file), download: "consent-receipt-" + core.site + ".jsonld" });
                a.click();
                setTimeout(function () {
                  URL.revokeObjectURL(a.href);
                }, 9e3);
              })
              .catch(function (e) {
                if (w.console) console.error("CMP: the receipt could not be downloaded", e);
              });
          } })
        : null;
    }
    return {
      open: function (opener, kept, tab) {
        var s = core.state();
        cfg = s.cfg;
        model = s.model;
        meta = s.meta;
        ac = s.ac;
        openPreferences(opener, kept, tab);
      },
      choice: function () {
        return choice;
      },
    };
  });
})(window, document);
