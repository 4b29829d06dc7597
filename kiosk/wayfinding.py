"""Walking routes over feed v1's walking network.

The network is every `LineString`/`MultiLineString` of the feed's map with `walk: true`. Lines join
only where they share a vertex (coordinates compared at 7 decimals). Distances are measured in an
equirectangular projection around the network's centre: at city scale (a few km) it differs from
haversine by far less than a metre, and it makes every length and heuristic a cheap `hypot`.

Built once per content update; anchors and trees belong to the network that made them.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

EARTH_RADIUS_M = 6_371_008.8
GRID_CELL_M = 50.0
# How far along a leg its start/end direction is measured, so a 1 m kink at a junction doesn't decide a turn.
BEARING_LOOKAHEAD_M = 20.0
# Closer than this to the walking line, a destination is "here" rather than on a side.
SIDE_TOLERANCE_M = 1.0
# A place attaches to a way of its own level within this distance before any other level is tried.
SAME_LEVEL_REACH_M = 150.0
# What a metre of each kind of line costs a route, in metres of level walking (never below 1, so the
# straight-line heuristic stays admissible), and what a ride in a lift costs on top: waiting and riding.
COST_PER_METRE = {"escalator": 1.5, "moving_walkway": 1.0}
LIFT_RIDE_COST_M = 50.0

Text = str | Mapping[str, str] | None
LatLon = tuple[float, float]


class EmptyNetworkError(ValueError):
    """Raised by attach() when the feed's map has no usable walking line."""


@dataclass(frozen=True)
class Anchor:
    """A point of the walking network nearest to a place or a kiosk."""

    edge: int
    fraction: float  # 0 at the edge's first vertex, 1 at its second
    point: LatLon  # (lat, lon) on the network
    distance_m: float  # from the query point to `point`
    query: LatLon  # (lat, lon) of the place itself, for "on the left/right"
    level: float = 0.0  # the level the place is on, kept for a step-free re-attach


@dataclass(frozen=True)
class Leg:
    """One stretch of a single feed line walked in one direction."""

    name: Text  # raw feed text; localize with kiosk.i18n.localized
    layer: str | None
    step_free: bool
    length_m: float
    forward: bool  # walked in the direction the line is drawn
    incline: str | None  # 'up'/'down' in the walking direction, from the feed's `incline`
    bearing_start: float  # degrees clockwise from north, over the first metres
    bearing_end: float  # over the last metres
    points: tuple[LatLon, ...]
    junction_degree: int | None  # ways meeting where the leg starts; None at the origin
    feature: int  # index of the feature in the map FeatureCollection
    link: str | None = None  # 'elevator', 'escalator', 'moving_walkway' (the feed's `link`)
    level_to: float | None = None  # a lift leg: the level it arrives at


@dataclass(frozen=True)
class Route:
    points: list[LatLon]
    distance_m: float
    legs: tuple[Leg, ...]
    destination_side: str | None  # 'left' | 'right' | None
    origin: Anchor
    destination: Anchor

    def duration_s(self, speed_kmh: float) -> float:
        if speed_kmh <= 0:
            raise ValueError(f"A walking speed must be positive, got {speed_kmh} km/h.")
        return self.distance_m / (speed_kmh / 3.6)


@dataclass(frozen=True)
class StepFreeGap:
    """Why a step-free route fails: the first barrier of the ordinary route, and how near one gets without it."""

    barrier: Leg  # the first leg of the ordinary route that is not step-free (steps, an escalator, a raised kerb)
    barrier_at: LatLon  # where the visitor meets it
    street_before: Text  # the name of the way walked just before it (None: unnamed, or the start)
    nearest: LatLon  # the point nearest to the destination reachable without steps
    nearest_street: Text  # the name of the way that point lies on
    nearest_gap_m: float  # straight line from `nearest` to the destination's point on the network


@dataclass(frozen=True)
class _Line:
    feature: int
    name: Text
    layer: str | None
    step_free: bool
    incline: str | None
    level: float = 0.0
    link: str | None = None
    levels: tuple[float, float] | None = None
    oneway: bool = False

    def cost(self, length: float) -> float:
        """What walking `length` metres of this line costs a route (see COST_PER_METRE)."""
        if self.link == "elevator":
            return length + LIFT_RIDE_COST_M
        return length * COST_PER_METRE.get(self.link or self.layer or "", 1.0)


