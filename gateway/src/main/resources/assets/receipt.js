// Follows a pending receipt's status stream and updates the page in place. Without JavaScript the page refreshes
// itself instead (its <noscript> refresh); if the stream is refused, it falls back to a refresh too.
(function () {
  var status = document.getElementById('status');
  if (!status || !window.EventSource || !status.dataset.events) {
    return;
  }
  var stream = new EventSource(status.dataset.events);
  stream.addEventListener('status', function (event) {
    var receipt = JSON.parse(event.data);
    // The page carries each outcome's sentence: data-counted, data-rejected-already_voted, ...
    var text = status.getAttribute('data-' + receipt.status + (receipt.reason ? '-' + receipt.reason : ''));
    if (!text) {
      return;
    }
    status.className = receipt.status;
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
