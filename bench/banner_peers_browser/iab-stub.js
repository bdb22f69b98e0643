(function (w) {
  // The IAB stub's contract, as CmpApi reads it: __tcfapi() returns the queue, ping answers at once,
  // and a __tcfapiLocator frame tells iframes where the CMP is.
  var queue = [];
  w.__tcfapi = function (command, version, callback) {
    if (!arguments.length) return queue;
    if (command === "ping") callback({ gdprApplies: true, cmpLoaded: false, cmpStatus: "stub", apiVersion: "2.2" }, true);
    else queue.push([].slice.call(arguments));
  };
  (function locator() {
    if (!document.body) return setTimeout(locator, 5);
    var f = document.createElement("iframe");
    f.name = "__tcfapiLocator";
    f.style.display = "none";
    document.body.appendChild(f);
  })();
})(window);
