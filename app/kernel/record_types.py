"""The vocabulary of the record declarations in :mod:`app.kernel.record_labels`: what a field is,
where a record appears in a subject access pack, and what erasure does with it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import InitVar, dataclass, field, replace
from enum import StrEnum

#: The longest texts the services accept (and the forms' text areas hold): a name or a place,
#: a short line (a title), a long text (a summary, notes).
NAME_MAX = 200
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 50_000


class Kind(StrEnum):
    """What a field holds, as far as showing it is concerned."""

    VALUE = "value"  # shown as it is (text, date, number, yes/no, a choice)
    USER = "user"  # a user's id: shown as the user's name
    LINK = "link"  # another record's id: in the JSON; the PDF says it by the record's place
    DETAIL = "detail"  # in the JSON, not the readable PDF (checksums, file types, stamps)
    INTERNAL = "internal"  # never shown to the person (ids, MACs, content, bookkeeping)


class Erase(StrEnum):
    """What an anonymous stub (erasure, retention) keeps of a field of a row it keeps."""

    KEEP = "keep"
    CLEAR = "clear"  # NULL
    EMPTY = "empty"  # "" (the column is NOT NULL)
    NAME = "name"  # the word "Erased" (a given name)
    QUARTER = "quarter"  # the first day of the quarter (a date of birth)
    YEAR = "year"  # the year of the date of birth, else the estimate kept
    UNLINK = "unlink"  # NULL where it points at an erased person or case


class Rows(StrEnum):
    """What erasure does with the rows of a table that belong to the erased."""

    KEEP = "keep"  # untouched (or only unlinked: see the fields' Erase.UNLINK)
    STUB = "stub"  # kept as anonymous counting stubs: the fields' Erase says what goes
    DELETE = "delete"  # deleted


@dataclass(frozen=True)
class Section:
    """Where a record's rows appear in the subject access pack."""

    title: str  # N_-marked
    order: int
    name: str = ""  # the section's key in the pack and its JSON; the table's name if empty


@dataclass(frozen=True)
class F:
    """One field, every fact about it on one line of its record's declaration:
    ``"summary": F(N_("Summary"), free_text=True, restricted=True, erase=Erase.EMPTY, ...)``.

    ``limit`` makes it a text the user types in a form: the service checks it against the limit
    (and ``required``) and stores it trimmed, ``None`` when empty; the form shows it as a line
    (up to :data:`SHORT_TEXT_MAX`) or a text area, labelled ``form`` (with its ``&`` key, the
    plain label if empty) with an optional ``placeholder``. Texts are ``N_``-marked.
    """

    label: str
    kind: Kind | None = None  # None: VALUE (or the kind of a column every table has)
    free_text: bool = False  # free text that may name someone
    restricted: bool = False  # only roles with restricted access read it (DESIGN.md §4)
    health: bool = False  # health data (GDPR Art. 9)
    erase: Erase = Erase.KEEP  # what an anonymous stub keeps of it
    limit: int | None = None  # a typed text: its longest (NAME_MAX, SHORT_TEXT_MAX, ...)
    required: bool = False
    form: str = ""
    placeholder: str = ""

    @property
    def multiline(self) -> bool:
        """A typed text too long for one line: the form shows a text area."""
        return self.limit is not None and self.limit > SHORT_TEXT_MAX


def _names(given: Iterable[str], flagged: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*given, *flagged)))


@dataclass(frozen=True)
class RecordLabels:
    """A table's declaration. Its fields are declared as labels (then the tuples and maps below
    name their flags) or as :class:`F` (every fact on the field's line); either way the tuples
    and maps say every field's flags, and :attr:`specs` has every field as an :class:`F`."""

    table: str
    entity: str  # the record's name in the audit trail ("consular_contact")
    label: str  # N_-marked
    declared: InitVar[Mapping[str, str | F]]  # column (or a field the pack adds) -> label or F
    count: Callable[[int], str] | None = field(default=None, compare=False)  # "{n} …", plural
    section: Section | None = None  # its place in a subject access pack
    kinds: Mapping[str, Kind] = field(default_factory=dict)  # VALUE unless named here
    free_text: tuple[str, ...] = ()  # columns of free text that may name someone
    restricted: tuple[str, ...] = ()  # restricted fields (DESIGN.md §4); "*": the whole record
    health: tuple[str, ...] = ()  # health data (GDPR Art. 9)
    rows: Rows = Rows.KEEP  # what erasure does with the rows
    erase: Mapping[str, Erase] = field(default_factory=dict)  # KEEP unless named here
    #: column (or a field the pack adds) -> N_-marked label
    fields: Mapping[str, str] = field(init=False)
    #: every field as an :class:`F`, its flags as the tuples and maps above say them
    specs: Mapping[str, F] = field(init=False, repr=False)

    def __post_init__(self, declared: Mapping[str, str | F]) -> None:
        given = {name: s if isinstance(s, F) else F(s) for name, s in declared.items()}
        derived: dict[str, object] = {
            "fields": {name: s.label for name, s in given.items()},
            "kinds": {**self.kinds, **{n: s.kind for n, s in given.items() if s.kind}},
            "free_text": _names(self.free_text, (n for n, s in given.items() if s.free_text)),
            "restricted": _names(self.restricted, (n for n, s in given.items() if s.restricted)),
            "health": _names(self.health, (n for n, s in given.items() if s.health)),
            "erase": {
                **self.erase,
                **{n: s.erase for n, s in given.items() if s.erase is not Erase.KEEP},
            },
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)
        specs = {
            name: replace(
                s,
                kind=self.kinds.get(name),
                free_text=name in self.free_text,
                restricted=name in self.restricted,
                health=name in self.health,
                erase=self.erase.get(name, Erase.KEEP),
            )
            for name, s in given.items()
        }
        object.__setattr__(self, "specs", specs)
