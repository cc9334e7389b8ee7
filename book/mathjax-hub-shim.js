// @jupyter-widgets/html-manager 1.x typesets widget labels with MathJax 2's MathJax.Hub.Queue.
// The book loads MathJax 3, which has typesetPromise instead: give it the small Hub the
// widgets manager calls, once MathJax 3 has started.
(function () {
  function install() {
    var mj = window.MathJax;
    if (!mj || typeof mj.typesetPromise !== "function") return false;
    if (!mj.Hub) {
      mj.Hub = {
        Queue: function () { mj.typesetPromise(); },
        Config: function () {},
        Register: { StartupHook: function (name, callback) { if (callback) callback(); } },
      };
    }
    return true;
  }
  if (!install()) {
    var timer = setInterval(function () { if (install()) clearInterval(timer); }, 20);
  }
})();
