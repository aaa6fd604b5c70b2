/*
 * Galley's only script: it improves pages that already work without it.
 * Video facades: a click on a placeholder swaps in the YouTube player
 * (youtube-nocookie.com); until then the page makes no request to YouTube.
 */
(function () {
	"use strict";

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
		frame.setAttribute("title", "YouTube video");
		frame.setAttribute("allow", "autoplay; encrypted-media; " +
		    "picture-in-picture; fullscreen");
		frame.setAttribute("allowfullscreen", "");
		frame.className = "video-frame";
		figure.textContent = "";
		figure.appendChild(frame);
		figure.classList.add("video-playing");
		return true;
	}

	document.addEventListener("click", function (ev) {
		var link = ev.target.closest && ev.target.closest(".video-link");
		if (!link)
			return;
		var figure = link.closest("figure.video");
		if (figure && play(figure))
			ev.preventDefault();
	});
})();
