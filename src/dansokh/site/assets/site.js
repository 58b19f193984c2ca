/* dansokh site: search over units and indicators (and, for site2's tables, sorting).
   No network: the index comes from search-index.js, loaded when the search box is first used,
   so that it works from file:// where fetch() of a local file is refused. */
(function () {
  "use strict";

  /* The same folding as dansokh/site/fold.py: decomposed, marks dropped (so the tone mark's
     placement cannot matter), đ as d, lower case, spaces collapsed. */
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }
  window.dansokhFold = fold;

  var LIMIT = 20;
  var root = document.body.getAttribute("data-root") || "";

  function loadIndex(done) {
    if (window.DANSOKH_SEARCH) { done(window.DANSOKH_SEARCH); return; }
    var script = document.createElement("script");
    script.src = root + "search-index.js";
    script.onload = function () { done(window.DANSOKH_SEARCH || { entries: [] }); };
    document.head.appendChild(script);
  }

  function find(index, query) {
    var words = fold(query).split(" ").filter(Boolean);
    if (!words.length) { return []; }
    var found = [];
    for (var i = 0; i < index.entries.length && found.length < LIMIT; i++) {
      var entry = index.entries[i];
      var folded = entry[1];
      if (words.every(function (word) { return folded.indexOf(word) >= 0; })) { found.push(entry); }
    }
    return found;
  }

  function show(list, entries, query) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!query.trim()) { return; }
    if (!entries.length) {
      var none = document.createElement("li");
      none.textContent = list.getAttribute("data-none") || "";
      list.appendChild(none);
      return;
    }
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + entry[3];
      link.textContent = entry[0];
      item.appendChild(link);
      if (entry[4]) {
        var detail = document.createElement("span");
        detail.className = "detail";
        detail.textContent = " · " + entry[4];
        item.appendChild(detail);
      }
      list.appendChild(item);
    });
  }

  function setUpSearch() {
    var input = document.getElementById("search");
    var list = document.getElementById("search-results");
    if (!input || !list) { return; }
    var index = null;
    function update() {
      if (index) { show(list, find(index, input.value), input.value); return; }
      loadIndex(function (loaded) { index = loaded; show(list, find(index, input.value), input.value); });
    }
    input.addEventListener("input", update);
    input.addEventListener("focus", function () { if (!index) { loadIndex(function (loaded) { index = loaded; }); } });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; show(list, [], ""); }
      if (event.key === "Enter") {
        var first = list.querySelector("a");
        if (first) { window.location.href = first.href; }
      }
    });
    if (input.value) { update(); }
  }

  /* Tables with class "sortable": a <button> in a <th scope="col"> sorts by that column;
     a cell's data-value (dot decimal) sorts numerically, else its text. */
  function setUpSorting() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      var headers = table.querySelectorAll("thead th");
      Array.prototype.forEach.call(headers, function (th, column) {
        var button = th.querySelector("button");
        if (!button) { return; }
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(headers, function (other) { if (other.querySelector("button")) { other.setAttribute("aria-sort", "none"); } });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          function key(row) {
            var cell = row.cells[column];
            if (!cell) { return ""; }
            var value = cell.getAttribute("data-value");
            if (value !== null && value !== "" && !isNaN(Number(value))) { return Number(value); }
            return fold(cell.textContent);
          }
          rows.sort(function (a, b) {
            var x = key(a), y = key(b);
            var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "vi");
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  setUpSearch();
  setUpSorting();
}());
