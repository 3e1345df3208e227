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
  // zoom 6: most of Syria around the place, so a reader sees where in the country it is
  var map = L.map(el, { attributionControl: false, maxZoom: 18 }).setView([lat, lon], 6);
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map); }
  fetch(el.dataset.outline).then(function (r) { return r.json(); }).then(function (fc) {
    L.geoJSON(fc, { style: { color: "#55606e", weight: 2, fillColor: "#e9e4d8", fillOpacity: 0.6 } }).addTo(map);
    place.bringToFront();  // the outline arrives after the marker: keep the marker on top
  });
  var place = L.circleMarker([lat, lon], { radius: 7, color: "#b3261e", fillColor: "#d92d20", fillOpacity: 1 }).addTo(map);
  place.bindTooltip(label(el.dataset.label || ""), { permanent: true, direction: "top", offset: [0, -6] });
})();
