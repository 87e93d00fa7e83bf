"""Texts of the demo projects: about sixty innovation-prize projects composed from themes and phrasings with a
seeded random generator (the same texts on every run), and the handful of call-for-projects submissions.

A theme is one public-innovation idea (a problem, what a team did about it, the results it measured, what
another team could take up); the composer wraps it in varied openings, method, results, economic-model and
essaimage paragraphs, with figures drawn per project. Themes belong to a direction of the demo org chart, so
that a city's crèche staff write about crèches and a ministry's data team about data.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

# The prize's categories; the call for projects has its own (see demo.py).
USAGERS = "Relation aux usagers"
INTERNE = "Transformation interne"
ECOLOGIE = "Transition écologique"
NUMERIQUE = "Numérique et données"
PRIZE_CATEGORIES = [USAGERS, INTERNE, ECOLOGIE, NUMERIQUE]
PRIZE_MAX_AMOUNT = 15_000


def number(n: int | float) -> str:
    """French thousands separator: 12500 → "12 500"."""
    return f"{n:,}".replace(",", " ")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def de(name: str) -> str:
    """'de' before a name, elided before a vowel: "d'Auxerre"."""
    return ("d'" if name[:1].lower() in "aàâeéèêiîoôuûh" else "de ") + name


def que(clause: str) -> str:
    """'que' before a clause, elided before a vowel: "qu'à l'accueil…"."""
    return ("qu'" if clause[:1].lower() in "aàâeéèêiîoôuûh" else "que ") + clause


@dataclass(frozen=True)
class Theme:
    direction: str  # acronym of the org chart direction whose agents would carry it
    category: str
    titles: tuple[str, ...]  # each use of the theme takes the next title
    problem: str  # a clause in the past tense, lower-case: "les familles devaient…"
    context: str  # a sentence with volumes, may use the figures
    solution: str  # a noun phrase: "un guichet unique…"
    result: str  # a clause, may use the figures
    reuse: str  # a sentence: what another team can take up
    figures: Callable[[random.Random], dict[str, str]] = lambda r: {}
    cost: tuple[int, int] = (5_000, 40_000)  # what the project cost, in euros
    funding: tuple[str, ...] = ()
    digital: bool = False
    internal: bool = False  # its users are agents: surveys ask agents, not the public


def _f(**ranges: tuple[int, int, int]) -> Callable[[random.Random], dict[str, str]]:
    """Figures drawn independently: name=(low, high, step)."""
    def draw(r: random.Random) -> dict[str, str]:
        return {name: number(r.randrange(lo, hi + 1, step)) for name, (lo, hi, step) in ranges.items()}
    return draw


def _before_after(before: tuple[int, int], ratio: tuple[float, float], **others: tuple[int, int, int]):
    """An indicator that went down: 'avant' then 'apres' = avant × a ratio drawn in `ratio`."""
    def draw(r: random.Random) -> dict[str, str]:
        avant = r.randint(*before)
        apres = max(1, round(avant * r.uniform(*ratio)))
        values = {"avant": number(avant), "apres": number(apres)}
        values.update({name: number(r.randrange(lo, hi + 1, step)) for name, (lo, hi, step) in others.items()})
        return values
    return draw


def _rise(before: tuple[int, int], gain: tuple[int, int], **others: tuple[int, int, int]):
    """A percentage that went up: 'avant' % then 'apres' % (capped at 98)."""
    def draw(r: random.Random) -> dict[str, str]:
        avant = r.randint(*before)
        values = {"avant": number(avant), "apres": number(min(98, avant + r.randint(*gain)))}
        values.update({name: number(r.randrange(lo, hi + 1, step)) for name, (lo, hi, step) in others.items()})
        return values
    return draw


CITY_FUNDING = ("le budget de fonctionnement de la direction", "la dotation de soutien à l'investissement local (DSIL)",
                "le budget participatif interne de la ville")
STATE_FUNDING = ("le Fonds pour la transformation de l'action publique (FTAP)", "le budget de la direction",
                 "les crédits d'innovation du ministère")

THEMES: list[Theme] = [
    # --- Ville de Beaulieu-sur-Loire: Direction des solidarités (petite enfance, CCAS) ---------------------
    Theme("DSOL", USAGERS,
          ("Un guichet unique pour les demandes de place en crèche",
           "Place en crèche : une seule demande, des critères publiés"),
          "les familles devaient déposer une demande dans chaque crèche sans savoir où en était leur dossier, "
          "et près de {doublons} % des demandes étaient des doublons",
          "La ville compte six établissements d'accueil du jeune enfant et reçoit environ {demandes} demandes "
          "de place par an.",
          "un guichet unique d'inscription, en ligne et à l'accueil du CCAS, avec une commission d'attribution "
          "dont les critères sont publiés",
          "le délai de réponse aux familles est passé de {avant} à {apres} semaines et les doublons ont disparu",
          "Les critères d'attribution et le règlement de la commission ont été rédigés pour être repris tels "
          "quels par une autre commune.",
          _before_after((10, 16), (0.2, 0.4), doublons=(25, 40, 1), demandes=(350, 700, 10)),
          cost=(6_000, 25_000), funding=("la caisse d'allocations familiales (CAF)",)),
    Theme("DSOL", USAGERS,
          ("Des places de crèche d'urgence pour les parents qui reprennent un emploi",
           "Garde d'enfant en 48 heures : lever le premier frein au retour à l'emploi"),
          "les parents qui retrouvaient un emploi ou entraient en formation devaient souvent refuser, faute de "
          "mode de garde disponible dans l'immédiat",
          "Les conseillers de France Travail estimaient qu'une reprise d'emploi sur {refus} échouait pour cette "
          "seule raison dans le bassin de vie.",
          "{places} places de crèche réservées à l'accueil d'urgence, attribuées en 48 heures en lien avec "
          "France Travail et la mission locale",
          "{familles} familles en ont bénéficié, et {pct} % des parents concernés étaient "
          "toujours en emploi ou en formation six mois plus tard",
          "La convention avec France Travail et la grille d'attribution en urgence tiennent en quatre pages ; "
          "elles sont disponibles pour toute collectivité qui voudrait les adapter.",
          _f(refus=(5, 10, 1), places=(4, 10, 1), familles=(25, 70, 1), pct=(68, 88, 1)),
          cost=(15_000, 60_000), funding=("la caisse d'allocations familiales (CAF)", "le département")),
    Theme("DSOL", USAGERS,
          ("Aller vers les aînés isolés avant l'urgence",
           "Une équipe mobile pour rompre l'isolement des personnes âgées"),
          "de nombreuses personnes âgées isolées ne sollicitaient aucune aide, et le CCAS ne les découvrait "
          "qu'au moment d'une hospitalisation ou d'une canicule",
          "Plus de {seniors} habitants de la commune ont plus de 75 ans, dont près d'un tiers vivent seuls.",
          "une équipe mobile de deux agents et de volontaires en service civique, qui rend visite aux personnes "
          "signalées par les facteurs, les pharmaciens et les gardiens d'immeuble",
          "{visites} personnes ont été rencontrées, et {ouverts} d'entre elles ont vu des droits ouverts ou "
          "réexaminés (allocation personnalisée d'autonomie, aide au chauffage, téléassistance)",
          "Le protocole de repérage avec La Poste et les pharmacies, et la fiche de visite, sont prêts à être "
          "réutilisés.",
          _f(seniors=(1_800, 4_200, 100), visites=(150, 420, 10), ouverts=(40, 120, 1)),
          cost=(20_000, 55_000), funding=("la conférence des financeurs de la prévention de la perte d'autonomie",)),
    Theme("DSOL", USAGERS,
          ("Un rendez-vous « tous droits » contre le non-recours",
           "Non-recours aux droits : un seul rendez-vous pour tout vérifier"),
          "près d'un ménage éligible sur trois ne demandait pas les aides auxquelles il avait droit, faute de "
          "les connaître ou par lassitude des démarches",
          "Le CCAS reçoit chaque année environ {accueils} personnes, le plus souvent pour une seule aide.",
          "un rendez-vous « droits » où un agent du CCAS passe en revue avec la personne l'ensemble des aides "
          "possibles à l'aide d'un simulateur, puis l'accompagne dans les demandes",
          "{rdv} rendez-vous ont permis d'ouvrir {droits} droits nouveaux, pour un gain moyen de {montant} € "
          "par an et par foyer",
          "La trame d'entretien et la liste des aides locales à vérifier sont publiées sous licence ouverte.",
          _f(accueils=(2_000, 5_000, 100), rdv=(180, 450, 10), droits=(120, 380, 1), montant=(600, 1_900, 50)),
          cost=(8_000, 30_000)),
    Theme("DSOL", NUMERIQUE,
          ("Un coffre-fort numérique pour les personnes sans domicile",
           "Ne plus perdre ses papiers quand on n'a pas de toit"),
          "les personnes sans domicile perdaient régulièrement leurs papiers, ce qui bloquait leurs démarches "
          "pendant des mois",
          "Le CCAS domicilie environ {domicilies} personnes sans adresse stable.",
          "un coffre-fort numérique proposé à chaque personne domiciliée, avec l'aide d'un agent pour numériser "
          "les documents et les retrouver depuis n'importe quel téléphone",
          "{utilisateurs} personnes l'utilisent, et le délai pour refaire une demande de prestation ou de titre "
          "est passé de {avant} à {apres} semaines",
          "L'outil est celui d'une association nationale ; notre apport réutilisable est l'organisation de "
          "l'accompagnement et la formation des agents d'accueil.",
          _before_after((8, 14), (0.15, 0.35), domicilies=(250, 600, 10), utilisateurs=(90, 260, 1)),
          cost=(5_000, 18_000), digital=True),
    # --- Ville de Beaulieu-sur-Loire: Direction de l'espace public (propreté, mobilités) ----------------------
    Theme("DEP", USAGERS,
          ("Signaler un problème dans la rue et suivre sa résolution",
           "Dépôts sauvages : des signalements suivis de bout en bout"),
          "les signalements de dépôts sauvages ou de mobilier cassé arrivaient par téléphone, par courriel ou "
          "sur les réseaux sociaux, et les habitants ne savaient jamais si leur demande avait été traitée",
          "Le service reçoit environ {signalements} signalements par an.",
          "une application de signalement géolocalisé, reliée directement aux tablettes des équipes de terrain, "
          "qui informe l'habitant à chaque étape",
          "le délai moyen d'intervention est passé de {avant} à {apres} jours, et {pct} % des signalements "
          "sont traités en moins de 48 heures",
          "L'application est un logiciel libre déjà utilisé par plusieurs villes ; notre paramétrage et nos "
          "catégories de signalement sont documentés.",
          _before_after((7, 15), (0.15, 0.4), signalements=(3_000, 9_000, 100), pct=(62, 85, 1)),
          cost=(12_000, 45_000), digital=True),
    Theme("DEP", ECOLOGIE,
          ("Broyer et pailler sur place plutôt que d'évacuer",
           "Déchets verts des espaces publics : zéro benne pour les tontes et les tailles"),
          "les tontes et les tailles des espaces verts municipaux représentaient chaque année des centaines "
          "de rotations de camion vers la déchetterie",
          "Les équipes entretiennent environ {hectares} hectares d'espaces verts et produisaient près de "
          "{tonnes} tonnes de déchets verts par an.",
          "le broyage sur place et le paillage des massifs, avec deux broyeurs partagés entre les équipes et "
          "une tonte différenciée selon les usages",
          "les volumes évacués ont baissé de {pct} % et les trajets de camion de {trajets} par an, tout en "
          "réduisant l'arrosage des massifs paillés",
          "Le plan de gestion différenciée et les fiches d'entretien par type d'espace sont prêts à être "
          "adaptés.",
          _f(hectares=(40, 120, 5), tonnes=(300, 900, 10), pct=(45, 75, 1), trajets=(120, 400, 10)),
          cost=(25_000, 80_000), funding=("le Fonds vert", "l'agence de l'eau")),
    Theme("DEP", ECOLOGIE,
          ("Des cendriers qui font voter les passants",
           "Mégots : moins au sol, plus recyclés"),
          "les mégots constituaient une grande partie des déchets ramassés sur les trottoirs du centre-ville, "
          "et beaucoup finissaient dans les réseaux d'eaux pluviales",
          "Un comptage réalisé par les agents de propreté relevait jusqu'à {comptage} mégots par jour sur "
          "la seule place du marché.",
          "des cendriers « de vote » qui posent une question aux passants, placés aux endroits les plus "
          "touchés, et une filière locale de recyclage des mégots",
          "les mégots au sol ont diminué de {pct} % dans les rues équipées, et {kg} kg ont été recyclés en un an",
          "La méthode de comptage avant et après, et la liste des questions qui ont le mieux fonctionné, "
          "sont partagées.",
          _f(comptage=(400, 1_500, 50), pct=(35, 65, 1), kg=(60, 240, 10)),
          cost=(4_000, 15_000)),
    Theme("DEP", ECOLOGIE,
          ("Rues aux écoles et vélobus : venir à l'école autrement",
           "Vingt minutes sans voitures devant les écoles"),
          "aux heures d'entrée et de sortie des classes, les abords des écoles étaient saturés de voitures, y "
          "compris pour des enfants habitant à quelques minutes à pied",
          "La ville compte {ecoles} écoles élémentaires et maternelles, pour environ {eleves} élèves.",
          "des « rues aux écoles » fermées à la circulation vingt minutes matin et soir, et des lignes de "
          "vélobus encadrées par des parents et des agents",
          "la part des enfants venant à pied ou à vélo est passée de {avant} % à {apres} % dans les écoles "
          "concernées",
          "Les arrêtés, la signalétique et la charte des parents accompagnateurs sont réutilisables en l'état.",
          _rise((25, 40), (15, 30), ecoles=(8, 16, 1), eleves=(1_200, 3_000, 50)),
          cost=(10_000, 40_000), funding=("le Fonds vert",)),
    Theme("DEP", USAGERS,
          ("Un transport à la demande pour les hameaux",
           "Aller au marché, chez le médecin, à la gare : un minibus sur réservation"),
          "les habitants des hameaux sans voiture dépendaient de leurs voisins pour aller au marché, chez le "
          "médecin ou à la gare",
          "Un habitant sur {part} des hameaux n'a pas de voiture, et aucune ligne régulière ne les dessert.",
          "un transport à la demande réservable par téléphone la veille, assuré par un minibus municipal et "
          "deux chauffeurs formés à l'accompagnement",
          "{trajets} trajets ont été réalisés pour {usagers} usagers réguliers, dont {pct} % "
          "de plus de 70 ans",
          "La convention avec l'autorité organisatrice des mobilités et le règlement du service sont partagés.",
          _f(part=(4, 8, 1), trajets=(1_500, 4_500, 50), usagers=(80, 260, 1), pct=(45, 70, 1)),
          cost=(30_000, 90_000), funding=("la région, autorité organisatrice des mobilités",)),
    Theme("DEP", ECOLOGIE,
          ("Des vélos à assistance électrique pour les déplacements des agents",
           "Moins de voitures de service, plus de vélos"),
          "les agents prenaient une voiture de service pour la plupart de leurs déplacements, même de moins "
          "de cinq kilomètres",
          "Les trajets courts représentaient {pct_courts} % des kilomètres parcourus par le parc municipal.",
          "une flotte de {velos} vélos à assistance électrique réservables sur l'intranet, avec une formation "
          "à la conduite en ville",
          "{km} km ont été parcourus à vélo, et {voitures} voitures de service ont été "
          "retirées du parc",
          "Le règlement d'utilisation, le module de réservation et le contenu de la formation sont disponibles.",
          _f(pct_courts=(35, 60, 1), velos=(12, 30, 1), km=(8_000, 25_000, 500), voitures=(3, 8, 1)),
          cost=(20_000, 60_000), funding=("le Fonds vert",), internal=True),
    # --- Ville de Beaulieu-sur-Loire: Direction du numérique et de l'innovation ------------------------------
    Theme("DNI", USAGERS,
          ("Des courriers que tout le monde comprend",
           "Langage clair : réécrire les courriers avec les habitants"),
          "les courriers de la ville étaient si difficiles à comprendre qu'une grande partie des appels à "
          "l'accueil portait sur leur sens",
          "La ville envoie chaque année près de {envois} courriers, dont une trentaine de modèles concentrent "
          "l'essentiel.",
          "la réécriture en langage clair des {courriers} courriers les plus envoyés, testés auprès d'habitants "
          "avant leur diffusion",
          "les appels liés aux courriers ont baissé de {baisse} % et les dossiers incomplets de {baisse2} %",
          "Les courriers réécrits et le guide de rédaction sont publiés sous licence ouverte.",
          _f(envois=(40_000, 120_000, 1_000), courriers=(20, 45, 1), baisse=(30, 55, 1), baisse2=(20, 45, 1)),
          cost=(5_000, 20_000)),
    Theme("DNI", USAGERS,
          ("Un accueil unique à l'hôtel de ville",
           "Une seule porte pour toutes les démarches municipales"),
          "un habitant venu pour plusieurs démarches passait d'un guichet à l'autre, parfois dans trois "
          "bâtiments différents",
          "L'accueil reçoit environ {visites} visites par an.",
          "un accueil unique où un agent polyvalent prend en charge la plupart des démarches (état civil, "
          "inscriptions scolaires, cartes de stationnement) et oriente pour le reste",
          "{pct} % des demandes sont réglées dès le premier contact, contre {avant} % auparavant",
          "Le référentiel des démarches traitées au premier niveau et le plan de formation des agents "
          "polyvalents sont réutilisables.",
          lambda r: {"visites": number(r.randrange(30_000, 80_001, 1_000)), "avant": number(r.randint(35, 50)),
                     "pct": number(r.randint(68, 85))},
          cost=(30_000, 120_000)),
    Theme("DNI", INTERNE,
          ("L'accueil ouvert le soir et le samedi, sans heures supplémentaires",
           "Des horaires pensés pour les habitants qui travaillent"),
          "les horaires d'ouverture, calés sur les heures de bureau, ne convenaient pas aux habitants qui "
          "travaillent",
          "Une enquête auprès de {repondants} habitants plaçait les horaires en tête des motifs d'insatisfaction.",
          "une ouverture de l'accueil deux soirs par semaine jusqu'à 19 h 30 et le samedi matin, avec un "
          "roulement choisi par les agents eux-mêmes",
          "{pct} % des rendez-vous du soir sont pris par des actifs qui ne venaient pas auparavant, sans "
          "heures supplémentaires",
          "Le protocole de concertation avec les agents et les représentants du personnel est documenté.",
          _f(repondants=(600, 1_800, 50), pct=(55, 80, 1)),
          cost=(3_000, 12_000)),
    Theme("DNI", USAGERS,
          ("Un budget participatif ouvert dès 11 ans",
           "Les habitants proposent, votent et suivent leurs projets"),
          "la participation aux réunions publiques plafonnait à quelques dizaines d'habitants, toujours les "
          "mêmes",
          "La dernière réunion de quartier avait réuni {presents} personnes, pour un quartier de plus de "
          "8 000 habitants.",
          "un budget participatif de {montant} € par an, avec des projets proposés et votés par les habitants "
          "dès 11 ans, en ligne et dans des urnes installées dans les écoles et sur les marchés",
          "{votants} habitants ont participé au premier vote, {projets} projets ont été réalisés, et {pct} % des "
          "votants n'avaient jamais participé à une concertation",
          "Le règlement, le calendrier type et la plateforme de vote, un logiciel libre, sont réutilisables.",
          _f(presents=(25, 60, 1), montant=(150_000, 400_000, 50_000), votants=(2_500, 7_000, 100),
             projets=(8, 20, 1), pct=(50, 75, 1)),
          cost=(20_000, 60_000), digital=True),
    Theme("DNI", NUMERIQUE,
          ("Un tableau de bord public de la qualité des services",
           "Publier chaque mois les délais et la satisfaction"),
          "ni les élus ni les habitants n'avaient de vue d'ensemble de la qualité des services rendus",
          "Les indicateurs existaient, dispersés dans une vingtaine de tableurs tenus par les services.",
          "un tableau de bord public, mis à jour chaque mois, qui publie délais, fréquentation et satisfaction "
          "de {services} services municipaux, avec les données ouvertes correspondantes",
          "le tableau de bord est consulté environ {visites} fois par mois, et trois services ont revu leur "
          "organisation à partir des données",
          "Le modèle de données et le code du tableau de bord sont publiés sous licence libre.",
          _f(services=(8, 16, 1), visites=(1_200, 5_000, 100)),
          cost=(10_000, 35_000), digital=True),
    Theme("DNI", NUMERIQUE,
          ("« Dites-le nous une fois » : des démarches en ligne sans justificatifs",
           "Quotient familial récupéré automatiquement : fini les photocopies"),
          "les démarches en ligne de la ville demandaient des pièces justificatives que l'administration "
          "détenait déjà",
          "Les inscriptions scolaires et périscolaires représentent à elles seules près de {dossiers} dossiers "
          "par an.",
          "la refonte de {demarches} démarches en ligne, avec la récupération automatique du quotient familial "
          "par les interfaces de programmation (API) de l'État",
          "le temps de remplissage moyen est passé de {avant} à {apres} minutes et les dossiers incomplets ont "
          "presque disparu",
          "Les formulaires sont construits sur une solution libre ; les connecteurs aux API sont publiés.",
          _before_after((25, 45), (0.2, 0.4), dossiers=(2_500, 6_000, 100), demarches=(5, 12, 1)),
          cost=(15_000, 50_000), digital=True),
    # --- Ministère: Direction interministérielle de la transformation publique (DITP) ---------------------
    Theme("DITP", USAGERS,
          ("Accueil des étrangers en préfecture : finies les files d'attente à l'aube",
           "Titres de séjour : rendez-vous, pré-examen à distance, accueil des urgences"),
          "à l'accueil des étrangers de la préfecture, les usagers faisaient la queue dès l'aube et une partie "
          "repartait sans avoir été reçue",
          "Le service instruit environ {dossiers} demandes de titre par an.",
          "une prise de rendez-vous en ligne et par téléphone, un pré-examen des dossiers à distance et un "
          "accueil sans rendez-vous réservé aux situations urgentes",
          "les files d'attente devant le bâtiment ont disparu, et le délai de traitement d'un renouvellement "
          "est passé de {avant} à {apres} semaines",
          "L'organisation de l'accueil, les scripts téléphoniques et la grille de pré-examen ont été rédigés "
          "pour d'autres préfectures.",
          _before_after((12, 20), (0.35, 0.6), dossiers=(8_000, 25_000, 500)),
          cost=(20_000, 70_000), funding=STATE_FUNDING),
    Theme("DITP", USAGERS,
          ("Des courriers de relance réécrits grâce aux sciences comportementales",
           "Relances : le bon message, au bon moment, en une seule étape"),
          "les courriers de relance des services de l'État provoquaient de nombreux appels et peu de "
          "régularisations dans les délais",
          "Environ {envois} courriers de relance partent chaque année.",
          "des courriers réécrits selon les sciences comportementales (le message principal d'abord, "
          "l'échéance visible, la démarche en une seule étape), comparés à l'ancien modèle par un essai "
          "contrôlé",
          "le taux de réponse dans le délai a progressé de {points} points par rapport à l'ancien courrier",
          "Le protocole d'essai contrôlé et les courriers sont publiés ; l'équipe peut accompagner une autre "
          "administration dans la même démarche.",
          _f(envois=(20_000, 90_000, 1_000), points=(6, 15, 1)),
          cost=(5_000, 20_000), funding=STATE_FUNDING),
    Theme("DITP", INTERNE,
          ("Ouvrir les marchés publics aux petites entreprises du territoire",
           "Achats de l'État : des lots plus petits, des dossiers plus simples"),
          "les petites entreprises locales ne répondaient presque jamais aux marchés des services de l'État "
          "du département, jugés trop complexes",
          "Les services de l'État du département passent chaque année une soixantaine de consultations.",
          "des marchés découpés en lots plus petits, un dossier de consultation simplifié et des matinées de "
          "rencontre avec les entreprises avant chaque consultation",
          "la part des PME parmi les attributaires est passée de {avant} % à {apres} %, et le nombre moyen "
          "d'offres par lot de {o1} à {o2}",
          "Le dossier de consultation type et le déroulé des matinées d'information sont disponibles.",
          lambda r: {"avant": number(r.randint(20, 35)), "apres": number(r.randint(45, 65)),
                     "o1": number(r.randint(1, 2)), "o2": number(r.randint(4, 6))},
          cost=(3_000, 12_000), funding=STATE_FUNDING),
    Theme("DITP", ECOLOGIE,
          ("Réemployer le mobilier de bureau entre services de l'État",
           "Une ressourcerie du mobilier administratif"),
          "lors des déménagements de services, le mobilier de bureau partait à la benne alors que d'autres "
          "services en rachetaient au même moment",
          "Les services de l'État du département occupent une vingtaine de bâtiments.",
          "une plateforme de réemploi du mobilier entre services, avec un stock tampon et un marché de "
          "remise en état",
          "{meubles} meubles ont été réemployés, soit {eco} € d'achats évités et {tonnes} "
          "tonnes de déchets en moins",
          "Le catalogue en ligne et les conventions entre services sont réutilisables par n'importe quel "
          "département.",
          _f(meubles=(600, 2_000, 10), eco=(80_000, 250_000, 5_000), tonnes=(15, 60, 1)),
          cost=(15_000, 45_000), funding=STATE_FUNDING, internal=True),
    Theme("DITP", ECOLOGIE,
          ("Chauffer les bureaux quand ils sont occupés",
           "Sobriété énergétique : des capteurs et des ambassadeurs dans chaque service"),
          "les bâtiments administratifs étaient chauffés de la même façon qu'ils soient occupés ou non",
          "La facture énergétique des bâtiments concernés dépassait {facture} € par an.",
          "des capteurs de température, une programmation du chauffage pièce par pièce et des ambassadeurs "
          "de la sobriété dans chaque service",
          "la consommation de chauffage a baissé de {pct} % en un hiver, soit {eco} € d'économies",
          "La méthode d'instrumentation et le guide des ambassadeurs sont publiés.",
          _f(facture=(300_000, 900_000, 10_000), pct=(12, 25, 1), eco=(40_000, 150_000, 5_000)),
          cost=(30_000, 90_000), funding=STATE_FUNDING, internal=True),
    Theme("DITP", USAGERS,
          ("Un dossier unique pour les demandes de subvention des associations",
           "Associations : fournir ses pièces une seule fois"),
          "les associations devaient fournir les mêmes pièces à chaque demande de subvention, et à chaque "
          "service",
          "Près de {assos} associations déposent chaque année une demande auprès des services de l'État du "
          "département.",
          "un dossier unique partagé entre services, alimenté une fois par l'association via le Compte Asso",
          "le délai d'instruction est passé de {avant} à {apres} jours et les demandes de pièces complémentaires "
          "ont été divisées par trois",
          "Le circuit d'instruction partagé et la convention entre services sont documentés.",
          _before_after((60, 110), (0.35, 0.6), assos=(400, 1_200, 50)),
          cost=(5_000, 20_000), funding=STATE_FUNDING),
    # --- Ministère: Direction générale de l'administration et de la fonction publique (DGAFP) -------------
    Theme("DGAFP", INTERNE,
          ("Un parcours d'intégration pour les nouveaux arrivants",
           "Bien accueillir pour mieux garder : trois mois d'intégration"),
          "beaucoup d'agents recrutés quittaient leur poste dans les dix-huit mois, et disaient s'être sentis "
          "livrés à eux-mêmes à leur arrivée",
          "Les services concernés accueillent environ {arrivees} nouveaux agents par an.",
          "un parcours d'intégration de trois mois : un parrain ou une marraine, un livret d'accueil, une "
          "journée de découverte des services partenaires et un point d'étape à un mois",
          "les départs dans les dix-huit mois ont baissé de {baisse} %, et {sat} % des nouveaux arrivants "
          "recommandent le parcours",
          "Le livret d'accueil, la charte des parrains et le questionnaire d'étonnement sont en libre accès.",
          _f(arrivees=(80, 300, 10), baisse=(25, 45, 1), sat=(85, 96, 1)),
          cost=(5_000, 20_000), funding=STATE_FUNDING),
    Theme("DGAFP", INTERNE,
          ("Mentorat : accompagner les agents de catégorie C vers les concours",
           "Un an de mentorat pour oser la promotion"),
          "les agents de catégorie C qui souhaitaient évoluer ne savaient pas à qui s'adresser, et peu se "
          "présentaient aux concours internes",
          "Dans les services concernés, moins d'un agent de catégorie C sur vingt s'inscrivait à un concours.",
          "un programme de mentorat où des agents de catégorie A accompagnent pendant un an des collègues "
          "volontaires, avec des ateliers de préparation aux concours",
          "{mentores} agents ont été accompagnés et {reussite} ont réussi un concours ou obtenu une promotion, "
          "contre {avant} par an auparavant",
          "La charte du mentorat et le programme des ateliers sont prêts à être repris par un autre ministère.",
          lambda r: {"mentores": number(r.randint(30, 80)), "reussite": number(r.randint(10, 25)),
                     "avant": number(r.randint(2, 6))},
          cost=(4_000, 15_000), funding=STATE_FUNDING),
    Theme("DGAFP", INTERNE,
          ("Des agents qui forment leurs collègues",
           "Formation entre pairs : transmettre les savoir-faire avant les départs en retraite"),
          "les formations du catalogue arrivaient trop tard, et les savoir-faire des agents expérimentés "
          "partaient avec eux à la retraite",
          "Un agent sur {part} des services concernés partira à la retraite dans les cinq ans.",
          "des formations courtes données par des agents à leurs collègues, avec un accompagnement "
          "pédagogique des formateurs internes",
          "{sessions} sessions ont réuni {stagiaires} stagiaires, avec {formateurs} formateurs internes, pour "
          "un coût par stagiaire divisé par {div}",
          "Le kit du formateur interne et le modèle de fiche de session sont publiés.",
          _f(part=(4, 6, 1), sessions=(40, 120, 1), stagiaires=(300, 1_100, 10), formateurs=(15, 45, 1),
             div=(2, 4, 1)),
          cost=(8_000, 30_000), funding=STATE_FUNDING),
    Theme("DGAFP", INTERNE,
          ("Prévenir les troubles musculo-squelettiques des agents d'accueil et de logistique",
           "Santé au travail : des postes aménagés avec ceux qui les occupent"),
          "les arrêts de travail liés aux troubles musculo-squelettiques augmentaient chaque année parmi les "
          "agents d'accueil et de logistique",
          "Ces arrêts représentaient près de {jours} jours d'absence par an.",
          "des ateliers d'ergonomie sur les postes réels, des équipements choisis par les agents eux-mêmes et "
          "des échauffements en début de service",
          "les jours d'arrêt liés à ces troubles ont diminué de {pct} % en deux ans",
          "La démarche d'ateliers et la liste des équipements retenus sont partagées avec le réseau des "
          "préventeurs.",
          _f(jours=(1_200, 4_000, 100), pct=(20, 40, 1)),
          cost=(20_000, 60_000), funding=("le fonds interministériel d'amélioration des conditions de travail",)),
    Theme("DGAFP", INTERNE,
          ("Préparer le retour au travail après un long arrêt",
           "Reprendre après une longue maladie, sans rechuter"),
          "les agents qui revenaient après un long arrêt de maladie reprenaient sans préparation, et une "
          "partie d'entre eux rechutaient dans l'année",
          "Environ {retours} agents reprennent chaque année après un arrêt de plus de trois mois.",
          "un entretien de pré-reprise systématique, un temps partiel thérapeutique organisé à l'avance avec "
          "l'équipe et un référent pendant six mois",
          "{beneficiaires} agents en ont bénéficié, et les rechutes dans l'année ont été divisées par {div}",
          "Le protocole, validé par la médecine de prévention, est repris dans un guide publié.",
          _f(retours=(40, 150, 5), beneficiaires=(35, 110, 1), div=(2, 3, 1)),
          cost=(5_000, 15_000), funding=("le fonds interministériel d'amélioration des conditions de travail",)),
    Theme("DGAFP", INTERNE,
          ("Des offres d'emploi qui donnent envie de postuler",
           "Recrutement : partir des missions réelles et afficher la rémunération"),
          "les offres d'emploi publiées recevaient peu de candidatures, souvent inadaptées, et les postes "
          "restaient vacants plusieurs mois",
          "Près de {postes} postes étaient ouverts au recrutement chaque année.",
          "des offres réécrites à partir des missions réelles, avec la rémunération affichée, publiées sur "
          "Choisir le service public et relayées par les agents",
          "le nombre moyen de candidatures par offre est passé de {avant} à {apres}, et le délai de "
          "recrutement a baissé de {semaines} semaines",
          "Le guide de rédaction des offres et vingt exemples réécrits sont en libre accès.",
          lambda r: {"postes": number(r.randrange(150, 601, 10)), "avant": number(r.randint(3, 7)),
                     "apres": number(r.randint(12, 25)), "semaines": number(r.randint(3, 8))},
          cost=(3_000, 10_000), funding=STATE_FUNDING),
    # --- Ministère: Direction interministérielle du numérique (DINUM) ----------------------------------------
    Theme("DINUM", NUMERIQUE,
          ("Ne plus demander aux usagers les justificatifs que l'État détient déjà",
           "Des formulaires branchés sur les API de l'État"),
          "les usagers devaient fournir des justificatifs que l'administration détenait déjà, et les agents "
          "passaient une grande partie de leur temps à les vérifier",
          "Les démarches concernées reçoivent environ {demandes} demandes par an.",
          "le branchement des formulaires sur les API de l'État (quotient familial, statut étudiant, revenu "
          "fiscal de référence) pour pré-remplir et vérifier automatiquement les informations",
          "{justificatifs} justificatifs de moins sont demandés chaque année, et le délai d'instruction a été "
          "divisé par {div}",
          "Les connecteurs sont publiés sous licence libre et documentés pour d'autres éditeurs de formulaires.",
          _f(demandes=(20_000, 150_000, 1_000), justificatifs=(30_000, 200_000, 1_000), div=(2, 4, 1)),
          cost=(30_000, 90_000), funding=STATE_FUNDING, digital=True),
    Theme("DINUM", NUMERIQUE,
          ("Ouvrir les données des services, et les tenir à jour",
           "Open data : des jeux de données publiés automatiquement"),
          "les données produites par les services restaient dans des tableurs internes, et chaque demande "
          "d'accès prenait des semaines",
          "Le service recevait près de {demandes} demandes d'accès aux données par an.",
          "la publication de {jeux} jeux de données sur data.gouv.fr, documentés et mis à jour "
          "automatiquement chaque nuit",
          "{reutilisations} réutilisations ont été recensées, et les demandes d'accès individuelles ont "
          "baissé de {pct} %",
          "Les scripts de publication et le modèle de documentation des jeux de données sont publiés.",
          _f(demandes=(80, 300, 10), jeux=(12, 45, 1), reutilisations=(8, 40, 1), pct=(50, 80, 1)),
          cost=(10_000, 40_000), funding=STATE_FUNDING, digital=True),
    Theme("DINUM", NUMERIQUE,
          ("Des démarches en ligne accessibles à tous",
           "Accessibilité numérique : corriger avec les usagers concernés"),
          "les démarches en ligne n'étaient pas utilisables avec un lecteur d'écran, et le taux de conformité "
          "au référentiel d'accessibilité (RGAA) plafonnait à {avant} %",
          "Les démarches concernées comptent près de {visites} visites par mois.",
          "un audit, un plan de correction priorisé avec des usagers en situation de handicap, et la "
          "formation des équipes de développement",
          "le taux de conformité atteint {apres} %, et {demarches} démarches ont été entièrement corrigées",
          "Le plan de correction et les supports de formation sont publiés pour les autres équipes.",
          _rise((35, 55), (30, 45), visites=(50_000, 400_000, 10_000), demarches=(6, 20, 1)),
          cost=(20_000, 70_000), funding=STATE_FUNDING, digital=True),
    Theme("DINUM", USAGERS,
          ("Une base de connaissances écrite par les agents d'accueil téléphonique",
           "Au téléphone, la même bonne réponse pour tous"),
          "les agents du centre d'appels donnaient des réponses différentes à la même question, faute de "
          "source commune",
          "Le centre d'appels traite environ {appels} appels par an.",
          "une base de connaissances rédigée par les agents eux-mêmes, mise à jour chaque semaine, avec un "
          "moteur de recherche simple",
          "le taux de réponse dès le premier appel est passé de {avant} % à {apres} %, et la formation des "
          "nouveaux agents a été raccourcie de {semaines} semaines",
          "L'outil est libre ; la méthode de rédaction collective est décrite dans un guide.",
          _rise((55, 70), (12, 22), appels=(80_000, 300_000, 5_000), semaines=(2, 4, 1)),
          cost=(10_000, 40_000), funding=STATE_FUNDING, digital=True),
    Theme("DINUM", ECOLOGIE,
          ("Garder les ordinateurs sept ans au lieu de quatre",
           "Sobriété numérique : reconditionner le parc en interne"),
          "le parc informatique était renouvelé tous les quatre ans, sans regarder l'état réel des machines",
          "Le parc compte environ {postes_parc} postes de travail.",
          "l'allongement de la durée de vie des postes à sept ans grâce au reconditionnement interne, et le "
          "don des matériels sortis du parc à des associations",
          "{postes} postes ont été reconditionnés, soit {eco} € d'achats évités et environ {co2} tonnes "
          "d'équivalent CO2 en moins",
          "La procédure de reconditionnement et la convention de don sont réutilisables par tout service "
          "informatique.",
          _f(postes_parc=(3_000, 12_000, 500), postes=(600, 2_500, 50), eco=(300_000, 1_200_000, 10_000),
             co2=(100, 450, 10)),
          cost=(15_000, 50_000), funding=STATE_FUNDING, digital=True, internal=True),
    Theme("DINUM", NUMERIQUE,
          ("Prévoir l'affluence aux guichets pour mieux organiser les plannings",
           "Les données des trois dernières années au service des plannings d'accueil"),
          "les pics d'affluence aux guichets n'étaient pas anticipés, et les agents étaient répartis de la "
          "même façon tous les jours",
          "Les guichets concernés reçoivent environ {visites} visites par an.",
          "un modèle simple de prévision de l'affluence, construit sur les données des trois dernières années "
          "et affiché chaque semaine pour préparer les plannings",
          "le temps d'attente aux heures de pointe a baissé de {pct} %, à effectifs constants",
          "Le modèle et son code sont publiés ; il suffit de l'historique des passages pour l'adapter.",
          _f(visites=(40_000, 160_000, 1_000), pct=(25, 45, 1)),
          cost=(8_000, 25_000), funding=STATE_FUNDING, digital=True),
]

# --- the phrasings around a theme ----------------------------------------------------------------------

CONSTAT_HEADINGS = ("Le constat", "Le point de départ", "Pourquoi ce projet")
SOLUTION_HEADINGS = ("Ce que nous avons fait", "La solution", "Notre démarche")
RESULT_HEADINGS = ("Les résultats", "Ce qui a changé", "Premiers résultats")


def _opening(r: random.Random, problem: str, city: bool) -> str:
    where = "beaucoup de collectivités" if city else "beaucoup de services de l'État"
    year = r.choice((2022, 2023, 2024))
    return r.choice((
        f"Au départ, {problem}.",
        f"Le projet est né d'un constat simple : {problem}.",
        f"En {year}, un diagnostic mené avec les agents et les usagers a montré {que(problem)}.",
        f"Tout est parti des remarques des agents de terrain : {problem}.",
        f"Comme dans {where}, {problem}.",
        f"Avant le projet, {problem}.",
    ))


def _solution(r: random.Random, solution: str) -> str:
    workshops = r.randint(3, 8)
    return r.choice((
        f"Nous avons conçu, avec les usagers eux-mêmes, {solution}.",
        f"Plutôt que d'acheter un outil de plus, l'équipe a imaginé {solution}.",
        f"La réponse tient en une idée simple : {solution}.",
        f"Après {workshops} ateliers avec des usagers et des agents, nous avons mis en place {solution}.",
        f"L'équipe a d'abord passé plusieurs jours en immersion aux côtés des agents, puis a conçu {solution}.",
    ))


def _method(r: random.Random, pilot: str) -> str:
    weeks = r.choice((6, 8, 10, 12))
    return r.choice((
        f"Une première version a été testée {pilot} pendant {weeks} semaines avant d'être étendue.",
        "Le projet a été mené par petites étapes : chaque mois, un point avec les agents de terrain permettait "
        "d'ajuster le dispositif.",
        "Les agents volontaires ont été formés en une demi-journée, et un référent par équipe répond aux "
        "questions au quotidien.",
        f"Un laboratoire d'innovation publique a accompagné l'équipe pendant l'immersion et le prototypage, "
        f"puis le dispositif a été testé {pilot}.",
        "Les représentants du personnel ont été associés dès le début, ce qui a facilité l'adhésion des équipes.",
    ))


def _results(r: random.Random, result: str) -> str:
    months = r.choice((6, 9, 12, 18))
    return r.choice((
        f"Après {months} mois de fonctionnement, {result}.",
        f"Le bilan à {months} mois est encourageant : {result}.",
        f"Les chiffres parlent d'eux-mêmes : {result}.",
        f"Au bout de {months} mois, {result}.",
    ))


def _satisfaction(r: random.Random, who: str) -> str:
    return r.choice((
        f"Une enquête auprès de {r.randrange(120, 600, 10)} {who} donne un taux de satisfaction de "
        f"{r.randint(82, 95)} %.",
        f"{r.randint(75, 92)} % des agents concernés disent ne pas vouloir revenir à l'organisation précédente.",
        "Ces indicateurs sont suivis chaque mois dans un tableau de bord partagé avec la direction.",
        "L'évaluation a été conduite avec l'appui d'une étudiante en master de politiques publiques, sur la "
        "base des données avant et après le projet.",
        "Les réclamations écrites ont nettement diminué sur la même période, et les équipes le ressentent "
        "au quotidien.",
    ))


def _economics(r: random.Random, theme: Theme, city: bool, amount: int) -> str:
    cost = r.randrange(theme.cost[0], theme.cost[1] + 1, 500)
    funders = theme.funding or (CITY_FUNDING if city else STATE_FUNDING)
    funder = r.choice(funders)
    share = r.randint(30, 70)
    first = r.choice((
        f"Le projet a coûté {number(cost)} € la première année, dont {share} % de temps d'agents ; il est "
        f"désormais financé sur le budget courant du service.",
        f"L'investissement initial ({number(cost)} €) a été financé par {funder} ; le fonctionnement courant "
        f"est couvert par les économies réalisées.",
        f"Sans investissement lourd, le coût se limite au temps des agents et à {number(cost)} € de prestations, "
        f"financés par {funder}.",
        f"Le budget total s'élève à {number(cost)} €, financés à {share} % par {funder}, le reste sur les "
        f"crédits du service.",
    ))
    use = r.choice((
        "documenter la démarche dans un kit de reprise complet",
        "accompagner deux équipes volontaires d'autres territoires pendant leur première année",
        "former des agents relais dans d'autres services",
        "financer les déplacements pour présenter le dispositif aux équipes intéressées",
        "traduire nos outils en guides pratiques et en tutoriels vidéo",
    ))
    return f"{first} La dotation du prix ({number(amount)} €) servirait à {use}."


def _essaimage(r: random.Random, theme: Theme, city: bool, territory: str) -> str:
    parts = [theme.reuse]
    if theme.digital and r.random() < 0.6:
        parts.append("Le code source est publié sous licence libre et référencé sur code.gouv.fr.")
    if city:
        a, b = r.sample(NEIGHBOUR_CITIES, 2)
        parts.append(r.choice((
            f"Déjà {r.randint(3, 9)} collectivités nous ont sollicités, dont {a} et {b}.",
            f"Les équipes {de(a)} sont venues voir le dispositif en fonctionnement ; {b} prépare sa reprise.",
            "Nous accueillons volontiers une équipe d'un autre territoire pendant deux jours pour montrer le "
            "dispositif en conditions réelles.",
        )))
    else:
        (a, in_a), (b, in_b) = r.sample([t for t in STATE_TERRITORIES[1:] if t[0] != territory], 2)
        parts.append(r.choice((
            f"Deux autres départements ont commencé à le reprendre, {in_a} et {in_b}.",
            f"Une présentation au réseau des secrétaires généraux a suscité l'intérêt de {r.randint(4, 12)} "
            f"services déconcentrés ; deux d'entre eux ({a}, {b}) préparent sa reprise.",
            "Un kit de reprise (guide, modèles de documents, retours d'expérience) est disponible sur demande.",
        )))
    return " ".join(parts)


def _team(r: random.Random, unit_phrase: str, co_applicants: int) -> str:
    size = r.randint(3, 9) + co_applicants
    return r.choice((
        f"L'équipe projet réunit {size} agents {unit_phrase}, avec l'appui des agents de terrain qui ont "
        f"testé chaque version.",
        f"Le projet est porté par une équipe de {size} agents {unit_phrase}, soutenue par sa direction.",
        f"Au total, {size} agents {unit_phrase} y ont consacré une partie de leur temps, sans renfort "
        f"extérieur.",
    ))


NEIGHBOUR_CITIES = ["Gien", "Montargis", "Vierzon", "Bourges", "Nevers", "Blois", "Cosne-Cours-sur-Loire",
                    "Orléans", "Châteauroux", "Auxerre", "Tours", "Saumur", "Chartres", "Dreux"]

# (name as a territory, phrase after "testée"): the ministry's pilots run in real départements.
STATE_TERRITORIES = [
    ("National", "dans trois départements pilotes"),
    ("Loiret", "dans le Loiret"), ("Gironde", "en Gironde"), ("Nord", "dans le Nord"),
    ("Puy-de-Dôme", "dans le Puy-de-Dôme"), ("Finistère", "dans le Finistère"), ("Bas-Rhin", "dans le Bas-Rhin"),
    ("Hérault", "dans l'Hérault"), ("Isère", "en Isère"), ("Seine-Saint-Denis", "en Seine-Saint-Denis"),
    ("Haute-Garonne", "en Haute-Garonne"), ("Loire-Atlantique", "en Loire-Atlantique"),
    ("Moselle", "en Moselle"), ("Sarthe", "dans la Sarthe"), ("La Réunion", "à La Réunion"),
    ("Côtes-d'Armor", "dans les Côtes-d'Armor"), ("Saône-et-Loire", "en Saône-et-Loire"),
]
CITY_TERRITORIES = ["Beaulieu-sur-Loire (Loiret)", "Beaulieu-sur-Loire et communauté de communes Berry Loire Puisaye",
                    "Beaulieu-sur-Loire, quartiers nord et centre-ville"]
CITY_PILOTS = ("dans un premier quartier", "sur un seul site", "avec une équipe volontaire")


@dataclass
class ProjectText:
    title: str
    summary: str
    description: str
    category: str
    territory: str
    budget_requested: int


def compose(r: random.Random, theme: Theme, use: int, *, city: bool, unit_phrase: str,
            co_applicants: int) -> ProjectText:
    """One project's texts: the theme's `use`-th title, the rest drawn from `r`."""
    figures = theme.figures(r)
    problem = theme.problem.format(**figures)
    solution = theme.solution.format(**figures)
    result = theme.result.format(**figures)
    context = theme.context.format(**figures)
    if city:
        territory = r.choice(CITY_TERRITORIES)
        pilot = r.choice(CITY_PILOTS)
    else:
        territory, pilot = r.choice(STATE_TERRITORIES)
        if territory == "National":
            territory = f"National, pilote en {r.choice(('Bretagne', 'Occitanie', 'Hauts-de-France', 'Grand Est'))}"
    amount = r.randrange(3_000, PRIZE_MAX_AMOUNT + 1, 500)
    summary = " ".join((
        cap(r.choice((f"avant le projet, {problem}.", f"{problem}.", f"constat de départ : {problem}."))),
        r.choice(("Nous avons mis en place", "L'équipe a conçu", "Le projet propose", "Notre réponse :")) +
        f" {solution}.",
        cap(result) + ".",
    ))
    headings = (r.choice(CONSTAT_HEADINGS), r.choice(SOLUTION_HEADINGS), r.choice(RESULT_HEADINGS))
    paragraphs = [
        f"### {headings[0]}",
        f"{_opening(r, problem, city)} {context}",
        f"### {headings[1]}",
        f"{_solution(r, solution)} {_method(r, pilot)}",
        f"### {headings[2]}",
        f"{_results(r, result)} {_satisfaction(r, 'agents' if theme.internal or theme.category == INTERNE else 'usagers')}",
        "### Modèle économique",
        _economics(r, theme, city, amount),
        "### Essaimage",
        _essaimage(r, theme, city, territory),
        "### L'équipe",
        _team(r, unit_phrase, co_applicants),
    ]
    return ProjectText(title=theme.titles[use % len(theme.titles)], summary=summary,
                       description="\n\n".join(paragraphs), category=theme.category, territory=territory,
                       budget_requested=amount)


def unit_phrase(name: str) -> str:
    """'Service propreté' → 'du service propreté'; 'Direction …' → 'de la direction …'."""
    lowered = name[:1].lower() + name[1:]
    return f"de la {lowered}" if name.startswith("Direction") else f"du {lowered}"


# --- the call for projects « Territoires d'essaimage »: a handful of hand-written submissions -------------

@dataclass(frozen=True)
class AapProject:
    key: str  # natural key of the demo submission
    lead: str  # "first last" of a demo person
    co_applicants: tuple[str, ...]
    submitted: bool
    days_ago: float  # when it was created (and submitted, for a submitted one: a little later)
    title: str
    summary: str = ""
    description: str = ""
    category: str | None = None
    territory: str = ""
    budget: int | None = None
    territory_type: str | None = None  # answer to « Type de territoire »
    agents: int | None = None  # answer to « Nombre d'agents concernés »
    financing: tuple[tuple[str, int], ...] = ()  # lines of the financing plan PDF; empty: no file yet


AAP_PROJECTS: list[AapProject] = [
    AapProject(
        "aap-01", "Jade Duval", ("Paul Dufour",), True, 9,
        "Un bus France services itinérant pour les hameaux de Beaulieu-sur-Loire",
        "Reprendre le modèle des bus France services qui circulent déjà dans plusieurs départements ruraux : un "
        "véhicule aménagé, deux agents formés, une tournée hebdomadaire dans les hameaux les plus éloignés des "
        "services publics.",
        "### L'innovation reprise\n\nLes bus France services, déjà en circulation dans plusieurs départements "
        "ruraux, apportent un accueil de premier niveau (impôts, retraite, allocations, titres) au plus près "
        "des habitants. Les évaluations disponibles montrent un public plus âgé et moins équipé en numérique "
        "que celui des guichets fixes.\n\n### Pourquoi chez nous\n\nUn tiers des habitants de la commune vit "
        "dans des hameaux situés à plus de huit kilomètres de l'hôtel de ville, sans transport en commun. "
        "L'accueil municipal reçoit chaque semaine des personnes venues en taxi pour une démarche de dix "
        "minutes.\n\n### Le projet\n\nLe financement demandé couvre l'aménagement d'un véhicule d'occasion, "
        "la formation de deux agents au label France services et six mois de tournées expérimentales. "
        "L'évaluation comparera la fréquentation et les démarches abouties avec celles du guichet fixe.",
        "Relation aux usagers", "Beaulieu-sur-Loire (Loiret), 14 hameaux", 48_000, "Rural", 6,
        (("Aménagement du véhicule", 26_000), ("Formation des agents", 7_000), ("Tournées (6 mois)", 21_000),
         ("Subvention demandée", 48_000), ("Autofinancement", 6_000))),
    AapProject(
        "aap-02", "Arthur Denis", ("Alice Blanchard",), True, 7,
        "Préparer la candidature de Beaulieu-sur-Loire à « Territoires zéro chômeur de longue durée »",
        "S'inspirer des territoires pionniers de l'expérimentation, lancée en 2016, pour construire avec les "
        "personnes privées d'emploi, les entreprises et les associations locales un comité local pour "
        "l'emploi et un projet d'entreprise à but d'emploi.",
        "### L'innovation reprise\n\nL'expérimentation « Territoires zéro chômeur de longue durée » a commencé "
        "en 2016 dans dix territoires pionniers, dont Pipriac (Ille-et-Vilaine) et Mauléon (Deux-Sèvres), "
        "avant d'être étendue par la loi de 2020. Elle part d'une idée simple : personne n'est inemployable, "
        "et le travail utile ne manque pas.\n\n### Pourquoi chez nous\n\nLe CCAS accompagne plus de deux "
        "cents personnes au chômage depuis plus d'un an. Les entreprises du territoire peinent pourtant à "
        "recruter pour des activités de service de proximité.\n\n### Le projet\n\nDix-huit mois de "
        "préparation, avec une association d'innovation sociale : recensement des personnes volontaires, "
        "des travaux utiles non couverts par le marché, constitution du comité local pour l'emploi, puis "
        "dépôt de la candidature.",
        "Solidarités et inclusion", "Beaulieu-sur-Loire (Loiret)", 50_000, "Rural", 4,
        (("Chargée de mission (18 mois, mi-temps)", 42_000), ("Animation des ateliers", 8_000),
         ("Communication et déplacements", 4_000), ("Subvention demandée", 50_000),
         ("Autofinancement (CCAS)", 4_000))),
    AapProject(
        "aap-03", "Inès Masson", (), True, 5,
        "Une légumerie municipale pour les crèches et les écoles, sur le modèle de Mouans-Sartoux",
        "Mouans-Sartoux sert depuis plus de dix ans des repas entièrement bio grâce à une régie agricole "
        "municipale. Nous reprenons la première étape, accessible à une petite ville : une légumerie qui "
        "transforme les légumes de producteurs locaux pour les crèches et les écoles.",
        "### L'innovation reprise\n\nLa commune de Mouans-Sartoux (Alpes-Maritimes) a créé une régie agricole "
        "municipale et atteint une restauration scolaire entièrement bio, à coût maîtrisé grâce à la "
        "réduction du gaspillage.\n\n### Le projet\n\nUne légumerie installée dans l'ancienne cuisine "
        "centrale, deux agents formés, et des contrats avec quatre maraîchers situés à moins de trente "
        "kilomètres. Les crèches d'abord, les écoles à la rentrée suivante.\n\n### Mesurer l'impact\n\nPart "
        "de produits locaux et bio, gaspillage pesé chaque semaine, coût denrées par repas.",
        "Transition écologique", "Beaulieu-sur-Loire (Loiret)", 35_000, "Périurbain", 11,
        (("Équipement de la légumerie", 24_000), ("Formation des agents", 5_000),
         ("Accompagnement des producteurs", 9_000), ("Subvention demandée", 35_000),
         ("Autofinancement", 3_000))),
    AapProject(
        "aap-04", "Lina Meyer", ("Louis Gautier",), True, 3,
        "Reprendre le mentorat des nouveaux encadrants dans les plateformes régionales RH",
        "Étendre à trois régions un programme de mentorat des nouveaux encadrants expérimenté dans une "
        "plateforme régionale d'appui interministériel à la gestion des ressources humaines.",
        "### L'innovation reprise\n\nUne plateforme régionale a testé un mentorat de six mois pour les agents "
        "qui prennent un premier poste d'encadrement : un binôme avec un encadrant expérimenté d'un autre "
        "service, quatre ateliers collectifs, un point à mi-parcours.\n\n### Le projet\n\nReprendre le "
        "programme en Bretagne, en Occitanie et dans les Hauts-de-France, avec soixante binômes la première "
        "année, et mesurer l'effet sur la prise de poste (questionnaire à trois et douze mois).",
        "Transformation interne", "Bretagne, Occitanie, Hauts-de-France", 28_000, "Urbain", 120,
        (("Formation des mentors", 12_000), ("Ateliers collectifs", 9_000), ("Évaluation", 7_000),
         ("Subvention demandée", 28_000), ("Autofinancement", 5_000))),
    AapProject(
        "aap-05", "Zoé Dumont", (), True, 2,
        "Des rues aux écoles à Beaulieu-sur-Loire, d'après l'expérience des villes pionnières",
        "Fermer à la circulation, aux heures d'entrée et de sortie, les rues de trois écoles, comme l'ont "
        "fait de nombreuses villes depuis 2020, et accompagner les familles vers la marche et le vélo.",
        "### L'innovation reprise\n\nLes « rues aux écoles » se sont multipliées en France depuis 2020 : "
        "une rue fermée quelques minutes matin et soir, parfois végétalisée, qui rend les abords des écoles "
        "plus sûrs et moins pollués.\n\n### Le projet\n\nTrois écoles pilotes, des barrières amovibles, une "
        "signalétique travaillée avec les enfants, des lignes de pédibus encadrées par des parents "
        "volontaires. Comptages avant et après, à la même saison.",
        "Transition écologique", "Beaulieu-sur-Loire (Loiret), trois écoles", 22_000, "Urbain", 9,
        (("Barrières et signalétique", 14_000), ("Animation avec les écoles", 5_000), ("Comptages", 3_000),
         ("Subvention demandée", 22_000), ("Autofinancement", 4_000))),
    # Drafts: each misses something, so that the form's "what is missing" has something to say.
    AapProject(
        "aap-06", "Gabriel Marchand", (), False, 4,
        "Un permis de végétaliser pour les pieds d'arbres et les trottoirs",
        "S'inspirer du permis de végétaliser parisien : les habitants qui le souhaitent jardinent un pied "
        "d'arbre ou un bout de trottoir, avec une charte et des conseils des jardiniers de la ville.",
        "### L'innovation reprise\n\nParis délivre depuis 2015 des permis de végétaliser : plusieurs milliers "
        "d'habitants entretiennent un pied d'arbre, une jardinière ou un mur.\n\n### Le projet\n\nUne charte, "
        "un formulaire en ligne, des kits de plantation distribués deux fois par an, et des permanences des "
        "jardiniers municipaux.",
        "Transition écologique", "Beaulieu-sur-Loire (Loiret)", 12_000, "Urbain", 8),
    AapProject("aap-07", "Sarah Lemaire", (), False, 2, "Un budget participatif des collégiens",
               "Reprendre dans les deux collèges de la ville le budget participatif des collégiens mis en "
               "place par plusieurs départements."),
    AapProject(
        "aap-08", "Adam Noël", ("Eva Meunier",), False, 1,
        "Un outil libre de prise de rendez-vous pour les services déconcentrés",
        "Reprendre dans trois directions départementales l'outil libre de prise de rendez-vous développé "
        "par une préfecture, plutôt que d'acheter une nouvelle licence.",
        "### L'innovation reprise\n\nUne préfecture a développé, avec une petite équipe, un outil libre de "
        "prise de rendez-vous relié à ses agendas.\n\n### Le projet\n\nInstaller l'outil dans trois "
        "directions départementales, former les agents d'accueil, mesurer les rendez-vous non honorés.",
        territory="Loiret, Cher, Indre", agents=35),
]
