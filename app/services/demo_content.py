"""Static content for the demo-data generator (:mod:`app.services.demo`).

Everything here is fictional demo *data*, not user interface text, so it is not translated.
Institution and organisation names are modelled on real Norwegian ones so the demo feels
familiar; every person, phone number and e-mail address in the demo is invented (e-mail
addresses use the reserved ``example.*`` domains, national ids have a wrong check digit).
"""

from __future__ import annotations

import bisect
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from faker import Faker

from app.models.enums import AssessmentOutcome as AO
from app.models.enums import CaseKind as CK
from app.models.enums import CloseReason as CR
from app.models.enums import ConsularOutcome as CO
from app.models.enums import ImmigrationStatus as IS
from app.models.enums import InstitutionKind as IK
from app.models.enums import MeetingKind as MK
from app.models.enums import NeedDomain as ND
from app.models.enums import NeedStatus as NS
from app.models.enums import OffenceCategory as OC
from app.models.enums import OrganisationType as OT
from app.models.enums import Priority
from app.models.enums import ReferralSource as RS
from app.models.enums import ReferralStatus as RF
from app.models.enums import SecurityLevel as SL
from app.models.enums import TransportSupport as TS
from app.models.enums import VisitStatus as VS
from app.models.enums import VisitType as VT

T = TypeVar("T")

_NB = "nb"


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
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

_ME_MALE = _words(
    "Ahmed Mohammed Omar Ali Hassan Yusuf Abdi Mustafa Khalid Ibrahim Mahmoud Samir Tariq "
    "Nasir Farid Hamid Jamal Bilal Rashid Karim Abdullahi Mohamud Said Hussein Idris "
    "Yonas Dawit Tesfaye Ahmad Rahim Zabihullah Naveed Faisal Walid Amanuel Mehdi Reza "
    "Ayoub"
)
_ME_FEMALE = _words(
    "Fatima Amina Aisha Hodan Sahra Layla Mariam Nour Hiba Rania Zainab Huda Ifrah Saida "
    "Yasmin Samira Hawa Leila Shirin Zahra Selam Helen Mebrat Asma Farhiya Nasra Parwana"
)
_ME_FAMILY = _words(
    "Hassan Ali Mohamed Abdi Warsame Farah Osman Jama Nur Ahmadi Hosseini Rahimi Karimi "
    "Haidari Al-Hassan Al-Khatib Haddad Khalil Mansour Saleh Ibrahim Yousef Abdullah "
    "Tesfay Gebremedhin Berhane Kidane Haile Mahmoud Qasim Jaber Darwish Sharifi Noori "
    "Aden Dahir"
)
_STREETS = _words(
    "Storgata|Kirkegata|Skolegata|Parkveien|Strandveien|Jernbanegata|Torggata|Markveien|"
    "Trondheimsveien|Industriveien|Solbakken|Bjørkeveien|Granveien|Furuveien|Eikeveien|"
    "Kongens gate|Dronningens gate|Nedre gate|Sandgata|Fjellveien|Havnegata|Løkkeveien",
    sep="|",
)

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

# -- names ----------------------------------------------------------------------------------

_CYRILLIC = dict(
    zip(
        "абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюя",
        _words(
            "a,b,v,g,g,d,e,e,ie,zh,z,i,i,i,i,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,,y,,e,iu,ia",
            ",",
        ),
        strict=True,
    )
)
_SPECIAL = {"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "ı": "i", "œ": "oe"}


def asciify(text: str) -> str:
    """Lower-case ASCII letters only (for demo usernames and e-mail addresses)."""
    out = []
    for ch in text.lower():
        ch = _CYRILLIC.get(ch, _SPECIAL.get(ch, ch))
        out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode())
    return "".join(c for c in "".join(out) if c.isalnum())


