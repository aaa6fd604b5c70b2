/*
 * The moderation queue's script: the same forms as without it, sent
 * with fetch (format=json, the form's CSRF token) so a row changes in
 * place.  Keys as in WordPress's comment screen: j and k move, a
 * approves, s marks as spam, d trashes, r opens a reply under the row,
 * z or u undoes the last action, x ticks the row; never while typing.
 * What happened is said in the status line (role=status), which a
 * screen reader reads out, with an Undo button.
 */
(function () {
	"use strict";

	var queue = document.getElementById("queue");
	var status = document.getElementById("queue-status");
	var message = document.getElementById("queue-message");
	if (!queue || !status || !message || !window.fetch)
		return;
	/* The page's language, through galley.js (English without it). */
	var t = window.galleyText ? window.galleyText.t : function (s) {
		return s;
	};
	var csrf = queue.getAttribute("data-csrf");
	var rows = Array.prototype.slice.call(
	    queue.querySelectorAll("tr.queue-row"));
	var cur = -1;
	var last = null;	/* the last action: {row, id, undo} */
	var busy = false;
	var undoButton = document.createElement("button");

	undoButton.type = "button";
	undoButton.className = "queue-undo-js";
	undoButton.textContent = t("Undo");
	undoButton.hidden = true;
	status.appendChild(undoButton);
	document.getElementById("queue-keys").hidden = false;

	function say(text, canUndo) {
		/* Emptied first, so the same words twice are read twice. */
		message.textContent = "";
		window.setTimeout(function () {
			message.textContent = text;
		}, 50);
		undoButton.hidden = !canUndo;
	}

	function select(i, focus) {
		if (i < 0 || i >= rows.length)
			return;
		if (cur >= 0 && rows[cur])
			rows[cur].classList.remove("selected");
		cur = i;
		rows[cur].classList.add("selected");
		if (focus !== false)
			rows[cur].focus();
	}

	function setStatus(row, st, word) {
		row.className = row.className.replace(/\bstatus-[a-z]+/,
		    "status-" + st);
		row.setAttribute("data-status", st);
		var w = row.querySelector(".status-word");
		if (w)
			w.textContent = word || st;
	}

	function post(fields) {
		var body = new URLSearchParams();
		body.append("csrf", csrf);
		body.append("format", "json");
		Object.keys(fields).forEach(function (k) {
			body.append(k, fields[k]);
		});
		return fetch(queue.getAttribute("action"), {
			method: "POST", body: body, credentials: "same-origin",
			headers: { "Accept": "application/json" }
		}).then(function (res) {
			return res.json().catch(function () {
				return { error: t("The server did not answer" +
				    " (%s). Reload the page.").split("%s")
				    .join(res.status) };
			});
		});
	}

	function failed(e) {
		busy = false;
		say(e && e.error ? e.error : t("That did not work: reload" +
		    " the page and try again."), false);
	}

	function act(row, action) {
		if (busy || !row)
			return;
		busy = true;
		var id = row.getAttribute("data-id");
		post({ row: action + "-" + id }).then(function (j) {
			busy = false;
			if (j.error)
				return failed(j);
			if (j.status === "deleted") {
				var i = rows.indexOf(row);
				row.remove();
				rows.splice(i, 1);
				cur = -1;
				select(Math.min(i, rows.length - 1));
				say(j.message, false);
				return;
			}
			setStatus(row, j.status, j.status_word);
			last = { row: row, id: id, undo: j.undo };
			say(j.message, true);
			var i = rows.indexOf(row);
			select(i + 1 < rows.length ? i + 1 : i);
		}, failed);
	}

	function undo() {
		if (busy || !last)
			return;
		busy = true;
		var l = last;
		post({ action: "undo", id: l.id, was_status: l.undo.status,
		    was_trained: l.undo.trained }).then(function (j) {
			busy = false;
			if (j.error)
				return failed(j);
			last = null;
			setStatus(l.row, j.status, j.status_word);
			select(rows.indexOf(l.row));
			say(j.message, false);
		}, failed);
	}

	function closeReply(tr, row) {
		tr.remove();
		select(rows.indexOf(row));
	}

	function reply(row) {
		if (!row || row.nextElementSibling &&
		    row.nextElementSibling.classList.contains("queue-reply-row"))
			return;
		var tmpl = document.getElementById("queue-reply");
		var tr = tmpl.content.firstElementChild.cloneNode(true);
		var form = tr.querySelector("form");
		var text = tr.querySelector("textarea");
		var who = row.querySelector("strong");
		text.setAttribute("aria-label", who ? t("Your reply to %s")
		    .split("%s").join(who.textContent) :
		    t("Your reply to the comment"));
		row.after(tr);
		text.focus();
		tr.querySelector(".queue-reply-cancel").addEventListener(
		    "click", function () { closeReply(tr, row); });
		text.addEventListener("keydown", function (ev) {
			if (ev.key === "Escape")
				closeReply(tr, row);
		});
		form.addEventListener("submit", function (ev) {
			ev.preventDefault();
			if (busy)
				return;
			busy = true;
			post({ action: "reply", id: row.getAttribute("data-id"),
			    content: text.value }).then(function (j) {
				busy = false;
				if (j.error)
					return failed(j);
				setStatus(row, j.status, j.status_word);
				closeReply(tr, row);
				say(j.message, false);
			}, failed);
		});
	}

	queue.addEventListener("click", function (ev) {
		var b = ev.target.closest("[data-action]");
		if (!b)
			return;
		var row = b.closest("tr.queue-row");
		ev.preventDefault();
		select(rows.indexOf(row), false);
		if (b.getAttribute("data-action") === "reply")
			reply(row);
		else
			act(row, b.getAttribute("data-action"));
	});
	undoButton.addEventListener("click", undo);

	var keys = {
		j: function () { select(cur + 1); },
		k: function () { select(cur > 0 ? cur - 1 : 0); },
		a: function () { act(rows[cur], "approve"); },
		s: function () { act(rows[cur], "spam"); },
		d: function () { act(rows[cur], "trash"); },
		r: function () { reply(rows[cur]); },
		z: undo,
		u: undo,
		x: function () {
			var c = rows[cur] && rows[cur].querySelector(
			    "input[type=checkbox]");
			if (c)
				c.checked = !c.checked;
		}
	};

	document.addEventListener("keydown", function (ev) {
		var el = ev.target;
		if (ev.ctrlKey || ev.metaKey || ev.altKey || el.isContentEditable ||
		    /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))
			return;
		var fn = keys[ev.key];
		if (!fn)
			return;
		/* A key that acts on a row picks the first if none is. */
		if (cur < 0 && ev.key !== "z" && ev.key !== "u") {
			select(0);
			if (ev.key === "j")
				return;
		}
		ev.preventDefault();
		fn();
	});
})();
