"""Qubit budget of the QNN-ZTF circuit (paper Eqs. 17–19, as we read them; see docs/errata.md).

- Eq. 17, encoding register: Q_enc = ⌈log₂ N_f⌉ for amplitude encoding (N_f features), N_f for angle encoding.
- Eq. 18, variational register: Q_vqc = Q_enc + Q_anc — the trainable layers act on the encoded qubits plus any
  ancillas.
- Eq. 19 as printed: Q_total = Q_enc + Q_vqc, which counts the encoding register twice when (as in the paper's own
  circuit) the variational layers act on the encoded qubits. The physical budget is max(Q_enc, Q_vqc) = Q_vqc.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qsec6g.errors import UserInputError


@dataclass(frozen=True)
class QubitBudget:
    q_enc: int            # Eq. 17
    q_vqc: int            # Eq. 18
    q_total_printed: int  # Eq. 19 as printed (double-counts the encoding register)
    q_total: int          # qubits the circuit actually needs
    state_dim: int        # 2**q_total amplitudes a statevector simulator stores


def qubit_budget(n_features: int, encoding: str = "amplitude", n_ancilla: int = 0) -> QubitBudget:
    """Qubits needed to classify ``n_features`` features with the given encoding and ancilla count."""
    if n_features < 1 or n_ancilla < 0:
        raise UserInputError(f"need n_features >= 1 and n_ancilla >= 0, got {n_features}, {n_ancilla}")
    if encoding == "amplitude":
        q_enc = max(1, math.ceil(math.log2(n_features)))
    elif encoding == "angle":
        q_enc = n_features
    else:
        raise UserInputError(f"encoding must be 'amplitude' or 'angle', got {encoding!r}")
    q_vqc = q_enc + n_ancilla
    return QubitBudget(q_enc, q_vqc, q_enc + q_vqc, q_vqc, 2**q_vqc)
