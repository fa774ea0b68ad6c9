/* Narrows a long list of grouped checkboxes (templates/includes/grouped_checkboxes.html) to
   the entries whose label, or whose group's name, holds the words typed, accents and case
   aside. Without this script the filter stays hidden and every checkbox is shown. */
(function () {
  "use strict";

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function setUp(input) {
    if (input.dataset.ready) {
      return;
    }
    input.dataset.ready = "1";
    var box = document.getElementById(input.getAttribute("data-choice-filter"));
    var wrapper = input.closest(".choice-filter");
    var count = wrapper.querySelector("[data-choice-count]");
    wrapper.hidden = false;
    input.addEventListener("input", function () {
      var words = plain(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      box.querySelectorAll("[data-choice-group]").forEach(function (group) {
        var groupName = plain(group.querySelector("legend").textContent);
        var groupShown = 0;
        group.querySelectorAll("[data-choice]").forEach(function (item) {
          var text = groupName + " " + plain(item.textContent);
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          item.hidden = !match;
          if (match) {
            groupShown += 1;
          }
        });
        group.hidden = groupShown === 0;
        shown += groupShown;
      });
      if (!words.length) {
        count.textContent = "";
      } else if (shown === 0) {
        count.textContent = count.dataset.none;
      } else if (shown === 1) {
        count.textContent = count.dataset.one;
      } else {
        count.textContent = count.dataset.many.replace("NOMBRE", String(shown));
      }
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-choice-filter]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
