"""France's régions and départements by their official codes (code officiel géographique, INSEE, 2024), and
the checks a commune's code must pass. Stable data, kept here so that the app needs no outside service."""
from __future__ import annotations

import re

REGIONS: dict[str, str] = {
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
    "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
    "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
    "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
}

# code → (name, région code)
DEPARTEMENTS: dict[str, tuple[str, str]] = {
    "01": ("Ain", "84"), "02": ("Aisne", "32"), "03": ("Allier", "84"), "04": ("Alpes-de-Haute-Provence", "93"),
    "05": ("Hautes-Alpes", "93"), "06": ("Alpes-Maritimes", "93"), "07": ("Ardèche", "84"),
    "08": ("Ardennes", "44"), "09": ("Ariège", "76"), "10": ("Aube", "44"), "11": ("Aude", "76"),
    "12": ("Aveyron", "76"), "13": ("Bouches-du-Rhône", "93"), "14": ("Calvados", "28"), "15": ("Cantal", "84"),
    "16": ("Charente", "75"), "17": ("Charente-Maritime", "75"), "18": ("Cher", "24"), "19": ("Corrèze", "75"),
    "21": ("Côte-d'Or", "27"), "22": ("Côtes-d'Armor", "53"), "23": ("Creuse", "75"), "24": ("Dordogne", "75"),
    "25": ("Doubs", "27"), "26": ("Drôme", "84"), "27": ("Eure", "28"), "28": ("Eure-et-Loir", "24"),
    "29": ("Finistère", "53"), "2A": ("Corse-du-Sud", "94"), "2B": ("Haute-Corse", "94"), "30": ("Gard", "76"),
    "31": ("Haute-Garonne", "76"), "32": ("Gers", "76"), "33": ("Gironde", "75"), "34": ("Hérault", "76"),
    "35": ("Ille-et-Vilaine", "53"), "36": ("Indre", "24"), "37": ("Indre-et-Loire", "24"), "38": ("Isère", "84"),
    "39": ("Jura", "27"), "40": ("Landes", "75"), "41": ("Loir-et-Cher", "24"), "42": ("Loire", "84"),
    "43": ("Haute-Loire", "84"), "44": ("Loire-Atlantique", "52"), "45": ("Loiret", "24"), "46": ("Lot", "76"),
    "47": ("Lot-et-Garonne", "75"), "48": ("Lozère", "76"), "49": ("Maine-et-Loire", "52"), "50": ("Manche", "28"),
    "51": ("Marne", "44"), "52": ("Haute-Marne", "44"), "53": ("Mayenne", "52"), "54": ("Meurthe-et-Moselle", "44"),
    "55": ("Meuse", "44"), "56": ("Morbihan", "53"), "57": ("Moselle", "44"), "58": ("Nièvre", "27"),
    "59": ("Nord", "32"), "60": ("Oise", "32"), "61": ("Orne", "28"), "62": ("Pas-de-Calais", "32"),
    "63": ("Puy-de-Dôme", "84"), "64": ("Pyrénées-Atlantiques", "75"), "65": ("Hautes-Pyrénées", "76"),
    "66": ("Pyrénées-Orientales", "76"), "67": ("Bas-Rhin", "44"), "68": ("Haut-Rhin", "44"), "69": ("Rhône", "84"),
    "70": ("Haute-Saône", "27"), "71": ("Saône-et-Loire", "27"), "72": ("Sarthe", "52"), "73": ("Savoie", "84"),
    "74": ("Haute-Savoie", "84"), "75": ("Paris", "11"), "76": ("Seine-Maritime", "28"),
    "77": ("Seine-et-Marne", "11"), "78": ("Yvelines", "11"), "79": ("Deux-Sèvres", "75"), "80": ("Somme", "32"),
    "81": ("Tarn", "76"), "82": ("Tarn-et-Garonne", "76"), "83": ("Var", "93"), "84": ("Vaucluse", "93"),
    "85": ("Vendée", "52"), "86": ("Vienne", "75"), "87": ("Haute-Vienne", "75"), "88": ("Vosges", "44"),
    "89": ("Yonne", "27"), "90": ("Territoire de Belfort", "27"), "91": ("Essonne", "11"),
    "92": ("Hauts-de-Seine", "11"), "93": ("Seine-Saint-Denis", "11"), "94": ("Val-de-Marne", "11"),
    "95": ("Val-d'Oise", "11"), "971": ("Guadeloupe", "01"), "972": ("Martinique", "02"), "973": ("Guyane", "03"),
    "974": ("La Réunion", "04"), "976": ("Mayotte", "06"),
}

