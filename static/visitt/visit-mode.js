/* The visit mode: notes that are never lost.
 *
 * Every note field is a real form that works without this script. With it:
 * - a note saves by itself about a second after typing stops, and when leaving the field;
 * - the latest unsaved text is kept in localStorage (per visit and question) until the
 *   server has it, so a reload or a lost connection loses nothing;
 * - when offline or a request fails, the field says "Not saved yet" and the script tries
 *   again when the browser is online, and every few seconds;
 * - one save at a time per field (a queue of one): a newer text waits for the running
 *   save and is then sent with the new version;
 * - a stale version (409) opens the conflict box with both texts, and autosave for that
 *   field waits until the writer chooses;
 * - the personal-data guard's answer (422) is shown; a blocked text is not kept in the
 *   browser's storage.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 1000;
  var RETRY_MS = 5000;
  var root = document.querySelector("[data-visit-mode]");
  if (!root) return;
  var texts = root.dataset;

  function storageKey(form) {
    return "visitt:note:" + form.dataset.visit + ":" + form.dataset.key;
  }

  function readStored(form) {
    try {
      var raw = window.localStorage.getItem(storageKey(form));
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  function writeStored(form, text, version) {
    try {
      window.localStorage.setItem(
        storageKey(form),
        JSON.stringify({ text: text, version: version, at: Date.now() })
      );
    } catch (error) {
      /* storage full or disabled: the server save still runs */
    }
  }

  function clearStored(form) {
    try {
      window.localStorage.removeItem(storageKey(form));
    } catch (error) {
      /* ignore */
    }
  }

  function Field(form) {
    this.form = form;
    this.textarea = form.querySelector("textarea[name=text]");
    this.version = form.querySelector("[data-version]");
    this.status = form.querySelector("[data-status]");
    this.conflict = form.querySelector("[data-conflict]");
    this.theirs = form.querySelector("[data-theirs]");
    this.conflictBy = form.querySelector("[data-conflict-by]");
    this.guard = form.querySelector("[data-guard]");
    this.guardMessages = form.querySelector("[data-guard-messages]");
    this.reasonBox = form.querySelector("[data-reason]");
    this.reason = form.querySelector("[name=override_reason]");
    this.savedText = this.textarea.value; // what the server has, as far as we know
    this.inFlight = false;
    this.again = false; // another save was asked for while one was running
    this.timer = null;
    this.retryTimer = null;
    this.paused = !this.conflict.hidden || !this.guard.hidden; // waiting for the writer
    this.init();
  }

  Field.prototype.init = function () {
    var self = this;
    var jsOnly = this.form.querySelectorAll("[data-js-only]");
    for (var i = 0; i < jsOnly.length; i++) jsOnly[i].hidden = false;

    var stored = readStored(this.form);
    if (stored && typeof stored.text === "string") {
      if (stored.text === this.textarea.value) {
        clearStored(this.form);
      } else {
        // Restore what was typed but not saved, based on the version it was typed on:
        // if someone saved in between, the server answers with a conflict.
        this.textarea.value = stored.text;
        if (typeof stored.version === "number") this.version.value = String(stored.version);
        this.setStatus(texts.textUnsaved, "unsaved");
        this.schedule(0);
      }
    }

    this.textarea.addEventListener("input", function () {
      writeStored(self.form, self.textarea.value, Number(self.version.value));
      if (!self.guard.hidden) {
        // The text is being rephrased: the server checks it again on the next save,
        // and a reason given for the old text does not carry over.
        self.guard.hidden = true;
        if (self.reason) self.reason.value = "";
      }
      if (self.conflict.hidden && self.guard.hidden) self.paused = false;
      self.setStatus(texts.textUnsaved, "unsaved");
      self.schedule(DEBOUNCE_MS);
    });
    this.textarea.addEventListener("blur", function () {
      if (self.textarea.value !== self.savedText) self.schedule(0);
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.paused = false;
      self.schedule(0);
    });
    this.form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button) return;
      var action = button.dataset.action;
      if (action === "theirs") {
        self.textarea.value = self.theirs.value;
        self.savedText = self.theirs.value;
        clearStored(self.form);
        self.closeConflict();
        self.setStatus("", "saved");
        self.textarea.focus();
      } else if (action === "merge") {
        var mine = self.textarea.value;
        self.textarea.value = mine ? mine + "\n\n" + self.theirs.value : self.theirs.value;
        writeStored(self.form, self.textarea.value, Number(self.version.value));
        self.textarea.focus();
      } else if (action === "mine") {
        self.paused = false;
        self.schedule(0);
      }
    });
  };

  Field.prototype.setStatus = function (message, state) {
    this.status.textContent = message;
    this.status.dataset.state = state;
  };

  Field.prototype.closeConflict = function () {
    this.conflict.hidden = true;
    this.paused = false;
  };

  Field.prototype.schedule = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.save();
    }, delay);
  };

  Field.prototype.retryLater = function () {
    var self = this;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(function () {
      if (self.textarea.value !== self.savedText || readStored(self.form)) self.save();
    }, RETRY_MS);
  };

  Field.prototype.save = function () {
    var self = this;
    if (this.paused) return;
    if (this.inFlight) {
      this.again = true; // the queue: send after the running save, with its new version
      return;
    }
    var text = this.textarea.value;
    if (text === this.savedText && !readStored(this.form)) return;
    this.inFlight = true;
    this.again = false;
    window.clearTimeout(this.retryTimer);
    this.setStatus(texts.textSaving, "saving");
    var body = new FormData(this.form);
    body.set("text", text);
    fetch(this.form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("unexpected answer " + response.status);
        }
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (answer) {
        self.inFlight = false;
        self.handle(answer.status, answer.data, text);
      })
      .catch(function () {
        self.inFlight = false;
        self.setStatus(navigator.onLine === false ? texts.textOffline : texts.textUnsaved, "error");
        self.retryLater();
      });
  };

  Field.prototype.handle = function (status, data, sent) {
    if (status === 200 && data.status === "saved") {
      this.version.value = String(data.version);
      this.savedText = sent;
      if (this.reason) this.reason.value = "";
      this.guard.hidden = true;
      if (!this.conflict.hidden) this.closeConflict();
      if (this.textarea.value === sent) {
        clearStored(this.form);
        this.setStatus(data.message, "saved");
      } else {
        writeStored(this.form, this.textarea.value, data.version);
        this.setStatus(texts.textUnsaved, "unsaved");
        this.schedule(this.again ? 0 : DEBOUNCE_MS);
      }
      return;
    }
    if (status === 409) {
      // Keep mine in the field (and in storage, on the new version), show theirs.
      this.version.value = String(data.version);
      writeStored(this.form, this.textarea.value, data.version);
      this.theirs.value = data.text || "";
      this.conflictBy.textContent = data.updated_by ? data.updated_by : "";
      this.conflict.hidden = false;
      this.paused = true;
      this.setStatus(texts.textConflict, "error");
      return;
    }
    if (status === 422) {
      this.showGuard(data);
      return;
    }
    this.setStatus(
      (data.messages && data.messages.join(" ")) || texts.textError,
      "error"
    );
  };

  Field.prototype.showGuard = function (data) {
    this.guardMessages.textContent = "";
    var messages = data.messages || [];
    for (var i = 0; i < messages.length; i++) {
      var item = document.createElement("li");
      item.textContent = messages[i];
      this.guardMessages.appendChild(item);
    }
    var blocked = data.status === "blocked";
    this.guard.dataset.color = blocked ? "danger" : "warning";
    this.reasonBox.hidden = blocked;
    this.guard.hidden = false;
    this.paused = !blocked; // a warning waits for a reason or a rephrased text
    if (blocked) {
      // Never keep a national identity number in the browser's storage.
      clearStored(this.form);
      this.setStatus(texts.textBlocked, "error");
    } else {
      this.setStatus(texts.textWarning, "error");
    }
  };

  var fields = [];
  var forms = root.querySelectorAll("[data-note-form]");
  for (var i = 0; i < forms.length; i++) fields.push(new Field(forms[i]));

  window.addEventListener("online", function () {
    for (var j = 0; j < fields.length; j++) {
      var field = fields[j];
      if (field.textarea.value !== field.savedText || readStored(field.form)) field.save();
    }
  });
})();
