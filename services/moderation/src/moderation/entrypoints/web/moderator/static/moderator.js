// Progressive enhancement for the moderator UI; every page works without it.
// - The queue list refreshes itself every 5 seconds, unless an item is ticked for a bulk decision.
// - On an item page: a approves (never an item flagged personal-data: there it goes to the
//   redaction instead), r goes to the rejection reason, n claims and opens the next item.
(function () {
  "use strict";

  function pollQueue(list) {
    var url = list.getAttribute("data-fragment");
    var stopped = false;
    function refresh() {
      if (stopped || list.querySelector("input[type=checkbox]:checked")) {
        return;
      }
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (response.redirected || !response.ok) {
            stopped = true;
            return null;
          }
          return response.text();
        })
        .then(function (html) {
          if (html !== null && !list.querySelector("input[type=checkbox]:checked")) {
            list.innerHTML = html;
          }
        })
        .catch(function () {});
    }
    window.setInterval(refresh, 5000);
  }

  function typing(target) {
    var name = target && target.tagName ? target.tagName.toLowerCase() : "";
    return name === "input" || name === "textarea" || name === "select" || target.isContentEditable;
  }

  function shortcuts() {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
        return;
      }
      var approve = document.getElementById("approve");
      var reason = document.getElementById("field-reason");
      var next = document.getElementById("next-item");
      var submission = document.getElementById("submission");
      var flagged = submission && submission.getAttribute("data-flagged") === "personal-data";
      if (event.key === "a" && flagged) {
        event.preventDefault();
        var redact = document.getElementById("field-redacted-text") ||
          document.getElementById("field-override");
        if (redact) {
          redact.focus();
        }
      } else if (event.key === "a" && approve) {
        event.preventDefault();
        approve.click();
      } else if (event.key === "r" && reason) {
        event.preventDefault();
        reason.focus();
      } else if (event.key === "n" && next) {
        event.preventDefault();
        next.click();
      }
    });
  }

  var list = document.getElementById("queue-list");
  if (list) {
    pollQueue(list);
  }
  if (document.getElementById("submission")) {
    shortcuts();
  }
})();
