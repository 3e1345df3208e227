// The events map: Syria's outline and governorate centroids from our own data, clustered event
// markers from /api/events.geojson, optional tiles. Text from the store only ever goes in via
// textContent (never innerHTML).
"use strict";
(function () {
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var lang = el.dataset.lang || "ar";
  var map = L.map(el, { zoomSnap: 0.5, minZoom: 5, maxZoom: 18 }).setView([35.0, 38.5], 6.5);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "" }).addTo(map);
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value == null ? "" : String(value);
    if (cls) { node.className = cls; }
    return node;
  }
  Promise.all([getJSON(el.dataset.outline), getJSON(el.dataset.governorates), getJSON(el.dataset.i18n)])
    .then(function (res) {
      var outline = L.geoJSON(res[0], { style: { color: "#55606e", weight: 2, fillColor: "#e9e4d8", fillOpacity: 0.6 } }).addTo(map);
      map.fitBounds(outline.getBounds(), { padding: [10, 10] });
      res[1].items.forEach(function (g) {
        L.circleMarker([g.lat, g.lon], { radius: 3, color: "#8a8f98", weight: 1, fillOpacity: 0.8, interactive: false }).addTo(map);
        L.tooltip({ permanent: true, direction: "center", className: "gov-label", interactive: false })
          .setLatLng([g.lat, g.lon]).setContent(text("span", lang === "ar" ? g.name : g.name_en)).addTo(map);
      });
      return res[2][lang] || res[2].ar;
    })
    .then(function (strings) {
      return getJSON(el.dataset.geojson).then(function (fc) {
        var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
        fc.features.forEach(function (f) {
          var p = f.properties;
          var c = f.geometry.coordinates;
          var typeLabel = strings.types[p.type] || p.type;
          var marker = L.marker([c[1], c[0]], { title: typeLabel + " — " + (p.place || "") });
          var box = document.createElement("div");
          box.className = "popup";
          var link = document.createElement("a");
          link.href = "/events/" + encodeURIComponent(p.id);
          link.className = "popup-link";
          link.textContent = typeLabel;
          box.appendChild(link);
          box.appendChild(text("div", p.place || "", "popup-place"));
          box.appendChild(text("div", p.date || strings.ui.undated, "popup-date"));
          box.appendChild(text("div", strings.modalities[p.modality] || p.modality || "", "popup-mod"));
          marker.bindPopup(box);
          cluster.addLayer(marker);
        });
        map.addLayer(cluster);
        var count = document.getElementById("map-count");
        if (count) { count.textContent = fc.features.length + " " + strings.ui.events; }
        el.dataset.ready = "1";
      });
    })
    .catch(function (err) {
      var msg = document.createElement("p");
      msg.className = "notice";
      msg.textContent = String(err);
      el.parentNode.insertBefore(msg, el);
    });
})();
