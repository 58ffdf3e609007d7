// Pushgate portal: small enhancements over pages that work without JavaScript.
// No inline script anywhere (the CSP allows only this file and htmx); all text goes in as textContent.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  }

  // Copy buttons: hidden without JavaScript (the text is selectable anyway).
  function initCopyButtons(root) {
    root.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) {
        return;
      }
      button.hidden = false;
      if (button.dataset.bound) {
        return;
      }
      button.dataset.bound = "true";
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        if (!source) {
          return;
        }
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          var label = button.textContent;
          button.textContent = "Copied";
          announce("Copied to the clipboard");
          window.setTimeout(function () { button.textContent = label; }, 1500);
        });
      });
    });
  }

  // Errors: focus the summary, or the first field in error, so keyboard and screen-reader users land on it.
  function focusErrors(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      return;
    }
    var invalid = root.querySelector("[aria-invalid='true']");
    if (invalid) {
      invalid.focus();
    }
  }

  // The test event's live view: server-sent events update each stage as it completes.
  var source = null;
  function initTestRun(root) {
    var main = root.querySelector("[data-test-run]");
    if (source) {
      source.close();
      source = null;
    }
    if (!main || !window.EventSource) {
      return;
    }
    source = new EventSource(main.getAttribute("data-test-run"));
    var checkAgain = main.querySelector("[data-check-again]");
    if (checkAgain) {
      checkAgain.hidden = true;
    }
    source.addEventListener("progress", function (event) {
      var progress = JSON.parse(event.data);
      progress.stages.forEach(function (stage) {
        var item = main.querySelector("[data-stage='" + stage.key + "']");
        if (!item) {
          return;
        }
        item.className = "stage state-" + stage.state;
        item.querySelector(".stage-state").textContent = stateText(stage.state);
        item.querySelector(".stage-text").textContent = stage.text;
      });
      if (progress.payload) {
        main.querySelector("[data-payload]").textContent = progress.payload;
        main.querySelector("[data-payload-section]").hidden = false;
      }
      if (progress.hint) {
        main.querySelector("[data-hint-text]").textContent = progress.hint;
        main.querySelector("[data-hint]").hidden = false;
      }
      if (progress.delivered) {
        main.querySelector("[data-result='delivered']").hidden = false;
        announce("The test push arrived");
      }
      if (progress.finished) {
        source.close();
        source = null;
      }
    });
    source.addEventListener("ended", function () {
      source.close();
      window.location.assign("/sign-in?ended");
    });
  }

  function stateText(state) {
    return { done: "Done", failed: "Failed", waiting: "In progress" }[state] || "Not yet";
  }

  function init(root) {
    initCopyButtons(root);
    initTestRun(document);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { initCopyButtons(event.target); });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === document.body) {
      initTestRun(document);
      focusErrors(document);
    }
  });
})();
