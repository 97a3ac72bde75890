"""The service index (``GET /v1/stats``): indexes for its period and agency filters.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the indexes."""
    op.create_index("ix_components_created_at", "components", ["created_at"])
    op.create_index("ix_dossiers_agency_created", "dossiers", ["co_quan_tiep_nhan", "created_at"])
    op.create_index("ix_result_jobs_created_at", "result_jobs", ["created_at"])
    # corrected versions are few: a partial index finds them without reading every document
    op.create_index("ix_documents_corrected", "documents", ["digitized_at"],
                    postgresql_where=sa.text("version > 1"), sqlite_where=sa.text("version > 1"))
    # the documents counted per type: an index-only scan of this instead of reading every (wide) row
    current = sa.text("is_current AND kind = 'component'")
    op.create_index("ix_documents_current_components", "documents", ["digitized_at"],
                    postgresql_include=["doc_type", "dossier_id"], postgresql_where=current, sqlite_where=current)


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_documents_current_components", "documents")
    op.drop_index("ix_documents_corrected", "documents")
    op.drop_index("ix_result_jobs_created_at", "result_jobs")
    op.drop_index("ix_dossiers_agency_created", "dossiers")
    op.drop_index("ix_components_created_at", "components")
