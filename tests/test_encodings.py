"""Legacy encodings (issue #10): the fixture table the detector's thresholds were chosen on, and what
the readers do with cp1252, latin-1, ISO-8859-2, UTF-16/32 with a byte-order mark, and random bytes.

`python -m tests.test_encodings` prints the table: for each fixture, the encoding the reader picked
and whether the decoded text is the text that was written.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import Cleaner, RawArticle, ReadError, read_file
from pipeline.ingest import encodings as enc
from pipeline.ingest.readers import Decoded, decode_bytes

# Our own texts (written for these tests), by (language, kind): short is one sentence, long a
# paragraph, typo uses typographic quotes, dashes and the euro sign, which only the Windows code
# pages have. Each is encoded in every code page of TUNING_ENCODINGS that can write it.
TUNING: dict[tuple[str, str], str] = {
    ("de", "short"): "Café-Besitzer in Zürich klagen über höhere Mieten.",
    ("de", "long"): (
        "Die Stadtregierung von Zürich hat am Dienstag beschlossen, kleinen Läden und Cafés in der "
        "Altstadt für zwei Jahre einen Teil der Miete zu erlassen. Viele Geschäftsinhaber hatten sich "
        "über die stark gestiegenen Kosten beschwert. Man müsse verhindern, dass die Gassen rund um das "
        "Großmünster veröden, sagte die zuständige Stadträtin. Die Förderung kostet nach ersten "
        "Schätzungen rund vier Millionen Franken pro Jahr. Gegner im Gemeinderat kritisierten, dass "
        "größere Ketten von der Regelung ausgeschlossen würden, während einzelne Bäckereien und "
        "Buchhandlungen profitieren. Über den Vorschlag soll im Frühjahr abgestimmt werden."
    ),
    ("de", "typo"): (
        "„Wir bleiben hier“, sagte eine Wirtin aus der Altstadt – ihre Miete sei im Frühjahr um 300 € "
        "gestiegen. Die Stadt prüft nun Zuschüsse für Läden, Bäckereien und Cafés."
    ),
    ("fr", "short"): "Les propriétaires de cafés à Zurich dénoncent la hausse des loyers.",
    ("fr", "long"): (
        "Le conseil municipal a voté mardi une aide exceptionnelle pour les commerçants du "
        "centre-ville, frappés par la hausse des loyers et la baisse de la fréquentation. Selon la "
        "mairie, près de deux cents boutiques pourront en bénéficier dès le mois de février. « C'est "
        "une première étape, mais elle ne réglera pas tout », a déclaré la présidente de l'association "
        "des commerçants. Les élus de l'opposition ont critiqué un dispositif jugé trop coûteux et mal "
        "ciblé. Le préfet doit encore approuver la délibération avant qu'elle n'entre en vigueur."
    ),
    ("fr", "typo"): (
        "L’œuvre coûtera 12 millions d’euros – soit 3 € par habitant, a précisé l’adjoint aux finances. "
        "« C’est un choix assumé », a-t-il ajouté devant les élus réunis en séance."
    ),
    ("es", "short"): "Los dueños de cafeterías en Zúrich protestan por el alquiler.",
    ("es", "long"): (
        "El ayuntamiento aprobó el martes un plan de ayudas para los comercios del casco antiguo, "
        "afectados por la subida de los alquileres y la caída de las ventas. Según la concejala de "
        "Economía, más de doscientas tiendas podrán pedir la subvención a partir de febrero. «Es un "
        "primer paso, pero no basta», dijo el presidente de la asociación de comerciantes. La oposición "
        "criticó que el programa excluya a los pequeños talleres y exigió una auditoría. ¿Quién pagará "
        "la factura?, preguntó un concejal durante el pleno, que se prolongó hasta la medianoche."
    ),
    ("es", "typo"): (
        "“No nos vamos a ir”, dijo la dueña de la cafetería – el alquiler subió 300 € en un año. El "
        "ayuntamiento estudiará las ayudas después del verano."
    ),
    ("pl", "short"): "Właściciele kawiarni w Zurychu skarżą się na czynsze.",
    ("pl", "long"): (
        "Rada miasta przyjęła we wtorek program pomocy dla małych sklepów i kawiarni w centrum, które "
        "od miesięcy zmagają się z rosnącymi czynszami. Według urzędników z dopłat skorzysta około "
        "dwustu przedsiębiorców, a pierwsze pieniądze trafią do nich jeszcze przed świętami. "
        "Przewodnicząca stowarzyszenia kupców powiedziała, że to dobry początek, ale potrzebne są też "
        "zmiany w podatkach lokalnych. Radni opozycji zarzucili władzom, że program jest źle "
        "przygotowany i zbyt drogi. Wojewoda ma teraz trzydzieści dni na ocenę uchwały."
    ),
    ("pl", "typo"): (
        "„Zostajemy tutaj” – powiedziała właścicielka baru na Starym Mieście. Czynsz wzrósł w tym roku "
        "o jedną trzecią, a ruch w lokalu spadł."
    ),
    ("cs", "short"): "Majitelé kaváren v Curychu si stěžují na vysoké nájmy.",
    ("cs", "long"): (
        "Zastupitelstvo v úterý schválilo program podpory pro malé obchody a kavárny v centru města, "
        "které už několik měsíců bojují s rostoucími nájmy. Podle radnice může o příspěvek požádat "
        "zhruba dvě stě podnikatelů a první peníze by měli dostat ještě před Vánocemi. Předsedkyně "
        "sdružení obchodníků řekla, že jde o dobrý začátek, ale že je třeba změnit i místní poplatky. "
        "Opoziční zastupitelé kritizovali, že program je špatně připravený a příliš drahý. Krajský úřad "
        "má nyní třicet dní na posouzení usnesení."
    ),
    ("cs", "typo"): (
        "„Zůstáváme tady“ – řekla majitelka kavárny na Starém Městě. Nájem se letos zvýšil o třetinu a hostů ubylo."
    ),
    ("en", "short"): "Café owners in Zürich say their rents have doubled.",
    ("en", "long"): (
        "Café owners in Zürich's old town say their rents have doubled in five years, and several of "
        "them plan to close before the winter. The city council voted on Tuesday to waive part of the "
        'rent for small shops for two years. "We are not going anywhere," said Renée Müller, who has '
        "run a café near the river for two decades. The opposition called the plan too expensive and "
        "said larger chains should not be left out. A vote in the full council is planned for the "
        "spring, after the budget debate."
    ),
    ("en", "typo"): (
        "“We’re not going anywhere,” said Renée Müller, who has run the café for 20 years – her rent "
        "rose by €300 this spring. The council’s plan covers shops, bakeries and cafés in the old town."
    ),
    ("pt", "short"): "Donos de cafés em Zurique reclamam do aumento dos aluguéis.",
    ("pt", "long"): (
        "A câmara municipal aprovou na terça-feira um programa de apoio às pequenas lojas e cafés do "
        "centro histórico, que há meses enfrentam a subida das rendas. Segundo a autarquia, cerca de "
        "duzentos comerciantes poderão candidatar-se, e os primeiros pagamentos chegarão antes do "
        "Natal. A presidente da associação de comerciantes considerou a decisão um bom começo, mas "
        "pediu também a revisão das taxas municipais. A oposição criticou o programa por ser caro e mal "
        "preparado."
    ),
    ("hu", "short"): "Az önkormányzat ősszel dönt a kávézók bérleti díjáról.",
    ("hu", "long"): (
        "A fővárosi közgyűlés kedden elfogadta a belvárosi kisboltok és kávézók támogatási programját, "
        "mert a bérleti díjak az elmúlt években jelentősen megemelkedtek. A városháza szerint mintegy "
        "kétszáz vállalkozó kérheti a támogatást, és az első összegek még karácsony előtt "
        "megérkezhetnek. A kereskedők egyesületének elnöke szerint ez jó kezdet, de a helyi adókon is "
        "változtatni kellene. Az ellenzéki képviselők bírálták a tervet, mert szerintük túl drága és "
        "rosszul előkészített. A kormányhivatalnak harminc napja van a határozat felülvizsgálatára."
    ),
    ("ru", "short"): "Владельцы кафе в Цюрихе жалуются на рост арендной платы.",
    ("ru", "long"): (
        "Городской совет во вторник одобрил программу поддержки небольших магазинов и кафе в "
        "историческом центре, которые уже несколько месяцев страдают от роста арендной платы. По словам "
        "представителей мэрии, помощь смогут получить около двухсот предпринимателей, а первые выплаты "
        "поступят ещё до праздников. Председатель ассоциации торговцев назвала решение хорошим началом, "
        "но призвала также пересмотреть местные налоги. Депутаты оппозиции раскритиковали программу как "
        "слишком дорогую и плохо подготовленную. Окончательное голосование запланировано на весну."
    ),
    ("el", "short"): "Οι ιδιοκτήτες καφέ στη Ζυρίχη διαμαρτύρονται για τα ενοίκια.",
    ("el", "long"): (
        "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη πρόγραμμα στήριξης για τα μικρά καταστήματα και τα "
        "καφέ του ιστορικού κέντρου, τα οποία εδώ και μήνες αντιμετωπίζουν αυξημένα ενοίκια. Σύμφωνα με "
        "τον δήμο, περίπου διακόσιοι επαγγελματίες θα μπορούν να υποβάλουν αίτηση, ενώ οι πρώτες "
        "πληρωμές αναμένονται πριν από τις γιορτές. Η πρόεδρος του εμπορικού συλλόγου χαρακτήρισε την "
        "απόφαση θετικό πρώτο βήμα. Η αντιπολίτευση επέκρινε το πρόγραμμα ως ακριβό και πρόχειρο."
    ),
    ("tr", "short"): "Zürih'teki kafe sahipleri yüksek kiralardan şikâyetçi.",
    ("tr", "long"): (
        "Belediye meclisi salı günü tarihi merkezdeki küçük dükkânlar ve kafeler için bir destek "
        "programını onayladı. Kiraların son yıllarda hızla artması nedeniyle pek çok işletme kapanma "
        "noktasına geldi. Belediye yetkililerine göre yaklaşık iki yüz esnaf yardım için başvurabilecek "
        "ve ilk ödemeler bayramdan önce yapılacak. Esnaf derneğinin başkanı kararı olumlu bir ilk adım "
        "olarak nitelendirdi, ancak yerel vergilerin de düşürülmesi gerektiğini söyledi. Muhalefet ise "
        "programın pahalı ve aceleyle hazırlandığını savundu."
    ),
}
TUNING_ENCODINGS = {
    "de": ["cp1252", "latin-1", "iso-8859-15"],
    "fr": ["cp1252", "latin-1", "iso-8859-15"],
    "es": ["cp1252", "latin-1", "iso-8859-15"],
    "en": ["cp1252", "latin-1"],
    "pl": ["cp1250", "iso-8859-2"],
    "cs": ["cp1250", "iso-8859-2"],
    "pt": ["cp1252", "latin-1"],
    "hu": ["cp1250", "iso-8859-2"],
    "ru": ["cp1251", "koi8-r"],
    "el": ["cp1253", "iso-8859-7"],
    "tr": ["cp1254", "iso-8859-9"],
}
HELD_OUT: dict[str, str] = {
    "de": (
        "Der Zugverkehr zwischen Köln und Düsseldorf war am Montagmorgen wegen eines Stellwerksausfalls "
        "stundenlang gestört. Pendler mussten auf Busse ausweichen; die Bahn kündigte für Mittwoch eine "
        "Überprüfung aller Anlagen an."
    ),
    "fr": (
        "Le tribunal de Lyon a condamné jeudi l'ancien maire à deux ans de prison avec sursis pour "
        "détournement de fonds publics. Son avocat a annoncé qu'il ferait appel de ce jugement qu'il "
        "juge « disproportionné »."
    ),
    "es": (
        "La selección ganó anoche por dos goles a uno en un partido muy disputado. El entrenador elogió "
        "el esfuerzo de los jóvenes jugadores y pidió calma a la afición antes del próximo encuentro en "
        "Sevilla."
    ),
    "pt": (
        "As chuvas fortes que atingiram o norte do país provocaram inundações em várias aldeias. A "
        "proteção civil retirou dezenas de famílias das suas casas e pediu à população que evite as "
        "estradas junto aos rios."
    ),
    "en": (
        "Zoë Saldaña and the mayor of São Paulo opened the festival on Friday, an event that organisers "
        "said drew a record crowd despite the rain and a last-minute change of venue for the closing "
        "concert."
    ),
    "pl": (
        "Sąd okręgowy w Krakowie skazał w czwartek byłego burmistrza na dwa lata więzienia w "
        "zawieszeniu za przywłaszczenie środków publicznych. Obrońca zapowiedział złożenie apelacji od "
        "wyroku."
    ),
    "cs": (
        "Silné deště, které zasáhly sever země, způsobily záplavy v několika obcích. Hasiči evakuovali "
        "desítky rodin a vyzvali obyvatele, aby se vyhýbali silnicím podél řek, dokud hladina neklesne."
    ),
    "hu": (
        "A válogatott tegnap este két egy arányban nyert egy nagyon kiélezett mérkőzésen. Az edző "
        "dicsérte a fiatal játékosok erőfeszítéseit, és türelmet kért a szurkolóktól a következő meccs "
        "előtt."
    ),
    "ru": (
        "Суд в Новосибирске в четверг приговорил бывшего мэра к двум годам условно за растрату "
        "бюджетных средств. Адвокат заявил, что обжалует приговор, который считает слишком суровым."
    ),
    "el": (
        "Ισχυρές βροχές έπληξαν τη βόρεια Ελλάδα προκαλώντας πλημμύρες σε αρκετά χωριά. Η πολιτική "
        "προστασία απομάκρυνε δεκάδες οικογένειες και ζήτησε από τους πολίτες να αποφεύγουν τους "
        "δρόμους κοντά στα ποτάμια."
    ),
    "tr": (
        "Milli takım dün akşam oynanan çekişmeli maçta rakibini iki bir yendi. Teknik direktör genç "
        "oyuncuların gayretini övdü ve taraftarlardan bir sonraki maç öncesinde sabırlı olmalarını "
        "istedi."
    ),
    "ro": (
        "Guvernul a aprobat marţi un program de sprijin pentru micile magazine şi cafenelele din "
        "centrul oraşului, afectate de creşterea chiriilor în ultimii doi ani."
    ),
    "hr": (
        "Vlada je u utorak usvojila program potpore za male trgovine i kafiće u središtu grada, koji se "
        "već mjesecima bore s rastućim najamninama."
    ),
    "it": (
        "Il consiglio comunale ha approvato martedì un piano di aiuti per i negozi del centro storico, "
        "colpiti dall'aumento degli affitti e dal calo delle vendite. Più di duecento attività potranno "
        "chiedere il contributo."
    ),
}
HELD_OUT_ENCODINGS = {
    "de": ["cp1252", "latin-1"],
    "fr": ["cp1252", "latin-1"],
    "es": ["cp1252", "latin-1"],
    "pt": ["cp1252", "latin-1"],
    "en": ["cp1252", "latin-1"],
    "it": ["cp1252", "latin-1"],
    "pl": ["cp1250", "iso-8859-2"],
    "cs": ["cp1250", "iso-8859-2"],
    "hu": ["cp1250", "iso-8859-2"],
    "ro": ["cp1250"],
    "hr": ["cp1250", "iso-8859-2"],
    "ru": ["cp1251", "koi8-r"],
    "el": ["cp1253", "iso-8859-7"],
    "tr": ["cp1254", "iso-8859-9"],
}


def cases(table: dict[tuple[str, str], str], encodings: dict[str, list[str]]) -> list[tuple[str, str, str, str]]:
    """(language, kind, encoding, text) for every text in every encoding that can write it."""
    found = []
    for (lang, kind), text in table.items():
        for codec in encodings[lang]:
            try:
                text.encode(codec)
            except UnicodeEncodeError:
                continue
            found.append((lang, kind, codec, text))
    return found


TUNING_CASES = cases(TUNING, TUNING_ENCODINGS)
HELD_OUT_CASES = cases({(lang, "held-out"): text for lang, text in HELD_OUT.items()}, HELD_OUT_ENCODINGS)


def picked(text: str, codec: str) -> tuple[str | None, bool]:
    """(encoding recorded, decoded text == text) for text written in codec, as the reader decodes it."""
    decoded = decode_bytes(text.encode(codec))
    if not isinstance(decoded, Decoded):
        return None, False
    return decoded.encoding, decoded.text == text


def test_detector_reads_the_tuning_fixtures_right() -> None:
    wrong = [(lang, kind, codec) for lang, kind, codec, text in TUNING_CASES if not picked(text, codec)[1]]
    # Known misses: a one-sentence Turkish text is read as Western (þ for ş); see the table.
    assert wrong == [("tr", "short", "cp1254"), ("tr", "short", "iso-8859-9")]
    assert len(TUNING_CASES) == 56


def test_detector_reads_the_held_out_fixtures_right() -> None:
    assert [c[:3] for c in HELD_OUT_CASES if not picked(c[3], c[2])[1]] == []
    assert len(HELD_OUT_CASES) == 27


@pytest.mark.parametrize(
    ("text", "codec", "recorded"),
    [
        (TUNING[("en", "typo")], "cp1252", "cp1252"),  # curly quotes and € exist only in cp1252
        (TUNING[("de", "long")], "latin-1", "iso8859-1"),
        (TUNING[("fr", "long")], "cp1252", "iso8859-1"),  # same bytes as latin-1: the ISO name is recorded
        (TUNING[("cs", "long")], "iso-8859-2", "iso8859-2"),
        (TUNING[("pl", "long")], "cp1250", "cp1250"),
        (TUNING[("ru", "long")], "cp1251", "cp1251"),
        (TUNING[("ru", "long")], "koi8-r", "koi8-r"),
        (TUNING[("el", "long")], "cp1253", "cp1253"),
    ],
)
def test_encoding_recorded(text: str, codec: str, recorded: str) -> None:
    assert picked(text, codec) == (recorded, True)


def write(path: Path, data: bytes, gz: bool = False) -> Path:
    if gz:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize(
    ("codec", "recorded"),
    [("cp1252", "cp1252"), ("latin-1", "iso8859-1"), ("utf-16", "utf-16"), ("utf-32", "utf-32")],
)
def test_legacy_and_bom_files_load_with_their_text_and_encoding(
    tmp_path: Path, codec: str, recorded: str, gz: bool
) -> None:
    text = "Café owners in Zürich say their rents have doubled.\n\n" + TUNING[("de", "long")]
    if codec == "cp1252":
        text = TUNING[("en", "typo")] + "\n\n" + text
    [raw] = read_file(write(tmp_path / "story.txt", text.encode(codec), gz))  # utf-16/32 write a BOM
    assert isinstance(raw, RawArticle)
    assert (raw.text, raw.encoding) == (text, recorded)
    article = Cleaner.from_files().clean(raw)
    assert article.encoding == recorded and article.to_json()["encoding"] == recorded
    assert "Zürich" in article.body


def test_utf8_is_recorded_and_read_as_before(tmp_path: Path) -> None:
    [raw] = read_file(write(tmp_path / "a.txt", "Café owners in Zürich.".encode()))
    assert isinstance(raw, RawArticle) and (raw.text, raw.encoding) == ("Café owners in Zürich.", "utf-8")
    [raw] = read_file(write(tmp_path / "b.txt", "\ufeffWith a mark.".encode()))
    assert isinstance(raw, RawArticle) and (raw.text, raw.encoding) == ("With a mark.", "utf-8")


def test_html_in_cp1252(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{TUNING[('fr', kind)]}</p>" for kind in ("long", "typo"))
    page = f"<html><body><article>{paragraphs}</article></body></html>"
    [raw] = read_file(write(tmp_path / "p.html", page.encode("cp1252")))
    assert isinstance(raw, RawArticle) and raw.encoding == "cp1252" and raw.html == page


@pytest.mark.parametrize(
    ("declaration", "codec", "recorded"),
    [
        ('<meta charset="windows-1252">', "cp1252", "cp1252"),
        ('<meta charset="ISO-8859-1">', "latin-1", "cp1252"),  # as browsers read it (WHATWG)
        ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">', "iso-8859-2", "iso8859-2"),
        ('<meta charset="shift_jis">', "shift_jis", "shift_jis"),
        ('<meta charset="utf-8">', "cp1252", "cp1252"),  # a false UTF-8 declaration: the detector decides
    ],
)
def test_html_declared_charset_is_used_when_not_utf8(
    tmp_path: Path, declaration: str, codec: str, recorded: str
) -> None:
    # Too short for the detector alone: the page's own declaration decides.
    body = {"iso-8859-2": TUNING[("cs", "short")], "shift_jis": "東京の喫茶店の家賃が上がった。"}.get(
        codec, "Café au lait"
    )
    if declaration == '<meta charset="utf-8">':
        body = TUNING[("fr", "typo")]
    page = f"<html><head>{declaration}<title>x</title></head><body><p>{body}</p></body></html>"
    [raw] = read_file(write(tmp_path / "p.html", page.encode(codec)))
    assert isinstance(raw, RawArticle) and (raw.html, raw.encoding) == (page, recorded)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # too short to tell: "Café", "Cafй" and "Cafι" are all plausible
        ("Café au lait".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 3); no single-byte encoding reads it"),
        # UTF-8 with one broken byte is broken UTF-8, not cp1252
        ("Zürich, Genève und Köln: ".encode() + b"\xe9 " + "Straße".encode(), "not valid UTF-8 (byte 0xe9 at offset"),
        (b"\xff\xfe" + "Ünïcödé".encode("utf-16-le") + b"\x00\xd8", "not valid UTF-16 despite its byte-order mark"),
        (b"\xff\xfe" + random.Random(3).randbytes(400), "UTF-16"),
        (b"\xff\xfe\x00\x00" + random.Random(4).randbytes(400), "UTF-32"),
    ],
)
def test_undecidable_and_broken_text_is_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    [error] = read_file(write(tmp_path / "x.txt", data))
    assert isinstance(error, ReadError) and reason in error.reason


def test_random_bytes_are_refused_whatever_the_seed() -> None:
    """Random bytes that are neither UTF-8 nor start with NUL bytes are what the detector must not
    accept as text: none of 2,000 seeds (16 bytes to 4 KiB) is."""
    rnd = random.Random(10)
    for _ in range(2000):
        data = rnd.randbytes(rnd.choice([16, 32, 64, 256, 1024, 4096]))
        assert not isinstance(decode_bytes(data), Decoded) or data.isascii(), data


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32), size=st.integers(min_value=24, max_value=4096))
def test_random_bytes_are_rejected(seed: int, size: int) -> None:
    data = random.Random(seed).randbytes(size)
    if not data.isascii():
        assert not isinstance(decode_bytes(data), Decoded)


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_in_cp1252_is_decided_per_file(tmp_path: Path, gz: bool) -> None:
    records = [
        {"id": "a0", "text": "Plain ASCII comes first."},
        {"id": "a1", "title": "Zürich", "text": TUNING[("de", "long")]},
        {"id": "a2", "text": TUNING[("fr", "typo")]},
        {"id": "a3", "text": "Short: Café."},  # alone, too short to tell; the file's encoding decides
    ]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("cp1252")
    results = list(read_file(write(tmp_path / "feed.jsonl", data, gz)))
    assert all(isinstance(r, RawArticle) for r in results)
    assert [(r.line, r.encoding) for r in results] == [(1, "utf-8"), (2, "cp1252"), (3, "cp1252"), (4, "cp1252")]
    assert [r.text for r in results] == [r["text"] for r in records]
    assert results[1].title == "Zürich"


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_jsonl_in_utf16_is_split_at_decoded_newlines(tmp_path: Path, codec: str, gz: bool) -> None:
    # "Ċ" is U+010A: in UTF-16-LE its bytes are 0A 01, a b"\n" that is not a newline.
    records = [{"id": i, "text": f"Story {i}: Ċ in Zürich, ‘quoted’ ☃."} for i in range(3)]
    text = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\r\n\r\n"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(codec, b"")
    results = list(read_file(write(tmp_path / "feed.jsonl", bom + text.encode(codec), gz)))
    assert [(r.line, r.text, r.encoding) for r in results if isinstance(r, RawArticle)] == [
        (i + 1, r["text"], "utf-32" if codec == "utf-32" else "utf-16") for i, r in enumerate(records)
    ]
    assert len(results) == 3


def test_jsonl_bad_utf16_stops_with_the_line(tmp_path: Path) -> None:
    good = "".join(json.dumps({"text": f"Story {i}."}) + "\n" for i in range(3)).encode("utf-16-le")
    data = b"\xff\xfe" + good + b"\x00\xd8" + '{"text": "after"}\n'.encode("utf-16-le")
    results = list(read_file(write(tmp_path / "feed.jsonl", data)))
    assert [r.line for r in results] == [1, 2, 3, 4]
    assert isinstance(results[-1], ReadError) and results[-1].reason.startswith("not valid UTF-16")


def test_jsonl_undecidable_lines_are_reported_one_by_one(tmp_path: Path) -> None:
    lines = [b'{"text": "Fine line."}', b'{"text": "Caf\xe9"}', b'{"text": "Also fine."}']
    results = list(read_file(write(tmp_path / "feed.jsonl", b"\n".join(lines))))
    assert [type(r).__name__ for r in results] == ["RawArticle", "ReadError", "RawArticle"]
    assert isinstance(results[1], ReadError) and results[1].line == 2
    assert results[1].reason.startswith("not valid UTF-8 (byte 0xe9 at offset 13); no single-byte encoding")


def test_jsonl_mostly_utf8_keeps_reporting_broken_lines(tmp_path: Path) -> None:
    good = [json.dumps({"text": TUNING[("de", "long")]}, ensure_ascii=False).encode() for _ in range(3)]
    lines = [good[0], b'{"text": "Stra\xdfe"}', *good[1:]]
    results = list(read_file(write(tmp_path / "feed.jsonl", b"\n".join(lines))))
    assert [r.encoding if isinstance(r, RawArticle) else r.reason for r in results] == [
        "utf-8",
        "not valid UTF-8 (byte 0xdf at offset 14)",
        "utf-8",
        "utf-8",
    ]


def test_guess_names_no_encoding_for_text_with_no_language() -> None:
    guess = enc.guess_legacy("FTSE 100 7,512.3; £0.86 €1.17".encode("cp1252"))
    assert guess.encoding is None and "language coherence" in guess.reason


def table() -> list[tuple[str, str, str, str, bool]]:
    rows = []
    for lang, kind, codec, text in TUNING_CASES + HELD_OUT_CASES:
        recorded, right = picked(text, codec)
        rows.append((lang, kind, codec, recorded or "(refused)", right))
    return rows


if __name__ == "__main__":
    rows = table()
    print("| language | text | written in | read as | right text |")
    print("| --- | --- | --- | --- | --- |")
    for lang, kind, codec, recorded, right in rows:
        print(f"| {lang} | {kind} | {codec} | {recorded} | {'yes' if right else '**no**'} |")
    for label, subset in (("tuning", rows[: len(TUNING_CASES)]), ("held-out", rows[len(TUNING_CASES) :])):
        print(f"{label}: {sum(r[4] for r in subset)}/{len(subset)} right")
