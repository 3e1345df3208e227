// The small map on an event page: the outline of Syria and one marker.
"use strict";
(function () {
  var el = document.getElementById("minimap");
  if (!el || typeof L === "undefined") { return; }
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  if (isNaN(lat) || isNaN(lon)) { return; }
  // Leaflet puts a string content in with innerHTML: give it a text-only element instead.
  function label(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }
  var map = L.map(el, { attributionControl: false, maxZoom: 18 }).setView([lat, lon], 7);
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map); }
  fetch(el.dataset.outline).then(function (r) { return r.json(); }).then(function (fc) {
    L.geoJSON(fc, { style: { color: "#55606e", weight: 2, fillColor: "#e9e4d8", fillOpacity: 0.6 } }).addTo(map);
  });
  L.circleMarker([lat, lon], { radius: 7, color: "#b3261e", fillOpacity: 0.9 }).addTo(map)
    .bindTooltip(label(el.dataset.label || ""));
})();
