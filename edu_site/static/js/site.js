// Progressive enhancement for every page. Each page works without it; this file only
// moves focus and announces results after htmx swaps, failed requests and full-page
// fallbacks, keeps a half-typed form across a reload, and hides the primary diagnosis from
// the differential.
// A static file with no inline script, so a Content-Security-Policy can forbid inline code.
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]";

  // --- the announcer: one polite live region in base.html -------------------------------
  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    // A short pause makes screen readers notice a message equal to the previous one.
    window.setTimeout(function () {
      region.textContent = text.replace(/\s+/g, " ").trim().slice(0, 300);
    }, 60);
  }

  // --- focus: to the control just used (data-focus), else the result the server marked
  // (data-result), else the new content's heading, else its first control.
  function focusTarget(root) {
    return (
      root.querySelector("[data-focus]") ||
      root.querySelector("[data-result]") ||
      root.querySelector("h1, h2, h3") ||
      root.querySelector(FOCUSABLE)
    );
  }

  function moveFocus(element) {
    if (!element) {
      return;
    }
    if (!element.matches(FOCUSABLE)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest" });
  }

  function settle(root) {
    var target = focusTarget(root);
    moveFocus(target);
    var message = root.querySelector("[data-announce]");
    announce(message ? message.textContent : target && target.textContent);
  }

  var swappedId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var reswap = event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Reswap");
    swappedId = event.detail.shouldSwap && reswap !== "none" ? event.detail.target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var root = swappedId && document.getElementById(swappedId);
    swappedId = null;
    if (root) {
      settle(root);
      restoreForms(root);
      bindDifferential(root);
    }
  });

  // --- a request on its way: base.html disables the buttons, and a disabled button loses
  // the focus. When the reply replaced that button, settle() above finds the new focus; when
  // the button is still there (a failure, or a refusal shown elsewhere), focus goes back to
  // it, so a keyboard user is not thrown to the top of the page.
  var focusedAtRequest = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    focusedAtRequest.set(event.detail.xhr, document.activeElement);
    document.querySelectorAll(".request-failed").forEach(function (note) {
      note.remove();
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var control = focusedAtRequest.get(event.detail.xhr);
    var lost = !document.activeElement || document.activeElement === document.body;
    if (lost && control && control.isConnected && !control.disabled) {
      control.focus({ preventScroll: true });
    }
  });
  // A failed request swaps nothing, so without a word the click would seem ignored: the
  // note goes beside the form that failed, where the learner is looking, until the next try.
  function reportFailure(elt, text) {
    var note = document.createElement("p");
    note.className = "message message-error request-failed";
    note.textContent = text;
    (elt.closest("form") || elt).insertAdjacentElement("afterend", note);
    announce(text);
  }
  document.addEventListener("htmx:responseError", function (event) {
    reportFailure(
      event.detail.elt,
      "That did not go through: the server had a problem. Try again."
    );
  });
  document.addEventListener("htmx:sendError", function (event) {
    reportFailure(
      event.detail.elt,
      "That did not go through: the server could not be reached. Try again."
    );
  });

  // A plain post that redirected back: the page says what happened in its messages.
  function settleFullPage() {
    var messages = document.querySelector("main .messages");
    if (!messages) {
      return;
    }
    moveFocus(document.querySelector("main [data-result]") || messages);
    announce(messages.textContent);
  }

  // --- forms that keep what was typed across a reload (data-persist="<key>") -----------
  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function restoreForms(root) {
    var store = storage();
    if (!store) {
      return;
    }
    root.querySelectorAll("form[data-persist]").forEach(function (form) {
      var key = "form:" + form.dataset.persist;
      var saved = JSON.parse(store.getItem(key) || "null");
      // A form the server sent back with the learner's own post keeps that post.
      if (saved && !form.hasAttribute("data-bound")) {
        Array.prototype.forEach.call(form.elements, function (field) {
          if (!field.name || field.type === "hidden" || !(field.name in saved)) {
            return;
          }
          if (field.type === "checkbox" || field.type === "radio") {
            field.checked = saved[field.name].indexOf(field.value) !== -1;
          } else {
            field.value = saved[field.name][0];
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }
        });
        announce("Restored what you had typed in this form.");
      }
      form.addEventListener("input", function () {
        var values = {};
        Array.prototype.forEach.call(form.elements, function (field) {
          if (!field.name || field.type === "hidden" || field.type === "submit") {
            return;
          }
          values[field.name] = values[field.name] || [];
          if ((field.type !== "checkbox" && field.type !== "radio") || field.checked) {
            values[field.name].push(field.value);
          }
        });
        store.setItem(key, JSON.stringify(values));
      });
      form.addEventListener("submit", function () {
        store.removeItem(key);
      });
    });
  }

  // --- the differential leaves out the diagnosis chosen as primary ---------------------
  function bindDifferential(root) {
    root.querySelectorAll("select[data-primary-diagnosis]").forEach(function (primary) {
      var update = function () {
        primary.form.querySelectorAll("select[data-ddx-of]").forEach(function (rating) {
          var isPrimary = rating.dataset.ddxOf === primary.value;
          rating.disabled = isPrimary;
          rating.closest("div").hidden = isPrimary;
        });
      };
      primary.addEventListener("change", update);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    settleFullPage();
    restoreForms(document);
    bindDifferential(document);
  });
})();
