"""notification settings per user and kind of email, and reminders sent

Revision ID: c2d3e4f50617
Revises: b1c2d3e4f506
Create Date: 2026-12-03 11:30:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c2d3e4f50617'
down_revision = 'b1c2d3e4f506'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('action_needed', 'suggestions', 'new_listings', 'moderation_queue', name='emailkind', native_enum=False, length=30), nullable=False),
    sa.Column('frequency', sa.Enum('immediately', 'daily', 'weekly', 'off', name='frequency', native_enum=False, length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_settings'))
    )
    op.create_table('digest_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('action_needed', 'suggestions', 'new_listings', 'moderation_queue', name='emailkind', native_enum=False, length=30), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_items'))
    )
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_items_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_digest_items_sent_at'), ['sent_at'], unique=False)

    op.create_table('unsubscribe_uses',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('action_needed', 'suggestions', 'new_listings', 'moderation_queue', name='emailkind', native_enum=False, length=30), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_unsubscribe_uses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_unsubscribe_uses'))
    )
    with op.batch_alter_table('unsubscribe_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unsubscribe_uses_user_id'), ['user_id'], unique=False)

    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('pledge_not_delivered', 'delivery_unconfirmed', 'delivery_unconfirmed_moderators', 'commitment_due', 'need_expiring', name='reminderstage', native_enum=False, length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('stage', 'object_id', name='uq_reminders_sent_stage_object_id')
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')

    op.drop_table('reminders_sent')
    with op.batch_alter_table('unsubscribe_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unsubscribe_uses_user_id'))

    op.drop_table('unsubscribe_uses')
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_items_sent_at'))
        batch_op.drop_index(batch_op.f('ix_digest_items_user_id'))

    op.drop_table('digest_items')
    op.drop_table('notification_settings')
