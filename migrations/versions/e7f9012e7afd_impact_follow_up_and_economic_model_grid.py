"""impact follow-up and economic-model grid

Revision ID: e7f9012e7afd
Revises: 3a3e537e19cf
Create Date: 2026-12-04 04:54:58.355020

"""
from alembic import op
import sqlalchemy as sa

import prizeapp.models.types


# revision identifiers, used by Alembic.
revision = 'e7f9012e7afd'
down_revision = '3a3e537e19cf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('impact_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', name='impact_plan_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('opted_in', sa.Boolean(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('baseline', sa.Text(), nullable=False),
    sa.Column('activities', sa.Text(), nullable=False),
    sa.Column('outputs', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('impacts', sa.Text(), nullable=False),
    sa.Column('assumptions', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', prizeapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', prizeapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('activated_at', prizeapp.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_impact_plans_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_impact_plans_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_impact_plans_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_plans')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_impact_plans_submission_id'))
    )
    with op.batch_alter_table('impact_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_plans_call_id'), ['call_id'], unique=False)

    op.create_table('impact_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('library_key', sa.String(length=60), nullable=True),
    sa.Column('dimension', sa.Enum('users_reached', 'service_quality', 'time_saved', 'cost_saved', 'agents_work', 'environment', 'inclusion', 'other', name='impact_dimension', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('baseline', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('target', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['impact_plans.id'], name=op.f('fk_impact_indicators_plan_id_impact_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_indicators'))
    )
    with op.batch_alter_table('impact_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_indicators_plan_id'), ['plan_id'], unique=False)

    op.create_table('impact_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('due_at', prizeapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'draft', 'submitted', name='impact_report_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('evidence_level', sa.Enum('1', '2', '3', '4', '5', name='evidence_level', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('users_reached', sa.BigInteger(), nullable=True),
    sa.Column('cost_to_date', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('worked', sa.Text(), nullable=False),
    sa.Column('did_not_work', sa.Text(), nullable=False),
    sa.Column('unexpected', sa.Text(), nullable=False),
    sa.Column('readiness', sa.Enum('1', '2', '3', '4', name='replication_readiness', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('updated_at', prizeapp.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', prizeapp.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['impact_plans.id'], name=op.f('fk_impact_reports_plan_id_impact_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_impact_reports_submitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_impact_reports_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_reports')),
    sa.UniqueConstraint('plan_id', 'months', name=op.f('uq_impact_reports_plan_id_months'))
    )
    with op.batch_alter_table('impact_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_reports_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_impact_reports_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_impact_reports_status'), ['status'], unique=False)

    op.create_table('impact_report_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', prizeapp.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['impact_reports.id'], name=op.f('fk_impact_report_documents_report_id_impact_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_impact_report_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_report_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_impact_report_documents_stored_name'))
    )
    with op.batch_alter_table('impact_report_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_report_documents_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('economic_model_section', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('impact_milestones', sa.JSON(), nullable=True))

    with op.batch_alter_table('innovations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_share', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('public_dependency', sa.Enum('low', 'mixed', 'high', name='public_dependency', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_innovations_public_dependency'), ['public_dependency'], unique=False)

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('economic_model', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('economic_model')

    with op.batch_alter_table('innovations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_innovations_public_dependency'))
        batch_op.drop_constraint('public_dependency', type_='check')
        batch_op.drop_column('public_dependency')
        batch_op.drop_column('public_share')

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('impact_milestones')
        batch_op.drop_column('economic_model_section')

    with op.batch_alter_table('impact_report_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_report_documents_report_id'))

    op.drop_table('impact_report_documents')
    with op.batch_alter_table('impact_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_reports_status'))
        batch_op.drop_index(batch_op.f('ix_impact_reports_plan_id'))
        batch_op.drop_index(batch_op.f('ix_impact_reports_due_at'))

    op.drop_table('impact_reports')
    with op.batch_alter_table('impact_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_indicators_plan_id'))

    op.drop_table('impact_indicators')
    with op.batch_alter_table('impact_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_plans_call_id'))

    op.drop_table('impact_plans')
