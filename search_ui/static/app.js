// Enhancements only: every page works without this file.
(function () {
  "use strict";

  // Document page: "match 3 of 7" with previous/next buttons and the n / p keys.
  var nav = document.querySelector("nav.matches");
  var marks = Array.prototype.slice.call(document.querySelectorAll(".body mark[id]"));
  if (nav && marks.length) {
    var counter = nav.querySelector(".counter");
    var prev = nav.querySelector("a.prev");
    var next = nav.querySelector("a.next");
    var total = marks.length;
    var current = -1;
    var show = function (i) {
      if (current >= 0) { marks[current].classList.remove("current"); }
      current = (i + total) % total;
      var m = marks[current];
      m.classList.add("current");
      m.scrollIntoView({ block: "center" });
      counter.textContent = "Match " + (current + 1) + " of " + total;
      prev.href = "#m" + (((current - 1 + total) % total) + 1);
      next.href = "#m" + (((current + 1) % total) + 1);
      history.replaceState(null, "", "#" + m.id);
    };
    prev.addEventListener("click", function (e) { e.preventDefault(); show(current - 1); });
    next.addEventListener("click", function (e) { e.preventDefault(); show(current + 1); });
    document.addEventListener("keydown", function (e) {
      var tag = (e.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (e.key === "n") { show(current + 1); }
      if (e.key === "p") { show(current - 1); }
    });
    var start = /^#m(\d+)$/.exec(location.hash);
    if (start) { show(parseInt(start[1], 10) - 1); }
  }

  // Citations: copy buttons.
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (b) {
    if (!navigator.clipboard) { return; }
    b.hidden = false;
    b.addEventListener("click", function () {
      var text = document.getElementById(b.getAttribute("data-copy")).textContent;
      navigator.clipboard.writeText(text).then(function () {
        b.textContent = "Copied";
        setTimeout(function () { b.textContent = "Copy"; }, 1500);
      });
    });
  });

  // Search form: a new sort order applies at once.
  var sort = document.querySelector("form.search select[name=sort]");
  if (sort) { sort.addEventListener("change", function () { sort.form.submit(); }); }
})();
