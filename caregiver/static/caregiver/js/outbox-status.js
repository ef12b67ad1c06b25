// Where this phone's unsent entries stand, on every page: "All entries are saved.", "On this
// phone — will send when online (3 waiting).", a sign-in to ask for, and each entry the server
// refused or kept failing on, with its reason and what can be done (fix, send again,
// discard). Also the warning before signing out while entries wait. The entries themselves
// are outbox.js's.
(function () {
  "use strict";

  var SL = window.SeizureLog;
  if (!SL || !SL.outbox) return;
  var outbox = SL.outbox;
  var text = outbox.text;
  var fmt = SL.fmt;
  var owner = outbox.owner;
  var mine = outbox.mine;

  function button(label, onClick, extra) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button" + (extra ? " " + extra : "");
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // One listed entry or notice: "<label> — <what happened>", then its actions, led by a link
  // (`link`: {href, text, className}) when there is somewhere to go.
  function item(className, label, said, link) {
    var li = document.createElement("li");
    li.className = className;
    var what = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = label;
    what.append(strong, " — " + said);
    var actions = document.createElement("p");
    actions.className = "outbox-actions";
    if (link) {
      var a = document.createElement("a");
      a.className = link.className;
      a.href = link.href;
      a.textContent = link.text;
      actions.append(a);
    }
    li.append(what, actions);
    return { li: li, actions: actions };
  }

  function problemItem(entry) {
    var message = (entry.error && entry.error.message) || "";
    var fix = entry.fix && { href: entry.fix, text: text.fix, className: "button primary" };
    var said = entry.error && entry.error.set_aside ? fmt(text.set_aside, { n: entry.failures }) : text.refused;
    var shown = item("outbox-problem", entry.label || "", said + " " + message, fix);
    shown.actions.append(button(text.retry, function () { outbox.retry(entry.id); }));
    shown.actions.append(button(text.discard, function (event) {
      // Two steps: one stray tap must not delete an entry.
      var sure = button(text.discard_confirm, function () { outbox.discard(entry.id); }, "danger solid");
      var keep = button(text.keep, function () {
        delete document.querySelector("[data-outbox-problems]").dataset.signature;
        render();
      });
      event.target.replaceWith(sure, keep);
      sure.focus();
    }, "danger"));
    return shown.li;
  }

  function noticeItem(notice, index) {
    var open = notice.url && { href: notice.url, text: text.open, className: "button" };
    var shown = item("outbox-notice", notice.label || text.notice, notice.text, open);
    shown.actions.append(button(text.dismiss, function () { outbox.dismissNotice(index); }));
    return shown.li;
  }

  var rendering = null;
  var renderAgain = false;
  function render() {
    var status = document.querySelector("[data-outbox-status]");
    var problems = document.querySelector("[data-outbox-problems]");
    if (!status || !problems) return;
    if (rendering) { renderAgain = true; return; }
    rendering = outbox.all().then(function (all) {
      var own = all.filter(mine);
      var waiting = own.filter(function (e) { return e.state !== "rejected"; }).length;
      // Refused or set aside: not saved, so never "All entries are saved." beside them.
      var unsaved = own.length - waiting;
      var others = all.length - own.length;
      var line = "";
      var signIn = false;
      if (!owner) {
        if (all.length) line = fmt(document.querySelector("[data-offline-page]") ? text.waiting : text.signed_out, { n: all.length });
      } else if (outbox.state.signedOut && waiting) {
        line = fmt(text.signed_out, { n: waiting });
        signIn = true;
      } else if (waiting) {
        line = fmt(outbox.state.offline || navigator.onLine === false ? text.waiting : text.sending, { n: waiting });
      } else if (unsaved) {
        line = text.unsaved;
      } else if (document.querySelector('meta[name="logs-entries"]')) { // a reader has nothing to save
        line = text.saved;
      }
      if (owner && others) line += (line ? " " : "") + fmt(text.other_owner, { n: others });
      // Rewritten only when it changes, so a screen reader hears each change once.
      if (status.dataset.line !== line + signIn) {
        status.dataset.line = line + signIn;
        status.textContent = line;
        if (signIn) {
          var link = document.createElement("a");
          link.href = outbox.loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search);
          link.textContent = text.sign_in;
          status.append(" ", link);
        }
      }
      status.classList.toggle("waiting", waiting > 0);
      // An entry being fixed on this very page (the form shows its errors) is not listed twice.
      var editing = new Set(Array.prototype.map.call(
        document.querySelectorAll("[data-outbox-editing]"), function (el) { return el.dataset.outboxEditing; }));
      var refused = owner ? own.filter(function (e) { return e.state === "rejected" && !editing.has(e.key); }) : [];
      var kept = owner ? outbox.notices() : [];
      // Rebuilt only when what it lists changes, so a half-done "Discard…" is not reset.
      var signature = JSON.stringify([refused.map(function (e) { return [e.id, e.error]; }), kept]);
      if (problems.dataset.signature !== signature) {
        problems.dataset.signature = signature;
        problems.replaceChildren();
        refused.forEach(function (e) { problems.append(problemItem(e)); });
        kept.forEach(function (n, i) { problems.append(noticeItem(n, i)); });
        problems.hidden = !problems.children.length;
      }
    }).finally(function () {
      rendering = null;
      if (renderAgain) { renderAgain = false; render(); }
    });
  }

  // --- Signing out: warn while entries wait, then leave nothing of the family on the phone ---
  function signOut(form) {
    outbox.clearMine().then(function () { form.submit(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-sign-out]");
    if (!form) return;
    event.preventDefault();
    outbox.list().then(function (own) {
      var waiting = own.length;
      if (!waiting) { signOut(form); return; }
      var box = form.querySelector("[data-sign-out-warning]") || document.createElement("div");
      box.setAttribute("data-sign-out-warning", "");
      box.className = "banner conflict";
      box.setAttribute("role", "alert");
      var p = document.createElement("p");
      p.textContent = fmt(text.sign_out_warning, { n: waiting });
      var actions = document.createElement("p");
      actions.className = "outbox-actions";
      var stay = button(text.stay, function () { box.remove(); outbox.drain(); });
      actions.append(stay, button(text.sign_out_anyway, function () { signOut(form); }, "danger"));
      box.replaceChildren(p, actions);
      form.append(box);
      stay.focus();
    });
  }, true);


  document.addEventListener("outbox:changed", render);
  window.addEventListener("online", render);
  document.addEventListener("DOMContentLoaded", render);
})();
