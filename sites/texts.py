"""Built-in banner wording per language; a site's `SiteText` rows override single keys."""

from __future__ import annotations

SUPPORTED_TEXT_LANGUAGES = ("en", "fr")

DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "We value your privacy",
        "body": (
            "We and our {partners} partners use cookies and similar technologies to store and access "
            "information on your device, and process personal data such as unique identifiers and "
            "browsing data, to personalise content and ads, measure them, and improve our services. "
            'Click "Accept All" to consent, "Reject All" to refuse, or "Customise" to choose per purpose '
            "and per partner. Some partners rely on legitimate interest, which you can object to in the "
            "preferences. You can change your choice at any time from the link at the bottom of the page."
        ),
        "accept_all": "Accept All",
        "reject_all": "Reject All",
        "customise": "Customise",
        "save": "Save My Preferences",
        "close": "Close",
        "privacy_policy": "Privacy Policy",
        "preferences_title": "Customise Consent Preferences",
        "tab_categories": "Cookie Categories",
        "tab_purposes": "Purposes & Features",
        "tab_vendors": "Vendors",
        "always_active": "Always Active",
        "consent": "Consent",
        "legitimate_interest": "Legitimate Interest",
        "object": "Object",
        "purposes": "Purposes",
        "special_purposes": "Special Purposes",
        "features": "Features",
        "special_features": "Special Features",
        "stacks": "Stacks",
        "illustrations": "Illustrations",
        "cookies": "Cookies",
        "no_cookies": "No cookies to display.",
        "cookie_name": "Cookie",
        "cookie_domain": "Domain",
        "cookie_duration": "Duration",
        "cookie_description": "Description",
        "vendors_consent_count": "Number of Vendors seeking consent: {n}",
        "vendors_li_count": "Number of Vendors relying on legitimate interest: {n}",
        "vendor_count": "{n} vendors",
        "google_partners": "Google Ad Tech Providers",
        "retention": "Data retention: {days} days",
        "data_categories": "Data categories",
        "device_storage": "Device storage",
        "max_age": "Maximum cookie age: {seconds} seconds",
        "privacy_link": "Privacy policy",
        "legint_link": "Legitimate interest claim",
        "search_vendors": "Search vendors",
        "reopen": "Cookie settings",
        "loading": "Loading…",
    },
    "fr": {
        "title": "Nous respectons votre vie privée",
        "body": (
            "Nos {partners} partenaires et nous utilisons des cookies et des technologies similaires pour "
            "stocker et consulter des informations sur votre appareil, et traiter des données personnelles "
            "comme des identifiants uniques et des données de navigation, afin de personnaliser les contenus "
            "et les publicités, de les mesurer et d'améliorer nos services. Cliquez sur « Tout accepter » "
            "pour consentir, « Tout refuser » pour refuser, ou « Personnaliser » pour choisir par finalité "
            "et par partenaire. Certains partenaires invoquent un intérêt légitime, auquel vous pouvez vous "
            "opposer dans les préférences. Vous pouvez modifier votre choix à tout moment depuis le lien en "
            "bas de page."
        ),
        "accept_all": "Tout accepter",
        "reject_all": "Tout refuser",
        "customise": "Personnaliser",
        "save": "Enregistrer mes préférences",
        "close": "Fermer",
        "privacy_policy": "Politique de confidentialité",
        "preferences_title": "Personnaliser vos préférences de consentement",
        "tab_categories": "Catégories de cookies",
        "tab_purposes": "Finalités et fonctionnalités",
        "tab_vendors": "Partenaires",
        "always_active": "Toujours actif",
        "consent": "Consentement",
        "legitimate_interest": "Intérêt légitime",
        "object": "S'opposer",
        "purposes": "Finalités",
        "special_purposes": "Finalités spéciales",
        "features": "Fonctionnalités",
        "special_features": "Fonctionnalités spéciales",
        "stacks": "Piles",
        "illustrations": "Illustrations",
        "cookies": "Cookies",
        "no_cookies": "Aucun cookie à afficher.",
        "cookie_name": "Cookie",
        "cookie_domain": "Domaine",
        "cookie_duration": "Durée",
        "cookie_description": "Description",
        "vendors_consent_count": "Nombre de partenaires demandant le consentement : {n}",
        "vendors_li_count": "Nombre de partenaires invoquant l'intérêt légitime : {n}",
        "vendor_count": "{n} partenaires",
        "google_partners": "Fournisseurs de technologies publicitaires de Google",
        "retention": "Conservation des données : {days} jours",
        "data_categories": "Catégories de données",
        "device_storage": "Stockage sur l'appareil",
        "max_age": "Durée de vie maximale des cookies : {seconds} secondes",
        "privacy_link": "Politique de confidentialité",
        "legint_link": "Déclaration d'intérêt légitime",
        "search_vendors": "Rechercher un partenaire",
        "reopen": "Paramètres des cookies",
        "loading": "Chargement…",
    },
}

DEFAULT_CATEGORIES: dict[str, list[tuple[str, str, str]]] = {
    # (slug, name, description) in display order.
    "en": [
        (
            "necessary",
            "Necessary",
            "Necessary cookies are required for the basic functions of this site, such as secure log-in "
            "or remembering your consent choices. They do not store personally identifiable data.",
        ),
        (
            "functional",
            "Functional",
            "Functional cookies support features such as sharing content on social media, collecting "
            "feedback and other third-party features.",
        ),
        (
            "analytics",
            "Analytics",
            "Analytical cookies help us understand how visitors use the site: number of visitors, bounce "
            "rate, traffic sources and similar metrics.",
        ),
        (
            "performance",
            "Performance",
            "Performance cookies help us understand and analyse the key performance indexes of the site, "
            "which helps us deliver a better experience.",
        ),
        (
            "advertisement",
            "Advertisement",
            "Advertisement cookies deliver ads based on the pages you visited before and measure the "
            "effectiveness of ad campaigns.",
        ),
        ("uncategorised", "Uncategorised", "Cookies that have not been classified into a category yet."),
    ],
    "fr": [
        ("necessary", "Nécessaires", "Indispensables au fonctionnement du site."),
        ("functional", "Fonctionnels", "Fonctions comme le partage sur les réseaux sociaux."),
        ("analytics", "Statistiques", "Mesure d'audience et d'usage du site."),
        ("performance", "Performance", "Analyse des indicateurs de performance du site."),
        ("advertisement", "Publicité", "Publicités personnalisées et mesure des campagnes."),
        ("uncategorised", "Non classés", "Cookies pas encore classés."),
    ],
}


def texts_for(language: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Every text key the banner uses, in `language` when we have it, English otherwise."""
    merged = dict(DEFAULT_TEXTS["en"])
    merged.update(DEFAULT_TEXTS.get(language, {}))
    merged.update(overrides or {})
    return merged
