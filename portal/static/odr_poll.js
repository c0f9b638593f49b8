// ODR room: fetch new messages every few seconds and append them, so the page stays current without
// reloading. Progressive enhancement only: without JavaScript the "Refresh" link reloads the page.
// Text is set with textContent, never innerHTML, so a message cannot inject markup.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(m) {
    var li = el("li", "odr-message odr-" + m.side + " odr-unread");
    li.id = "m" + m.id;
    li.setAttribute("data-id", m.id);
    var article = el("article");
    var meta = el("p", "odr-meta");
    meta.appendChild(el("strong", "", m.author));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("span", "status", m.side));
    meta.appendChild(document.createTextNode(" " + m.at));
    article.appendChild(meta);
    article.appendChild(el("p", "odr-body", m.body));
    if (m.attachment) {
      var p = el("p", "odr-attachment", "Attachment: ");
      var a = el("a", "", m.attachment.filename);
      a.href = m.attachment.url;
      p.appendChild(a);
      article.appendChild(p);
    }
    li.appendChild(article);
    var replies = el("ol", "odr-replies");
    replies.setAttribute("data-replies-of", m.id);
    li.appendChild(replies);
    return li;
  }

  function start(section) {
    var list = document.getElementById("messages");
    var status = document.getElementById("poll-status");
    var url = section.getAttribute("data-poll-url");
    var after = parseInt(section.getAttribute("data-after"), 10) || 0;
    var busy = false;

    function poll() {
      if (busy || document.hidden) return;
      busy = true;
      var sep = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + sep + "after=" + after, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (resp) {
          if (!resp.ok) throw new Error("HTTP " + resp.status);
          return resp.json();
        })
        .then(function (data) {
          data.messages.forEach(function (m) {
            if (document.getElementById("m" + m.id)) return;
            var parent = m.reply_to && document.querySelector('[data-replies-of="' + m.reply_to + '"]');
            (parent || list).appendChild(render(m));
          });
          if (data.messages.length) {
            var empty = document.getElementById("no-messages");
            if (empty) empty.remove();
            status.textContent = data.messages.length + " new message(s).";
          }
          after = Math.max(after, data.last_id);
        })
        .catch(function () {
          status.textContent = "Could not check for new messages; use Refresh.";
        })
        .then(function () { busy = false; });
    }

    window.setInterval(poll, INTERVAL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("conversation");
    if (section && window.fetch) start(section);
  });
})();