_COMMUNE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def region_of(departement_code: str) -> str | None:
    entry = DEPARTEMENTS.get(departement_code)
    return entry[1] if entry else None


def departement_of_commune(commune_code: str) -> str | None:
    """The département a commune's code belongs to ("35238" → "35", "97411" → "974", "2A004" → "2A")."""
    code = commune_code.strip().upper()
    if not _COMMUNE.match(code):
        return None
    prefix = code[:3] if code.startswith("97") else code[:2]
    return prefix if prefix in DEPARTEMENTS else None


def check(*, commune_code: str = "", departement_code: str = "", region_code: str = "") -> list[str]:
    """What is inconsistent in a territory's codes (codes of problems; empty when they agree). Each code may be
    left empty; those given must exist and belong to one another."""
    problems = []
    if region_code and region_code not in REGIONS:
        problems.append("unknown_region")
    if departement_code and departement_code not in DEPARTEMENTS:
        problems.append("unknown_departement")
    elif departement_code and region_code and region_of(departement_code) != region_code:
        problems.append("departement_not_in_region")
    if commune_code:
        of_commune = departement_of_commune(commune_code)
        if of_commune is None:
            problems.append("bad_commune_code")
        elif departement_code and of_commune != departement_code:
            problems.append("commune_not_in_departement")
    return problems


def departement_label(code: str) -> str:
    entry = DEPARTEMENTS.get(code)
    return f"{entry[0]} ({code})" if entry else code


def region_label(code: str) -> str:
    return REGIONS.get(code, code)


# --- a territory in words ---------------------------------------------------------------------------------

def _said(name: str, place: str) -> bool:
    """Whether `name` already says `place` as a word of its own ("Beaulieu-sur-Loire (Loiret)" says Loiret, not
    Loire: a name joined to others by hyphens is part of a longer one)."""
    from .french_text import fold  # core imports core only

    return re.search(rf"(?<![\w-]){re.escape(fold(place))}(?![\w-])", fold(name)) is not None


def unsaid_codes(name: str, *, departement_code: str = "", region_code: str = "") -> list[str]:
    """The département's label and the région's name to write beside a territory's `name`, leaving out those
    it already says: "Vitré" in Ille-et-Vilaine → ["Ille-et-Vilaine (35)", "Bretagne"]; "Beaulieu-sur-Loire
    (Loiret)" in the Loiret → ["Centre-Val de Loire"]."""
    labels = []
    if departement_code:
        entry = DEPARTEMENTS.get(departement_code)
        if entry is None or not _said(name, entry[0]):
            labels.append(departement_label(departement_code))
    if region_code and not (region_code in REGIONS and _said(name, REGIONS[region_code])):
        labels.append(region_label(region_code))
    return labels


def beside_name(name: str, labels: list[str]) -> str:
    """How `labels` follow a territory's name: in brackets (" (Ille-et-Vilaine (35), Bretagne)"), or after a
    comma when the name ends with brackets of its own (", Centre-Val de Loire"); nothing without labels."""
    if not labels:
        return ""
    return f", {', '.join(labels)}" if name.rstrip().endswith(")") else f" ({', '.join(labels)})"
