(function (w, d) {
  var t = w.iabtcf, cmpApi = new t.CmpApi(2, 1, true), gvl = null;
  var css = ".iab-bar{position:fixed;left:0;right:0;bottom:0;z-index:9;background:#fff;color:#222;padding:16px;"
    + "box-shadow:0 -2px 12px rgba(0,0,0,.2);font:15px/1.4 system-ui,sans-serif}.iab-bar button{margin:8px 8px 0 0;"
    + "padding:10px 16px;font:inherit;border:1px solid #1d4ed8;border-radius:6px;background:#fff;color:#1d4ed8}"
    + ".iab-bar .pri{background:#1d4ed8;color:#fff}";
  function decide(all) {
    var model = new t.TCModel(gvl);
    model.cmpId = 2;
    model.cmpVersion = 1;
    model.publisherCountryCode = "FR";
    if (all) {
      model.setAllPurposeConsents();
      model.setAllVendorConsents();
      model.setAllSpecialFeatureOptins();
    }
    var tc = t.TCString.encode(model);
    d.cookie = "euconsent-v2=" + tc + ";path=/;max-age=33696000;SameSite=Lax";
    cmpApi.update(tc, false);
    bar.remove();
  }
  function whenGvl(all) {
    return function () {
      if (gvl) decide(all);
      else gvlReady.then(function () { decide(all); });
    };
  }
  function button(text, onclick, primary) {
    var b = d.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (primary) b.className = "pri";
    b.onclick = onclick;
    return b;
  }
  var style = d.createElement("style");
  style.textContent = css;
  d.head.appendChild(style);
  var bar = d.createElement("div");
  bar.className = "iab-bar";
  bar.setAttribute("role", "region");
  bar.setAttribute("aria-label", "Privacy choices");
  var text = d.createElement("p");
  text.textContent = "We and our partners store and access information on your device and process personal data. You can accept, reject or choose.";
  bar.appendChild(text);
  bar.appendChild(button("Manage preferences", function () { text.textContent = "Preferences are not part of this minimal layer."; }));
  bar.appendChild(button("Reject all", whenGvl(false)));
  bar.appendChild(button("Accept all", whenGvl(true), true));
  function show() {
    d.body.appendChild(bar);
    cmpApi.update("", true);
    // The GVL is needed only to encode the choice, so it comes after the layer is up.
    gvlReady = fetch(__GVL_URL__).then(function (r) { return r.json(); }).then(function (json) { gvl = new t.GVL(json); });
  }
  var gvlReady;
  if (d.body) show();
  else d.addEventListener("DOMContentLoaded", show);
})(window, document);
