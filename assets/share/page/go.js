// The take-along page: the route from the URL fragment (kiosk/share.py writes it), names and steps
// from routes/<kiosk>.<lang>.json beside this file. No cookies, no storage, no request but the tiles.
(function () {
  "use strict";

  var DIGITS = "0123456789ABCDEFGHIJK";
  var FINAL_DIGITS = "LMNOPQRSTUVWXYZ$+-./:";
  var UNITS_PER_DEGREE = 100000;
  var HOURS_DAYS = 366;

  // The inverse of kiosk.share.encode_line: zigzag deltas in base-21 digits, a final digit ends a number.
  function decodeLine(text) {
    var numbers = [], number = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i), d = DIGITS.indexOf(c);
      if (d >= 0) { number += d * scale; scale *= DIGITS.length; continue; }
      d = FINAL_DIGITS.indexOf(c);
      if (d < 0) return null;
      number += d * scale;
      numbers.push(number % 2 === 0 ? number / 2 : -(number + 1) / 2);
      number = 0; scale = 1;
    }
    if (scale !== 1 || numbers.length % 2 || numbers.length < 4) return null;
    var points = [], lat = 0, lon = 0;
    for (var j = 0; j < numbers.length; j += 2) {
      lat += numbers[j]; lon += numbers[j + 1];
      points.push([lat / UNITS_PER_DEGREE, lon / UNITS_PER_DEGREE]);
    }
    return points;
  }

  function readFragment(hash) {
    var text;
    try { text = decodeURIComponent(hash.replace(/^#/, "")); } catch (e) { return null; }
    var parts = text.split("*");
    if (parts.length !== 5 || parts[0].charAt(0) !== "1") return null;
    var points = decodeLine(parts[4]);
    if (!points) return null;
    return { stepFree: parts[0].slice(-1) === "S", lang: parts[1].toLowerCase(), kiosk: parts[2].toLowerCase(),
             destination: parts[3].toLowerCase(), points: points };
  }

  function getJSON(url) {
    return fetch(url, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }

  // The language the page speaks: the visitor's, its base language, else English.
  function pageLang(site, lang) {
    return site.words[lang] ? lang : site.words[lang.split("-")[0]] ? lang.split("-")[0] : "en";
  }

  function wordsFor(site, lang) {
    return site.words[pageLang(site, lang)];
  }

  function show(id, text) {
    var element = document.getElementById(id);
    element.textContent = text || "";
    element.hidden = !text;
  }

  function escapeHTML(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  // Today's date where the city is, as YYYY-MM-DD, whatever the phone's own time zone.
  function cityToday(timezone) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit",
                                              day: "2-digit" }).format(new Date());
  }

  function hoursToday(place, from, timezone) {
    if (!place.hours) return "";
    var today = cityToday(timezone);
    var days = (Date.parse(today) - Date.parse(from)) / 86400000;
    if (!(days >= 0 && days < HOURS_DAYS)) return "";  // outside the year this feed knows
    if (place.hours.days[today]) return place.hours.days[today];
    return place.hours.week[(new Date(today + "T12:00:00Z").getUTCDay() + 6) % 7];
  }

  function mapLinks(start, end, name) {
    var s = start[0] + "," + start[1], e = end[0] + "," + end[1], n = encodeURIComponent(name);
    return [
      ["geo", "geo:" + e + "?q=" + e + "(" + n + ")"],
      ["Apple Maps", "https://maps.apple.com/?saddr=" + s + "&daddr=" + e + "&dirflg=w"],
      ["Google Maps", "https://www.google.com/maps/dir/?api=1&origin=" + s + "&destination=" + e +
                      "&travelmode=walking"],
      ["Organic Maps", "om://route?sll=" + s + "&dll=" + e + "&daddr=" + n + "&type=pedestrian"],
      ["OsmAnd", "https://osmand.net/map/navigate/?start=" + s + "&end=" + e + "&profile=pedestrian"]
    ];
  }

  function drawMap(site, words, lang, route, startLabel, endLabel) {
    var map = L.map("map", { scrollWheelZoom: false });
    if (site.tile_url) {
      L.tileLayer(site.tile_url, { maxZoom: 19, attribution: escapeHTML(site.attribution[lang] || "") }).addTo(map);
    }
    var line = L.polyline(route.points, { color: "#0b5cad", weight: 6, opacity: 0.9 }).addTo(map);
    var dot = { radius: 9, weight: 3, color: "#ffffff", fillOpacity: 1 };
    // Labels above the start and below the destination, centred, wrapped (go.css): they stay on the map.
    L.circleMarker(route.points[0], Object.assign({ fillColor: "#1c1b19" }, dot))
      .bindTooltip(startLabel, { permanent: true, direction: "top", offset: [0, -8] }).addTo(map);
    L.circleMarker(route.points[route.points.length - 1], Object.assign({ fillColor: "#c0392b" }, dot))
      .bindTooltip(endLabel, { permanent: true, direction: "bottom", offset: [0, 8] }).addTo(map);
    map.fitBounds(line.getBounds(), { padding: [80, 80] });
    window.takeAlong = { map: map, line: line };  // for the browser tests
  }

  function render(site, route, data) {
    var lang = pageLang(site, route.lang), words = wordsFor(site, lang);
    document.documentElement.lang = lang;
    document.documentElement.dir = words.dir;
    var place = data && data.places[route.destination];
    var name = place ? place.name : "";
    document.title = name || words.title;
    var startLabel = data ? words.start.replace("{name}", data.kiosk) : words.terminal;
    show("start", startLabel);
    show("destination", name || words.title);
    show("sign", place && place.sign !== place.name ? words.sign.replace("{name}", place.sign) : "");
    show("address", place ? place.address : "");
    var today = place && data ? hoursToday(place, data.hours_from, site.timezone) : "";
    // Isolated left to right, or Arabic text would show "10:00–19:00" as "19:00–10:00".
    show("hours", today ? words.today + ": \u2066" + today + "\u2069" : "");
    show("step-free", route.stepFree ? words.step_free : "");
    show("steps-title", words.steps);
    show("apps-title", words.apps);
    var steps = place ? (route.stepFree ? place.step_free_steps : place.steps) : null;
    var list = document.getElementById("steps");
    (steps || []).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    show("message", steps ? "" : (route.destination && data && !place ? words.gone + " " : "") + words.no_steps);
    var end = place ? [place.lat, place.lon] : route.points[route.points.length - 1];
    var apps = document.getElementById("apps");
    mapLinks(route.points[0], end, name || words.title).forEach(function (link) {
      var item = document.createElement("li"), a = document.createElement("a");
      a.href = link[1];
      a.textContent = link[0] === "geo" ? words.geo : link[0];
      a.rel = "noreferrer";
      item.appendChild(a);
      apps.appendChild(item);
    });
    var mapBox = document.getElementById("map");
    mapBox.setAttribute("aria-label", words.map);
    drawMap(site, words, lang, route, startLabel, name || words.title);
  }

  function broken(site) {
    var lang = (navigator.language || "en").split("-")[0];
    var words = site ? wordsFor(site, lang) : { dir: "ltr", broken: "This link holds no route." };
    document.documentElement.dir = words.dir;
    show("destination", words.broken);
    document.getElementById("map").hidden = true;
  }

  function start() {
    var route = readFragment(location.hash);
    getJSON("site.json").then(function (site) {
      if (!site || !route) { broken(site); return null; }
      // A terminal that has left the feed has no file: the line alone is drawn from the fragment.
      var known = site.kiosks.indexOf(route.kiosk) >= 0;
      var data = known ? getJSON("routes/" + route.kiosk + "." + pageLang(site, route.lang) + ".json") : null;
      return Promise.resolve(data)
        .then(function (found) { render(site, route, found); document.body.dataset.ready = "yes"; });
    });
  }

  window.addEventListener("hashchange", function () { location.reload(); });
  start();
})();
