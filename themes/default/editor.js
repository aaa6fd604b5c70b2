/*
 * The post editor's script (admin-edit.mustache); the editor works
 * without it.  It counts words as one types (as the server counts
 * them), autosaves what is typed every few seconds to the writer's
 * autosave (a CSRF-checked POST; the first one of a new post makes its
 * draft, whose id the form takes), refreshes the preview beside the
 * text once typing pauses (the form sent into the sandboxed frame), and
 * opens the library's pictures as a dialog that puts a picture's
 * Markdown at the cursor, uploads included.
 */
(function () {
	"use strict";

	var form = document.getElementById("editor");
	if (!form)
		return;
	var body = document.getElementById("body");
	var count = document.getElementById("word-count");
	var status = document.getElementById("autosave-status");
	var idField = form.querySelector("input[name=id]");
	/* The page's language, through galley.js (English without it). */
	var text = window.galleyText || {
		t: function (s) { return s; },
		n: function (one, many, n) {
			return (n === 1 ? one : many).replace("%d", String(n));
		}
	};
	var t = text.t;
	var AUTOSAVE_MS = 5000, PREVIEW_MS = 1500;
	var dirty = false, saving = false, leaving = false, previewTimer = null;

	/* page_admin_posts.c's word_count: runs between ASCII spaces. */
	function words(s) {
		var n = 0;
		s.split(/[ \t\n\v\f\r]+/).forEach(function (w) {
			if (/[A-Za-z0-9\u0080-\uffff]/.test(w))
				n++;
		});
		return n;
	}

	function counted() {
		var n = words(body.value);
		count.textContent = text.n("%d word", "%d words", n);
	}

	/* The form's fields, without a chosen file, with action set. */
	function fields(action) {
		var fd = new FormData(form);
		fd.delete("image");
		fd.set("action", action);
		return fd;
	}

	/* POSTs fd to the editor's address: its JSON, or its error thrown. */
	function send(fd) {
		return fetch(form.getAttribute("action"), { method: "POST",
		    body: fd, credentials: "same-origin" }).then(function (res) {
			return res.json().then(function (j) {
				if (!res.ok)
					throw new Error(j.error || res.status);
				return j;
			});
		});
	}

	function autosave() {
		if (!dirty || saving)
			return;
		dirty = false;
		saving = true;
		send(fields("autosave")).then(function (j) {
			if (idField.value === "" || idField.value === "0") {
				idField.value = String(j.id);
				history.replaceState(null, "", "?edit=" + j.id);
			}
			status.textContent = t("Draft autosaved at %s.")
			    .split("%s").join(j.time);
		}).catch(function (e) {
			dirty = true;
			status.textContent = t("Not autosaved: %s")
			    .split("%s").join(e.message);
		}).then(function () {
			saving = false;
		});
	}

	/*
	 * The form, as it stands, into the preview frame (no state changes),
	 * as a copy of its fields: a second submit of the form itself would
	 * cancel a save clicked just before.
	 */
	function preview() {
		if (leaving)
			return;
		var copy = document.createElement("form");
		copy.method = "post";
		copy.action = form.getAttribute("action");
		copy.enctype = "multipart/form-data";
		copy.target = "preview-frame";
		copy.hidden = true;
		fields("preview_page").forEach(function (v, k) {
			var input = document.createElement("input");
			input.type = "hidden";
			input.name = k;
			input.value = v;
			copy.appendChild(input);
		});
		document.body.appendChild(copy);
		copy.submit();
		document.body.removeChild(copy);
	}

	function typed() {
		dirty = true;
		counted();
		clearTimeout(previewTimer);
		previewTimer = setTimeout(preview, PREVIEW_MS);
	}

	/* Inserts text at the text's cursor (or where it last was). */
	var cursor = null;
	function insert(text) {
		var at = cursor !== null ? cursor : body.value.length;
		var before = body.value.slice(0, at), after = body.value.slice(at);
		var pad = before === "" || /\n$/.test(before) ? "" : "\n\n";
		body.value = before + pad + text + "\n" + after;
		cursor = at + pad.length + text.length + 1;
		body.focus();
		body.setSelectionRange(cursor, cursor);
		typed();
	}
	body.addEventListener("blur", function () {
		cursor = body.selectionStart;
	});

	/* The picker: the library's list as a dialog. */
	var list = document.getElementById("pictures");
	var dialog = document.createElement("dialog");
	dialog.className = "editor-picker";
	dialog.setAttribute("aria-labelledby", "picker-title");
	var title = document.createElement("h2");
	title.id = "picker-title";
	title.textContent = t("Insert a picture");
	var close = document.createElement("button");
	close.type = "button";
	close.textContent = t("Close");
	close.addEventListener("click", function () {
		dialog.close();
	});
	dialog.appendChild(title);
	document.body.appendChild(dialog);
	function pickable(button) {
		button.hidden = false;
		button.addEventListener("click", function () {
			if (dialog.open)
				dialog.close();
			insert(button.getAttribute("data-markdown"));
		});
	}
	Array.prototype.forEach.call(list.querySelectorAll("button.pick"),
	    pickable);
	var open = document.getElementById("picker-open");
	open.hidden = false;
	open.addEventListener("click", function () {
		cursor = body.selectionStart;
		dialog.appendChild(list);
		dialog.appendChild(close);
		dialog.showModal();
	});
	dialog.addEventListener("close", function () {
		document.getElementById("editor-media").appendChild(list);
	});

	/* Upload: into the library, then its Markdown at the cursor. */
	document.getElementById("upload").addEventListener("click",
	    function (ev) {
		var fd = fields("upload");
		var file = document.getElementById("image");
		if (!file.files.length)
			return;		/* the server says what is missing */
		ev.preventDefault();
		fd.set("image", file.files[0]);
		fd.set("json", "1");
		send(fd).then(function (j) {
			var li = document.createElement("li");
			var img = document.createElement("img");
			var b = document.createElement("button");
			img.src = j.src;
			img.alt = "";
			img.width = 120;
			b.type = "button";
			b.className = "pick";
			b.textContent = t("Insert");
			b.setAttribute("data-markdown", j.markdown);
			li.appendChild(img);
			li.appendChild(b);
			list.insertBefore(li, list.firstChild);
			pickable(b);
			file.value = "";
			insert(j.markdown);
			status.textContent = t("The picture was uploaded.");
		}).catch(function (e) {
			status.textContent = t("Not uploaded: %s")
			    .split("%s").join(e.message);
		});
	});

	body.addEventListener("input", typed);
	["title", "excerpt"].forEach(function (id) {
		document.getElementById(id).addEventListener("input", typed);
	});
	/* A save sends what autosave would have; no preview follows it. */
	form.addEventListener("submit", function (ev) {
		if (ev.submitter && ev.submitter.value === "preview_page")
			return;
		dirty = false;
		leaving = true;
		clearTimeout(previewTimer);
	});
	setInterval(autosave, AUTOSAVE_MS);
	counted();
	preview();
})();
