/*
 * Galley's only script: it improves pages that already work without it.
 * Video facades: a click on a placeholder swaps in the YouTube player
 * (youtube-nocookie.com); until then the page makes no request to YouTube.
 * Reply links move the form under their comment; a remembered commenter's
 * details fill the form.
 */
(function () {
	"use strict";

	/* The page's language: its text by English text (layout.mustache). */
	var text = {};
	try {
		text = JSON.parse(document.getElementById("galley-text")
		    .textContent);
	} catch (e) { /* English: no such element */ }

	function t(s) {
		return typeof text[s] === "string" ? text[s] : s;
	}

	/* The form of one/many ("%d words") count n takes, n in it. */
	function tn(one, many, n) {
		var f = text[one], p = text["%plural"];
		var s = n === 1 ? one : many;
		if (Array.isArray(f) && typeof p === "string")
			s = f[+p.charAt(n < 200 ? n : 100 + n % 100)] || s;
		return s.replace("%d", String(n));
	}

	/* The admin's scripts write through these too. */
	window.galleyText = { t: t, n: tn };

	function play(figure) {
		var id = figure.getAttribute("data-youtube");
		var start = figure.getAttribute("data-start");
		if (!/^[A-Za-z0-9_-]{11}$/.test(id || ""))
			return false;
		var src = "https://www.youtube-nocookie.com/embed/" + id +
		    "?autoplay=1" + (/^[0-9]+$/.test(start || "") ?
		    "&start=" + start : "");
		var frame = document.createElement("iframe");
		frame.setAttribute("src", src);
		frame.setAttribute("title", t("YouTube video"));
		frame.setAttribute("allow", "autoplay; encrypted-media; " +
		    "picture-in-picture; fullscreen");
		frame.setAttribute("allowfullscreen", "");
		frame.className = "video-frame";
		figure.textContent = "";
		figure.appendChild(frame);
		figure.classList.add("video-playing");
		return true;
	}

	/* Reply links: move the form under the comment (no reload). */
	function reply(link) {
		var li = link.closest("li.comment");
		var respond = document.getElementById("respond");
		var parent = document.getElementById("comment_parent");
		if (!li || !respond || !parent)
			return false;
		parent.value = li.id.replace("comment-", "");
		li.querySelector(".comment-body").after(respond);
		var text = document.getElementById("comment");
		if (text)
			text.focus();
		return true;
	}

	document.addEventListener("click", function (ev) {
		if (!ev.target.closest)
			return;
		var link = ev.target.closest(".video-link");
		var figure = link && link.closest("figure.video");
		if (figure && play(figure)) {
			ev.preventDefault();
			return;
		}
		link = ev.target.closest(".comment-reply-link");
		if (link && reply(link))
			ev.preventDefault();
	});

	/*
	 * Votes: the forms work without script (a 303 back); with it they
	 * are sent with fetch and the tally changes in place.
	 */
	function setText(root, sel, text) {
		var el = root.querySelector(sel);
		if (el)
			el.textContent = text;
	}

	function showTally(form, t) {
		var box = form.closest(".rating, .comment-body");
		if (!box)
			return;
		if (t.average !== undefined) {
			setText(box, ".rating-average", t.average.toFixed(1));
			setText(box, ".rating-count", String(t.count));
			var stars = box.querySelectorAll(".star");
			for (var i = 0; i < stars.length; i++)
				stars[i].className = "star " + (t.average >= i + 1 ?
				    "star-full" : t.average >= i + 0.5 ?
				    "star-half" : "star-empty");
		} else if (t.score !== undefined) {
			setText(box, ".comment-score",
			    (t.score > 0 ? "+" : "") + t.score);
			setText(box, ".comment-votes", String(t.count));
		}
	}

	/*
	 * "You rated 7": kept in this browser only, so the page itself stays
	 * the same for every reader.
	 */
	function ratedKey(form) {
		var type = form.querySelector("input[name=type]");
		var id = form.querySelector("input[name=id]");
		return type && id ? "galley-rated:" + type.value + ":" +
		    id.value : null;
	}

	function remember(form, value) {
		var key = ratedKey(form);
		try {
			if (key && value)
				localStorage.setItem(key, value);
		} catch (e) { /* storage off: nothing to remember */ }
	}

	function showRated() {
		var forms = document.querySelectorAll("form.rate, form.thumbs");
		for (var i = 0; i < forms.length; i++) {
			var v = null, key = ratedKey(forms[i]);
			try { v = key && localStorage.getItem(key); } catch (e) {}
			if (v)
				setText(forms[i], ".vote-message", v === "up" ?
				    t("You liked this.") : v === "down" ?
				    t("You disliked this.") :
				    t("You rated %s.").replace("%s", v));
		}
	}

	document.addEventListener("submit", function (ev) {
		var form = ev.target;
		if (!form.matches || !form.matches("form.rate, form.thumbs") ||
		    !window.fetch)
			return;
		ev.preventDefault();
		var data = new URLSearchParams(new FormData(form));
		if (ev.submitter && ev.submitter.name)
			data.set(ev.submitter.name, ev.submitter.value);
		fetch(form.action, { method: "POST", body: data,
		    headers: { "Accept": "application/json" },
		    credentials: "same-origin" }).then(function (res) {
			return res.json();
		}).then(function (r) {
			showTally(form, r);
			if (!r.error)
				remember(form, data.get("value"));
			setText(form, ".vote-message", r.error ||
			    t("Thank you for rating."));
		}).catch(function () {
			form.submit();
		});
	});

	/*
	 * "Save my name, email, and website": the cookie the server set
	 * when the box was ticked fills the form; pages stay identical for
	 * every reader, so this is done here.
	 */
	function remembered() {
		var m = document.cookie.match(/(?:^|; )galley_commenter=([^;]*)/);
		if (!m)
			return;
		var v = m[1].split("|").map(function (x) {
			try { return decodeURIComponent(x); } catch (e) { return ""; }
		});
		var ids = ["author", "email", "url"];
		for (var i = 0; i < ids.length; i++) {
			var el = document.getElementById(ids[i]);
			if (el && !el.value && v[i])
				el.value = v[i];
		}
		var box = document.getElementById("remember");
		if (box)
			box.checked = true;
	}
	/*
	 * The form's time stamp: the page may come from a cache, stamped
	 * when it was rendered, so ask for one stamped now.  A form sent
	 * too soon after it looks like a bot's.
	 */
	function stamp() {
		var form = document.getElementById("commentform");
		if (!form || !form.elements.stamp || !window.fetch)
			return;
		fetch("/comments/stamp?post=" +
		    encodeURIComponent(form.elements.post.value),
		    { credentials: "same-origin", cache: "no-store" })
		    .then(function (res) {
			return res.ok ? res.text() : null;
		}).then(function (s) {
			if (s && /^[0-9]+\.[0-9a-f]{32}$/.test(s))
				form.elements.stamp.value = s;
		}).catch(function () {});
	}
	function ready() {
		remembered();
		showRated();
		stamp();
	}
	if (document.readyState === "loading")
		document.addEventListener("DOMContentLoaded", ready);
	else
		ready();
})();
