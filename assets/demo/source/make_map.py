"""Draws the demo map (our own reconstruction of Dortmund's city centre inside the Wallring).

Not copied from OpenStreetMap: the street layout is drawn by hand from general knowledge of the
city, anchored on the measured pedestrian-counter points on Westenhellweg and the Hansaplatz
market point (see ../README.md). It rewrites only the "map" key of base.json:

    .venv/bin/python assets/demo/source/make_map.py

The walking network is built from ONE table of named junctions (J below). Every walk line takes its
vertices from that table, so lines that meet share exactly the same coordinate values, which is
how the feed joins them (equal coordinates at 7 decimals).
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: (lat, lon) -- 6 decimals, counter points keep their published precision
J = {
    # Wallring, clockwise from Westentor
    "westentor": (51.513900, 7.455600),
    "kw_kamp": (51.515600, 7.456000),
    "kw_bibliothek": (51.516800, 7.457800),
    "kw_katharinen": (51.517100, 7.459800),
    "kw_hansa": (51.517300, 7.463500),
    "burgtor": (51.517600, 7.468800),
    "bw_ost": (51.517200, 7.474200),
    "ow_balken": (51.515700, 7.474600),
    "ostentor": (51.514400, 7.475000),
    "ow_mitte": (51.512500, 7.474700),
    "ow_sued": (51.510500, 7.474000),
    "sw_klepping": (51.509600, 7.469500),
    "sw_stadthaus": (51.509450, 7.466600),
    "sw_hansa": (51.509500, 7.464000),
    "hiltrop_sued": (51.509900, 7.460500),
    "hiltrop_nord": (51.511200, 7.456800),
    "hw_mitte": (51.512600, 7.455700),
    # Westenhellweg / Ostenhellweg (counter points from Stadt Dortmund open data)
    "hw_zaehler_west": (51.513982, 7.457912),
    "hw_passage": (51.514050, 7.459300),
    "hw_petri": (51.514150, 7.460700),
    "hw_zaehler_mitte": (51.514315, 7.462598),
    "hw_passage2": (51.514310, 7.463500),
    "hw_hansastr": (51.514290, 7.464350),
    "hw_zaehler_ost": (51.514269, 7.465442),
    "hw_altermarkt": (51.514220, 7.466600),
    "hw_reinoldi": (51.514150, 7.467900),
    "oh_brueck": (51.514150, 7.469400),
    "oh_marien": (51.514250, 7.471500),
    "oh_ost": (51.514350, 7.473300),
    # Kampstraße
    "ks_west": (51.515550, 7.458000),
    "ks_katharinen": (51.515480, 7.459900),
    "ks_petri": (51.515450, 7.460700),
    "ks_ubahn": (51.515410, 7.462000),
    "ks_aufzug": (51.515390, 7.462500),
    "ks_passage2": (51.515350, 7.463400),
    "ks_hansa": (51.515300, 7.464200),
    "ks_ost": (51.515250, 7.465600),
    "ks_reinoldi": (51.515120, 7.468000),
    "br_kamp": (51.515000, 7.469300),
    # U-Bahn platforms (below street level; reached by stairs or lift)
    "u_kamp_bahnsteig": (51.515280, 7.462150),
    "u_reinoldi_bahnsteig": (51.514320, 7.467600),
    "reinoldi_west": (51.514700, 7.467800),
    # Brückstraße
    "br_balken": (51.515800, 7.469200),
    "br_konzerthaus": (51.516400, 7.469100),
    "br_nord": (51.517000, 7.468950),
    # Katharinenstraße, Hauptbahnhof
    "kat_treppe_unten": (51.516600, 7.459850),
    "hbf_vorplatz": (51.517700, 7.459200),
    # Hansastraße
    "hs_hansaplatz": (51.513350, 7.464500),
    "hs_museum": (51.511950, 7.464500),
    "hs_synagoge": (51.510800, 7.464300),
    # Hansaplatz, Alter Markt, Betenstraße, Friedensplatz
    "hp_mitte": (51.513420, 7.465350),
    "am_west": (51.513380, 7.466200),
    "am_mitte": (51.513350, 7.467100),
    "am_sued": (51.512900, 7.466900),
    "fp_nord": (51.512400, 7.466900),
    "fp_mitte": (51.511850, 7.466900),
    "fp_west": (51.511900, 7.465200),
    "fp_rathaus": (51.511300, 7.466800),
    # Kleppingstraße
    "kl_altermarkt": (51.513000, 7.469200),
    "kl_friedensplatz": (51.511800, 7.469000),
    "kl_stadthaus": (51.510600, 7.469200),
    "marienhof": (51.513300, 7.471200),
    # Propsteihof, Propsteigarten
    "ph_gang": (51.513700, 7.462850),
    "ph_hof": (51.513200, 7.463000),
    "ph_garten": (51.512500, 7.462700),
    # Rosenviertel
    "si_rosental": (51.512500, 7.458000),
    "wi_rosental": (51.512800, 7.460600),
    "wi_sued": (51.511500, 7.460400),
    "synagoge_platz": (51.510800, 7.461500),
    # Balkenstraße
    "bk_mitte": (51.515700, 7.471500),
    # Stadtgarten (south of Südwall)
    "sg_eingang": (51.509150, 7.466500),
    "sg_mitte": (51.508500, 7.465500),
    "sg_west": (51.508700, 7.463000),
    "sg_ost": (51.508600, 7.467800),
    "sg_treppe_oben": (51.508950, 7.465600),
    # Dortmunder U, just west of the Wall
    "u_turm": (51.515600, 7.453200),
}


def pt(name):
    lat, lon = J[name]
    return [lon, lat]


def walk(layer, name, *nodes, step_free=True, **extra):
    props = {"layer": layer, "walk": True}
    if name is not None:
        props["name"] = name
    if not step_free:
        props["step_free"] = False
    props.update(extra)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": [pt(n) for n in nodes]}}


def chain(layer, name, nodes, **kw):
    """One feature per stretch between consecutive junctions."""
    return [walk(layer, name, a, b, **kw) for a, b in zip(nodes, nodes[1:])]


def poly(layer, name, corners, **extra):
    ring = [[lon, lat] for lat, lon in corners]
    ring.append(ring[0])
    props = {"layer": layer}
    if name is not None:
        props["name"] = name
    props.update(extra)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def box(layer, name, lat0, lon0, lat1, lon1, **extra):
    return poly(layer, name, [(lat0, lon0), (lat0, lon1), (lat1, lon1), (lat1, lon0)], **extra)


def point(layer, name, lat, lon, **extra):
    props = {"layer": layer, "name": name}
    props.update(extra)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def features():
    f = []
    # --- areas first (drawn below the lines) ---
    f.append(box("park", {"de": "Stadtgarten", "en": "Stadtgarten (city park)", "tr": "Şehir Parkı (Stadtgarten)",
                          "pl": "Park miejski (Stadtgarten)", "nl": "Stadspark (Stadtgarten)",
                          "uk": "Міський сад (Штадтгартен)", "ar": "الحديقة العامة (شتادتغارتن)"},
                 51.50800, 7.46150, 51.50920, 7.46850))
    f.append(box("park", {"de": "Propsteigarten", "en": "Propstei garden"}, 51.51225, 7.46200, 51.51262, 7.46310))
    f.append(poly("water", {"de": "Teich im Stadtgarten", "en": "Pond in the Stadtgarten"},
                  [(51.50835, 7.46380), (51.50845, 7.46440), (51.50830, 7.46490), (51.50812, 7.46470), (51.50815, 7.46400)]))
    f.append(poly("water", {"de": "Brunnen am Alten Markt", "en": "Fountain at Alter Markt"},
                  [(51.51326, 7.46735), (51.51330, 7.46745), (51.51326, 7.46755), (51.51322, 7.46745)]))
    f.append(box("square", "Hansaplatz", 51.51292, 7.46470, 51.51392, 7.46605))
    f.append(box("square", "Alter Markt", 51.51290, 7.46612, 51.51390, 7.46800))
    f.append(box("square", "Friedensplatz", 51.51140, 7.46540, 51.51232, 7.46850))
    f.append(box("square", "Reinoldikirchplatz", 51.51420, 7.46760, 51.51500, 7.46790))
    f.append(box("square", "Platz der Alten Synagoge", 51.51040, 7.46080, 51.51110, 7.46300))
    f.append(box("square", "Petrikirchhof", 51.51420, 7.46040, 51.51530, 7.46080))
    f.append(box("square", "Propsteihof", 51.51300, 7.46270, 51.51330, 7.46340))
    f.append(box("square", {"de": "Bahnhofsvorplatz", "en": "Station forecourt"}, 51.51720, 7.45880, 51.51765, 7.46020))
    f.append(box("square", "Max-von-der-Grün-Platz", 51.51640, 7.45760, 51.51672, 7.45900))
    # buildings
    B = [
        ({"de": "St. Reinoldi", "en": "St Reinold's Church"}, 51.51435, 7.46800, 51.51492, 7.46905, {"landmark": True}),
        ({"de": "St. Petri", "en": "St Peter's Church"}, 51.51440, 7.46085, 51.51505, 7.46165, {"landmark": True}),
        ({"de": "St. Marien", "en": "St Mary's Church"}, 51.51350, 7.46965, 51.51400, 7.47100, {"landmark": True}),
        ({"de": "Propsteikirche", "en": "Propstei Church"}, 51.51265, 7.46320, 51.51298, 7.46420, {"landmark": True}),
        ({"de": "Rathaus", "en": "City Hall"}, 51.51080, 7.46580, 51.51122, 7.46760, {}),
        ({"de": "Stadthaus", "en": "Stadthaus (city offices)"}, 51.50985, 7.46700, 51.51045, 7.46880, {}),
        ({"de": "Konzerthaus Dortmund", "en": "Konzerthaus Dortmund (concert hall)"}, 51.51610, 7.46950, 51.51690, 7.47060, {}),
        ({"de": "Museum für Kunst und Kulturgeschichte", "en": "Museum of Art and Cultural History"}, 51.51140, 7.46290, 51.51232, 7.46420, {}),
        ({"de": "Stadt- und Landesbibliothek", "en": "City and State Library"}, 51.51600, 7.45760, 51.51635, 7.45900, {}),
        ({"de": "Opernhaus", "en": "Opera house"}, 51.51000, 7.46100, 51.51038, 7.46260, {}),
        ({"de": "Hauptbahnhof", "en": "Central station"}, 51.51775, 7.45700, 51.51820, 7.46150, {}),
        ({"de": "Adlerturm", "en": "Adlerturm (eagle tower)"}, 51.51080, 7.47320, 51.51100, 7.47345, {}),
        ({"de": "Dortmunder U", "en": "Dortmunder U"}, 51.51530, 7.45260, 51.51590, 7.45320, {}),
        # street blocks (shops)
        (None, 51.51435, 7.45620, 51.51530, 7.45780, {}),
        (None, 51.51442, 7.45840, 51.51532, 7.45970, {}),
        (None, 51.51448, 7.46160, 51.51525, 7.46330, {}),
        (None, 51.51450, 7.46360, 51.51518, 7.46420, {}),
        (None, 51.51450, 7.46460, 51.51512, 7.46750, {}),
        (None, 51.51310, 7.45620, 51.51378, 7.45770, {}),
        (None, 51.51300, 7.45820, 51.51380, 7.46040, {}),
        (None, 51.51340, 7.46090, 51.51395, 7.46260, {}),
        (None, 51.51580, 7.45820, 51.51640, 7.45960, {}),
        (None, 51.51570, 7.46010, 51.51700, 7.46320, {}),
        (None, 51.51570, 7.46460, 51.51700, 7.46850, {}),
        (None, 51.51455, 7.46960, 51.51555, 7.47120, {}),
        (None, 51.51448, 7.47180, 51.51512, 7.47400, {}),
        (None, 51.51590, 7.47100, 51.51700, 7.47400, {}),
        (None, 51.51260, 7.47140, 51.51405, 7.47420, {}),
        (None, 51.51080, 7.46940, 51.51260, 7.47400, {}),
        (None, 51.51160, 7.45700, 51.51235, 7.45950, {}),
        (None, 51.51180, 7.46080, 51.51240, 7.46220, {}),
    ]
    for name, a, b, c, d, extra in B:
        f.append(box("building", name, a, b, c, d, **extra))
    # rail north of the station (not walkable)
    for lat in (51.51845, 51.51860, 51.51875):
        f.append({"type": "Feature", "properties": {"layer": "rail"},
                  "geometry": {"type": "LineString", "coordinates": [[7.45000, lat], [7.46200, lat + 0.00010], [7.47600, lat + 0.00040]]}})

    # --- walking network ---
    f += chain("street", "Königswall", ["westentor", "kw_kamp", "kw_bibliothek", "kw_katharinen", "kw_hansa", "burgtor"])
    f += chain("street", "Burgwall", ["burgtor", "bw_ost"])
    f += chain("street", "Ostwall", ["bw_ost", "ow_balken", "ostentor", "ow_mitte", "ow_sued"])
    f += chain("street", "Südwall", ["ow_sued", "sw_klepping", "sw_stadthaus", "sw_hansa", "hiltrop_sued"])
    f += chain("street", "Hiltropwall", ["hiltrop_sued", "hiltrop_nord"])
    f += chain("street", "Hoher Wall", ["hiltrop_nord", "hw_mitte", "westentor"])
    f += chain("footway", "Westenhellweg", ["westentor", "hw_zaehler_west", "hw_passage", "hw_petri", "hw_zaehler_mitte",
                                            "hw_passage2", "hw_hansastr", "hw_zaehler_ost", "hw_altermarkt", "hw_reinoldi"])
    f += chain("footway", "Ostenhellweg", ["hw_reinoldi", "oh_brueck", "oh_marien", "oh_ost", "ostentor"])
    f += chain("footway", "Kampstraße", ["kw_kamp", "ks_west", "ks_katharinen", "ks_petri", "ks_ubahn", "ks_aufzug",
                                         "ks_passage2", "ks_hansa", "ks_ost", "ks_reinoldi", "br_kamp"])
    f += chain("street", "Brückstraße", ["oh_brueck", "br_kamp", "br_balken", "br_konzerthaus", "br_nord", "burgtor"])
    f += chain("street", "Kleppingstraße", ["oh_brueck", "kl_altermarkt", "kl_friedensplatz", "kl_stadthaus", "sw_klepping"])
    f += chain("street", "Hansastraße", ["kw_hansa", "ks_hansa", "hw_hansastr", "hs_hansaplatz", "hs_museum", "hs_synagoge", "sw_hansa"])
    f += chain("street", "Katharinenstraße", ["ks_katharinen", "kat_treppe_unten"])
    f += chain("street", "Balkenstraße", ["br_balken", "bk_mitte", "ow_balken"])
    f += chain("street", "Betenstraße", ["am_mitte", "am_sued", "fp_nord"])
    f += chain("street", "Silberstraße", ["hw_zaehler_west", "si_rosental", "hiltrop_nord"])
    f += chain("street", "Wißstraße", ["hw_petri", "wi_rosental", "wi_sued", "hiltrop_sued"])
    f += chain("street", "Rosental", ["si_rosental", "wi_rosental"])
    # squares crossed by paths
    f += chain("square", "Hansaplatz", ["hw_zaehler_ost", "hp_mitte", "am_west"])
    f += chain("square", "Hansaplatz", ["hs_hansaplatz", "hp_mitte"])
    f += chain("square", "Alter Markt", ["am_west", "am_mitte", "kl_altermarkt"])
    f += chain("square", "Alter Markt", ["hw_altermarkt", "am_west"])
    f += chain("square", "Friedensplatz", ["fp_nord", "fp_mitte", "kl_friedensplatz"])
    f += chain("square", "Friedensplatz", ["hs_museum", "fp_west", "fp_mitte", "fp_rathaus"])
    f += chain("square", "Reinoldikirchplatz", ["hw_reinoldi", "reinoldi_west", "ks_reinoldi"])
    f += chain("square", "Petrikirchhof", ["hw_petri", "ks_petri"])
    f += chain("square", "Propsteihof", ["hw_zaehler_mitte", "ph_gang", "ph_hof", "hs_hansaplatz"])
    f += chain("square", "Platz der Alten Synagoge", ["wi_sued", "synagoge_platz", "hs_synagoge"])
    f += chain("square", {"de": "Bahnhofsvorplatz", "en": "Station forecourt"}, ["kw_katharinen", "hbf_vorplatz"])
    f += chain("square", "Max-von-der-Grün-Platz", ["kw_bibliothek", "kat_treppe_unten"])
    f += chain("footway", "Leonie-Reygers-Terrasse", ["kw_kamp", "u_turm"])
    f += chain("park", "Stadtgarten", ["sw_stadthaus", "sg_eingang", "sg_ost", "sg_mitte", "sg_west", "sw_hansa"])
    f += chain("park", "Stadtgarten", ["sg_eingang", "sg_treppe_oben"])
    # unnamed ways (no name): a walk line with layer "building" is a passage through a building
    f += chain("building", None, ["hw_passage", "ks_katharinen"])
    f += chain("building", None, ["hw_passage2", "ks_passage2"])
    f += chain("footway", None, ["oh_marien", "marienhof", "kl_altermarkt"])
    f += chain("building", None, ["fp_rathaus", "sw_stadthaus"])
    f += chain("footway", None, ["wi_rosental", "ph_garten"])
    f += chain("park", None, ["ph_garten", "hs_museum"])
    # steps, each with a step-free way around
    f.append(walk("steps", {"de": "Katharinentreppe", "en": "Katharinen steps"}, "kw_katharinen", "kat_treppe_unten", step_free=False, incline="down"))
    f.append(walk("steps", {"de": "Treppe zur U-Bahn Kampstraße", "en": "Stairs to Kampstraße underground station"},
                  "ks_ubahn", "u_kamp_bahnsteig", step_free=False, incline="down"))
    f.append(walk("footway", {"de": "Aufzug U-Bahn Kampstraße", "en": "Lift to Kampstraße underground station"},
                  "ks_aufzug", "u_kamp_bahnsteig", elevator=True))
    f.append(walk("steps", {"de": "Treppe zur U-Bahn Reinoldikirche", "en": "Stairs to Reinoldikirche underground station"},
                  "hw_reinoldi", "u_reinoldi_bahnsteig", step_free=False, incline="down"))
    f.append(walk("footway", {"de": "Aufzug U-Bahn Reinoldikirche", "en": "Lift to Reinoldikirche underground station"},
                  "reinoldi_west", "u_reinoldi_bahnsteig", elevator=True))
    f.append(walk("steps", {"de": "Treppe zum Propsteigarten", "en": "Stairs to the Propstei garden"},
                  "ph_hof", "ph_garten", step_free=False, incline="down"))
    f.append(walk("steps", {"de": "Treppe im Stadtgarten", "en": "Stairs in the Stadtgarten"},
                  "sg_treppe_oben", "sg_mitte", step_free=False, incline="down"))
    # landmarks as points
    f.append(point("landmark", {"de": "St. Reinoldi", "en": "St Reinold's Church"}, 51.514600, 7.468500))
    f.append(point("landmark", {"de": "St. Petri", "en": "St Peter's Church"}, 51.514700, 7.461200))
    f.append(point("landmark", {"de": "St. Marien", "en": "St Mary's Church"}, 51.513750, 7.470300))
    f.append(point("landmark", {"de": "Propsteikirche", "en": "Propstei Church"}, 51.512820, 7.463700))
    f.append(point("landmark", {"de": "Rathaus", "en": "City Hall"}, 51.511100, 7.466300))
    f.append(point("landmark", {"de": "Hauptbahnhof", "en": "Central station"}, 51.517950, 7.459000))
    f.append(point("landmark", "Dortmunder U", 51.515600, 7.452900))
    f.append(point("landmark", {"de": "Weihnachtsbaum (im Advent)", "en": "Christmas tree (in Advent)"}, 51.513417, 7.465349))
    return f


def main():
    path = HERE / "base.json"
    base = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    base["map"] = {"type": "FeatureCollection", "features": features()}
    path.write_text(json.dumps(base, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    walks = [x for x in base["map"]["features"] if x["properties"].get("walk")]
    print(f"{len(base['map']['features'])} features, {len(walks)} walk segments")


if __name__ == "__main__":
    main()
