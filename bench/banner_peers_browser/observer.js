// Runs before any script of the page (Playwright init script). Shadow roots are recorded as they are
// attached, open or closed, so that a banner inside one is found too.
(() => {
  const B = (window.__bench = { longtasks: [], events: [], dl: [], acceptAt: null, tcdataAt: null });
  const roots = [document];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    roots.push(root);
    return root;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      B.events.push({ name: e.name, start: e.startTime, duration: e.duration, id: e.interactionId });
  }).observe({ type: "event", durationThreshold: 16, buffered: true });
  const layer = (window.dataLayer = []);
  const push = Array.prototype.push;
  layer.push = function () {
    for (const a of arguments) B.dl.push([performance.now(), a && a[0], a && a[1]]);
    return push.apply(this, arguments);
  };
  const SELECTOR = "button, [role=button], [role=tab], a, input[type=button], input[type=submit]";
  function visible(el) {
    if (!el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth)
      return false;
    return el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  }
  B.find = (pattern) => {
    const rx = new RegExp(pattern, "i");
    for (const root of roots)
      for (const el of root.querySelectorAll(SELECTOR)) {
        const label = (el.textContent || el.value || "").replace(/\s+/g, " ").trim();
        if (rx.test(label) && visible(el)) return el;
      }
    return null;
  };
  B.box = (pattern) => {
    const el = B.find(pattern);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  };
  B.elements = () => roots.reduce((n, root) => n + root.querySelectorAll("*").length, 0);
  // The vendor list is up when the visible tab panel holds a search field or a switch.
  B.vendorListShown = () => {
    for (const root of roots)
      for (const panel of root.querySelectorAll("[role=tabpanel]"))
        if (!panel.hidden && panel.checkVisibility() &&
            [...panel.querySelectorAll("input")].some((i) => i.checkVisibility() && (i.type === "search" || i.type === "checkbox" || /search/i.test(i.placeholder))))
          return true;
    return false;
  };
  function scan() {
    if (B.find(__ACCEPT_PATTERN__)) B.acceptAt = performance.now();
    else requestAnimationFrame(scan);
  }
  requestAnimationFrame(scan);
})();
