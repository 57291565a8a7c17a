// Follows a pending receipt's status stream and says each new status in place (the paragraph is a polite live
// region, so a screen reader reads the change). Without JavaScript the page refreshes itself instead (its <noscript>
// refresh); if the stream is refused or lost for good, it falls back to a reload.
(function () {
  var status = document.getElementById('status');
  if (!status || !window.EventSource || !status.dataset.events) {
    return;
  }
  var stream = new EventSource(status.dataset.events);
  stream.addEventListener('status', function (event) {
    var receipt = JSON.parse(event.data);
    // The page carries each outcome's sentence in its own language: data-counted, data-rejected-already_voted, ...
    var text = status.getAttribute('data-' + receipt.status + (receipt.reason ? '-' + receipt.reason : ''))
      || status.getAttribute('data-' + receipt.status);
    if (!text) {
      return;
    }
    status.className = 'outcome ' + receipt.status;
    status.textContent = text;
    if (receipt.status !== 'pending') {
      stream.close();
    }
  });
  stream.onerror = function () {
    if (stream.readyState === EventSource.CLOSED) {
      setTimeout(function () { location.reload(); }, 3000);
    }
  };
})();