def gendered_surname(origin: str, surname: str, female: bool, married: bool = True) -> str:
    """The form of a (male-form) family name for a woman or girl, for languages that have one."""
    if not female:
        return surname
    if origin in ("ru", "uk"):
        for male, fem in (("ский", "ская"), ("цкий", "цкая"), ("ський", "ська"), ("цький", "цька")):
            if surname.endswith(male):
                return surname[: -len(male)] + fem
        if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
            return surname + "а"
    elif origin == "pl":
        for male, fem in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if surname.endswith(male):
                return surname[: -len(male)] + fem
    elif origin == "lt":
        for male, wife, girl in (
            ("ius", "ienė", "iūtė"),
            ("as", "ienė", "aitė"),
            ("is", "ienė", "ytė"),
            ("ys", "ienė", "ytė"),
            ("us", "ienė", "ūtė"),
        ):
            if surname.endswith(male):
                return surname[: -len(male)] + (wife if married else girl)
    elif origin == "lv":
        if surname.endswith("š"):
            return surname[:-1] + "a"
        if surname.endswith("is"):
            return surname[:-2] + "e"
        if surname.endswith("s"):
            return surname[:-1] + "a"
    return surname


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]  # male forms; see :func:`gendered_surname`


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


#: The names the README's search examples find in the demo: the first man of each of these
#: origins is given them (given name, family name; ``None`` keeps what the pools drew), after
#: the draws, so nothing else in the demo changes. Women and children of his family share it.
EXAMPLE_NAMES: dict[str, tuple[str | None, str | None]] = {
    "ro": ("Ștefan", None),
    "no": ("Ørjan", None),
    "ru": ("Степан", "Иванов"),
}


def build_name_pools(seed: int, size: int) -> tuple[dict[str, NamePool], tuple[str, ...]]:
    """Names per origin and Norwegian street names, made by Faker once, up front.

    Faker is far too slow to call per row at 100,000 cases; pools of a few hundred names
    per origin, combined at random, give plenty of distinct people.
    """
    pools: dict[str, NamePool] = {}
    streets: list[str] = list(_STREETS)
    for index, origin in enumerate(ORIGINS):
        if origin.faker_locale is None:
            pools[origin.key] = NamePool(_ME_MALE, _ME_FEMALE, _ME_FAMILY)
            continue
        fake = Faker(origin.faker_locale)
        fake.seed_instance(seed * 101 + index)
        family = (
            fake.last_name_male if origin.key in ("ru", "uk", "pl", "lt", "lv") else fake.last_name
        )
        pools[origin.key] = NamePool(
            _unique([fake.first_name_male() for _ in range(size)]),
            _unique([fake.first_name_female() for _ in range(size)]),
            _unique([family() for _ in range(size)]),
        )
        if origin.key == "no":
            streets += [fake.street_name() for _ in range(size)]
    return pools, _unique(streets)


def digits(rng: random.Random, pattern: str) -> str:
    """Replace every '#' in ``pattern`` with a random digit."""
    return "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)


def address(rng: random.Random, streets: Sequence[str]) -> str:
    city, _county, low, high, _weight = _CITY(rng)
    street, number = rng.choice(streets), rng.randint(1, 120)
    return f"{street} {number}, {rng.randint(low, high):04d} {city}"


def phone(rng: random.Random, origin: Origin) -> str:
    """A mobile number: Norwegian, or (for some foreigners) from the home country."""
    r = rng.random()
    if origin.key != "no" and r < 0.4:
        return digits(rng, origin.phone)
    return digits(rng, "+47 9## ## ###" if r < 0.75 else "+47 4## ## ###")


def email(rng: random.Random, given: str, family: str) -> str:
    user = f"{asciify(given)}.{asciify(family)}".strip(".") or "post"
    number = str(rng.randrange(10, 99)) if rng.random() < 0.4 else ""
    return f"{user}{number}@example.{rng.choice(('com', 'net', 'org'))}"


def national_id(rng: random.Random, birth: int, d_number: bool) -> str:
    """Eleven digits shaped like a fødselsnummer (a D-number for foreigners), with a
    deliberately wrong control digit so that no demo number can be a real person's."""
    born = date.fromordinal(birth)
    day = born.day + (40 if d_number else 0)
    nine = f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1000):03d}"
    weights = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    k1 = (11 - sum(int(d) * w for d, w in zip(nine, weights, strict=True)) % 11) % 11
    wrong = (k1 + 1) % 10 if k1 < 10 else rng.randrange(10)
    return f"{nine}{wrong}{rng.randrange(10)}"


