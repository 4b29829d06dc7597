"""Names for the feed's kind and category codes in the visitor's language (the feed carries codes)."""
from __future__ import annotations

from kiosk.ui.translate import N_, tr

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

TYPES = {"place": N_("Place"), "event": N_("Event"), "page": N_("Information")}


def kind_label(kind: str) -> str:
    return tr._(KINDS[kind]) if kind in KINDS else kind.replace("_", " ").capitalize()


def category_label(category: str | None) -> str:
    if not category:
        return ""
    return tr._(CATEGORIES[category]) if category in CATEGORIES else category.replace("_", " ").capitalize()


def type_label(doc_type: str) -> str:
    return tr._(TYPES.get(doc_type, doc_type))
