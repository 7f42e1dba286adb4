// The batch report page (pipeline/report_html.py): opens the article named in the URL's #fragment
// and filters the article list. The page reads fine without it: every article is a <details>.
(function () {
  "use strict";
  var articles = Array.prototype.slice.call(document.querySelectorAll("details.article"));
  var search = document.getElementById("article-filter");
  var quarantinedOnly = document.getElementById("article-quarantined-only");
  var shown = document.getElementById("article-shown");

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.tagName === "DETAILS") {
      target.hidden = false;
      target.open = true;
      target.scrollIntoView();
    }
  }

  function filterArticles() {
    var words = search.value.trim().toLowerCase();
    var onlyQuarantined = quarantinedOnly.checked;
    var count = 0;
    articles.forEach(function (article) {
      var match = (!words || article.getAttribute("data-filter").indexOf(words) >= 0) &&
        (!onlyQuarantined || article.getAttribute("data-status") === "quarantined");
      article.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count + " of " + articles.length + " shown";
  }

  if (search && quarantinedOnly && shown) {
    search.addEventListener("input", filterArticles);
    quarantinedOnly.addEventListener("change", filterArticles);
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
}());
