// A table wider than its box (.table-responsive) scrolls inside the box, not the page. A
// keyboard user can only scroll such a box once it takes the focus (arrow keys then move it),
// and a screen reader announces it by the heading or caption it belongs to: WCAG 2.1.1, as
// axe-core's "scrollable-region-focusable" rule checks. Boxes that fit are left alone, and
// the marks follow the width when the screen turns or the window is resized.
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent;
    var section = box.closest("section, article, [role=region]");
    var heading = section && section.querySelector("h1, h2, h3, h4, h5, h6");
    return heading ? heading.textContent : "";
  }

  function mark() {
    var boxes = document.querySelectorAll(".table-responsive");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var marked = box.hasAttribute("data-scroll-box");
      if (scrolls && !marked && !box.hasAttribute("tabindex")) {
        box.setAttribute("data-scroll-box", "");
        box.setAttribute("tabindex", "0");
        var name = nameOf(box).trim();
        if (name && !box.hasAttribute("aria-label")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
      } else if (!scrolls && marked) {
        box.removeAttribute("data-scroll-box");
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  var pending = null;
  function later() {
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(mark);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("load", mark);
  window.addEventListener("resize", later);
})();
