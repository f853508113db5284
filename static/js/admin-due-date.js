// The due date a commitment's timeline wording gives, shown beside the field as it is typed
// (the admin's agreement and commitment pages). The server reads the wording with the same
// engine as the save (tracker/admin_due_date.py); this only asks and shows the answer.
"use strict";
(function () {
  const WAIT_MS = 300;
  const latest = new WeakMap();

  function sibling(input, name) {
    // "commitments-0-timeline_wording" -> "commitments-0-deadline_milestone"
    return document.getElementById(input.id.replace(/timeline_wording$/, name));
  }

  function outputFor(input) {
    let output = input.parentNode.querySelector("output.timeline-preview");
    if (!output) {
      output = document.createElement("output");
      output.className = "timeline-preview help";
      output.setAttribute("aria-live", "polite");
      output.htmlFor = input.id;
      input.insertAdjacentElement("afterend", output);
    }
    return output;
  }

  function ask(input) {
    const params = new URLSearchParams({ wording: input.value });
    const milestone = sibling(input, "deadline_milestone");
    const signedOn = document.getElementById("id_signed_on");
    const agreement = document.getElementById("id_agreement");
    if (milestone && milestone.value) params.set("milestone", milestone.value);
    if (signedOn && signedOn.value) params.set("signed_on", signedOn.value);
    if (agreement && agreement.value) params.set("agreement", agreement.value);
    // On an agreement's own page, that agreement (its holidays, grace period and events).
    const own = window.location.pathname.match(/\/agreement\/(\d+)\/change\/$/);
    if (own && !params.has("agreement")) params.set("agreement", own[1]);
    const url = input.dataset.dueDateUrl + "?" + params.toString();
    // An answer to an earlier wording that arrives late must not replace the latest one.
    const asked = (latest.get(input) || 0) + 1;
    latest.set(input, asked);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => {
        if (answer && latest.get(input) === asked) outputFor(input).textContent = answer.message;
      })
      .catch(() => {});
  }

  const timers = new WeakMap();
  function later(input) {
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => ask(input), WAIT_MS));
  }

  function wordingOf(target) {
    if (target.matches("input[data-due-date-url]")) return target;
    if (target.matches("select[id$='deadline_milestone']")) {
      return document.getElementById(target.id.replace(/deadline_milestone$/, "timeline_wording"));
    }
    return null;
  }

  document.addEventListener("input", (event) => {
    const input = wordingOf(event.target);
    if (input) later(input);
  });
  document.addEventListener("change", (event) => {
    const input = wordingOf(event.target);
    if (input) later(input);
    if (event.target.id === "id_signed_on" || event.target.id === "id_agreement") {
      document.querySelectorAll("input[data-due-date-url]").forEach((each) => {
        if (each.value) later(each);
      });
    }
  });
})();
