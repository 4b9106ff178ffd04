// powkg query page: keyboard help for the editor. The form works without this script.
"use strict";
(function () {
  const editor = document.getElementById("query");
  if (!editor) return;
  editor.addEventListener("keydown", function (event) {
    // Ctrl+Enter (Cmd+Enter) runs the query.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      editor.form.requestSubmit();
      return;
    }
    // Tab indents by two spaces; Escape then Tab leaves the editor, as WAI-ARIA asks of editors that keep Tab.
    if (event.key === "Tab" && !event.shiftKey && editor.dataset.escaped !== "1") {
      event.preventDefault();
      const start = editor.selectionStart;
      editor.setRangeText("  ", start, editor.selectionEnd, "end");
      return;
    }
    editor.dataset.escaped = event.key === "Escape" ? "1" : "0";
  });
})();
