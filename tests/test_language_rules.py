"""Language detection and the per-language noise rules: in each shipped language, every category
has a line that must go beside a real sentence in the same words that must survive (invented text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import Cleaner, RawArticle
from pipeline.clean.language import DetectLanguage, detect_language
from pipeline.clean.rules import RulesError, load_rules

BODIES = {
    "en": [
        "The city council approved the new budget on Monday after a six-hour debate that ran past midnight.",
        "Opposition members said the plan cut too deeply into library funding and promised to revisit it.",
        "The mayor said the savings were needed to repair two bridges that engineers declared unsafe last year.",
    ],
    "de": [
        "Der Stadtrat hat am Montag nach einer sechsstündigen Debatte den neuen Haushalt beschlossen.",
        "Die Opposition kritisierte, dass der Plan zu tief in die Mittel für die Stadtbibliotheken schneide.",
        "Der Bürgermeister sagte, das Geld werde für die Sanierung von zwei maroden Brücken gebraucht.",
    ],
    "fr": [
        "Le conseil municipal a adopté lundi le nouveau budget après un débat de six heures qui a duré jusqu'à minuit.",
        "L'opposition estime que le plan réduit trop fortement les crédits des bibliothèques de la ville.",
        "Le maire a expliqué que les économies serviront à réparer deux ponts jugés dangereux l'an dernier.",
    ],
    "es": [
        "El ayuntamiento aprobó el lunes el nuevo presupuesto después de un debate de seis horas que duró hasta la "
        "medianoche.",
        "La oposición dijo que el plan recorta demasiado los fondos de las bibliotecas municipales.",
        "El alcalde explicó que el ahorro servirá para reparar dos puentes que los ingenieros declararon inseguros.",
    ],
    "it": [
        "Il consiglio comunale ha approvato lunedì il nuovo bilancio dopo un dibattito di sei ore durato fino a "
        "mezzanotte.",
        "L'opposizione sostiene che il piano taglia troppo i fondi per le biblioteche della città.",
        "Il sindaco ha spiegato che i risparmi serviranno a riparare due ponti dichiarati pericolosi l'anno scorso.",
    ],
    "pt": [
        "A câmara municipal aprovou na segunda-feira o novo orçamento depois de um debate de seis horas que durou "
        "até à meia-noite.",
        "A oposição disse que o plano corta demasiado o financiamento das bibliotecas da cidade.",
        "O presidente da câmara explicou que as poupanças vão servir para reparar duas pontes consideradas perigosas.",
    ],
    "nl": [
        "De gemeenteraad heeft maandag na een debat van zes uur de nieuwe begroting goedgekeurd.",
        "De oppositie zegt dat het plan te diep snijdt in het geld voor de bibliotheken van de stad.",
        "De burgemeester legde uit dat de besparingen nodig zijn om twee onveilige bruggen te herstellen.",
    ],
    "pl": [
        "Rada miasta przyjęła w poniedziałek nowy budżet po sześciogodzinnej debacie, która trwała do północy.",
        "Opozycja twierdzi, że plan zbyt mocno ogranicza pieniądze na miejskie biblioteki.",
        "Burmistrz wyjaśnił, że oszczędności są potrzebne na remont dwóch mostów uznanych za niebezpieczne.",
    ],
}

# (language, category, must go, must survive). Each line is put at the end of a short article.
CASES = [
    # German
    ("de", "share", "Teilen | Drucken | Merken", "Teilen Sie uns Ihre Meinung zu den Plänen bis Ende März mit."),
    (
        "de",
        "comments",
        "Schreiben Sie einen Kommentar",
        "Die Ministerin wollte den Streit um den Haushalt nicht kommentieren.",
    ),
    ("de", "comments", "12 Kommentare", "Zwölf Kommentare von Bürgern gingen bis Freitag bei der Stadt ein."),
    (
        "de",
        "related",
        "Lesen Sie auch: Stadtrat streitet über Brückensanierung",
        "Lesen Sie auch die Stellungnahme des Ministeriums, die am Montag erschienen ist, sagte der Sprecher.",
    ),
    (
        "de",
        "related",
        "Das könnte Sie auch interessieren",
        "Das könnte auch die Pendler interessieren, die täglich über die Brücke fahren.",
    ),
    (
        "de",
        "newsletter",
        "Jetzt zum Newsletter anmelden und nichts mehr verpassen",
        "Die Bäckerei verkündete den Preis in ihrem monatlichen Newsletter und dankte ihren Kunden.",
    ),
    ("de", "caption", "Foto: Jana Muster", "Das Foto zeigt den Bürgermeister bei der Eröffnung der alten Brücke."),
    ("de", "caption", "Quelle: Statistisches Landesamt", "Eine Quelle im Rathaus bestätigte die Pläne am Dienstag."),
    (
        "de",
        "furniture",
        "Diese Website verwendet Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.",
        "Wir haben für das Schulfest Cookies und Kuchen gebacken, erzählte die Lehrerin.",
    ),
    ("de", "furniture", "Alle akzeptieren", "Alle akzeptieren den Kompromiss, sagte die Fraktionschefin."),
    (
        "de",
        "paywall",
        "Dieser Artikel ist exklusiv für Abonnenten.",
        "Die Zeitung gewann im vergangenen Jahr mehr als tausend neue Abonnenten.",
    ),
    # French
    ("fr", "share", "Partager Facebook Twitter E-mail", "Il a promis de partager le rapport avec la région."),
    ("fr", "comments", "Laisser un commentaire", "La ministre a refusé de commenter le conflit budgétaire."),
    (
        "fr",
        "related",
        "À lire aussi : Les ponts de la région échouent aux inspections",
        "À lire aussi attentivement, le plan réduit d'un tiers les horaires des bibliothèques, selon les critiques.",
    ),
    (
        "fr",
        "newsletter",
        "Inscrivez-vous à notre newsletter pour recevoir l'essentiel de l'actualité.",
        "La boulangerie a annoncé le prix dans sa newsletter mensuelle en remerciant ses clients.",
    ),
    ("fr", "caption", "Crédits photos : Jean Dupont", "La photo du maire a circulé sur les réseaux sociaux dimanche."),
    (
        "fr",
        "furniture",
        "Ce site utilise des cookies pour améliorer votre expérience de navigation.",
        "La boulangerie utilise des cookies de sa propre cuisine dans le menu de dégustation.",
    ),
    (
        "fr",
        "paywall",
        "Il vous reste 80 % de cet article à lire.",
        "Le journal compte désormais plus de dix mille abonnés dans la région.",
    ),
    # Spanish
    (
        "es",
        "share",
        "Compartir | Imprimir | Enviar",
        "El alcalde prometió compartir el informe con el gobierno regional.",
    ),
    ("es", "comments", "Deja un comentario", "La ministra se negó a hacer comentarios sobre el presupuesto."),
    (
        "es",
        "related",
        "Lea también: Los puentes de la región no superan la inspección",
        "Lea también el informe completo, pidió la oposición durante el pleno del lunes.",
    ),
    (
        "es",
        "newsletter",
        "Suscríbete a nuestro boletín y recibe las noticias en tu correo.",
        "La panadería anunció el premio en su boletín mensual y agradeció a sus clientes.",
    ),
    ("es", "caption", "Foto: Ana García", "La foto del alcalde se compartió miles de veces en las redes sociales."),
    (
        "es",
        "furniture",
        "Utilizamos cookies propias y de terceros para mejorar tu navegación. Más información.",
        "La panadería vende cookies de chocolate en la feria del colegio cada sábado.",
    ),
    (
        "es",
        "paywall",
        "Este contenido es exclusivo para suscriptores.",
        "El periódico ganó más de mil suscriptores el año pasado.",
    ),
    # Italian
    ("it", "share", "Condividi Facebook Twitter WhatsApp", "Il sindaco ha promesso di condividere il rapporto."),
    ("it", "comments", "Lascia un commento", "La ministra non ha voluto commentare il bilancio."),
    (
        "it",
        "related",
        "Leggi anche: I ponti della regione bocciati all'ispezione",
        "Leggi anche tu il rapporto, ha detto il consigliere ai cittadini presenti.",
    ),
    (
        "it",
        "newsletter",
        "Iscriviti alla nostra newsletter per ricevere le notizie nella tua casella di posta.",
        "La pasticceria ha annunciato il premio nella sua newsletter mensile ringraziando i clienti.",
    ),
    ("it", "caption", "Foto: Mario Rossi", "La foto di gruppo è stata scattata davanti al municipio."),
    (
        "it",
        "furniture",
        "Questo sito utilizza cookie tecnici e di profilazione.",
        "La pasticceria vende cookie al cioccolato alla fiera della scuola.",
    ),
    (
        "it",
        "paywall",
        "Questo articolo è riservato agli abbonati.",
        "Il giornale ha guadagnato più di mille abbonati l'anno scorso.",
    ),
    # Portuguese
    ("pt", "share", "Compartilhar | Imprimir | E-mail", "O autarca prometeu partilhar o relatório com o governo."),
    ("pt", "comments", "Deixe o seu comentário", "A ministra recusou comentar a disputa sobre o orçamento."),
    (
        "pt",
        "related",
        "Leia também: Pontes da região chumbam na inspeção",
        "Leia também o relatório completo, pediu a oposição na sessão de segunda-feira.",
    ),
    (
        "pt",
        "newsletter",
        "Assine a nossa newsletter e receba as notícias no seu e-mail.",
        "A padaria anunciou o prémio na sua newsletter mensal e agradeceu aos clientes.",
    ),
    ("pt", "caption", "Foto: João Silva", "A foto do autarca foi partilhada milhares de vezes nas redes sociais."),
    (
        "pt",
        "furniture",
        "Este site utiliza cookies para melhorar a sua experiência.",
        "A padaria vende cookies de chocolate na feira da escola todos os sábados.",
    ),
    (
        "pt",
        "paywall",
        "Este conteúdo é exclusivo para assinantes.",
        "O jornal ganhou mais de mil assinantes no ano passado.",
    ),
    # Dutch
    ("nl", "share", "Delen | Printen | Mailen", "De burgemeester beloofde het rapport met de provincie te delen."),
    ("nl", "comments", "Plaats een reactie", "De minister wilde niet reageren op het conflict over de begroting."),
    (
        "nl",
        "related",
        "Lees ook: Bruggen in de regio zakken voor inspectie",
        "Lees ook het volledige rapport, vroeg de oppositie tijdens de raadsvergadering.",
    ),
    (
        "nl",
        "newsletter",
        "Schrijf je in voor onze nieuwsbrief en ontvang het nieuws in je inbox.",
        "De bakkerij maakte de prijs bekend in haar maandelijkse nieuwsbrief.",
    ),
    ("nl", "caption", "Foto: Jan de Vries", "De foto van de burgemeester werd duizenden keren gedeeld."),
    (
        "nl",
        "furniture",
        "Deze website gebruikt cookies om uw ervaring te verbeteren.",
        "De bakkerij verkoopt cookies met chocolade op de schoolmarkt.",
    ),
    (
        "nl",
        "paywall",
        "Dit artikel is alleen voor abonnees.",
        "De krant kreeg vorig jaar meer dan duizend nieuwe abonnees.",
    ),
    # Polish
    ("pl", "share", "Udostępnij Facebook Twitter", "Burmistrz obiecał udostępnić raport władzom województwa."),
    ("pl", "comments", "Dodaj komentarz", "Minister odmówiła komentarza w sprawie sporu o budżet."),
    (
        "pl",
        "related",
        "Czytaj też: Mosty w regionie nie przeszły kontroli",
        "Czytaj też uważnie, bo plan ogranicza godziny otwarcia bibliotek o jedną trzecią.",
    ),
    (
        "pl",
        "newsletter",
        "Zapisz się na nasz newsletter i otrzymuj najważniejsze wiadomości.",
        "Piekarnia ogłosiła nagrodę w swoim miesięcznym newsletterze i podziękowała klientom.",
    ),
    ("pl", "caption", "Fot. Jan Kowalski", "Zdjęcie burmistrza udostępniono tysiące razy w mediach społecznościowych."),
    (
        "pl",
        "furniture",
        "Ta strona używa plików cookies w celu realizacji usług.",
        "Piekarnia sprzedaje ciastka z czekoladą na szkolnym festynie.",
    ),
    (
        "pl",
        "paywall",
        "Ten artykuł jest dostępny tylko dla subskrybentów.",
        "Gazeta zyskała w zeszłym roku ponad tysiąc nowych subskrybentów.",
    ),
    # follow-us lines, update stamps, tag headings, disclosures and embed placeholders
    ("de", "share", "Folgen Sie uns auf Facebook und Instagram!", "Folgen Sie dem Fluss, sagte der Förster."),
    ("de", "furniture", "Aktualisiert am 17.01.2021.", "Aktualisiert wurde der Plan zuletzt im Januar 2021."),
    ("de", "related", "Mehr zum Thema auf example.de", "Mehr zum Thema wollte der Sprecher nicht sagen."),
    (
        "de",
        "ad",
        "*Werbung. Dieser Beitrag enthält Werbung für eine Kaffeerösterei.",
        "Werbung für die Kaffeerösterei machte vor allem die Nachbarschaft.",
    ),
    (
        "de",
        "furniture",
        "Klicken Sie auf den unteren Button, um den Inhalt von example.com zu laden.",
        "Klicken Sie sich durch die Bilder, empfahl die Kuratorin den Besuchern der Ausstellung.",
    ),
    (
        "de",
        "share",
        "Dir hat der Artikel gefallen? Jetzt teilen!",
        "Dir hat der Stadtrat nichts versprochen, sagte die Bürgermeisterin.",
    ),
    (
        "de",
        "newsletter",
        "Ihr Beitrag hilft, unsere Berichterstattung weiter auszubauen.",
        "Ihr Beitrag zur Debatte kam spät, sagte die Fraktionschefin.",
    ),
    ("de", "furniture", "Zurück zur Übersicht", "Zurück zur alten Brücke fuhren nur noch die Busse."),
    ("de", "related", "Aktuelle Kommentare", "Aktuelle Zahlen zeigen, dass weniger Autos über die Brücke fahren."),
    ("de", "related", "Quellenangaben:", "Quellenangaben fehlten in dem Gutachten, kritisierte die Opposition."),
    ("de", "related", "Kontakt:", "Kontakt zu den Anwohnern hielt die Stadt über eine Bürgersprechstunde."),
    (
        "de",
        "furniture",
        "Video verfügbar bis 28.02.2025",
        "Das Video ist bis Ende Februar in der Mediathek verfügbar, sagte eine Sprecherin.",
    ),
    (
        "de",
        "comments",
        "Bitte melden Sie sich an und beachten Sie unsere Netiquette.",
        "Die Netiquette des Forums wurde nach dem Streit über die Brücke verschärft.",
    ),
    (
        "de",
        "share",
        "Bewerten: Teilen mit: Twitter Facebook Gefällt mir: Gefällt mir Wird geladen …",
        "Teilen Sie mit, wie Ihnen die neue Brücke gefällt, bat der Bürgermeister die Leser.",
    ),
    (
        "pl",
        "related",
        "Dowiedz się więcej: Nowy most zostanie otwarty w przyszłym roku",
        "Dowiedz się więcej o planach miasta, zachęcał burmistrz mieszkańców na spotkaniu.",
    ),
    (
        "de",
        "related",
        "Weitere Informationen zum Umbau der Brücke:",
        "Weitere Informationen zum Umbau der Brücke gibt es ab Montag im Rathaus.",
    ),
    (
        "de",
        "furniture",
        "Schreibt seit 2012 für die Zeitung. Beschäftigt sich mit Verkehr und Stadtplanung.",
        "Sie schreibt seit 2012 für die Zeitung über Verkehr und Stadtplanung, sagte der Verleger.",
    ),
    (
        "de",
        "furniture",
        "Nächster Artikel: Stadtrat streitet über Brückensanierung",
        "Nächster Artikel der Serie erscheint am Montag.",
    ),
    (
        "de",
        "ad",
        "Anzeige, enthält Affiliate Links",
        "Die Anzeige enthält nach Angaben des Verlags keine Links zu Händlern.",
    ),
    (
        "de",
        "furniture",
        "Zurück zur vorherigen Seite",
        "Zurück zur vorherigen Regelung will die Stadt nicht, sagte der Kämmerer.",
    ),
    ("pl", "related", "Dowiedz się więcej", "Dowiedz się więcej o moście, zanim zagłosujesz, apelował burmistrz."),
    (
        "de",
        "comments",
        "3 Kommentare zu „Stadtrat streitet über Brückensanierung“",
        "Eine Antwort auf die Frage nach den Kosten blieb der Bürgermeister schuldig.",
    ),
    (
        "de",
        "furniture",
        "Pressesprecher*in Jana Muster",
        "Pressesprecherin Jana Muster sagte, die Brücke werde im Juni wieder geöffnet.",
    ),
    ("de", "share", "%d Bloggern gefällt das:", "Den Bloggern gefällt das neue Rathaus, schrieb die Zeitung."),
    (
        "de",
        "related",
        "Diese Artikel könnten dich auch interessieren:",
        "Diese Artikel der Satzung könnten die Pendler auch interessieren, sagte der Sprecher.",
    ),
    (
        "pl",
        "caption",
        "PAP/ Jan Kowalski",
        "PAP podała, że most zostanie otwarty w czerwcu, powiedział rzecznik miasta.",
    ),
    (
        "pt",
        "furniture",
        "12/03/2021 - Publicado por: Ana Silva - Categoria: Cidade - Tags: ponte obras",
        "Publicado por um jornal local, o relatório criticou a câmara pelas obras na ponte.",
    ),
    ("pt", "related", "Categorias", "Categorias de trabalhadores protestaram em frente à câmara."),
    (
        "de",
        "comments",
        "Mit dem Absenden des Kommentars erklärst du dich einverstanden, dass dein Name gespeichert wird.",
        "Mit dem abgeschickten Brief akzeptierte die Stadt den Kompromiss zur Brücke.",
    ),
    (
        "de",
        "furniture",
        "Wenn Sie Hinweise zu diesem Artikel haben, schreiben Sie der Redaktion.",
        "Wenn Sie Anmerkungen zum Bauplan haben, können Sie diese im Rathaus abgeben, sagte der Sprecher.",
    ),
    (
        "pl",
        "comments",
        "Zaznacz pole zgody przed dodaniem komentarza, aby go opublikować.",
        "Prosimy o cierpliwość, most zostanie otwarty w czerwcu, powiedział rzecznik.",
    ),
    ("fr", "share", "Suivez-nous sur Twitter et Instagram", "Suivez le guide, dit le maire en riant."),
    ("es", "share", "Síguenos en Twitter e Instagram", "Siguen las obras en el puente del río, dijo el alcalde."),
    ("it", "share", "Seguici su Facebook e Instagram", "Seguirà un incontro con i cittadini, ha detto il sindaco."),
    ("pt", "furniture", "Atualizado em 03/04/2022 às 10h30", "Atualizado o plano, a câmara votará em junho."),
    ("nl", "share", "Volg ons op Twitter en Instagram", "Volgens de burgemeester is het plan betaalbaar."),
    ("pl", "share", "Obserwuj nas na Facebooku", "Obserwujemy sytuację na moście, powiedział burmistrz."),
    # English furniture beyond the shared rules (tests/test_rules.py covers those)
    ("en", "paywall", "Subscribe to continue reading.", "The paper gained more than a thousand subscribers last year."),
    ("en", "caption", "Source: Office for National Statistics", "A source at city hall confirmed the plan on Tuesday."),
]


def clean_with_last(cleaner: Cleaner, language: str, line: str):  # type: ignore[no-untyped-def]
    text = "\n\n".join([*BODIES[language], line])
    return cleaner.clean(RawArticle(source_file="case.txt", text=text))


@pytest.mark.parametrize(
    ("language", "category", "must_go", "must_survive"), CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_noise_line_goes_real_sentence_survives(
    cleaner: Cleaner, language: str, category: str, must_go: str, must_survive: str
) -> None:
    noisy = clean_with_last(cleaner, language, must_go)
    assert noisy.language == language
    assert [p.text for p in noisy.paragraphs] == BODIES[language]
    assert [r.category for r in noisy.removed] == [category]
    assert noisy.removed[0].rule.startswith((f"{language}.", "caption.", "comments."))

    real = clean_with_last(cleaner, language, must_survive)
    assert [p.text for p in real.paragraphs] == [*BODIES[language], must_survive]
    assert real.removed == []


def test_every_shipped_language_covers_every_furniture_category() -> None:
    rules = load_rules().rules
    wanted = {"share", "comments", "related", "newsletter", "caption", "furniture", "paywall"}
    for language in ("de", "fr", "es", "it", "pt", "nl", "pl"):
        assert {r.category for r in rules if r.languages == frozenset([language])} >= wanted, language
    assert {r.category for r in rules if r.languages is None or "en" in r.languages} >= wanted


def test_a_rule_for_one_language_leaves_other_languages_alone(cleaner: Cleaner) -> None:
    # "Lea:" opens a Spanish related-link line; in English it is a name.
    line = "Lea: the bridge must be fixed before winter, and the council knows it."
    article = clean_with_last(cleaner, "en", line)
    assert article.paragraphs[-1].text == line


@pytest.mark.parametrize("language", sorted(BODIES))
def test_language_is_detected_from_the_body(language: str) -> None:
    assert detect_language(" ".join(BODIES[language])) == language


def test_language_is_none_when_unsure() -> None:
    assert detect_language("") is None
    assert detect_language("OK") is None
    assert detect_language("\x00\x01 12:30 ...") is None


def test_language_is_in_the_json_and_detected_once_per_article(cleaner: Cleaner) -> None:
    article = cleaner.clean(RawArticle(source_file="a.txt", text="\n\n".join(BODIES["nl"])))
    assert article.to_json()["language"] == "nl"
    empty = RawArticle(source_file="b.txt", text="Home\n\nNews")
    assert cleaner.clean(empty).to_json()["language"] is None


def test_detection_reads_prose_not_menus() -> None:
    from pipeline.core.document import Article, Paragraph

    menu = ["Home", "News", "Sport", "Weather", "Contact", "About us"]
    article = Article("x.txt", [Paragraph(t, i) for i, t in enumerate([*menu, *BODIES["de"]])])
    DetectLanguage()(article)
    assert article.language == "de"


def test_users_add_a_language_in_their_own_rules_file(tmp_path: Path) -> None:
    extra = tmp_path / "sv.yaml"
    extra.write_text(
        "languages: [sv]\n"
        "rules:\n"
        "  - id: sv.share\n    category: share\n    max_words: 12\n"
        "    pattern: '(?:(?:Dela|Skriv ut|Facebook|Twitter)\\s*[|/·•,:]?\\s*){1,8}'\n",
        encoding="utf-8",
    )
    rules = load_rules([extra])
    [rule] = [r for r in rules.rules if r.id == "sv.share"]
    assert rule.languages == frozenset({"sv"})
    assert rule.applies_to("sv") and rule.applies_to(None) and not rule.applies_to("de")


@pytest.mark.parametrize("languages", ["[German]", "[]", "{de: 1}", "[DE]"])
def test_bad_languages_are_refused(tmp_path: Path, languages: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"rules:\n  - id: a\n    category: ad\n    pattern: x\n    languages: {languages}\n", encoding="utf-8"
    )
    with pytest.raises(RulesError, match="languages"):
        load_rules([path])


def test_german_wordpress_replies_heading_ends_the_article_with_its_thread(cleaner: Cleaner) -> None:
    body = [
        *BODIES["de"],
        "Die Bauarbeiten an der ersten Brücke sollen im Frühjahr beginnen und nach Angaben der Stadtverwaltung "
        "rund zwei Jahre dauern, in dieser Zeit werden die Busse über die Umgehungsstraße umgeleitet.",
    ]
    thread = ["Eine Antwort auf „Stadtrat streitet über Brückensanierung“", "Anna", "Endlich tut sich etwas!"]
    article = cleaner.clean(RawArticle(source_file="case.txt", text="\n\n".join([*body, *thread])))
    assert [p.text for p in article.paragraphs] == body
    assert {r.rule for r in article.removed} == {"de.replies_on"}
