// The console's only script: copy buttons (the page works without it; the text stays selectable).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var text = document.getElementById(button.getAttribute("data-copy")).textContent;
  var status = document.getElementById(button.getAttribute("aria-describedby"));
  navigator.clipboard.writeText(text).then(
    function () {
      if (status) status.textContent = "Copied to the clipboard.";
    },
    function () {
      if (status) status.textContent = "Copying was refused by the browser: select the text and copy it.";
    }
  );
});
