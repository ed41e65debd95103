"""foundation: users and roles, API tokens, audit trail, funds, capital sources, investees, labels, payers

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 21:56:35.908231
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fundapp.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


THEMES = [
    {"code": "arbeidsparticipatie", "name_nl": "Arbeidsparticipatie", "name_en": "Labour participation",
     "description_nl": "Werk voor mensen met een afstand tot de arbeidsmarkt.",
     "description_en": "Work for people far from the labour market."},
    {"code": "circulaire_economie", "name_nl": "Circulaire economie", "name_en": "Circular economy",
     "description_nl": "Hergebruik van grondstoffen en producten, minder afval en CO2-uitstoot.",
     "description_en": "Reuse of materials and products, less waste and fewer emissions."},
    {"code": "duurzame_waardeketen", "name_nl": "Duurzame waardeketen", "name_en": "Sustainable value chain",
     "description_nl": "Eerlijke, lokale en duurzame inkoop en productie.",
     "description_en": "Fair, local and sustainable sourcing and production."},
    {"code": "armoedebestrijding", "name_nl": "Armoedebestrijding", "name_en": "Poverty reduction",
     "description_nl": "Minder armoede en schulden in huishoudens.",
     "description_en": "Less poverty and debt in households."},
    {"code": "kansengelijkheid", "name_nl": "Kansengelijkheid", "name_en": "Equal opportunity",
     "description_nl": "Gelijke kansen op onderwijs, werk en meedoen.",
     "description_en": "Equal chances in education, work and taking part."},
]


def upgrade() -> None:
    op.create_table('funds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds')),
    sa.UniqueConstraint('name', name=op.f('uq_funds_name'))
    )
    op.create_table('outcome_payers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('municipality', 'province', 'national', 'other', name='payer_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_payers')),
    sa.UniqueConstraint('name', name=op.f('uq_outcome_payers_name'))
    )
    op.create_table('themes',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_nl', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('description_nl', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_themes'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', fundapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_entries_hash'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_entity_type'), ['entity_type'], unique=False)

    op.create_table('capital_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('foundation', 'municipality', 'province', 'eu_fund', 'bank', 'private_investor', 'other', name='capital_source_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('committed', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('paid_in', fundapp.db.ExactDecimal(precision=18, scale=2), nullable=False),
    sa.Column('expected_return_percent', fundapp.db.ExactDecimal(precision=12, scale=6), nullable=True),
    sa.Column('term_years', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('committed >= 0', name=op.f('ck_capital_sources_committed_not_negative')),
    sa.CheckConstraint('paid_in >= 0', name=op.f('ck_capital_sources_paid_in_not_negative')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_capital_sources_fund_id_funds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capital_sources'))
    )
    with op.batch_alter_table('capital_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capital_sources_fund_id'), ['fund_id'], unique=False)

    op.create_table('investees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kvk_number', sa.String(length=8), nullable=False),
    sa.Column('legal_form', sa.Enum('bv', 'bv_maatschappelijk_doel', 'nv', 'stichting', 'vereniging', 'cooperatie', 'eenmanszaak', 'vof', 'cv', 'other', name='legal_form', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=False),
    sa.Column('website', sa.String(length=255), nullable=False),
    sa.Column('mission', sa.Text(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('created_at', fundapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_investees_fund_id_funds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investees')),
    sa.UniqueConstraint('kvk_number', name=op.f('uq_investees_kvk_number'))
    )
    with op.batch_alter_table('investees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investees_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_investees_municipality'), ['municipality'], unique=False)
        batch_op.create_index(batch_op.f('ix_investees_name'), ['name'], unique=False)

    op.create_table('investee_sdgs',
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('sdg', sa.Integer(), nullable=False),
    sa.CheckConstraint('sdg BETWEEN 1 AND 17', name=op.f('ck_investee_sdgs_sdg_range')),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_investee_sdgs_investee_id_investees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('investee_id', 'sdg', name=op.f('pk_investee_sdgs'))
    )
    op.create_table('investee_themes',
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('theme_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_investee_themes_investee_id_investees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_code'], ['themes.code'], name=op.f('fk_investee_themes_theme_code_themes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('investee_id', 'theme_code', name=op.f('pk_investee_themes'))
    )
    op.create_table('labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('investee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('pso', 'code_sociale_ondernemingen', 'social_enterprise_nl', 'cedris_leerwerkbedrijf', 'b_corp', 'other', name='label_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_labels_investee_id_investees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labels'))
    )
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labels_investee_id'), ['investee_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'fund_manager', 'payer_officer', 'investee_member', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=True),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('investee_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(role = 'admin' AND fund_id IS NULL AND payer_id IS NULL AND investee_id IS NULL) OR (role = 'fund_manager' AND fund_id IS NOT NULL AND payer_id IS NULL AND investee_id IS NULL) OR (role = 'payer_officer' AND payer_id IS NOT NULL AND fund_id IS NULL AND investee_id IS NULL) OR (role = 'investee_member' AND investee_id IS NOT NULL AND fund_id IS NULL AND payer_id IS NULL)", name=op.f('ck_memberships_target_matches_role')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_memberships_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investee_id'], ['investees.id'], name=op.f('fk_memberships_investee_id_investees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payer_id'], ['outcome_payers.id'], name=op.f('fk_memberships_payer_id_outcome_payers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'role', 'fund_id', 'payer_id', 'investee_id', name=op.f('uq_memberships_user_id_role_fund_id_payer_id_investee_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_investee_id'), ['investee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_payer_id'), ['payer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    # Reference data: the Impactpad themes (the catalog stays extensible).
    themes = sa.table("themes", *(sa.column(c) for c in ("code", "name_nl", "name_en", "description_nl", "description_en")))
    op.bulk_insert(themes, THEMES)


def downgrade() -> None:
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_payer_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_investee_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_fund_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labels_investee_id'))

    op.drop_table('labels')
    op.drop_table('investee_themes')
    op.drop_table('investee_sdgs')
    with op.batch_alter_table('investees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_investees_name'))
        batch_op.drop_index(batch_op.f('ix_investees_municipality'))
        batch_op.drop_index(batch_op.f('ix_investees_fund_id'))

    op.drop_table('investees')
    with op.batch_alter_table('capital_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capital_sources_fund_id'))

    op.drop_table('capital_sources')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_entity_type'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_entity_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('themes')
    op.drop_table('outcome_payers')
    op.drop_table('funds')
