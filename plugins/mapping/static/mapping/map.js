/* Draws the maps of the "map" slot with Leaflet. The places are always listed under the map:
   without scripts, the list is what the reader gets and the map stays hidden. */
(function () {
  "use strict";

  function popup(place) {
    var box = document.createElement("div");
    var title = document.createElement(place.url ? "a" : "strong");
    title.textContent = place.label;
    if (place.url) { title.href = place.url; }
    box.appendChild(title);
    if (place.detail) {
      var detail = document.createElement("p");
      detail.textContent = place.detail;
      box.appendChild(detail);
    }
    return box;
  }

  function draw(container) {
    var data = document.getElementById(container.dataset.markers);
    var markers = data ? JSON.parse(data.textContent) : [];
    if (!markers.length || typeof L === "undefined") { return; }
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: container.dataset.zoomIn, zoomOutTitle: container.dataset.zoomOut }).addTo(map);
    if (container.dataset.tiles) {
      L.tileLayer(container.dataset.tiles, { attribution: container.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    var heaviest = Math.max.apply(null, markers.map(function (m) { return m.weight || 1; }));
    var points = markers.map(function (m) {
      var radius = 6 + 14 * Math.sqrt((m.weight || 1) / heaviest);
      L.circleMarker([m.lat, m.lon], { radius: radius, color: "#00508f", weight: 2, fillOpacity: 0.45 })
        .bindPopup(popup(m)).addTo(map);
      return [m.lat, m.lon];
    });
    if (points.length === 1) {
      map.setView(points[0], 15);
    } else {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".parvis-map"), draw);
  });
})();
