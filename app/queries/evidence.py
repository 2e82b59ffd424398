"""Reads of evidence files: one file with the pledge that decides who may see it."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Commitment, EvidenceFile, Pledge


def evidence_file(file_id: int) -> tuple[EvidenceFile, Pledge] | None:
    """An evidence file and its pledge (with the contract that says which council's staff may see it)."""
    row = db.session.execute(
        select(EvidenceFile, Pledge).join(Pledge, Pledge.id == EvidenceFile.pledge_id).where(EvidenceFile.id == file_id)
        .options(joinedload(Pledge.commitment).joinedload(Commitment.contract))).first()
    return None if row is None else (row[0], row[1])
