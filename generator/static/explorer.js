/* The explorer and the region maps (generator/views/explorer.py). A file of ours, never made from
 * the data: the incidents come from explorer/incidents.json, and every text of the data enters
 * the page through textContent or createTextNode only (never innerHTML, never a popup made from a
 * string). Points are drawn on one canvas, so 100,000 incidents stay quick; the list is paged.
 * The filters live in the page's address (?from=&to=&region=&actor=&type=&tag=&where=). */
(function () {
  "use strict";

  // Found by element and id, not by id alone: a heading's id is made from its text (a region
  // named "BX map config" has a heading with the id bx-map-config, before these elements).
  var configNode = document.querySelector("script#bx-map-config");
  if (!configNode || typeof L === "undefined") { return; }
  var config = JSON.parse(configNode.textContent);
  var explorerNode = document.querySelector("div#bx-explorer");
  var regionNode = document.querySelector("div#bx-region-map");
  if (!explorerNode && !regionNode) { return; }

  var PAGE_SIZE = 50;
  var OSM_CREDIT = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
  var FILTERS = ["from", "to", "region", "actor", "type", "tag", "where"];
  var root = config.root;  // the site's root, relative to this page (the month pages' addresses are relative to it)
  var DAY = 86400000;

  // --- small DOM helpers: text only ---------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function field(labelText, control, id) {
    var wrap = el("div", "bx-field");
    var label = el("label", null, labelText);
    label.htmlFor = id;
    control.id = id;
    control.name = id.replace("bx-", "");
    wrap.appendChild(label);
    wrap.appendChild(control);
    return wrap;
  }
  function option(value, text) {
    var node = el("option", null, text);
    node.value = value;
    return node;
  }
  function dayOf(text) {  // "2020-04-13" → days since 1970, or null
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : null;
  }
  function number(n) { return n.toLocaleString("en-GB"); }
  // A value of the data isolated (FSI … PDI) when it holds a character that can reorder the text
  // around it (a right-to-left letter, an override): a name then reverses only itself, never the
  // words and the other names printed beside it (render.isolate_text, the same ranges).
  var REORDERING = /[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;
  function iso(text) {
    text = String(text);
    if (!REORDERING.test(text)) { return text; }
    var depth = 0;
    for (var k = 0; k < text.length; k++) {
      var c = text.charAt(k);
      if (c >= "\u2066" && c <= "\u2068") { depth++; } else if (c === "\u2069" && depth) { depth--; }
    }
    return "\u2068" + text + new Array(depth + 2).join("\u2069");
  }

  // --- the data -------------------------------------------------------------------------------
  function prepare(data) {
    var inc = data.incidents, n = inc.id.length;
    var regions = data.regions, nr = regions.id.length;
    // no prototype: an id from the address (`?region=constructor`) finds no inherited member
    var regionIndex = Object.create(null), actorIndex = Object.create(null), typeIndex = Object.create(null),
        tagIndex = Object.create(null);
    regions.id.forEach(function (id, i) { regionIndex[id] = i; });
    data.actors.id.forEach(function (id, i) { actorIndex[id] = i; });
    data.types.forEach(function (t, i) { typeIndex[t[0]] = i; });
    data.tags.forEach(function (t, i) { tagIndex[t] = i; });
    var children = [];
    for (var r = 0; r < nr; r++) { children.push([]); }
    regions.parent.forEach(function (p, i) { if (p >= 0) { children[p].push(i); } });
    // Each placed incident's position at zoom 0 in Web Mercator pixels, worked out once.
    var x = new Float64Array(n), y = new Float64Array(n), cos = new Float64Array(n);
    var project = L.Projection.SphericalMercator, transform = L.CRS.EPSG3857.transformation;
    for (var i = 0; i < n; i++) {
      if (inc.lat[i] !== null) {
        var p = transform.transform(project.project(L.latLng(inc.lat[i], inc.lon[i])), 256);
        // the scale where it is drawn: Web Mercator stops at 85.05° (the pole's scale is infinite,
        // and one record there would cover the whole map with its circle)
        var drawnLat = Math.max(-project.MAX_LATITUDE, Math.min(project.MAX_LATITUDE, inc.lat[i]));
        x[i] = p.x; y[i] = p.y; cos[i] = Math.cos(drawnLat * Math.PI / 180);
      }
    }
    return { raw: data, inc: inc, n: n, regions: regions, children: children, regionIndex: regionIndex,
             actorIndex: actorIndex, typeIndex: typeIndex, tagIndex: tagIndex, x: x, y: y, cos: cos };
  }

  function regionPath(d, r) {
    var names = [], seen = 0;
    while (r >= 0 && seen++ < 64) { names.unshift(iso(d.regions.name[r])); r = d.regions.parent[r]; }
    return names.join(" › ");
  }

  function within(d, regionId) {  // the region and every region below it, as a mask
    var mask = new Uint8Array(d.regions.id.length), start = d.regionIndex[regionId];
    if (start === undefined) { return null; }
    var stack = [start];
    while (stack.length) {
      var r = stack.pop();
      if (mask[r]) { continue; }
      mask[r] = 1;
      Array.prototype.push.apply(stack, d.children[r]);
    }
    return mask;
  }

  // The indexes of the incidents that pass the filters (unknown values match nothing).
  function match(d, state) {
    var inc = d.inc, out = [];
    var from = dayOf(state.from), to = dayOf(state.to);
    var mask = state.region ? within(d, state.region) : null;
    var actor = state.actor ? d.actorIndex[state.actor] : null;
    var type = state.type ? d.typeIndex[state.type] : null;
    var tag = state.tag ? d.tagIndex[state.tag] : null;
    if ((state.region && !mask) || actor === undefined || type === undefined || tag === undefined) { return out; }
    for (var i = 0; i < d.n; i++) {
      // a record matches a time range it may fall in: its last day after the start, its first before the end
      if (from !== null && inc.end[i] < from) { continue; }
      if (to !== null && inc.start[i] !== null && inc.start[i] > to) { continue; }
      if (mask && (inc.region[i] < 0 || !mask[inc.region[i]])) { continue; }
      if (type !== null && inc.type[i] !== type) { continue; }
      if (actor !== null && inc.actors[i].indexOf(actor) < 0) { continue; }
      if (tag !== null && inc.tags[i].indexOf(tag) < 0) { continue; }
      if (state.where === "map" && inc.placed[i] === 2) { continue; }
      if (state.where === "none" && inc.placed[i] !== 2) { continue; }
      out.push(i);
    }
    return out;
  }

  function readState() {
    var params = new URLSearchParams(window.location.search), state = {};
    FILTERS.forEach(function (k) { state[k] = params.get(k) || ""; });
    return state;
  }

  function writeState(state) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (k) { if (state[k]) { params.set(k, state[k]); } });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  // --- what a reader sees of one incident -------------------------------------------------------
  var PRECISION_WORDS = ["exact place", "near the place", "an area", "a region", "precision not stated"];

  function link(d, i) {
    var a = el("a", null, d.inc.title[i]);
    a.href = root + d.raw.pages[d.inc.page[i]] + "#" + encodeURIComponent(d.inc.id[i]);
    return a;
  }

  function facts(d, i) {
    var inc = d.inc, type = d.raw.types[inc.type[i]];
    var parts = [iso(d.raw.dates[inc.date[i]]), iso(type[1])];
    if (inc.region[i] >= 0) { parts.push(regionPath(d, inc.region[i])); }
    return parts.join(" · ");
  }

  function where(d, i) {
    var inc = d.inc;
    if (inc.placed[i] === 2) { return "Not on the map: no coordinates, neither its own nor a region's"; }
    if (inc.placed[i] === 1) { return "Placed at its region's coordinates (it has none of its own): the circle is the region's"; }
    return "At its own coordinates: " + PRECISION_WORDS[inc.precision[i]];
  }

  function popupContent(d, found) {
    var box = el("div", "bx-popup"), list = el("ul");
    found.slice(0, 10).forEach(function (i) {
      var item = el("li");
      var title = el("strong");
      title.appendChild(link(d, i));
      item.appendChild(title);
      item.appendChild(el("div", null, facts(d, i)));
      var actors = d.inc.actors[i].map(function (a) { return iso(d.raw.actors.name[a]); });
      if (actors.length) { item.appendChild(el("div", null, "Actors: " + actors.join("; "))); }
      item.appendChild(el("div", "bx-where", where(d, i)));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (found.length > 10) { box.appendChild(el("p", null, number(found.length - 10) + " more here: see the list")); }
    return box;
  }

  // --- the points: one canvas over the map ----------------------------------------------------
  var Points = L.Layer.extend({
    initialize: function (d) { this._d = d; this._shown = []; this._popup = L.popup({ maxWidth: 360 }); },
    onAdd: function (map) {
      this._map = map;
      this._canvas = L.DomUtil.create("canvas", "bx-points leaflet-zoom-hide");
      this._canvas.setAttribute("aria-hidden", "true");
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      map.on("click", this._click, this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend resize viewreset", this.redraw, this);
      map.off("click", this._click, this);
    },
    show: function (indexes) { this._shown = indexes; if (this._map) { this.redraw(); } },
    _radiusPx: function (i) {
      var r = this._d.inc.radius[i];
      return r ? Math.max(4, r / (40075016.686 * this._d.cos[i] / Math.pow(2, this._map.getZoom() + 8))) : 4;
    },
    // Moves and zooms come in bursts (a zoom fires zoomend and moveend): one draw per frame.
    redraw: function () {
      if (this._pending) { return; }
      this._pending = true;
      var self = this;
      L.Util.requestAnimFrame(function () { self._pending = false; if (self._map) { self._draw(); } });
    },
    // One path per colour and kind (point, own area, region's area), each filled and stroked once:
    // a hundred thousand circles are a dozen canvas calls, not a hundred thousand.
    _draw: function () {
      var map = this._map, d = this._d, canvas = this._canvas, size = map.getSize();
      var ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelBounds().min;
      var groups = d.raw.groups, types = d.raw.types, inc = d.inc, drawn = 0;
      var ng = groups.length, paths = [];
      for (var k = 0; k < 3 * ng; k++) { paths.push(null); }
      var shown = this._shown, zoomMpp = 40075016.686 / Math.pow(2, map.getZoom() + 8);
      for (var n = 0; n < shown.length; n++) {
        var i = shown[n];
        if (inc.placed[i] === 2) { continue; }
        var px = d.x[i] * scale - origin.x, py = d.y[i] * scale - origin.y;
        var metres = inc.radius[i];
        var r = metres ? Math.max(4, metres / (zoomMpp * d.cos[i])) : 4;
        if (px + r < 0 || py + r < 0 || px - r > size.x || py - r > size.y) { continue; }
        var kind = metres ? (inc.placed[i] === 1 ? 2 : 1) : 0;
        var slot = kind * ng + types[inc.type[i]][2];
        var path = paths[slot] || (paths[slot] = new Path2D());
        path.moveTo(px + r, py);
        path.arc(px, py, r, 0, 2 * Math.PI);
        drawn++;
      }
      // areas first (own, then a region's), points on top
      [1, 2, 0].forEach(function (kind) {
        for (var g = 0; g < ng; g++) {
          var path = paths[kind * ng + g];
          if (!path) { continue; }
          var colour = groups[g][2];
          ctx.fillStyle = colour;
          ctx.globalAlpha = kind ? 0.18 : 0.9;
          ctx.fill(path);
          ctx.globalAlpha = 1;
          ctx.lineWidth = kind ? 1.5 : 1;
          ctx.strokeStyle = kind ? colour : "#ffffff";
          ctx.setLineDash(kind === 2 ? [4, 3] : []);
          ctx.stroke(path);
        }
      });
      ctx.setLineDash([]);
      map.getContainer().setAttribute("data-drawn", String(drawn));
      if (window.performance && performance.mark) { performance.mark("bx-painted"); }
    },
    // Every shown incident under the pointer: points within a few pixels, areas that hold it.
    at: function (containerPoint) {
      var map = this._map, d = this._d, inc = d.inc;
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelBounds().min, out = [], self = this;
      this._shown.forEach(function (i) {
        if (inc.placed[i] === 2) { return; }
        var dx = d.x[i] * scale - origin.x - containerPoint.x, dy = d.y[i] * scale - origin.y - containerPoint.y;
        var r = self._radiusPx(i) + 3;
        if (dx * dx + dy * dy <= r * r) { out.push(i); }
      });
      out.sort(function (a, b) { return inc.radius[a] - inc.radius[b] || a - b; });
      return out;
    },
    _click: function (event) {
      var found = this.at(event.containerPoint);
      if (found.length) {
        this._popup.setLatLng(event.latlng).setContent(popupContent(this._d, found)).openOn(this._map);
      }
    },
    openFor: function (i) {
      var d = this._d, latlng = L.latLng(d.inc.lat[i], d.inc.lon[i]);
      this._popup.setLatLng(latlng).setContent(popupContent(d, [i])).openOn(this._map);
    }
  });

  function makeMap(node, data, outlines) {
    var map = L.map(node, { zoomAnimation: false, preferCanvas: true, worldCopyJump: true, minZoom: 1,
                            maxZoom: 16, keyboard: true });
    map.attributionControl.setPrefix(false);
    if (data.tiles) {
      // Leaflet prints an attribution as HTML: a constant of this script, never a value of the data file
      L.tileLayer(data.tiles.url, { maxZoom: 19 }).addTo(map);
      map.attributionControl.addAttribution(OSM_CREDIT);
    }
    if (outlines) {
      L.geoJSON(topojson.feature(outlines, outlines.objects.countries), {
        interactive: false,
        style: { color: "#8a8a8a", weight: 0.8, fillColor: "#f2efe9", fillOpacity: data.tiles ? 0 : 1 }
      }).addTo(map);
      map.attributionControl.addAttribution("Outlines: Natural Earth");
    }
    map.setView([30, 20], 2);
    return map;
  }

  // The view that holds every shown incident with its circle (a degree of latitude is 111 km).
  function fit(map, d, indexes) {
    var inc = d.inc, south = 90, north = -90, west = 180, east = -180, any = false;
    for (var n = 0; n < indexes.length; n++) {
      var i = indexes[n];
      if (inc.placed[i] === 2) { continue; }
      var dlat = Math.max(inc.radius[i], 1000) / 111320, dlon = dlat / Math.max(d.cos[i], 0.01);
      south = Math.min(south, inc.lat[i] - dlat); north = Math.max(north, inc.lat[i] + dlat);
      west = Math.min(west, inc.lon[i] - dlon); east = Math.max(east, inc.lon[i] + dlon);
      any = true;
    }
    if (any) { map.fitBounds([[south, west], [north, east]], { maxZoom: 12, padding: [10, 10] }); }
  }

  function legend(d, node) {
    var box = el("ul", "bx-legend");
    box.setAttribute("aria-label", "Colours of the event groups");
    d.raw.groups.forEach(function (g) {
      var item = el("li"), swatch = el("span", "bx-swatch");
      swatch.style.backgroundColor = g[2];
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(g[1]));
      box.appendChild(item);
    });
    node.appendChild(box);
  }

  // --- the explorer ----------------------------------------------------------------------------
  function explorer(d, outlines) {
    var node = explorerNode;
    var form = el("form", "bx-filters");
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the incidents");
    form.addEventListener("submit", function (e) { e.preventDefault(); });

    var from = el("input"); from.type = "date";
    var to = el("input"); to.type = "date";
    var region = el("select"), actor = el("select"), type = el("select"), tag = el("select"), placed = el("select");
    region.appendChild(option("", "All regions"));
    var order = d.regions.id.map(function (_, r) { return r; });
    var paths = order.map(function (r) { return regionPath(d, r); });
    order.sort(function (a, b) { return paths[a].localeCompare(paths[b]); });
    order.forEach(function (r) { region.appendChild(option(d.regions.id[r], paths[r])); });
    actor.appendChild(option("", "All actors"));
    var actors = d.raw.actors.id.map(function (_, a) { return a; });
    actors.sort(function (a, b) { return d.raw.actors.name[a].localeCompare(d.raw.actors.name[b]); });
    actors.forEach(function (a) { actor.appendChild(option(d.raw.actors.id[a], d.raw.actors.name[a])); });
    type.appendChild(option("", "All event types"));
    d.raw.types.map(function (t) { return t; }).sort(function (a, b) { return a[1].localeCompare(b[1]); })
      .forEach(function (t) { type.appendChild(option(t[0], t[1] + " (" + d.raw.groups[t[2]][1] + ")")); });
    tag.appendChild(option("", "All tags"));
    d.raw.tags.slice().sort().forEach(function (t) { tag.appendChild(option(t, t)); });
    placed.appendChild(option("", "All incidents"));
    placed.appendChild(option("map", "On the map"));
    placed.appendChild(option("none", "Not on the map"));
    var controls = { from: from, to: to, region: region, actor: actor, type: type, tag: tag, where: placed };
    form.appendChild(field("From", from, "bx-from"));
    form.appendChild(field("To", to, "bx-to"));
    form.appendChild(field("Region (with its sub-regions)", region, "bx-region"));
    form.appendChild(field("Actor", actor, "bx-actor"));
    form.appendChild(field("Event type", type, "bx-type"));
    form.appendChild(field("Tag", tag, "bx-tag"));
    form.appendChild(field("Location", placed, "bx-where"));
    var clear = el("button", "bx-button bx-clear", "Clear the filters");
    clear.type = "button";
    form.appendChild(clear);
    node.appendChild(form);

    var status = el("p", "bx-status");
    status.id = "bx-status";
    status.setAttribute("role", "status");
    node.appendChild(status);
    var layout = el("div", "bx-layout");
    var mapNode = el("div", "bx-map");
    mapNode.id = "bx-map";
    mapNode.setAttribute("role", "region");
    mapNode.setAttribute("aria-label", "Map of the matching incidents");
    layout.appendChild(mapNode);
    var side = el("div", "bx-side");
    side.setAttribute("role", "region");
    side.setAttribute("aria-labelledby", "bx-list-title");
    var listTitle = el("h2", null, "Matching incidents");
    listTitle.id = "bx-list-title";
    side.appendChild(listTitle);
    var list = el("ol", "bx-list");
    list.id = "bx-list";
    side.appendChild(list);
    var pager = el("nav", "bx-pager");
    pager.setAttribute("aria-label", "Pages of the list");
    var prev = el("button", "bx-button", "Previous"), next = el("button", "bx-button", "Next");
    prev.type = next.type = "button";
    var pageText = el("span", "bx-page");
    pager.appendChild(prev); pager.appendChild(pageText); pager.appendChild(next);
    side.appendChild(pager);
    layout.appendChild(side);
    node.appendChild(layout);
    legend(d, node);

    mark("controls");
    var map = makeMap(mapNode, d.raw, outlines);
    mark("outlines");
    var points = new Points(d).addTo(map);
    var state = readState(), shown = [], page = 0;

    function render(refit) {
      FILTERS.forEach(function (k) { controls[k].value = state[k]; });
      shown = match(d, state);
      mark("matched");
      points.show(shown);
      mark("drawn");
      var off = 0;
      shown.forEach(function (i) { if (d.inc.placed[i] === 2) { off++; } });
      status.textContent = number(shown.length) + (shown.length === 1 ? " incident matches" : " incidents match") +
        " (of " + number(d.n) + "): " + number(shown.length - off) + " on the map, " + number(off) + " not on the map.";
      page = 0;
      renderList();
      mark("listed");
      if (refit) { fit(map, d, shown); }
      mark("fitted");
    }

    function renderList() {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
      page = Math.min(page, pages - 1);
      list.start = page * PAGE_SIZE + 1;
      shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).forEach(function (i) {
        var item = el("li");
        item.appendChild(link(d, i));
        item.appendChild(el("div", "bx-facts", facts(d, i)));
        if (d.inc.placed[i] === 2) {
          item.appendChild(el("div", "bx-where", "Not on the map: no coordinates"));
        } else {
          var show = el("button", "bx-show", "Show on the map");
          show.type = "button";
          show.addEventListener("click", function () {
            map.setView([d.inc.lat[i], d.inc.lon[i]], Math.max(map.getZoom(), 8));
            points.openFor(i);
          });
          item.appendChild(show);
        }
        list.appendChild(item);
      });
      pageText.textContent = "Page " + number(page + 1) + " of " + number(pages);
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    prev.addEventListener("click", function () { page--; renderList(); });
    next.addEventListener("click", function () { page++; renderList(); });
    FILTERS.forEach(function (k) {
      controls[k].addEventListener("change", function () {
        state[k] = controls[k].value;
        writeState(state);
        render(true);
      });
    });
    clear.addEventListener("click", function () {
      FILTERS.forEach(function (k) { state[k] = ""; });
      writeState(state);
      render(true);
    });
    render(true);
    node.setAttribute("data-ready", "true");
  }

  // --- a region page's small map ---------------------------------------------------------------
  function regionMap(d, outlines) {
    var node = regionNode;
    var mapNode = el("div", "bx-map bx-map--small");
    mapNode.setAttribute("role", "region");
    mapNode.setAttribute("aria-label", "Map of the region's incidents");
    node.appendChild(mapNode);
    var state = { from: "", to: "", region: config.region, actor: "", type: "", tag: "", where: "" };
    var shown = match(d, state), off = 0;
    shown.forEach(function (i) { if (d.inc.placed[i] === 2) { off++; } });
    if (off) {
      node.appendChild(el("p", "bx-status", number(off) + (off === 1 ? " of its incidents has" : " of its incidents have") +
        " no coordinates, neither its own nor a region's, and is not on the map."));
    }
    var map = makeMap(mapNode, d.raw, outlines);
    new Points(d).addTo(map).show(shown);
    fit(map, d, shown);
    legend(d, node);
    var open = el("a", null, "Open this region in the map, with filters and the list");
    open.href = config.explorer + "?region=" + encodeURIComponent(config.region);
    var p = el("p");
    p.appendChild(open);
    node.appendChild(p);
    node.setAttribute("data-ready", "true");
  }

  function mark(name) { if (window.performance && performance.mark) { performance.mark("bx-" + name); } }

  function get(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  var started = window.performance ? performance.now() : 0;
  Promise.all([get(config.data), get(config.outlines).catch(function () { return null; })]).then(function (both) {
    mark("loaded");
    var d = prepare(both[0]);
    mark("prepared");
    if (explorerNode) { explorer(d, both[1]); }
    if (regionNode) { regionMap(d, both[1]); }
    if (window.performance) { document.documentElement.setAttribute("data-bx-ms", String(Math.round(performance.now() - started))); }
  }).catch(function (error) {
    var node = explorerNode || regionNode;
    node.appendChild(el("p", "bx-error", "The map could not be loaded: " + error.message));
  });
})();
