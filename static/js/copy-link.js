/* "Copier" beside a read-only link (templates/maturity/guest_link.html): copies it and says so.
   Without this script the button stays hidden and the field is selected and copied by hand. */
(function () {
  "use strict";

  function setUp(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(field.id + "-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        status.textContent = button.dataset.copied;
      }
      function failed() {
        field.focus();
        field.select();
        status.textContent = button.dataset.failed;
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, failed);
      } else {
        field.select();
        try {
          if (document.execCommand("copy")) {
            done();
          } else {
            failed();
          }
        } catch (error) {
          failed();
        }
      }
    });
  }

  function setUpAll() {
    document.querySelectorAll("button[data-copy]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