def meeting_place(kind: MK, institution: str, r: float) -> str:
    if kind is MK.PRISON_VISIT:
        return institution
    if kind is MK.RELEASE_DAY:
        return f"Outside {institution}"
    if kind is MK.HOME_VISIT:
        return "Client's home"
    places = POST_RELEASE_PLACES if kind is MK.POST_RELEASE else OFFICE_PLACES
    return places[int(r * len(places))]


# -- distributions ----------------------------------------------------------------------


class Weighted(Generic[T]):
    """A fast weighted choice: one ``random()`` and a bisect."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _weight in items]
        self.cum: list[float] = []
        total = 0.0
        for _item, weight in items:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


# fmt: off
CASE_KINDS = Weighted([(CK.RELEASE_SUPPORT, 50), (CK.CHILD_VISITS, 25), (CK.FOREIGN_INMATE, 25)])
PRIORITIES = Weighted(
    [(Priority.NORMAL, 60), (Priority.HIGH, 20), (Priority.LOW, 12), (Priority.URGENT, 8)]
)
REFERRAL_SOURCES = {
    CK.RELEASE_SUPPORT: Weighted(
        [(RS.PRISON_STAFF, 40), (RS.PROBATION, 20), (RS.SELF, 15), (RS.WELFARE_OFFICE, 10),
         (RS.OTHER_NGO, 8), (RS.FAMILY, 7)]
    ),
    CK.CHILD_VISITS: Weighted(
        [(RS.FAMILY, 45), (RS.SELF, 20), (RS.PRISON_STAFF, 20), (RS.OTHER_NGO, 10),
         (RS.WELFARE_OFFICE, 5)]
    ),
    CK.FOREIGN_INMATE: Weighted(
        [(RS.PRISON_STAFF, 50), (RS.OTHER_NGO, 20), (RS.POLICE, 10), (RS.SELF, 10), (RS.OTHER, 10)]
    ),
}
OFFENCES = Weighted(
    [(OC.VIOLENCE, 28), (OC.DRUGS, 24), (OC.PROPERTY, 18), (OC.TRAFFIC, 8), (OC.FRAUD, 8),
     (OC.SEXUAL, 6), (OC.OTHER, 5), (OC.UNKNOWN, 3)]
)
FOREIGN_OFFENCES = Weighted(
    [(OC.DRUGS, 35), (OC.PROPERTY, 25), (OC.IMMIGRATION, 12), (OC.FRAUD, 10), (OC.VIOLENCE, 10),
     (OC.UNKNOWN, 8)]
)
NEED_DOMAINS = {
    CK.RELEASE_SUPPORT: Weighted(
        [(ND.HOUSING, 8), (ND.INCOME_BENEFITS, 7), (ND.EMPLOYMENT, 6), (ND.DEBT, 6),
         (ND.ID_DOCUMENTS, 5), (ND.HEALTH, 3), (ND.MENTAL_HEALTH, 4), (ND.SUBSTANCE_USE, 5),
         (ND.FAMILY_CONTACT, 4), (ND.EDUCATION, 3), (ND.LEGAL, 2), (ND.OTHER, 1)]
    ),
    CK.CHILD_VISITS: Weighted(
        [(ND.FAMILY_CONTACT, 10), (ND.HOUSING, 2), (ND.INCOME_BENEFITS, 2),
         (ND.MENTAL_HEALTH, 2), (ND.DEBT, 1), (ND.OTHER, 1)]
    ),
    CK.FOREIGN_INMATE: Weighted(
        [(ND.IMMIGRATION, 7), (ND.LANGUAGE, 6), (ND.CONSULAR, 5), (ND.LEGAL, 5),
         (ND.FAMILY_CONTACT, 5), (ND.ID_DOCUMENTS, 3), (ND.DISCRIMINATION, 2), (ND.HEALTH, 2),
         (ND.OTHER, 1)]
    ),
}
NEED_COUNT = Weighted([(0, 10), (1, 20), (2, 25), (3, 22), (4, 15), (5, 8)])
CLOSED_NEED = Weighted([(NS.MET, 50), (NS.NOT_MET, 20), (NS.NO_LONGER_RELEVANT, 30)])
OPEN_NEED = Weighted([(NS.IDENTIFIED, 35), (NS.IN_PROGRESS, 40), (NS.MET, 20), (NS.NOT_MET, 5)])
#: Meeting kinds by situation, repeated by weight.
IN_CUSTODY = (MK.PRISON_VISIT,) * 9 + (MK.PHONE,) * 6 + (MK.VIDEO,) * 4 + (MK.OFFICE,)
CHILD_CASE = (MK.PRISON_VISIT,) * 8 + (MK.PHONE,) * 5 + (MK.VIDEO,) * 3 + (MK.OFFICE, MK.HOME_VISIT)
FOREIGN_CASE = (MK.PRISON_VISIT, MK.PRISON_VISIT, MK.PHONE, MK.VIDEO)
IN_COMMUNITY = ((MK.POST_RELEASE,) * 5 + (MK.OFFICE,) * 5 + (MK.PHONE,) * 5
                + (MK.HOME_VISIT,) * 3 + (MK.VIDEO,) * 2)
REMOTE = (MK.PHONE, MK.VIDEO)
MEETING_DURATIONS = (30, 45, 60, 60, 60, 75, 90, 90, 120)
RELEASE_ENDINGS = Weighted(
    [(CR.GOALS_MET, 70), (CR.LOST_CONTACT, 12), (CR.CLIENT_WITHDREW, 8), (CR.MOVED_AWAY, 6),
     (CR.REFERRED_ELSEWHERE, 4)]
)
DROPOUTS = Weighted(
    [(CR.CLIENT_WITHDREW, 30), (CR.LOST_CONTACT, 25), (CR.TRANSFERRED, 20),
     (CR.REFERRED_ELSEWHERE, 12), (CR.OTHER, 10), (CR.DIED, 3)]
)
CHILDREN_IN_VISIT_CASE = Weighted([(1, 50), (2, 35), (3, 15)])
CHILDREN = Weighted([(0, 35), (1, 35), (2, 22), (3, 8)])
REFERRAL_COUNT = Weighted([(0, 45), (1, 35), (2, 20)])
OPEN_REFERRAL = Weighted([(RF.SENT, 25), (RF.ACCEPTED, 30), (RF.DECLINED, 12), (RF.COMPLETED, 33)])
CLOSED_REFERRAL = Weighted([(RF.ACCEPTED, 20), (RF.DECLINED, 15), (RF.COMPLETED, 65)])
VISIT_TYPES = Weighted(
    [(VT.ORDINARY, 35), (VT.CHILD_FRIENDLY_ROOM, 40), (VT.OVERNIGHT_FAMILY_FLAT, 8), (VT.VIDEO, 17)]
)
PAST_VISIT = Weighted([(VS.HELD, 78), (VS.CANCELLED, 14), (VS.DENIED, 8)])
FUTURE_VISIT = Weighted([(VS.SCHEDULED, 50), (VS.APPROVED, 30), (VS.REQUESTED, 20)])
ASSESSMENT_FOR_VISIT = {VS.DENIED: AO.NOT_APPROVED, VS.REQUESTED: AO.FOLLOW_UP_NEEDED}
TRANSPORT = Weighted([(TS.NONE, 50), (TS.TICKET, 22), (TS.REIMBURSEMENT, 20), (TS.ESCORT, 8)])
IMMIGRATION = Weighted(
    [(IS.RESIDENCE_PERMIT, 25), (IS.ASYLUM_SEEKER, 20), (IS.NO_LEGAL_STAY, 30),
     (IS.EXPULSION_ORDER, 20), (IS.UNKNOWN, 5)]
)
CONSULAR_COUNT = Weighted([(0, 25), (1, 45), (2, 30)])
CONSULAR_OUTCOMES = Weighted(
    [(CO.CONTACT_MADE, 35), (CO.ASSISTANCE_GIVEN, 30), (CO.DECLINED, 10), (CO.NO_RESPONSE, 15),
     (CO.PENDING, 10)]
)
# fmt: on
_CITY = Weighted([(c, c[4]) for c in CITIES])
