"""Static content for the demo-data generator (:mod:`app.demo.generate`).

Everything here is fictional demo *data*, not user interface text, so it is not translated.
Institution and organisation names are modelled on real Norwegian ones so the demo feels
familiar; every person, phone number and e-mail address in the demo is invented (e-mail
addresses use the reserved ``example.*`` domains, national ids have a wrong check digit).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.enums import InstitutionKind as IK
from app.models.enums import MeetingKind as MK
from app.models.enums import NeedDomain as ND
from app.models.enums import OrganisationType as OT
from app.models.enums import SecurityLevel as SL

_NB = "nb"


def words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


@dataclass(frozen=True)
class Origin:
    """Where a group of demo people comes from: names, nationality, languages, phones."""

    key: str
    faker_locale: str | None  # None: Latin-script names from the lists below (Faker has no
    # Somali, Tigrinya or Dari locale, and its Arabic ones write Arabic script)
    nationalities: tuple[str, ...]  # ISO 3166-1 alpha-2; one is picked per person
    languages: tuple[str, ...]  # comma-separated ISO 639-1 sets; one is picked per person
    interpreter: float  # share of people who need an interpreter
    weight: float  # share of clients
    phone: str  # '#' becomes a digit


#: Clients are about 55% Norwegian; "me" is Syria, Iraq, Somalia, Afghanistan and Eritrea.
ORIGINS: tuple[Origin, ...] = (
    Origin("no", "no_NO", ("NO",), (_NB, _NB, _NB, "nb,en"), 0.0, 55, "+47 9## ## ###"),
    Origin("pl", "pl_PL", ("PL",), ("pl", "pl,en", "pl,nb"), 0.55, 8, "+48 5## ### ###"),
    Origin("lt", "lt_LT", ("LT",), ("lt", "lt,ru", "lt,en"), 0.6, 7, "+370 6## #####"),
    Origin("ro", "ro_RO", ("RO",), ("ro", "ro", "ro,en", "ro,it"), 0.65, 7, "+40 7## ### ###"),
    Origin("ru", "ru_RU", ("RU",), ("ru", "ru", "ru,en"), 0.7, 4, "+7 9## ###-##-##"),
    Origin("uk", "uk_UA", ("UA",), ("uk,ru", "uk", "uk,en"), 0.6, 3, "+380 6# ### ## ##"),
    Origin("lv", "lv_LV", ("LV",), ("lv,ru", "lv", "lv,en"), 0.5, 2, "+371 2### ####"),
    Origin("sv", "sv_SE", ("SE",), ("sv", "sv,en"), 0.0, 2, "+46 7# ### ## ##"),
    Origin("de", "de_DE", ("DE",), ("de,en", "de"), 0.15, 1.5, "+49 15# #######"),
    Origin("gb", "en_GB", ("GB",), ("en",), 0.0, 1.5, "+44 7### ######"),
    Origin("me", None, ("SY", "IQ", "SO", "AF", "ER"), ("",), 0.7, 9, "+47 4## ## ###"),
)

#: Languages for the transliterated group, by nationality.
LANGUAGES_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    "SY": ("ar", "ar,en"),
    "IQ": ("ar", "ku,ar"),
    "SO": ("so", "so,en"),
    "AF": ("fa", "ps,fa"),
    "ER": ("ti", "ti,ar"),
}
EU_EEA = frozenset({"PL", "LT", "RO", "LV", "SE", "DE"})
#: Share of the transliterated group who are Norwegian citizens.
NORWEGIAN_CITIZEN_SHARE = 0.3

#: (city, county, first postcode, last postcode, weight): where demo people live.
CITIES: tuple[tuple[str, str, int, int, float], ...] = (
    ("Oslo", "Oslo", 150, 1295, 30),
    ("Bergen", "Vestland", 5003, 5184, 11),
    ("Trondheim", "Trøndelag", 7010, 7099, 8),
    ("Stavanger", "Rogaland", 4006, 4099, 6),
    ("Drammen", "Buskerud", 3011, 3048, 4),
    ("Kristiansand", "Agder", 4608, 4639, 4),
    ("Fredrikstad", "Østfold", 1601, 1639, 4),
    ("Sarpsborg", "Østfold", 1701, 1747, 3),
    ("Tromsø", "Troms", 9006, 9024, 3),
    ("Lillestrøm", "Akershus", 2000, 2013, 4),
    ("Sandvika", "Akershus", 1300, 1339, 3),
    ("Skien", "Telemark", 3701, 3736, 2),
    ("Tønsberg", "Vestfold", 3103, 3126, 2),
    ("Hamar", "Innlandet", 2301, 2323, 2),
    ("Bodø", "Nordland", 8003, 8041, 2),
    ("Ålesund", "Møre og Romsdal", 6002, 6018, 2),
    ("Haugesund", "Rogaland", 5501, 5538, 2),
    ("Kongsvinger", "Innlandet", 2208, 2226, 1),
    ("Halden", "Østfold", 1751, 1798, 1),
)

#: (name, kind, security level, county, has a child-friendly room, has a family flat).
# fmt: off
INSTITUTIONS: tuple[tuple[str, IK, SL, str, bool, bool], ...] = (
    ("Oslo fengsel", IK.PRISON, SL.HIGH, "Oslo", True, False),
    ("Ila fengsel og forvaringsanstalt", IK.PRISON, SL.HIGH, "Akershus", True, True),
    ("Ullersmo fengsel", IK.PRISON, SL.HIGH, "Akershus", True, False),
    ("Bredtveit fengsel og forvaringsanstalt", IK.PRISON, SL.HIGH, "Oslo", True, True),
    ("Halden fengsel", IK.PRISON, SL.HIGH, "Østfold", True, True),
    ("Ringerike fengsel", IK.PRISON, SL.HIGH, "Buskerud", True, False),
    ("Skien fengsel", IK.PRISON, SL.HIGH, "Telemark", True, False),
    ("Bergen fengsel", IK.PRISON, SL.HIGH, "Vestland", True, False),
    ("Bjørgvin fengsel", IK.PRISON, SL.LOW, "Vestland", True, True),
    ("Trondheim fengsel", IK.PRISON, SL.HIGH, "Trøndelag", True, True),
    ("Stavanger fengsel", IK.PRISON, SL.HIGH, "Rogaland", True, False),
    ("Tromsø fengsel", IK.PRISON, SL.HIGH, "Troms", False, False),
    ("Bodø fengsel", IK.PRISON, SL.HIGH, "Nordland", True, False),
    ("Ålesund fengsel", IK.PRISON, SL.HIGH, "Møre og Romsdal", False, False),
    ("Kongsvinger fengsel", IK.PRISON, SL.HIGH, "Innlandet", True, False),
    ("Agder fengsel, avdeling Mandal", IK.PRISON, SL.HIGH, "Agder", True, False),
    ("Hof fengsel", IK.PRISON, SL.LOW, "Vestfold", True, True),
    ("Bastøy fengsel", IK.PRISON, SL.LOW, "Vestfold", True, True),
    ("Sandeid fengsel", IK.PRISON, SL.LOW, "Rogaland", False, False),
    ("Bergen overgangsbolig", IK.PRISON, SL.TRANSITIONAL, "Vestland", True, False),
    ("Trondheim overgangsbolig", IK.PRISON, SL.TRANSITIONAL, "Trøndelag", True, False),
    ("Oslo friomsorgskontor", IK.PROBATION_OFFICE, SL.NOT_APPLICABLE, "Oslo", False, False),
    ("Vestland friomsorgskontor", IK.PROBATION_OFFICE, SL.NOT_APPLICABLE, "Vestland", False, False),
    ("Trøndelag friomsorgskontor", IK.PROBATION_OFFICE, SL.NOT_APPLICABLE, "Trøndelag", False,
     False),
    ("Rogaland friomsorgskontor", IK.PROBATION_OFFICE, SL.NOT_APPLICABLE, "Rogaland", False, False),
    ("Politiets utlendingsinternat Trandum", IK.IMMIGRATION_DETENTION, SL.HIGH, "Akershus", False,
     False),
    ("Oslo politihus, arresten", IK.POLICE_CUSTODY, SL.HIGH, "Oslo", False, False),
)
# fmt: on
#: Kongsvinger fengsel takes mainly foreign nationals.
FOREIGN_PRISON = "Kongsvinger fengsel"
IMMIGRATION_DETENTION = "Politiets utlendingsinternat Trandum"

#: (name, type, country it serves, county, mailbox): the partner directory.
# fmt: off
ORGANISATIONS: tuple[tuple[str, OT, str, str, str], ...] = (
    ("NAV Grünerløkka", OT.WELFARE_OFFICE, "NO", "Oslo", "nav-grunerlokka"),
    ("NAV Gamle Oslo", OT.WELFARE_OFFICE, "NO", "Oslo", "nav-gamle-oslo"),
    ("NAV Bergenhus", OT.WELFARE_OFFICE, "NO", "Vestland", "nav-bergenhus"),
    ("NAV Trondheim Midtbyen", OT.WELFARE_OFFICE, "NO", "Trøndelag", "nav-midtbyen"),
    ("Oslo kommune, Bydel Gamle Oslo – boligkontoret", OT.MUNICIPAL_HOUSING, "NO", "Oslo", "bolig"),
    ("Bergen kommune, Etat for boligforvaltning", OT.MUNICIPAL_HOUSING, "NO", "Vestland", "bolig"),
    ("Oslo Røde Kors – Nettverk etter soning", OT.RED_CROSS, "NO", "Oslo", "nettverk"),
    ("Bergen Røde Kors – Nettverk etter soning", OT.RED_CROSS, "NO", "Vestland", "nettverk"),
    ("FFP – Foreningen for Fangers Pårørende", OT.FAMILY_ORGANISATION, "NO", "Oslo", "ffp"),
    ("Foreningen for barn av foreldre i fengsel", OT.FAMILY_ORGANISATION, "NO", "Oslo", "barn"),
    ("Blå Kors poliklinikk", OT.ADDICTION_SERVICES, "NO", "Oslo", "poliklinikk"),
    ("Rusmiddeletaten, Oslo kommune", OT.ADDICTION_SERVICES, "NO", "Oslo", "rusmiddeletaten"),
    ("DPS Bjørgvin", OT.HEALTH_SERVICE, "NO", "Vestland", "dps"),
    ("Fretex jobb og oppfølging", OT.EMPLOYMENT_SERVICE, "NO", "Oslo", "jobb"),
    ("Oslo voksenopplæring Sinsen", OT.EDUCATION, "NO", "Oslo", "sinsen"),
    ("Jussbuss", OT.LEGAL_AID, "NO", "Oslo", "jussbuss"),
    ("JURK – Juridisk rådgivning for kvinner", OT.LEGAL_AID, "NO", "Oslo", "jurk"),
    ("WayBack – Stiftelsen for ex-innsatte", OT.OTHER, "NO", "Oslo", "wayback"),
    ("Embassy of Romania in Oslo", OT.EMBASSY_CONSULATE, "RO", "Oslo", "consular.ro"),
    ("Embassy of the Republic of Poland in Oslo", OT.EMBASSY_CONSULATE, "PL", "Oslo",
     "consular.pl"),
    ("Embassy of Lithuania in Oslo", OT.EMBASSY_CONSULATE, "LT", "Oslo", "consular.lt"),
    ("Embassy of the Russian Federation in Oslo", OT.EMBASSY_CONSULATE, "RU", "Oslo",
     "consular.ru"),
    ("Embassy of Ukraine in Oslo", OT.EMBASSY_CONSULATE, "UA", "Oslo", "consular.ua"),
)
# fmt: on

#: Which partners a need is referred to.
#: Keyed by need domain (a str enum, so plain values look up too).
REFERRAL_TYPES: dict[str, tuple[OT, ...]] = {
    ND.HOUSING: (OT.MUNICIPAL_HOUSING, OT.WELFARE_OFFICE),
    ND.EMPLOYMENT: (OT.EMPLOYMENT_SERVICE, OT.WELFARE_OFFICE),
    ND.EDUCATION: (OT.EDUCATION,),
    ND.INCOME_BENEFITS: (OT.WELFARE_OFFICE,),
    ND.DEBT: (OT.WELFARE_OFFICE, OT.LEGAL_AID),
    ND.HEALTH: (OT.HEALTH_SERVICE,),
    ND.MENTAL_HEALTH: (OT.HEALTH_SERVICE,),
    ND.SUBSTANCE_USE: (OT.ADDICTION_SERVICES,),
    ND.FAMILY_CONTACT: (OT.FAMILY_ORGANISATION, OT.RED_CROSS),
    ND.LEGAL: (OT.LEGAL_AID,),
    ND.IMMIGRATION: (OT.LEGAL_AID,),
    ND.CONSULAR: (OT.EMBASSY_CONSULATE,),
    ND.OTHER: (OT.RED_CROSS, OT.OTHER),
}

VISITING_DAYS = (
    "Tuesdays and Thursdays 17:00–19:30, Saturdays 10:00–15:00",
    "Mondays to Fridays 13:00–15:00, Sundays 11:00–14:00",
    "Wednesdays 16:00–19:00 and every other Saturday 10:00–13:00",
    "Weekdays 09:00–11:00 and 13:00–15:00",
)
VISITING_RULES = (
    "Book at least three working days ahead by phone; bring photo ID.",
    "Visitors must be approved in advance; the police check takes up to four weeks.",
    "Book through the visiting office; lockers for phones and bags at the gate.",
)

# -- meetings ----------------------------------------------------------------------------

MEETING_TOPICS: dict[str, tuple[str, ...]] = {
    "pre": (
        "Went through the housing application together.",
        "Planned the release day: who meets the client at the gate and where they go first.",
        "Discussed the NAV appointment for the first week after release.",
        "Made an overview of debts and the letters from creditors.",
        "Talked about contact with the family before release.",
        "Checked the ID card and bank account applications.",
        "Talked about work training in the prison workshop.",
        "Discussed courses the client can finish before release.",
        "Discussed the parole conditions and the reporting schedule.",
        "Reviewed the plan for the last months of the sentence.",
        "Talked about leave from prison and how the last leave went.",
        "Discussed the application for electronic monitoring.",
        "Prepared questions for the meeting with the probation office.",
        "Talked about a place to live for the first nights after release.",
    ),
    "post": (
        "Follow-up after release: client has moved into the municipal flat.",
        "Went with the client to the NAV office to sign the benefit application.",
        "Discussed the job interview at the warehouse next week.",
        "Met for coffee; talked about everyday routines and sleep.",
        "Went through the budget for the month and the rent arrears.",
        "Talked about old friends and how to keep away from the old environment.",
        "Discussed a course at the adult education centre.",
        "Followed up the debt settlement proposal from the collection agency.",
        "Talked about the first weeks back with the family.",
        "Helped the client book a GP appointment.",
        "Client told about a difficult week; talked through what helped.",
        "Walked through town and practised using the bus and the ticket app.",
    ),
    "child": (
        "Talked with the client about the children's last visit.",
        "Planned the next visit with the children and the caregiver.",
        "Discussed how to explain the sentence to the youngest child.",
        "Went through the application for an overnight stay in the family flat.",
        "Talked about phone and video calls with the children.",
        "Met the caregiver to talk about how the children are coping at school.",
        "Discussed travel to the prison and the transport support.",
        "Talked about letters and drawings the children sent.",
    ),
    "foreign": (
        "Meeting with an interpreter about the expulsion decision.",
        "Explained the transfer application to the home country.",
        "Discussed contact with the embassy; client agreed to consular notification.",
        "Talked about contact with family abroad and the cost of phone calls.",
        "Went through the letter from the immigration authorities.",
        "Discussed the appeal and the lawyer's advice.",
        "Talked about religious practice and food in the prison.",
        "Client reported being treated differently in the work programme.",
        "Helped the client fill in the form for free legal aid.",
        "Discussed the Norwegian course offered in the prison.",
    ),
}
MEETING_MOODS = (
    "Client was in good spirits.",
    "Client seemed tired and said they were not sleeping well.",
    "Client worried about debt.",
    "Client was hopeful about the future.",
    "Client was frustrated with the waiting time.",
    "Client was calm and well prepared.",
    "Client was anxious about the release date.",
    "Client said the family situation is difficult at the moment.",
    "Client was positive and motivated.",
    "Client was quiet at first but opened up towards the end.",
    "Client was upset about a decision from the prison.",
    "Client feels lonely in the evenings.",
    "",
)
MEETING_NEXT = (
    "Next: call NAV about the housing benefit.",
    "Next: send the documents to the housing office.",
    "Next meeting in two weeks.",
    "Agreed to meet again after the leave.",
    "Worker will contact the probation office.",
    "Client will bring the letters next time.",
    "Follow up the reply from the creditor.",
    "Will check the visiting times with the prison.",
    "Client will call if anything comes up before then.",
    "Will book an interpreter for the next meeting.",
    "",
)
POST_RELEASE_PLACES = (
    "Café near the NAV office",
    "Public library",
    "Walk in the park",
    "Shopping centre café",
    "NAV office",
    "Client's workplace",
)
OFFICE_PLACES = ("Homeward office", "Homeward office, meeting room 2", "Drop-in centre")

# -- tasks, needs, referrals ---------------------------------------------------------------

TASK_TITLES: dict[str | None, tuple[str, ...]] = {
    ND.HOUSING: (
        "Send housing application to the municipality",
        "Call the housing office about the flat viewing",
        "Ask NAV about the deposit guarantee",
    ),
    ND.EMPLOYMENT: ("Book meeting with the job specialist", "Help update the CV"),
    ND.EDUCATION: ("Ask the school about course places", "Send course application"),
    ND.INCOME_BENEFITS: (
        "Follow up the benefit application with NAV",
        "Check the housing benefit decision",
    ),
    ND.DEBT: ("Request debt overview from creditors", "Book appointment with the debt counsellor"),
    ND.HEALTH: ("Help book a GP appointment", "Ask the prison health service about medication"),
    ND.MENTAL_HEALTH: ("Follow up the referral to DPS", "Call the prison psychologist"),
    ND.SUBSTANCE_USE: ("Follow up the addiction service appointment",),
    ND.FAMILY_CONTACT: ("Call the caregiver about the next visit", "Book visit with the children"),
    ND.ID_DOCUMENTS: ("Book passport appointment with the police", "Order new bank card"),
    ND.LEGAL: ("Send documents to Jussbuss", "Ask the lawyer about the appeal deadline"),
    ND.IMMIGRATION: ("Check the status of the transfer application", "Book interpreter"),
    ND.LANGUAGE: ("Book interpreter for the next meeting", "Find a Norwegian course"),
    ND.CONSULAR: ("Call the embassy about the passport", "Send consent form to the consulate"),
    ND.DISCRIMINATION: ("Write down the incident with the client",),
    ND.OTHER: ("Prepare the case review", "Update the support plan"),
    None: (
        "Check the release date with the prison",
        "Update the support plan",
        "Call the client",
        "Prepare the case review",
        "Write the closing summary",
    ),
}
STAFF_TASKS = (
    "Send travel expense claim",
    "Prepare the case review for the team meeting",
    "Renew police certificate",
    "Quarterly statistics to the coordinator",
    "Update visiting times for the partner prisons",
    "Read the new consent guidance",
    "Plan volunteer training evening",
)
NEED_NOTES: dict[str, str] = {
    ND.HOUSING: "No fixed address after release.",
    ND.DEBT: "Debt to the collection agency and unpaid fines.",
    ND.ID_DOCUMENTS: "Passport expired; bank card blocked.",
    ND.INCOME_BENEFITS: "Needs financial support for the first month.",
    ND.FAMILY_CONTACT: "Wants more contact with the children.",
    ND.LANGUAGE: "Needs an interpreter for all formal meetings.",
    ND.SUBSTANCE_USE: "Wants follow-up from the addiction service after release.",
}
REFERRAL_OUTCOMES: dict[str, tuple[str, ...]] = {
    "accepted": ("Accepted; first appointment booked.", "Accepted; on the waiting list."),
    "declined": ("Declined: outside their area.", "Declined: the client does not qualify."),
    "completed": (
        "Completed: the client has a flat.",
        "Completed: benefit granted.",
        "Completed: debt settlement agreed.",
        "Completed: the client started the course.",
    ),
}
CASE_SUMMARIES: dict[str, tuple[str, ...]] = {
    "release_support": (
        "Referred {months} months before release. Main concerns: {needs}.",
        "Wants support with {needs} after release. Mentor matched early.",
        "Long sentence; little contact with the outside. Focus on {needs}.",
    ),
    "child_visits": (
        "Visits for {children} with the caregiver's support. Also: {needs}.",
        "The family lives far from the prison; travel support needed. Focus on {needs}.",
    ),
    "foreign_inmate": (
        "Foreign national; {language}. Main concerns: {needs}.",
        "Needs help with {needs}; family abroad.",
    ),
}

# -- child visits ---------------------------------------------------------------------------

VISIT_REACTIONS = (
    "Happy and chatty; hugged {parent} at once.",
    "Quiet at first, relaxed after twenty minutes.",
    "Upset when the visit ended; cried in the car.",
    "Asked many questions about when {parent} comes home.",
    "Played a board game with {parent}; laughed a lot.",
    "Shy in the visiting room; wants to bring a toy next time.",
    "Calm and content; showed {parent} drawings from school.",
)
VISIT_FOLLOW_UPS = (
    "Caregiver will call next week to tell how the child is doing.",
    "Talk with the school nurse about the child's worries.",
    "Book a longer visit in the child-friendly room next time.",
    "Send the child a letter from the prison library project.",
)
VISIT_CANCELLED = (
    "The child was ill.",
    "The caregiver could not travel.",
    "The prison cancelled all visits that day.",
    "Bad weather; the ferry did not run.",
)
VISIT_DENIED = (
    "Visitor approval still pending.",
    "The visiting room was fully booked.",
    "Client placed on restricted regime.",
    "Overnight stay not approved after assessment.",
)
ACCOMPANYING_NAMES = (
    "Volunteer escort (Homeward)",
    "Grandmother",
    "Aunt",
    "Child welfare contact",
    "Foster parent",
)

# -- foreign inmates ------------------------------------------------------------------------

DISCRIMINATION = (
    "Client says staff refused to use the interpreter at a disciplinary hearing.",
    "Client was not allowed to pray during work hours while others had breaks.",
    "Client reports insults from other inmates about nationality.",
    "Client was refused a place in the work programme because of language.",
    "Food served during Ramadan did not respect the fasting times.",
)
DISCRIMINATION_REPORTED_TO = (
    "Prison management",
    "Sivilombudet (Parliamentary Ombudsman)",
    "Likestillings- og diskrimineringsombudet",
    "Kriminalomsorgen regional office",
)
DISCRIMINATION_OUTCOMES = (
    "Prison apologised and changed the routine.",
    "Under review.",
    "No breach found.",
    "Staff meeting held about the use of interpreters.",
)
CONSULAR_NOTES = (
    "Embassy will issue an emergency passport.",
    "Consul plans a visit next month.",
    "Family informed through the embassy, with the client's consent.",
    "",
)
PERSON_NOTES = (
    "Prefers phone calls in the afternoon.",
    "Hard of hearing; speak clearly.",
    "Do not call via the prison switchboard after 20:00.",
    "Letters to the prison address, not home.",
    "Contact through the caregiver.",
)


def meeting_place(kind: MK, institution: str, r: float) -> str:
    if kind is MK.PRISON_VISIT:
        return institution
    if kind is MK.RELEASE_DAY:
        return f"Outside {institution}"
    if kind is MK.HOME_VISIT:
        return "Client's home"
    places = POST_RELEASE_PLACES if kind is MK.POST_RELEASE else OFFICE_PLACES
    return places[int(r * len(places))]
