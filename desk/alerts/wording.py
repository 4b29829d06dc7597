"""Ready-made wording for the emergencies that happen in a city centre, in every language of the terminals.

A publisher picks one, changes what differs today and publishes: under stress nobody should have to
translate. Text in [brackets] must be replaced before publishing (the form refuses it otherwise).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEMPLATES: dict[str, tuple[str, dict[str, str]]] = {
    "street-closed": (_("Street closed"), {
        "de": "Diese Straße ist gesperrt. Bitte folgen Sie der Umleitung und den Anweisungen der Polizei.",
        "en": "This street is closed. Please follow the diversion and the instructions of the police.",
        "tr": "Bu cadde kapalıdır. Lütfen yönlendirmeyi ve polisin talimatlarını izleyin.",
        "ar": "هذا الشارع مغلق. يرجى اتباع التحويلة وتعليمات الشرطة.",
        "uk": "Ця вулиця закрита. Будь ласка, дотримуйтеся об'їзду та вказівок поліції.",
        "pl": "Ta ulica jest zamknięta. Prosimy kierować się objazdem i poleceniami policji.",
        "nl": "Deze straat is afgesloten. Volg de omleiding en de aanwijzingen van de politie.",
    }),
    "evacuation": (_("Evacuation"), {
        "de": "Bitte verlassen Sie diesen Bereich sofort. Folgen Sie den Anweisungen von Polizei und Feuerwehr.",
        "en": "Please leave this area now. Follow the instructions of the police and the fire brigade.",
        "tr": "Lütfen bu alanı hemen terk edin. Polisin ve itfaiyenin talimatlarına uyun.",
        "ar": "يرجى مغادرة هذه المنطقة فورًا. اتبعوا تعليمات الشرطة والإطفاء.",
        "uk": "Будь ласка, негайно залиште цю територію. Дотримуйтеся вказівок поліції та пожежної служби.",
        "pl": "Prosimy natychmiast opuścić ten teren. Stosuj się do poleceń policji i straży pożarnej.",
        "nl": "Verlaat dit gebied nu. Volg de aanwijzingen van de politie en de brandweer.",
    }),
    "lost-child": (_("Lost child — help point"), {
        "de": "Kind verloren oder ein Kind gefunden? Bitte kommen Sie zur Hilfestelle: [Ort].",
        "en": "Lost a child, or found one? Please come to the help point: [place].",
        "tr": "Çocuğunuzu mu kaybettiniz ya da kayıp bir çocuk mu buldunuz? Lütfen yardım noktasına gelin: [yer].",
        "ar": "هل فقدتم طفلًا أو وجدتم طفلًا تائهًا؟ يرجى التوجه إلى نقطة المساعدة: [المكان].",
        "uk": "Загубили дитину або знайшли загублену дитину? Будь ласка, підійдіть до пункту допомоги: [місце].",
        "pl": "Zgubione lub znalezione dziecko? Prosimy przyjść do punktu pomocy: [miejsce].",
        "nl": "Kind kwijt of een kind gevonden? Kom naar het hulppunt: [plaats].",
    }),
    "severe-weather": (_("Severe weather"), {
        "de": "Unwetter: Bitte suchen Sie Schutz in einem Gebäude und meiden Sie Bäume und Baugerüste.",
        "en": "Severe weather: please take shelter in a building and keep away from trees and scaffolding.",
        "tr": "Şiddetli hava: Lütfen bir binaya sığının, ağaçlardan ve iskelelerden uzak durun.",
        "ar": "طقس عاصف: يرجى الاحتماء داخل مبنى والابتعاد عن الأشجار والسقالات.",
        "uk": "Негода: будь ласка, сховайтеся в будівлі та тримайтеся подалі від дерев і риштувань.",
        "pl": "Nawałnica: prosimy schronić się w budynku i trzymać się z dala od drzew i rusztowań.",
        "nl": "Noodweer: zoek beschutting in een gebouw en blijf uit de buurt van bomen en steigers.",
    }),
}


def choices() -> list[tuple[str, str]]:
    return [("", _("— write your own —"))] + [(key, label) for key, (label, _texts) in TEMPLATES.items()]


def texts(locales: list[str]) -> dict[str, list[str]]:
    """{template: [text per city locale, in the form's order]} for the form's script ("" where none)."""
    return {key: [words.get(locale, "") for locale in locales] for key, (_label, words) in TEMPLATES.items()}
