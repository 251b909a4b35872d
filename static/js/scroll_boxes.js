// A table wider than its box (.table-responsive) scrolls inside the box, not the page. A
// keyboard user can only scroll such a box once it takes the focus (arrow keys then move it),
// and a screen reader announces it by the heading or caption it belongs to: WCAG 2.1.1, as
// axe-core's "scrollable-region-focusable" rule checks. It is a group, not a region: the
// section it sits in is the landmark, and two landmarks of one name confuse (axe's
// "landmark-unique"). A line above it says that it scrolls (the body's data-scroll-hint, in
// the page's language, held at the box's left edge): on a phone two-thirds of a wide table
// can hide beyond the edge.
// Boxes that fit are left alone, and the marks follow the width when the screen turns or
// the window is resized.
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
          box.setAttribute("role", "group");
          box.setAttribute("aria-label", name);
        }
        var text = document.body.getAttribute("data-scroll-hint");
        if (text) {
          var hint = document.createElement("p");
          hint.className = "scroll-hint small text-body-secondary";
          hint.setAttribute("data-scroll-hint-for", "");
          hint.textContent = "\u2194 " + text;
          box.insertBefore(hint, box.firstChild);
        }
      } else if (!scrolls && marked) {
        box.removeAttribute("data-scroll-box");
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        var old = box.querySelector(":scope > [data-scroll-hint-for]");
        if (old) old.remove();
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
