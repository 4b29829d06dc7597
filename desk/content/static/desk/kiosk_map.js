// The kiosk's place and the way its screen faces, on the city's own map (the feed's streets and buildings):
// drag the red pin to move the kiosk, the blue dot to turn it; the fields below follow, and the map follows them.
(function () {
  "use strict";
  const box = document.getElementById("desk-kiosk-map");
  const lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
  const heading = document.getElementById("id_heading");
  if (!box || !lat || !lon || !heading || !window.L) return;
  const AIM_M = 60, M_PER_DEG = 111320;
  const colours = {street: "#8a8a8a", footway: "#b5a27a", steps: "#a0522d", square: "#c9c1b0", building: "#7b6f63",
                   park: "#6aa84f", water: "#4a86c5", rail: "#555555"};
  const map = L.map(box, {zoomSnap: 0.5});
  const here = () => [parseFloat(lat.value), parseFloat(lon.value)];
  const known = () => here().every(Number.isFinite);
  const pin = L.marker([0, 0], {draggable: true, keyboard: true, title: box.dataset.pinTitle,
                                icon: L.divIcon({className: "desk-kiosk-pin", iconSize: null})});
  const aim = L.marker([0, 0], {draggable: true, keyboard: true, title: box.dataset.aimTitle,
                                icon: L.divIcon({className: "desk-kiosk-aim", iconSize: null})});
  const ray = L.polyline([], {color: "#1f5fa8", weight: 4});

  function aimPoint(point, degrees) {
    const rad = degrees * Math.PI / 180;
    return [point[0] + AIM_M * Math.cos(rad) / M_PER_DEG,
            point[1] + AIM_M * Math.sin(rad) / (M_PER_DEG * Math.cos(point[0] * Math.PI / 180))];
  }
  function bearing(from, to) {
    const east = (to.lng - from[1]) * Math.cos(from[0] * Math.PI / 180), north = to.lat - from[0];
    return (Math.round(Math.atan2(east, north) * 180 / Math.PI) + 360) % 360;
  }
  function draw() {
    if (!known()) return;
    const point = here(), end = aimPoint(point, parseFloat(heading.value) || 0);
    pin.setLatLng(point);
    aim.setLatLng(end);
    ray.setLatLngs([point, end]);
    [pin, aim, ray].forEach(layer => layer.addTo(map));
  }
  function changed(input) { input.dispatchEvent(new Event("change", {bubbles: true})); }
  pin.on("drag", event => {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    draw();
  });
  pin.on("dragend", () => { changed(lat); changed(lon); });
  aim.on("drag", event => { heading.value = bearing(here(), event.latlng); draw(); });
  aim.on("dragend", () => changed(heading));
  map.on("click", event => {  // a click puts a kiosk that has no place yet (or any kiosk) there
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    draw();
  });
  [lat, lon, heading].forEach(input => input.addEventListener("input", draw));

  fetch(box.dataset.mapUrl, {credentials: "same-origin"}).then(r => r.json()).then(city => {
    const layer = L.geoJSON(city, {
      style: feature => ({color: colours[feature.properties.layer] || "#999", weight: 2,
                          fillOpacity: 0.25, fillColor: colours[feature.properties.layer] || "#ccc"}),
      pointToLayer: (feature, point) => L.circleMarker(point, {radius: 3, color: "#555"}),
    }).addTo(map);
    if (known()) map.setView(here(), 17);
    else if (layer.getLayers().length) map.fitBounds(layer.getBounds());
    else map.setView([51.5136, 7.4653], 16);
    draw();
    box.dataset.ready = "1";
  });
})();
