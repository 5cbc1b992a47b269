/*
 * Hubwatch browser beacon (Apache-2.0, see the beacon module's LICENSE). No dependencies. Include it with one tag:
 *
 *   <script src="https://ingest.example.com/beacon.js" data-key="INGEST_KEY" data-sample="0.1" async></script>
 *
 * data-key       ingest key (required; sent as ?key= because navigator.sendBeacon cannot set headers)
 * data-sample    share of page views that report, 0..1 (default 1)
 * data-endpoint  where to post (default: the origin this script came from + /v1/beacons)
 * data-batch     events per request (default 20)
 * data-flush-ms  longest time an event waits before it is sent (default 5000)
 *
 * Reports, as WebVitalEvents: navigation timing (TTFB, DCL, LOAD), FCP, LCP, CLS, INP, long tasks (LONGTASK) and the
 * duration and status of every fetch (FETCH) and XMLHttpRequest (XHR) the page makes. LCP, CLS and INP are final only
 * when the page is hidden, so they are reported then (or when the page calls window.hubwatch.flush()).
 */
(function (w, d) {
  'use strict';
  var script = d.currentScript;
  if (!script || w.hubwatch) return;
  var ds = script.dataset;
  var rate = parseFloat(ds.sample || '1');
  if (!(Math.random() < rate)) return; // this page view is not sampled

  var origin = new URL(script.src, location.href).origin;
  var endpoint = (ds.endpoint || origin + '/v1/beacons') + '?key=' + encodeURIComponent(ds.key || '');
  var maxBatch = parseInt(ds.batch || '20', 10);
  var flushMs = parseInt(ds.flushMs || '5000', 10);
  var page = location.pathname;
  var session = Math.random().toString(36).slice(2, 12);
  var origFetch = w.fetch;
  var queue = [];
  var timer = 0;

  function send(body) {
    // sendBeacon survives the page going away; if it refuses (size, quota), a keepalive fetch through the original
    // fetch, so that the beacon's own request is not measured
    if (!(navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) && origFetch) {
      origFetch.call(w, endpoint, { method: 'POST', body: body, keepalive: true, credentials: 'omit' })
        .catch(function () {});
    }
  }

  function flush() {
    clearTimeout(timer);
    timer = 0;
    while (queue.length) send(JSON.stringify(queue.splice(0, maxBatch)));
  }

  function add(name, value, call) {
    if (!(value >= 0 && value < 1e9)) return;
    var e = { timestamp: Date.now(), page: page, name: name, value: Math.round(value * 1000) / 1000, sessionId: session };
    if (call) { e.target = call[0]; e.method = call[1]; e.status = call[2]; }
    queue.push(e);
    if (queue.length >= maxBatch) flush();
    else if (!timer) timer = setTimeout(flush, flushMs);
  }

  function observe(type, onEntry, opts) {
    try {
      var o = new PerformanceObserver(function (list) { list.getEntries().forEach(onEntry); });
      opts = opts || {};
      opts.type = type;
      opts.buffered = true;
      o.observe(opts);
    } catch (e) { /* this browser does not know the entry type */ }
  }

  // --- navigation timing
  function navigation() {
    var n = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    if (!n) return;
    add('TTFB', n.responseStart);
    add('DCL', n.domContentLoadedEventEnd);
    add('LOAD', n.loadEventEnd);
  }
  if (d.readyState === 'complete') setTimeout(navigation, 0);
  else w.addEventListener('load', function () { setTimeout(navigation, 0); });

  // --- paint, layout, responsiveness
  observe('paint', function (e) { if (e.name === 'first-contentful-paint') add('FCP', e.startTime); });
  var lcp = -1;
  observe('largest-contentful-paint', function (e) { lcp = e.startTime; });
  // CLS as web-vitals defines it: the largest session window (gaps < 1 s, at most 5 s) of unexpected shifts
  var cls = 0, win = 0, winFirst = 0, winLast = 0, shifted = false;
  observe('layout-shift', function (e) {
    if (e.hadRecentInput) return;
    shifted = true;
    if (win && e.startTime - winLast < 1000 && e.startTime - winFirst < 5000) win += e.value;
    else { win = e.value; winFirst = e.startTime; }
    winLast = e.startTime;
    if (win > cls) cls = win;
  });
  // INP: the slowest interaction, or the 98th percentile when there are many (one per 50 ignored)
  var interactions = {};
  function interaction(e) {
    if (!e.interactionId) return;
    var prev = interactions[e.interactionId];
    if (!prev || e.duration > prev) interactions[e.interactionId] = e.duration;
  }
  observe('event', interaction, { durationThreshold: 16 });
  observe('first-input', interaction);
  observe('longtask', function (e) { add('LONGTASK', e.duration); });

  var finalSent = false;
  function finish() {
    if (finalSent) return;
    finalSent = true;
    if (lcp >= 0) add('LCP', lcp);
    if (shifted) add('CLS', cls);
    var durations = Object.keys(interactions).map(function (k) { return interactions[k]; }).sort(function (a, b) { return b - a; });
    if (durations.length) add('INP', durations[Math.min(durations.length - 1, Math.floor(durations.length / 50))]);
  }

  // --- the page's own calls
  function target(url) {
    try {
      var u = new URL(String(url), location.href);
      return u.origin === location.origin ? u.pathname : u.origin + u.pathname; // never the query string
    } catch (e) { return String(url).split('?')[0]; }
  }
  if (origFetch) {
    w.fetch = function (input, init) {
      var start = performance.now();
      var url = target(input && input.url ? input.url : input);
      var method = ((init && init.method) || (input && input.method) || 'GET').toUpperCase();
      return origFetch.apply(this, arguments).then(function (r) {
        add('FETCH', performance.now() - start, [url, method, r.status]);
        return r;
      }, function (err) {
        add('FETCH', performance.now() - start, [url, method, 0]);
        throw err;
      });
    };
  }
  var X = w.XMLHttpRequest && w.XMLHttpRequest.prototype;
  if (X) {
    var open = X.open, sendXhr = X.send;
    X.open = function (method, url) {
      this._hw = [target(url), String(method).toUpperCase()];
      return open.apply(this, arguments);
    };
    X.send = function () {
      var xhr = this, info = xhr._hw, start = performance.now();
      if (info) {
        xhr.addEventListener('loadend', function () { add('XHR', performance.now() - start, [info[0], info[1], xhr.status]); });
      }
      return sendXhr.apply(this, arguments);
    };
  }

  // --- leaving the page: report the final values and send everything
  function hidden() { finish(); flush(); }
  d.addEventListener('visibilitychange', function () { if (d.visibilityState === 'hidden') hidden(); });
  w.addEventListener('pagehide', hidden);
  w.hubwatch = { flush: hidden };
})(window, document);
