// Typeset every \(...\) and \[...\] on the page with KaTeX (shipped beside this file: no network needed), then
// mark the page as typeset (the browser test waits for data-math="done").
(function () {
  "use strict";
  renderMathInElement(document.body, {
    delimiters: [
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
    ],
    throwOnError: false,
  });
  document.body.setAttribute("data-math", "done");
})();
