"""Words for kinds and categories of places: the UI's labels (translated by gettext in kiosk/ui) and
the words visitors type when they look for one ("Bahnhof", "gare", "eczane"), for search.

The feed carries codes (kind `transit`, category `station`); a station is rarely *named* "station",
so search finds it by these words in every UI language and the common European ones.
"""
from __future__ import annotations

from kiosk.i18n import UI_LANGUAGES, N_, translator


KINDS = {
    "shop": N_("Shop"), "food": N_("Food & drink"), "culture": N_("Culture"), "art": N_("Art in public space"),
    "landmark": N_("Sights"), "market": N_("Markets"), "popup": N_("Pop-up shops"), "service": N_("Service"),
    "toilet": N_("Toilet"), "pharmacy": N_("Pharmacy"), "aed": N_("Defibrillator"), "help": N_("Help"),
    "transit": N_("Public transport"),
}

CATEGORIES = {
    "bicycles": N_("Bicycles"), "books": N_("Books"), "ceramics": N_("Ceramics"), "chocolate": N_("Chocolate"),
    "coffee": N_("Coffee"), "delicatessen": N_("Delicatessen"), "fashion": N_("Fashion"), "florist": N_("Flowers"),
    "haberdashery": N_("Wool & sewing"), "hats": N_("Hats"), "interior": N_("Interior"), "jewellery": N_("Jewellery"),
    "leather": N_("Leather goods"), "music": N_("Music"), "optician": N_("Optician"), "shoes": N_("Shoes"),
    "stationery": N_("Stationery"), "tea": N_("Tea"), "toys": N_("Toys"), "watches": N_("Watches"), "wine": N_("Wine"),
    "bakery": N_("Bakery"), "cafe": N_("Café"), "fast_food": N_("Snacks"), "ice_cream": N_("Ice cream"),
    "restaurant": N_("Restaurant"),
    "arts_centre": N_("Arts centre"), "concert_hall": N_("Concert hall"), "library": N_("Library"), "museum": N_("Museum"),
    "theatre": N_("Theatre"), "fountain": N_("Fountain"), "light_installation": N_("Light art"), "mosaic": N_("Mosaic"),
    "mural": N_("Mural"), "sculpture": N_("Sculpture"), "church": N_("Church"), "townhall": N_("Town hall"),
    "farmers_market": N_("Farmers' market"), "design": N_("Design"), "repair": N_("Repair café"),
    "lost_property": N_("Lost property"), "tourism": N_("Tourist information"), "railway_station": N_("Railway station"),
    "subway": N_("Underground"), "counselling": N_("Counselling"), "police": N_("Police"), "city_service": N_("City service"),
    "pharmacy": N_("Pharmacy"), "public_toilet": N_("Public toilet"), "defibrillator": N_("Defibrillator (AED)"),
}

# Words typed for a place of this kind or OSM/feed category, beyond its labels: de en tr ar uk pl nl, then
# fr es it, since a city's content may be in any language (docs/search.md).
_STATION = ("Bahnhof Hauptbahnhof Hbf station railway train istasyon gar tren محطة قطار вокзал станція потяг "
            "dworzec stacja pociąg station trein gare estación stazione")
_STOP = ("Haltestelle stop durak محطة موقف зупинка przystanek halte arrêt parada fermata")
SEARCH_WORDS = {
    "transit": _STOP, "station": _STATION, "halt": _STATION, "railway_station": _STATION,
    "subway": "U-Bahn Ubahn underground metro subway tube metro مترو метро metro metro métro metro metropolitana",
    "tram_stop": _STOP + " Straßenbahn tram tramvay ترام трамвай tramwaj tram tramway tranvía tram",
    "bus_stop": _STOP + " Bus Bushaltestelle otobüs حافلة автобус autobus bus autobús autobus",
    "platform": _STOP + " Bahnsteig Gleis platform peron رصيف платформа peron perron quai andén binario",
    "pharmacy": "Apotheke pharmacy chemist eczane صيدلية аптека apteka apotheek pharmacie farmacia",
    "toilet": "WC Toilette Klo toilet restroom tuvalet مرحاض حمام туалет toaleta wc toilettes aseo bagno",
    "aed": "AED Defibrillator defibrilatör مزيل الرجفان дефібрилятор defibrylator AED défibrillateur desfibrilador "
           "defibrillatore",
    "police": "Polizei police polis شرطة поліція policja politie police policía polizia",
    "hospital": "Krankenhaus Klinik hospital hastane مستشفى лікарня szpital ziekenhuis hôpital hospital ospedale",
    "atm": "Geldautomat Bankautomat ATM cash bankamatik صراف банкомат bankomat geldautomaat distributeur cajero "
           "bancomat",
    "bank": "Bank bank banka بنك банк bank bank banque banco banca",
    "post_office": "Post Postamt post office postane بريد пошта poczta postkantoor poste correos posta",
    "townhall": "Rathaus town hall city hall belediye بلدية ратуша ratusz stadhuis mairie ayuntamiento municipio",
    "information": "Touristinformation information tourist info turizm معلومات інформація informacja "
                   "informatie office de tourisme información informazioni",
    "place_of_worship": "Kirche church kilise cami كنيسة مسجد церква kościół kerk église iglesia chiesa",
    "museum": "Museum museum müze متحف музей muzeum museum musée museo museo",
    "marketplace": "Markt market pazar سوق ринок targ markt marché mercado mercato",
}


def search_words(kind: str, category: str | None) -> list[str]:
    """The labels of a place's kind and category in every UI language, and the words typed for them."""
    words: list[str] = []
    for msgid in (KINDS.get(kind), CATEGORIES.get(category or "")):
        if msgid:
            words += [translator(lang).gettext(msgid) for lang in UI_LANGUAGES]
    for code in (kind, category):
        if code in SEARCH_WORDS:
            words.append(SEARCH_WORDS[code])
    return list(dict.fromkeys(words))