@dataclass
class WalkingNetwork:
    lat0: float
    lon0: float
    kx: float  # metres per degree of longitude at lat0
    ky: float  # metres per degree of latitude
    xs: list[float]
    ys: list[float]
    edge_u: list[int]
    edge_v: list[int]
    edge_len: list[float]
    edge_line: list[int]
    edge_step_free: list[bool]
    lines: list[_Line]
    problems: list[str] = field(default_factory=list)
    edge_cost: list[float] = field(default_factory=list)  # what a route pays for the edge; its length when empty

    def __repr__(self) -> str:
        return f"<WalkingNetwork {len(self.xs)} nodes, {len(self.edge_u)} segments, {len(self.problems)} problems>"

    def __post_init__(self) -> None:
        n = len(self.xs)
        if not self.edge_cost:
            self.edge_cost = list(self.edge_len)
        self._adj: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
        self._adj_sf: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
        for e, (u, v, w) in enumerate(zip(self.edge_u, self.edge_v, self.edge_cost)):
            oneway = self.lines[self.edge_line[e]].oneway if self.lines else False
            self._adj[u].append((v, e, w))
            if not oneway:
                self._adj[v].append((u, e, w))
            if self.edge_step_free[e]:
                self._adj_sf[u].append((v, e, w))
                if not oneway:
                    self._adj_sf[v].append((u, e, w))
        self._attachable = [self.lines[line].link != "elevator" if self.lines else True for line in self.edge_line]
        self._edge_level = [self.lines[line].level if self.lines else 0.0 for line in self.edge_line]
        self._grid: dict[tuple[int, int], list[int]] = {}
        for e, (u, v) in enumerate(zip(self.edge_u, self.edge_v)):
            x0, x1 = sorted((self.xs[u], self.xs[v]))
            y0, y1 = sorted((self.ys[u], self.ys[v]))
            for cx in range(_cell(x0), _cell(x1) + 1):
                for cy in range(_cell(y0), _cell(y1) + 1):
                    self._grid.setdefault((cx, cy), []).append(e)
        if self._grid:
            cells = self._grid.keys()
            self._cx_range = (min(c[0] for c in cells), max(c[0] for c in cells))
            self._cy_range = (min(c[1] for c in cells), max(c[1] for c in cells))

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_feature_collection(cls, fc: Mapping[str, Any]) -> WalkingNetwork:
        """The walking network of a feed's `map`; unusable features are skipped and listed in `problems`."""
        problems: list[str] = []
        raw_lines: list[tuple[_Line, list[tuple[float, float]]]] = []
        features = fc.get("features") if isinstance(fc, Mapping) else None
        if not isinstance(features, list):
            problems.append("The map has no 'features' list, so there is no walking network.")
            features = []
        for index, feature in enumerate(features):
            if not isinstance(feature, Mapping):
                continue
            props = feature.get("properties") or {}
            geometry = feature.get("geometry") or {}
            if not isinstance(props, Mapping) or props.get("walk") is not True:
                continue
            kind = geometry.get("type") if isinstance(geometry, Mapping) else None
            coords = geometry.get("coordinates") if isinstance(geometry, Mapping) else None
            if kind == "LineString":
                parts = [coords]
            elif kind == "MultiLineString" and isinstance(coords, list):
                parts = coords
            else:
                continue
            layer = props.get("layer")
            step_free = props.get("step_free") is not False
            if layer == "steps" and props.get("step_free") is None:
                # A flight of steps never goes into a wheelchair route by omission.
                step_free = False
                problems.append(f"map feature {index} is layer 'steps' without step_free: false; "
                                "it is treated as not step-free.")
            incline = props.get("incline") if props.get("incline") in ("up", "down") else None
            levels = props.get("levels")
            line = _Line(index, props.get("name"), layer if isinstance(layer, str) else None,
                         step_free, incline, level=_number(props.get("level"), 0.0),
                         link=props.get("link") if props.get("link") in ("elevator", "escalator", "moving_walkway")
                         else None,
                         levels=(_number(levels[0], 0.0), _number(levels[-1], 0.0))
                         if isinstance(levels, list) and len(levels) >= 2 else None,
                         oneway=props.get("oneway") is True)
            for part in parts:
                points = _valid_points(part)
                if points is None:
                    problems.append(f"map feature {index} has a walking line with invalid coordinates; "
                                    "it is left out of the walking network.")
                    continue
                raw_lines.append((line, points))

        all_points = [p for _, pts in raw_lines for p in pts]
        if all_points:
            lon0 = (min(p[0] for p in all_points) + max(p[0] for p in all_points)) / 2
            lat0 = (min(p[1] for p in all_points) + max(p[1] for p in all_points)) / 2
        else:
            lon0 = lat0 = 0.0
        ky = math.pi / 180 * EARTH_RADIUS_M
        kx = ky * math.cos(math.radians(lat0))

        node_of: dict[tuple[int, int], int] = {}
        xs: list[float] = []
        ys: list[float] = []
        eu: list[int] = []
        ev: list[int] = []
        elen: list[float] = []
        eline: list[int] = []
        esf: list[bool] = []
        ecost: list[float] = []
        lines: list[_Line] = []
        for line, points in raw_lines:
            line_id = len(lines)
            lines.append(line)
            previous = -1
            for lon, lat in points:
                key = (round(lon * 1e7), round(lat * 1e7))
                node = node_of.get(key)
                if node is None:
                    node = node_of[key] = len(xs)
                    xs.append((key[0] / 1e7 - lon0) * kx)
                    ys.append((key[1] / 1e7 - lat0) * ky)
                if previous >= 0 and node != previous:
                    eu.append(previous)
                    ev.append(node)
                    elen.append(math.hypot(xs[node] - xs[previous], ys[node] - ys[previous]))
                    eline.append(line_id)
                    esf.append(line.step_free)
                    ecost.append(line.cost(elen[-1]))
                previous = node
        return cls(lat0, lon0, kx, ky, xs, ys, eu, ev, elen, eline, esf, lines, problems, ecost)

    @property
    def node_count(self) -> int:
        return len(self.xs)

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)

    # -- attaching places -------------------------------------------------------------------

    def attach(self, lat: float, lon: float, *, step_free: bool = False, level: float = 0.0) -> Anchor:
        """The nearest point on the nearest segment of the place's own level (only step-free
        segments when asked); another level only when its own has no way within SAME_LEVEL_REACH_M,
        so a place on a hill never attaches to the tunnel under it. Lift lines are never attached to."""
        if not self._grid:
            raise EmptyNetworkError("The walking network is empty: the feed's map has no line with "
                                    "walk: true, so no place can be reached on foot.")
        px, py = self._project(lat, lon)
        best = self._nearest(px, py, step_free, level, SAME_LEVEL_REACH_M) or self._nearest(px, py, step_free, None, None)
        if best is None:
            raise EmptyNetworkError("The walking network has no step-free line, so no step-free "
                                    "route can start or end anywhere.")
        d2, e, t = best
        return Anchor(e, t, self._edge_point(e, t), math.sqrt(d2), (lat, lon), level)

    def _nearest(self, px: float, py: float, step_free: bool, level: float | None,
                 reach: float | None) -> tuple[float, int, float] | None:
        qx, qy = _cell(px), _cell(py)
        (cx_min, cx_max), (cy_min, cy_max) = self._cx_range, self._cy_range
        far = max(cx_min - qx, qx - cx_max, cy_min - qy, qy - cy_max, 0)
        last = max(abs(qx - cx_min), abs(qx - cx_max), abs(qy - cy_min), abs(qy - cy_max))
        if reach is not None:
            last = min(last, int(reach // GRID_CELL_M) + 1)
        best: tuple[float, int, float] | None = None
        seen: set[int] = set()
        sf, attachable, levels = self.edge_step_free, self._attachable, self._edge_level
        for r in range(max(far - 1, 0), last + 1):
            for cell in _ring(qx, qy, r, self._cx_range, self._cy_range):
                for e in self._grid.get(cell, ()):
                    if e in seen or (step_free and not sf[e]) or not attachable[e] or (
                            level is not None and levels[e] != level):
                        continue
                    seen.add(e)
                    d2, t = self._project_on_edge(e, px, py)
                    if best is None or d2 < best[0]:
                        best = (d2, e, t)
            # Everything outside the searched square is at least r cells away.
            if best is not None and best[0] <= (r * GRID_CELL_M) ** 2:
                break
        if best is not None and reach is not None and best[0] > reach * reach:
            return None
        return best

    # -- routing ----------------------------------------------------------------------------

    def route(self, origin: Anchor, destination: Anchor, *, step_free: bool = False) -> Route | None:
        """The shortest walk between two anchors, or None when they are not connected."""
        origin, destination = self._usable(origin, step_free), self._usable(destination, step_free)
        if origin is None or destination is None:
            return None
        if origin.edge == destination.edge and self._walkable_along(origin, destination):
            return self._build_route(origin, destination, [(origin.edge, origin.fraction,
                                                            destination.fraction, -1)])
        adj = self._adj_sf if step_free else self._adj
        xs, ys = self.xs, self.ys
        tx, ty = self._project(*destination.point)
        e1 = destination.edge
        tails = dict(self._ends(destination))
        hypot = math.hypot

        def h(m: int) -> float:
            # Straight-line distance: admissible because every edge is a straight segment.
            return hypot(xs[m] - tx, ys[m] - ty)

        inf = math.inf
        g = [inf] * len(xs)
        prev: list[tuple[int, int] | None] = [None] * len(xs)
        # f in whole mm (rounded down, so never past the optimum): equal-length paths tie exactly,
        # and ties go to the node walked furthest, so a grid's many equal paths aren't all explored.
        heap: list[tuple[int, float, int]] = []
        for node, cost in self._starts(origin):
            if cost < g[node]:
                g[node] = cost
                prev[node] = (-1, origin.edge)
                heap.append((int((cost + h(node)) * 1000), -cost, node))
        heapq.heapify(heap)
        best, via = inf, -1
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            f_mm, neg_g, n = pop(heap)
            gc = -neg_g
            if f_mm >= best * 1000:
                break
            if gc > g[n]:
                continue
            if n in tails and gc + tails[n] < best:
                best, via = gc + tails[n], n
            for m, e, w in adj[n]:
                ng = gc + w
                if ng < g[m]:
                    g[m] = ng
                    prev[m] = (n, e)
                    push(heap, (int((ng + h(m)) * 1000), -ng, m))
        if via < 0:
            return None
        return self._build_route(origin, destination, self._traversals(origin, destination, via, prev))

    def tree_from(self, origin: Anchor, *, step_free: bool = False) -> RouteTree:
        """Every shortest walk from one fixed point (a kiosk), computed once."""
        usable = self._usable(origin, step_free)
        n = len(self.xs)
        dist = [math.inf] * n  # cost
        prev: list[tuple[int, int] | None] = [None] * n
        if usable is not None:
            adj = self._adj_sf if step_free else self._adj
            heap: list[tuple[float, int]] = []
            for node, cost in self._starts(usable):
                if cost < dist[node]:
                    dist[node] = cost
                    prev[node] = (-1, usable.edge)
                    heap.append((cost, node))
            heapq.heapify(heap)
            pop, push = heapq.heappop, heapq.heappush
            while heap:
                d, node = pop(heap)
                if d > dist[node]:
                    continue
                for m, e, w in adj[node]:
                    nd = d + w
                    if nd < dist[m]:
                        dist[m] = nd
                        prev[m] = (node, e)
                        push(heap, (nd, m))
        return RouteTree(self, usable, step_free, dist, prev, self._metres_along(usable, dist, prev))

    def _metres_along(self, origin: Anchor | None, dist: list[float], prev: list) -> list[float]:
        """Metres walked to every node of a tree, in the order of its costs (parents before children)."""
        metres = [math.inf] * len(dist)
        if origin is None:
            return metres
        elen, eu, e0 = self.edge_len, self.edge_u, origin.edge
        for node in sorted((n for n in range(len(dist)) if dist[n] < math.inf), key=dist.__getitem__):
            before, e = prev[node]
            if before < 0:
                metres[node] = (origin.fraction if eu[e0] == node else 1 - origin.fraction) * elen[e0]
            else:
                metres[node] = metres[before] + elen[e]
        return metres

    def step_free_gap(self, origin: Anchor, destination: Anchor,
                      tree: RouteTree | None = None) -> StepFreeGap | None:
        """What stops a step-free walk from origin to destination; None when nothing does, or when
        there is no walk at all. `tree`: a step-free tree from origin, when one is at hand."""
        walk = self.route(origin, destination)
        if walk is None or self.route(origin, destination, step_free=True) is not None:
            return None
        index = next(i for i, leg in enumerate(walk.legs) if not leg.step_free)
        barrier = walk.legs[index]
        tree = tree if tree is not None else self.tree_from(origin, step_free=True)
        tx, ty = self._project(*destination.point)
        best: tuple[float, int, float] | None = None
        for e, (u, v) in enumerate(zip(self.edge_u, self.edge_v)):
            if self.edge_step_free[e] and tree.dist[u] < math.inf and tree.dist[v] < math.inf:
                d2, t = self._project_on_edge(e, tx, ty)
                if best is None or d2 < best[0]:
                    best = (d2, e, t)
        if best is None:  # the origin itself sits on steps: nothing is reachable without them
            near_e, near_t, gap = origin.edge, origin.fraction, math.dist(self._project(*origin.point), (tx, ty))
        else:
            near_e, near_t, gap = best[1], best[2], math.sqrt(best[0])
        return StepFreeGap(barrier, barrier.points[0], walk.legs[index - 1].name if index else None,
                           self._edge_point(near_e, near_t), self.lines[self.edge_line[near_e]].name, gap)

    # -- internals --------------------------------------------------------------------------

    def _project(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def _unproject(self, x: float, y: float) -> LatLon:
        return (self.lat0 + y / self.ky, self.lon0 + x / self.kx)

    def _edge_point(self, e: int, t: float) -> LatLon:
        u, v = self.edge_u[e], self.edge_v[e]
        return self._unproject(self.xs[u] + t * (self.xs[v] - self.xs[u]),
                               self.ys[u] + t * (self.ys[v] - self.ys[u]))

    def _project_on_edge(self, e: int, px: float, py: float) -> tuple[float, float]:
        u, v = self.edge_u[e], self.edge_v[e]
        ax, ay = self.xs[u], self.ys[u]
        dx, dy = self.xs[v] - ax, self.ys[v] - ay
        length2 = dx * dx + dy * dy
        t = ((px - ax) * dx + (py - ay) * dy) / length2 if length2 else 0.0
        t = 0.0 if t < 0 else 1.0 if t > 1 else t
        ex, ey = ax + t * dx - px, ay + t * dy - py
        return ex * ex + ey * ey, t

    def _usable(self, anchor: Anchor | None, step_free: bool) -> Anchor | None:
        if anchor is None or not 0 <= anchor.edge < len(self.edge_u):
            return None
        if step_free and not self.edge_step_free[anchor.edge]:
            try:
                return self.attach(*anchor.query, step_free=True, level=anchor.level)
            except EmptyNetworkError:
                return None
        return anchor

    def _ends(self, destination: Anchor) -> Iterator[tuple[int, float]]:
        """The nodes a walk reaches the anchor from, with the cost of the rest (a one-way line only from behind)."""
        e = destination.edge
        yield self.edge_u[e], destination.fraction * self.edge_cost[e]
        if not self.lines[self.edge_line[e]].oneway:
            yield self.edge_v[e], (1 - destination.fraction) * self.edge_cost[e]

    def _walkable_along(self, origin: Anchor, destination: Anchor) -> bool:
        return not self.lines[self.edge_line[origin.edge]].oneway or destination.fraction >= origin.fraction

    def _starts(self, origin: Anchor) -> Iterator[tuple[int, float]]:
        """The nodes a walk from the anchor reaches first, with their cost (a one-way line only ahead)."""
        e = origin.edge
        if not self.lines[self.edge_line[e]].oneway:
            yield self.edge_u[e], origin.fraction * self.edge_cost[e]
        yield self.edge_v[e], (1 - origin.fraction) * self.edge_cost[e]

    def _traversals(self, origin: Anchor, destination: Anchor, via: int,
                    prev: Sequence[tuple[int, int] | None]) -> list[tuple[int, float, float, int]]:
        """(edge, fraction from, fraction to, node the piece starts at or -1) from origin to destination."""
        pieces: list[tuple[int, float, float, int]] = []
        e1 = destination.edge
        pieces.append((e1, 0.0 if self.edge_u[e1] == via else 1.0, destination.fraction, via))
        node = via
        while True:
            before, e = prev[node]  # type: ignore[misc]
            if before < 0:
                pieces.append((e, origin.fraction, 0.0 if self.edge_u[e] == node else 1.0, -1))
                break
            forward = self.edge_u[e] == before
            pieces.append((e, 0.0 if forward else 1.0, 1.0 if forward else 0.0, before))
            node = before
        pieces.reverse()
        return pieces

    def _build_route(self, origin: Anchor, destination: Anchor,
                     pieces: Sequence[tuple[int, float, float, int]]) -> Route:
        xs, ys, eu, ev, elen, eline = (self.xs, self.ys, self.edge_u, self.edge_v,
                                       self.edge_len, self.edge_line)
        xy = [self._project(*origin.point)]
        runs: list[list] = []  # [line id, forward, first point index, length, start node]
        total = 0.0
        key = None
        for e, t0, t1, start_node in pieces:
            length = abs(t1 - t0) * elen[e]
            if length < 1e-6:
                continue
            total += length
            u, v = eu[e], ev[e]
            if t1 == 1.0:
                xy.append((xs[v], ys[v]))
            elif t1 == 0.0:
                xy.append((xs[u], ys[u]))
            else:
                xy.append((xs[u] + t1 * (xs[v] - xs[u]), ys[u] + t1 * (ys[v] - ys[u])))
            piece_key = (eline[e], t1 > t0)
            if piece_key != key:
                key = piece_key
                runs.append([key[0], key[1], len(xy) - 2, length, start_node])
            else:
                runs[-1][3] += length
        lat0, lon0, kx, ky = self.lat0, self.lon0, self.kx, self.ky
        points = [(lat0 + y / ky, lon0 + x / kx) for x, y in xy]
        legs: list[Leg] = []
        for i, (line_id, forward, first, length, start_node) in enumerate(runs):
            last = runs[i + 1][2] if i + 1 < len(runs) else len(xy) - 1
            line = self.lines[line_id]
            incline = line.incline
            if incline and not forward:
                incline = "down" if incline == "up" else "up"
            leg_xy = xy[first:last + 1]
            legs.append(Leg(
                name=line.name, layer=line.layer, step_free=line.step_free, length_m=length,
                forward=forward, incline=incline,
                bearing_start=_bearing_along(leg_xy),
                bearing_end=_bearing_along(leg_xy[::-1], reverse=True),
                points=tuple(points[first:last + 1]),
                junction_degree=len(self._adj[start_node]) if start_node >= 0 else None,
                feature=line.feature,
                link=line.link,
                level_to=(line.levels[1] if forward else line.levels[0]) if line.levels else None,
            ))
        if len(points) == 1:
            points.append(destination.point)
        side = self._side(legs[-1], destination) if legs else None
        return Route(points, total, tuple(legs), side, origin, destination)

    def _side(self, last: Leg, destination: Anchor) -> str | None:
        ax, ay = self._project(*last.points[-2])
        bx, by = self._project(*last.points[-1])
        qx, qy = self._project(*destination.query)
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        if norm == 0:
            return None
        cross = (dx * (qy - by) - dy * (qx - bx)) / norm  # x east, y north: positive is to the left
        if abs(cross) < SIDE_TOLERANCE_M:
            return None
        return "left" if cross > 0 else "right"


@dataclass
class RouteTree:
    """Shortest walks from one origin to everywhere; route_to is a lookup plus path reconstruction."""

    network: WalkingNetwork
    origin: Anchor | None
    step_free: bool
    dist: list[float]  # cost of the cheapest walk to each node
    prev: list[tuple[int, int] | None]
    metres: list[float]  # length of that walk

    def distance_to(self, destination: Anchor) -> float | None:
        """Metres of the route to the destination (its length, not its cost)."""
        best = self._best(destination)
        if best is None:
            return None
        _, via, usable = best
        net = self.network
        if via < 0:
            return abs(usable.fraction - self.origin.fraction) * net.edge_len[usable.edge]
        e = usable.edge
        return self.metres[via] + (usable.fraction if via == net.edge_u[e] else 1 - usable.fraction) * net.edge_len[e]

    def route_to(self, destination: Anchor) -> Route | None:
        best = self._best(destination)
        if best is None:
            return None
        _, via, destination = best
        net, origin = self.network, self.origin
        assert origin is not None
        if via < 0:
            return net._build_route(origin, destination, [(origin.edge, origin.fraction,
                                                           destination.fraction, -1)])
        return net._build_route(origin, destination,
                                net._traversals(origin, destination, via, self.prev))

    def _best(self, destination: Anchor) -> tuple[float, int, Anchor] | None:
        if self.origin is None:
            return None
        net = self.network
        usable = net._usable(destination, self.step_free)
        if usable is None:
            return None
        e = usable.edge
        if e == self.origin.edge and net._walkable_along(self.origin, usable):
            return (abs(usable.fraction - self.origin.fraction) * net.edge_cost[e], -1, usable)
        best, via = min(((self.dist[node] + rest, node) for node, rest in net._ends(usable)),
                        key=lambda item: item[0])
        if best == math.inf:
            return None
        return best, via, usable


# -- polylines ----------------------------------------------------------------------------------

def encode_polyline(points: Iterable[Sequence[float]], precision: int = 5) -> str:
    """Google's encoded polyline of (lat, lon) points."""
    factor = 10 ** precision
    out: list[str] = []
    last_lat = last_lon = 0
    for lat, lon in points:
        ilat, ilon = round(lat * factor), round(lon * factor)
        for delta in (ilat - last_lat, ilon - last_lon):
            value = ~(delta << 1) if delta < 0 else delta << 1
            while value >= 0x20:
                out.append(chr((0x20 | (value & 0x1F)) + 63))
                value >>= 5
            out.append(chr(value + 63))
        last_lat, last_lon = ilat, ilon
    return "".join(out)


def decode_polyline(text: str, precision: int = 5) -> list[LatLon]:
    """The (lat, lon) points of a Google encoded polyline."""
    factor = 10 ** precision
    points: list[LatLon] = []
    index = lat = lon = 0
    while index < len(text):
        deltas = []
        for _ in range(2):
            shift = result = 0
            while True:
                if index >= len(text):
                    raise ValueError(f"The encoded polyline ends in the middle of a number at character {index}.")
                byte = ord(text[index]) - 63
                index += 1
                result |= (byte & 0x1F) << shift
                shift += 5
                if byte < 0x20:
                    break
            deltas.append(~(result >> 1) if result & 1 else result >> 1)
        lat += deltas[0]
        lon += deltas[1]
        points.append((lat / factor, lon / factor))
    return points


# -- helpers ------------------------------------------------------------------------------------

def _cell(value: float) -> int:
    return math.floor(value / GRID_CELL_M)


def _ring(cx: int, cy: int, r: int, xr: tuple[int, int], yr: tuple[int, int]) -> Iterator[tuple[int, int]]:
    """Cells at Chebyshev distance r from (cx, cy), clipped to the grid's extent."""
    if r == 0:
        yield (cx, cy)
        return
    x_lo, x_hi = max(cx - r, xr[0]), min(cx + r, xr[1])
    for y in (cy - r, cy + r):
        if yr[0] <= y <= yr[1]:
            for x in range(x_lo, x_hi + 1):
                yield (x, y)
    y_lo, y_hi = max(cy - r + 1, yr[0]), min(cy + r - 1, yr[1])
    for x in (cx - r, cx + r):
        if xr[0] <= x <= xr[1]:
            for y in range(y_lo, y_hi + 1):
                yield (x, y)


def _number(value: Any, default: float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return default


def _valid_points(part: Any) -> list[tuple[float, float]] | None:
    if not isinstance(part, list) or len(part) < 2:
        return None
    points = []
    for position in part:
        if (not isinstance(position, (list, tuple)) or len(position) < 2
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c)
                           for c in position[:2])
                or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90)):
            return None
        points.append((float(position[0]), float(position[1])))
    return points


def _bearing_along(xy: Sequence[tuple[float, float]], reverse: bool = False) -> float:
    """Bearing from xy[0] to the point BEARING_LOOKAHEAD_M along the polyline (or of the reversed walk)."""
    x0, y0 = xy[0]
    walked = 0.0
    target = xy[-1]
    for (ax, ay), (bx, by) in zip(xy, xy[1:]):
        step = math.hypot(bx - ax, by - ay)
        if walked + step >= BEARING_LOOKAHEAD_M and step > 0:
            t = (BEARING_LOOKAHEAD_M - walked) / step
            target = (ax + t * (bx - ax), ay + t * (by - ay))
            break
        walked += step
    dx, dy = target[0] - x0, target[1] - y0
    if reverse:
        dx, dy = -dx, -dy
    return math.degrees(math.atan2(dx, dy)) % 360
