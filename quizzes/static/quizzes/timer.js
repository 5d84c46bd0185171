// Countdown for timed attempts. The server holds the deadline and closes the attempt
// whatever this script does; the script only shows the time left and, at zero,
// reloads the page so the server can hand the attempt in and show the results.
(function () {
  "use strict";
  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }
  function start(timer) {
    var display = timer.querySelector("[data-timer-display]");
    var endsAt = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      display.textContent = format(left);
      timer.classList.toggle("is-urgent", left <= 60);
      if (left === 0) {
        window.clearInterval(interval);
        window.location.assign(timer.dataset.reloadUrl);
      }
    };
    var interval = window.setInterval(tick, 1000);
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".quiz-timer[data-seconds-left]").forEach(start);
  });
})();
