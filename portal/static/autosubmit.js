// Hand-over pages (e.g. to a signing provider): submit the marked form, or follow the marked link,
// as soon as the page loads. Without JavaScript the visible button or link does the same.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autosubmit]");
  if (!target) return;
  if (target.tagName === "FORM") target.submit();
  else window.location.assign(target.href);
});
