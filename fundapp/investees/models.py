from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Date, Enum, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.db import Base, Quantity, UTCDateTime, enum_column, utcnow


class LegalForm(str, enum.Enum):
    BV = "bv"
    BV_SOCIAL_PURPOSE = "bv_maatschappelijk_doel"
    NV = "nv"
    STICHTING = "stichting"
    VERENIGING = "vereniging"
    COOPERATIE = "cooperatie"
    EENMANSZAAK = "eenmanszaak"
    VOF = "vof"
    CV = "cv"
    OTHER = "other"


class LabelKind(str, enum.Enum):
    PSO = "pso"
    CODE_SOCIALE_ONDERNEMINGEN = "code_sociale_ondernemingen"
    SOCIAL_ENTERPRISE_NL = "social_enterprise_nl"
    CEDRIS_LEERWERKBEDRIJF = "cedris_leerwerkbedrijf"
    B_CORP = "b_corp"
    OTHER = "other"


class Orientation(str, enum.Enum):
    """What comes first when the fund invests: the impact (accepting less return) or the return."""

    IMPACT_FIRST = "impact_first"
    FINANCE_FIRST = "finance_first"


class GrowthLevel(str, enum.Enum):
    """The Impactpad growth levels: how far an enterprise has come in measuring its impact (basic to expert)."""

    BASIC = "basic"
    ADVANCED = "advanced"
    EXPERT = "expert"


class SupportKind(str, enum.Enum):
    COACHING = "coaching"
    NETWORK = "network"
    EXPERTISE = "expertise"
    TRAINING = "training"
    OTHER = "other"


PSO_LEVELS = ("aspirant", "basistrede", "trede_1", "trede_2", "trede_3", "pso_30_plus")


class Theme(Base):
    """An Impactpad theme (arbeidsparticipatie, circulaire economie, ...); extensible."""

    __tablename__ = "themes"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_nl: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")


investee_themes = Table(
    "investee_themes",
    Base.metadata,
    Column("investee_id", ForeignKey("investees.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_code", ForeignKey("themes.code", ondelete="RESTRICT"), primary_key=True),
)


class Investee(Base):
    """An impact enterprise the fund lends to."""

    __tablename__ = "investees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kvk_number: Mapped[str] = mapped_column(String(8), unique=True)
    legal_form: Mapped[LegalForm] = mapped_column(enum_column(LegalForm, "legal_form"))
    municipality: Mapped[str] = mapped_column(String(120), index=True)
    website: Mapped[str] = mapped_column(String(255), default="")
    mission: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    # Unknown (None) until the fund manager sets it. No CHECK constraint: SQLite could then only drop the column
    # (a downgrade) by copying the investees table, which deletes the rows that refer to it.
    orientation: Mapped[Orientation | None] = mapped_column(
        Enum(Orientation, native_enum=False, length=32, values_callable=lambda cls: [m.value for m in cls])
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fund = relationship("Fund")
    # Loaded when read (or with TAGS for a list), not with every investee: most pages that show an investee (a
    # loan, a contract, a claim) show its name only, and eager loading cost three queries each time.
    themes: Mapped[list[Theme]] = relationship(secondary=investee_themes, order_by=Theme.code)
    sdgs: Mapped[list[InvesteeSdg]] = relationship(cascade="all, delete-orphan", order_by="InvesteeSdg.sdg")
    labels: Mapped[list[Label]] = relationship(
        back_populates="investee", cascade="all, delete-orphan", order_by="Label.id"
    )

    @property
    def sdg_numbers(self) -> list[int]:
        return [row.sdg for row in self.sdgs]

    @property
    def theme_codes(self) -> list[str]:
        return [theme.code for theme in self.themes]


class InvesteeSdg(Base):
    __tablename__ = "investee_sdgs"
    __table_args__ = (CheckConstraint("sdg BETWEEN 1 AND 17", name="sdg_range"),)

    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"), primary_key=True)
    sdg: Mapped[int] = mapped_column(Integer, primary_key=True)


class Label(Base):
    """A quality mark (keurmerk): PSO level, Code Sociale Ondernemingen, ... with a valid-until date."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LabelKind] = mapped_column(enum_column(LabelKind, "label_kind"))
    level: Mapped[str] = mapped_column(String(40), default="")
    reference: Mapped[str] = mapped_column(String(120), default="")
    valid_until: Mapped[date | None] = mapped_column(Date)

    investee: Mapped[Investee] = relationship(back_populates="labels")

    def is_lapsed(self, on: date) -> bool:
        return self.valid_until is not None and self.valid_until < on


class GrowthLevelEntry(Base):
    """The investee's Impactpad growth level from a date on; the latest entry on or before a day is its level."""

    __tablename__ = "growth_levels"
    __table_args__ = (UniqueConstraint("investee_id", "from_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"), index=True)
    level: Mapped[GrowthLevel] = mapped_column(enum_column(GrowthLevel, "growth_level"))
    from_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by = relationship("User", lazy="joined")


class SupportEntry(Base):
    """Non-financial support the fund gave an investee: coaching, network, expertise, training."""

    __tablename__ = "support_entries"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("investees.id", ondelete="CASCADE"), index=True)
    given_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[SupportKind] = mapped_column(enum_column(SupportKind, "support_kind"))
    hours: Mapped[Decimal] = mapped_column(Quantity())
    # Who gave it: a user of fundapp, or a name (a volunteer coach, a partner's expert).
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    given_by_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    given_by = relationship("User", foreign_keys=[given_by_id], lazy="joined")

    @property
    def giver(self) -> str:
        return self.given_by.name if self.given_by is not None else self.given_by_name
