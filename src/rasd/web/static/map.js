// The events map: countries of the region (Natural Earth, /api/map/countries) under Syria's
// outline and governorate centroids from our own data; events clustered by the server for the
// viewport and zoom (/api/map/clusters), re-read after each move; optional tiles. Text from the
// store only ever goes in via textContent (never innerHTML).
"use strict";
(function () {
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var lang = el.dataset.lang || "ar";
  // [[south, west], [north, east]] added to Syria's outline for the first view: Gaza to Baghdad
  var FIRST_VIEW = [[31.2, 34.2], [37.4, 44.5]];
  var map = L.map(el, { zoomSnap: 0.5, minZoom: 3, maxZoom: 18 }).setView([35.0, 38.5], 6.5);
  // panes, bottom to top: countries, Syria, labels, clusters and markers (labels never cover a cluster)
  map.createPane("countries").style.zIndex = 350;
  map.createPane("syria").style.zIndex = 360;
  map.createPane("labels").style.zIndex = 380;
  map.getPane("labels").style.pointerEvents = "none";
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
  function label(lat, lon, name, cls) {
    return L.tooltip({ permanent: true, direction: "center", className: cls, interactive: false, pane: "labels" })
      .setLatLng([lat, lon]).setContent(text("span", name));
  }
  var govLabels = L.layerGroup();
  var events = L.layerGroup().addTo(map);
  var strings = null;
  var forms = {};
  var seq = 0;

  // "N events" with the noun agreeing with N (static/unit_forms.json; the rules of
  // rasd.web.pages.plural_category): 1 حدث واحد, 2 حدثان, 3-10 أحداث, 11-99 حدثًا, 100 حدث
  function pluralCategory(n) {
    if (lang !== "ar") { return n === 1 ? "one" : "other"; }
    if (n < 3) { return ["few", "one", "two"][n]; }
    var last = n % 100;
    return last >= 3 && last <= 10 ? "few" : (last >= 11 ? "many" : "other");
  }
  function countPhrase(n, unit) {
    var cat = pluralCategory(n);
    var form = ((forms[lang] || {})[unit] || {})[cat];
    if (!form) { return n + " " + strings.ui[unit]; }
    if (form.indexOf("{n}") >= 0) { return form.replace("{n}", String(n)); }
    return cat === "one" || cat === "two" ? form : n + " " + form;
  }

  // a label under a cluster or marker is hidden (the cluster's count matters more, and a count over a
  // name makes both unreadable): a governorate's when they touch at all, a country's or area's when
  // a third of it is covered (a corner under a cluster leaves the name readable)
  function hideCoveredLabels() {
    var boxes = [];
    el.querySelectorAll(".leaflet-marker-icon").forEach(function (m) { boxes.push(m.getBoundingClientRect()); });
    el.querySelectorAll(".gov-label, .country-label, .area-label").forEach(function (lab) {
      lab.style.visibility = "";
      var r = lab.getBoundingClientRect();
      var area = Math.max(1, r.width * r.height);
      var limit = lab.classList.contains("gov-label") ? 0 : area / 3;
      var covered = boxes.some(function (b) {
        var w = Math.min(r.right, b.right) - Math.max(r.left, b.left);
        var h = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
        return w > 0 && h > 0 && w * h > limit;
      });
      if (covered) { lab.style.visibility = "hidden"; }
    });
  }

  function eventMarker(f) {
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
    return marker;
  }

  function clusterMarker(f) {
    var p = f.properties;
    var c = f.geometry.coordinates;
    var size = p.count < 10 ? "small" : (p.count < 100 ? "medium" : "large");
    var icon = L.divIcon({ html: "", className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
    var marker = L.marker([c[1], c[0]], { icon: icon, title: countPhrase(p.count, "events") });
    var inner = document.createElement("div");
    inner.appendChild(text("span", p.count));
    marker.on("add", function () {
      var node = marker.getElement();
      if (node) { node.textContent = ""; node.appendChild(inner); }
    });
    var b = p.bbox;
    marker.on("click", function () {
      if (b[0] === b[2] && b[1] === b[3]) {  // every event at one point: zooming will not split them
        map.setView([b[1], b[0]], Math.max(map.getZoom(), 10));
        marker.bindPopup(text("div", countPhrase(p.count, "events"), "popup")).openPopup();
      } else {
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: 18 });
      }
    });
    return marker;
  }

  function loadClusters() {
    var bounds = map.getBounds().pad(0.1);
    var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
    var w = clamp(bounds.getWest(), -180, 179.99), e = clamp(bounds.getEast(), w + 0.01, 180);
    var s = clamp(bounds.getSouth(), -90, 89.99), n = clamp(bounds.getNorth(), s + 0.01, 90);
    var bbox = [w, s, e, n].map(function (v) { return v.toFixed(2); }).join(",");
    var url = el.dataset.clusters + "&bbox=" + bbox + "&zoom=" + Math.floor(map.getZoom());
    var mine = ++seq;
    el.dataset.loading = "1";
    return getJSON(url).then(function (fc) {
      if (mine !== seq) { return; }  // a later move has asked again
      events.clearLayers();
      fc.features.forEach(function (f) {
        events.addLayer(f.properties.cluster ? clusterMarker(f) : eventMarker(f));
      });
      var count = document.getElementById("map-count");
      if (count) { count.textContent = countPhrase(fc.total, "events"); }
      hideCoveredLabels();
      el.dataset.loading = "";
      el.dataset.ready = "1";
    });
  }

  function showError(err) {
    var msg = document.createElement("p");
    msg.className = "notice";
    msg.textContent = String(err);
    el.parentNode.insertBefore(msg, el);
  }

  var countries = getJSON(el.dataset.countries).catch(function () { return null; });  // world-atlas missing: no countries
  var unitForms = getJSON(el.dataset.forms).catch(function () { return {}; });
  Promise.all([getJSON(el.dataset.outline), getJSON(el.dataset.governorates), getJSON(el.dataset.i18n), countries,
               unitForms])
    .then(function (res) {
      var world = res[3];
      if (world) {
        L.geoJSON(world, { pane: "countries", interactive: false,
                           style: { color: "#9aa3ad", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 } }).addTo(map);
        world.features.forEach(function (f) {
          var p = f.properties;
          var name = lang === "ar" ? p.name : (p.name && p.name_en);
          if (name) { label(p.label[1], p.label[0], name, "country-label").addTo(map); }
        });
        (world.labels || []).forEach(function (l) {
          label(l.lat, l.lon, lang === "ar" ? l.name : l.name_en, "area-label").addTo(map);
        });
      }
      var outline = L.geoJSON(res[0], { pane: "syria", interactive: false,
                                        style: { color: "#55606e", weight: 2, fillColor: "#e9e4d8", fillOpacity: 0.8 } }).addTo(map);
      // Syria with the neighbours its news names most (Lebanon, Gaza, western Iraq) in the first view
      map.fitBounds(outline.getBounds().extend(L.latLngBounds(FIRST_VIEW)), { padding: [10, 10] });
      res[1].items.forEach(function (g) {
        L.circleMarker([g.lat, g.lon], { radius: 3, color: "#8a8f98", weight: 1, fillOpacity: 0.8, interactive: false,
                                         pane: "labels" }).addTo(govLabels);
        label(g.lat, g.lon, lang === "ar" ? g.name : g.name_en, "gov-label").addTo(govLabels);
      });
      govLabels.addTo(map);
      strings = res[2][lang] || res[2].ar;
      forms = res[4] || {};
      map.on("moveend", function () { loadClusters().catch(showError); });
      return loadClusters();
    })
    .catch(showError);
})();
