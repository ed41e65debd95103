"""Imports every model module so that Base.metadata knows all tables (Alembic, tests)."""

from fundapp.audit import AuditEntry  # noqa: F401
from fundapp.auth.models import ApiToken, LoginFailure, Membership, User, UserSession  # noqa: F401
from fundapp.banking.models import (  # noqa: F401
    BankAccount,
    BankStatement,
    BankTransaction,
    LedgerAccount,
    Mandate,
    PaymentBatch,
    PaymentLine,
)
from fundapp.capital.models import CapitalCall, Distribution, FundExpense, Investor, ProvisionRates  # noqa: F401
from fundapp.cofinancing.models import FinancingRound, LoanParticipation, RoundParticipant  # noqa: F401
from fundapp.documents.models import Document  # noqa: F401
from fundapp.funds.models import Fund  # noqa: F401
from fundapp.idempotency import IdempotencyKey  # noqa: F401
from fundapp.impact.models import (  # noqa: F401
    ImpactPlan,
    Indicator,
    Participant,
    PlanIndicator,
    PlanTarget,
    Submission,
    SubmissionValue,
)
from fundapp.instruments.grant_models import Grant, GrantEvent  # noqa: F401
from fundapp.instruments.guarantee_models import Guarantee, GuaranteeEvent  # noqa: F401
from fundapp.instruments.models import ConversionTerms, EquityEvent, EquityParticipation  # noqa: F401
from fundapp.investees.models import (  # noqa: F401
    GrowthLevelEntry,
    Investee,
    InvesteeSdg,
    Label,
    SupportEntry,
    Theme,
)
from fundapp.jobs.models import JobFailure, JobRun  # noqa: F401
from fundapp.loans.models import Loan, LoanAllocation, LoanEvent, LoanInstallment  # noqa: F401
from fundapp.notifications.models import Notification, NotificationPreference  # noqa: F401
from fundapp.outcomes.models import (  # noqa: F401
    AssignmentPayer,
    Claim,
    ClaimApproval,
    ClaimLine,
    ClaimPayerSplit,
    ContractPayer,
    ContractProvider,
    OutcomeContract,
    OutcomeResult,
    PaymentAssignment,
    RateCard,
    RateItemRow,
)
from fundapp.payers.models import OutcomePayer  # noqa: F401
from fundapp.pipeline.models import Application, ApplicationNote, CommitteeDecision, CommitteeVote  # noqa: F401
from fundapp.portfolio_import.models import PortfolioImport  # noqa: F401
from fundapp.reports.models import ReportFile  # noqa: F401
