"""CPTP channels in Kraus form, applied to batched density matrices.

``Channel(kraus)`` holds Kraus operators ``K_i`` on ``k`` qubits with ``sum_i K_i^dag K_i = I`` (checked to 1e-10;
otherwise a ``ValueError`` that shows the deviation). A channel's parameters may be batched: every factory accepts a
scalar or a 1-D array of length ``B``; then each Kraus operator carries a leading batch axis ``(B, d, d)`` and item
``b`` of a state batch sees the channel with parameter ``b``.

Composition order is stated, never implied: ``E2 @ E1`` (or ``E2.compose(E1)``) is the channel "E1 first, then E2".

Structure is used for speed: Pauli channels are applied as index flips and sign masks (no matrix products);
single- and two-qubit channels as one contraction with their superoperator; wider channels as a Kraus sum; the
k-qubit depolarising channel as a partial trace (twirl).

Conventions (all probabilities in [0, 1]):

* ``bit_flip(p)``: ``(1-p) rho + p X rho X``;  ``phase_flip(p)``: with Z;  ``bit_phase_flip(p)``: with Y.
* ``depolarizing(p, k)``: ``(1-p) rho + p/(4**k - 1) * sum_{P != I} P rho P`` (for k = 1: ``p/3 (XρX+YρY+ZρZ)``).
  Qiskit's ``depolarizing_error(lam, k)`` is ``(1-lam) rho + lam I/2**k``; the two agree for
  ``lam = p * 4**k / (4**k - 1)``.
* ``amplitude_damping(gamma)``: ``K0 = diag(1, sqrt(1-gamma))``, ``K1 = sqrt(gamma) |0><1|``.
* ``generalized_amplitude_damping(gamma, excited_population)``: relaxation towards
  ``diag(1 - e, e)``, ``e = excited_population`` (Qiskit's ``excited_state_population``).
* ``phase_damping(lam)``: ``K0 = diag(1, sqrt(1-lam))``, ``K1 = diag(0, sqrt(lam))``.
* ``thermal_relaxation(t1, t2, dt)``: generalised amplitude damping with ``gamma = 1 - exp(-dt/t1)`` followed by
  phase damping so that coherences decay as ``exp(-dt/t2)``; requires ``t2 <= 2 t1``. Times in any one unit.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import cached_property, lru_cache

import numpy as np

from qsec6g.quantum._tensor import _LETTERS, apply_matrix, check_qubits, qubit_axes, superop_subscripts
from qsec6g.quantum.gates import PAULIS
from qsec6g.quantum.states import n_qubits, num_qubits_of, to_density

#: tolerance of the trace-preservation check on user Kraus sets
CPTP_ATOL = 1e-10

ParamLike = float | np.ndarray | Sequence[float]


def _param(name: str, value: ParamLike, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """A channel parameter as a float array (0-D or 1-D), checked to lie in ``[lo, hi]``."""
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        if not lo <= value <= hi:  # also rejects NaN
            raise ValueError(f"{name} must lie in [{lo}, {hi}], got {value!r}")
        return np.asarray(float(value))
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-D batch, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if np.any(arr < lo) or np.any(arr > hi):
        bad = arr[(arr < lo) | (arr > hi)].ravel()[0]
        raise ValueError(f"{name} must lie in [{lo}, {hi}], got {bad:g}")
    return arr


def _bcast(p: np.ndarray, ndim: int) -> np.ndarray:
    """Reshape a 0-D/1-D parameter to broadcast against a batched tensor with ``ndim`` axes."""
    return p if p.ndim == 0 else p.reshape((-1,) + (1,) * (ndim - 1))


def _pauli_product(a: str, b: str) -> str:
    """Pauli string of ``a · b`` up to phase (X·Z ~ Y, etc.)."""
    code = {"I": (0, 0), "X": (1, 0), "Z": (0, 1), "Y": (1, 1)}
    back = {v: k for k, v in code.items()}
    return "".join(back[(code[x][0] ^ code[y][0], code[x][1] ^ code[y][1])] for x, y in zip(a, b))


class Channel:
    """A CPTP map on ``num_qubits`` qubits in Kraus form (optionally batched over parameters).

    Args:
        kraus: Kraus operators, each ``(d, d)`` or ``(B, d, d)``.
        name: a short label (used in reports and the Qiskit export).
        pauli: for Pauli channels, the probability of each Pauli string (scalar or ``(B,)``); enables the fast path.
        validate: check shapes, finiteness and ``sum K^dag K = I`` within ``atol``.
    """

    def __init__(
        self,
        kraus: Sequence[np.ndarray],
        name: str = "kraus",
        *,
        pauli: Mapping[str, np.ndarray] | None = None,
        validate: bool = True,
        atol: float = CPTP_ATOL,
    ) -> None:
        ops = [np.asarray(k, dtype=np.complex128) for k in kraus]
        if not ops:
            raise ValueError("a channel needs at least one Kraus operator")
        batch = {k.shape[0] for k in ops if k.ndim == 3}
        if len(batch) > 1:
            raise ValueError(f"Kraus operators have different batch sizes {sorted(batch)}")
        dims = {k.shape[-2:] for k in ops}
        if len(dims) != 1 or any(k.ndim not in (2, 3) for k in ops):
            raise ValueError(f"Kraus operators must all be (d, d) or (B, d, d) of one d, got {[k.shape for k in ops]}")
        d0, d1 = dims.pop()
        if d0 != d1:
            raise ValueError(f"Kraus operators must be square, got {d0}x{d1}")
        self.num_qubits = num_qubits_of(d0)
        self.batch: int | None = batch.pop() if batch else None
        self.kraus: tuple[np.ndarray, ...] = tuple(ops)
        self.name = name
        self.pauli: dict[str, np.ndarray] | None = (
            {k: np.asarray(v, dtype=np.float64) for k, v in pauli.items()} if pauli is not None else None
        )
        #: for the k-qubit depolarising channel: lam of ``(1-lam) rho + lam Tr_S(rho) ⊗ I/2**k`` (fast path)
        self.twirl: np.ndarray | None = None
        self._cache: dict[tuple, np.ndarray] = {}
        if validate:
            self.check_cptp(atol)

    def __repr__(self) -> str:
        b = "" if self.batch is None else f", batch={self.batch}"
        return f"Channel({self.name!r}, qubits={self.num_qubits}, kraus={len(self.kraus)}{b})"

    # -- validation -----------------------------------------------------------------------------------------
    def check_cptp(self, atol: float = CPTP_ATOL) -> None:
        """Raise ``ValueError`` unless the Kraus set is finite and ``sum K^dag K = I`` within ``atol``."""
        if not all(np.all(np.isfinite(k)) for k in self.kraus):
            raise ValueError(f"channel {self.name!r}: Kraus operators contain NaN or infinite entries")
        total = sum(np.conj(np.swapaxes(k, -1, -2)) @ k for k in self.kraus)
        dev = float(np.max(np.abs(total - np.eye(2**self.num_qubits))))
        if dev > atol:
            raise ValueError(
                f"channel {self.name!r} is not trace preserving: max |sum K^dag K - I| = {dev:.3g} (tolerance {atol:g})"
            )

    # -- algebra --------------------------------------------------------------------------------------------
    def compose(self, first: "Channel") -> "Channel":
        """The channel ``self ∘ first``: apply ``first``, then ``self``."""
        if first.num_qubits != self.num_qubits:
            raise ValueError("cannot compose channels on different numbers of qubits")
        pauli = None
        if self.pauli is not None and first.pauli is not None:
            pauli = {}
            for (a, pa), (b, pb) in itertools.product(self.pauli.items(), first.pauli.items()):
                key = _pauli_product(a, b)
                pauli[key] = pauli.get(key, 0.0) + pa * pb
        kraus = [a @ b for a, b in itertools.product(self.kraus, first.kraus)]
        if pauli is not None:
            kraus = _pauli_kraus(pauli)
        return Channel(kraus, f"{self.name}∘{first.name}", pauli=pauli, validate=False)

    def __matmul__(self, first: "Channel") -> "Channel":
        return self.compose(first)

    def then(self, second: "Channel") -> "Channel":
        """The channel "self first, then ``second``" (``second ∘ self``)."""
        return second.compose(self)

    def tensor(self, other: "Channel") -> "Channel":
        """The product channel ``self ⊗ other`` (``self`` on the more significant qubits)."""
        kraus = [_kron(a, b) for a, b in itertools.product(self.kraus, other.kraus)]
        return Channel(kraus, f"{self.name}⊗{other.name}", validate=False)

    @cached_property
    def superop(self) -> np.ndarray:
        """Superoperator ``S[a, b, c, d] = sum_i K_i[a, c] conj(K_i[b, d])`` as a ``(..., d, d, d, d)`` array."""
        sub = "xac,xbd->xabcd" if self.batch is not None else "ac,bd->abcd"
        ks = [np.broadcast_to(k, (self.batch,) + k.shape[-2:]) if self.batch else k for k in self.kraus]
        return sum(np.einsum(sub, k, np.conj(k)) for k in ks)

    def _flip_terms(self, n: int, q: int, real: bool = False) -> list[tuple[int, int, np.ndarray]]:
        """``(fr, fc, mask)`` terms of this 1-qubit channel on qubit ``q`` of ``n`` (cached), for
        :func:`_apply_1q_flips`; masks are full-size, shaped like the 7-D view of the state (float64 if ``real``)."""
        key = ("flips", n, q, real)
        if key not in self._cache:
            sup = self.superop  # (..., a, b, c, d): out (a, b) <- in (c, d)
            lead = sup.shape[:-4]
            bits = (np.arange(2**n) >> (n - 1 - q)) & 1
            ri, cj = bits[:, None], bits[None, :]
            lo, hi = 2**q, 2 ** (n - q - 1)
            terms = []
            for fr, fc in itertools.product(range(2), repeat=2):
                mask = sup[..., ri, cj, ri ^ fr, cj ^ fc]
                if np.any(mask):
                    mask = mask.real.copy() if real else mask
                    terms.append((fr, fc, mask.reshape((lead[0] if lead else 1, lo, 2, hi, lo, 2, hi))))
            self._cache[key] = terms
        return self._cache[key]

    def choi(self) -> np.ndarray:
        """Choi matrix ``sum_ij |i><j| ⊗ E(|i><j|)`` (input factor first), shape ``(..., d*d, d*d)``."""
        d = 2**self.num_qubits
        s = self.superop  # [a, b, c, d]: out row a, out col b, in row c, in col d
        c = np.moveaxis(s, (-4, -3, -2, -1), (-3, -1, -4, -2))  # [in row c, out row a, in col d, out col b]
        return c.reshape(c.shape[:-4] + (d * d, d * d))

    # -- application ----------------------------------------------------------------------------------------
    def apply(self, state: np.ndarray, qubits: Sequence[int] | None = None) -> np.ndarray:
        """Apply the channel jointly to ``qubits`` (default: all, when the widths match) of a state batch.

        Statevectors are converted to density matrices first; returns ``(B, 2**n, 2**n)``.
        """
        rho = to_density(state)
        n = n_qubits(rho)
        if qubits is None:
            if n != self.num_qubits:
                raise ValueError(f"{self.num_qubits}-qubit channel on a {n}-qubit state needs an explicit qubit list")
            qubits = range(n)
        qs = check_qubits(tuple(qubits), n)
        if len(qs) != self.num_qubits:
            raise ValueError(f"{self.num_qubits}-qubit channel {self.name!r} given {len(qs)} qubits")
        if self.batch is not None and rho.shape[0] not in (1, self.batch):
            raise ValueError(f"channel batch {self.batch} does not match state batch {rho.shape[0]}")
        if self.batch is not None and rho.shape[0] == 1:
            rho = np.broadcast_to(rho, (self.batch,) + rho.shape[1:])
        b = rho.shape[0]
        t = rho.reshape((b,) + (2,) * (2 * n))
        rows, cols = qubit_axes(qs, n, density=True)
        if self.twirl is not None and self.num_qubits > 1:
            out = _apply_twirl(t, self.twirl, rows, cols)
        elif self.num_qubits == 1:
            out = _apply_1q_flips(rho, self._flip_terms(n, qs[0]), qs[0], n).reshape(t.shape)
        elif self.pauli is not None and len(self.pauli) <= 16:
            out = _apply_pauli(t, self.pauli, rows, cols)
        elif self.num_qubits <= 2 and self.batch is None:
            k = self.num_qubits  # contract the superoperator with the (rows, cols) axes in one GEMM
            s = self.superop.reshape((2,) * (4 * k))
            out = np.tensordot(s, t, axes=(list(range(2 * k, 4 * k)), list(rows + cols)))
            out = np.moveaxis(out, list(range(2 * k)), list(rows + cols))
        elif self.num_qubits <= 2:
            s = self.superop.reshape((self.batch,) + (2,) * (4 * self.num_qubits))
            out = np.einsum(superop_subscripts(t.ndim, rows, cols, True), s, t)
        else:
            out = _apply_kraus_sum(t, self.kraus, rows, cols)
        return out.reshape(rho.shape)

    def __call__(self, state: np.ndarray, qubits: Sequence[int] | None = None) -> np.ndarray:
        return self.apply(state, qubits)

    def apply_each(self, state: np.ndarray, qubits: Sequence[int] | None = None) -> np.ndarray:
        """Apply this single-qubit channel independently (i.i.d.) to each of ``qubits`` (default: all).

        Registers of up to ``FUSE_MAX_QUBITS`` qubits use one fused ``4**n x 4**n`` superoperator (cached per qubit
        set), i.e. a single matrix product over the batch; wider registers and channels with batched parameters
        apply the channel qubit by qubit through its bit-flip patterns.
        """
        if self.num_qubits != 1:
            raise ValueError("apply_each needs a single-qubit channel")
        rho = to_density(state)
        n = n_qubits(rho)
        qs = tuple(range(n)) if qubits is None else check_qubits(tuple(qubits), n)
        real = self.is_real and not rho.imag.any()  # then work in float64: half the memory traffic
        if n > FUSE_MAX_QUBITS or self.batch is not None:  # per-item superoperators: B small GEMVs lose to flips
            if self.batch is not None and rho.shape[0] == 1:
                rho = np.broadcast_to(rho, (self.batch,) + rho.shape[1:])
            work = np.ascontiguousarray(rho.real) if real else rho
            for q in qs:
                work = _apply_1q_flips(work, self._flip_terms(n, q, real), q, n)
            return work.astype(np.complex128) if real else work
        key = ("each", n, qs)
        if key not in self._cache:
            self._cache[key] = _fused_superop(self.superop, n, qs)
        sup = self._cache[key]
        vec = rho.reshape(rho.shape[0], 4**n)
        out = (vec.real @ sup.real.T).astype(np.complex128) if real else vec @ sup.T
        return out.reshape(rho.shape)

    @cached_property
    def is_real(self) -> bool:
        """True if the superoperator is real (it maps real density matrices to real ones)."""
        return not self.superop.imag.any()


#: registers up to this many qubits apply an i.i.d. channel layer as one fused superoperator
FUSE_MAX_QUBITS = 4


@lru_cache(maxsize=64)
def _vec_permutation(n: int) -> np.ndarray:
    """Index map from qubit-paired order (r0 c0 r1 c1 ...) to row-major vec order (r0..r_{n-1} c0..c_{n-1})."""
    idx = np.arange(4**n).reshape((2,) * (2 * n))
    order = tuple(range(0, 2 * n, 2)) + tuple(range(1, 2 * n, 2))
    return idx.transpose(order).reshape(-1)


def _fused_superop(sup1: np.ndarray, n: int, qubits: tuple[int, ...]) -> np.ndarray:
    """Row-major-vec superoperator ``(4**n, 4**n)`` of a 1-qubit superop applied to each of ``qubits``."""
    s = sup1.reshape(4, 4)
    eye = np.eye(4)
    full = np.ones((1, 1))
    for q in range(n):
        full = np.kron(full, s if q in qubits else eye)
    perm = _vec_permutation(n)
    return full[perm[:, None], perm[None, :]]


def _kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.ndim == 2 and b.ndim == 2:
        return np.kron(a, b)
    a3, b3 = np.atleast_3d(a.T).T if a.ndim == 2 else a, np.atleast_3d(b.T).T if b.ndim == 2 else b
    out = np.einsum("xij,xkl->xikjl", a3, b3)
    return out.reshape(out.shape[0], a3.shape[1] * b3.shape[1], a3.shape[2] * b3.shape[2])


@lru_cache(maxsize=256)
def _sign_mask(ndim: int, rows: tuple[int, ...], cols: tuple[int, ...]) -> np.ndarray:
    """``(-1)**(r_q + c_q)`` summed over the given row/column axis pairs, broadcastable to a tensor."""
    mask = np.ones((1,) * ndim)
    for r, c in zip(rows, cols):
        shape = [1] * ndim
        shape[r] = 2
        sr = np.array([1.0, -1.0]).reshape(shape)
        shape = [1] * ndim
        shape[c] = 2
        sc = np.array([1.0, -1.0]).reshape(shape)
        mask = mask * sr * sc
    return mask


def _flip(t: np.ndarray, axes: Sequence[int]) -> np.ndarray:
    idx = [slice(None)] * t.ndim
    for ax in axes:
        idx[ax] = slice(None, None, -1)
    return t[tuple(idx)]


def _apply_1q_flips(rho: np.ndarray, terms: list[tuple[int, int, np.ndarray]], q: int, n: int) -> np.ndarray:
    """Apply a 1-qubit superoperator to qubit ``q`` as a sum over bit-flip patterns.

    Any 1-qubit superoperator maps entry ``(i, j)`` from entries whose qubit-``q`` bits differ by a row flip
    ``fr`` and a column flip ``fc``; so ``rho' = sum_{fr, fc} mask_{fr,fc} ⊙ flip_{fr,fc}(rho)`` with full-size
    masks. Flips are negative-stride views, so each pattern costs one multiply-add over the array and nothing is
    transposed. Pauli, damping and dephasing channels use two of the four patterns.
    """
    b = rho.shape[0]
    lo, hi = 2**q, 2 ** (n - q - 1)
    t = rho.reshape(b, lo, 2, hi, lo, 2, hi)
    out = None
    for fr, fc, mask in terms:
        view = t[:, :, ::-1 if fr else 1, :, :, ::-1 if fc else 1, :]
        term = mask * view
        out = term if out is None else np.add(out, term, out=out)
    return out.reshape(rho.shape)


def _apply_pauli(t: np.ndarray, probs: Mapping[str, np.ndarray], rows: tuple[int, ...], cols: tuple[int, ...]) -> np.ndarray:
    """``sum_P p_P P rho P`` via flips (X, Y) and sign masks (Z, Y): no matrix products."""
    out = np.zeros(np.broadcast_shapes(t.shape, (next(iter(probs.values())).shape[:1] + (1,) * (t.ndim - 1))), dtype=t.dtype)
    for label, p in probs.items():
        if not np.any(p):
            continue
        flip_axes = [ax for ch, r, c in zip(label, rows, cols) if ch in "XY" for ax in (r, c)]
        sign_pairs = [(r, c) for ch, r, c in zip(label, rows, cols) if ch in "ZY"]
        term = _flip(t, flip_axes) if flip_axes else t
        if sign_pairs:
            term = term * _sign_mask(t.ndim, tuple(r for r, _ in sign_pairs), tuple(c for _, c in sign_pairs))
        out = out + _bcast(p, t.ndim) * term
    return out


def _apply_kraus_sum(t: np.ndarray, kraus: Sequence[np.ndarray], rows: tuple[int, ...], cols: tuple[int, ...]) -> np.ndarray:
    out = np.zeros_like(t)
    for k in kraus:
        out += apply_matrix(apply_matrix(t, k, rows), np.conj(k), cols)
    return out


def _pauli_kraus(probs: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    out = []
    for label, p in probs.items():
        mat = PAULIS[label[0]]
        for ch in label[1:]:
            mat = np.kron(mat, PAULIS[ch])
        root = np.sqrt(np.maximum(p, 0.0))
        out.append(mat * root if root.ndim == 0 else root[:, None, None] * mat)
    return out


# ------------------------------------------------------------------------------------------------ factories
def pauli_channel(probs: Mapping[str, ParamLike], name: str = "pauli") -> Channel:
    """``sum_P p_P P rho P`` over Pauli strings of one length; the identity gets ``1 - sum(others)``."""
    if not probs:
        raise ValueError("pauli_channel needs at least one Pauli string")
    lengths = {len(k) for k in probs}
    if len(lengths) != 1:
        raise ValueError(f"Pauli strings of different lengths: {sorted(probs)}")
    k = lengths.pop()
    clean: dict[str, np.ndarray] = {}
    for label, p in probs.items():
        lab = label.upper()
        if set(lab) - set("IXYZ"):
            raise ValueError(f"invalid Pauli string {label!r}")
        clean[lab] = _param(f"probability of {lab}", p)
    ident = "I" * k
    rest = sum(v for key, v in clean.items() if key != ident)
    p_id = 1.0 - rest if ident not in clean else clean[ident]
    if np.any(np.asarray(p_id) < -1e-12) or np.any(np.abs(p_id + rest - 1.0) > 1e-9):
        raise ValueError(f"Pauli probabilities must be non-negative and sum to 1 (identity left with {np.min(p_id):.3g})")
    clean[ident] = np.clip(np.asarray(p_id, dtype=np.float64), 0.0, 1.0)
    return _pauli_from_valid(clean, name)


def _pauli_from_valid(probs: dict[str, np.ndarray], name: str) -> Channel:
    """A Pauli channel from already validated probabilities (identity included)."""
    return Channel(_pauli_kraus(probs), name, pauli=probs, validate=False)


def bit_flip(p: ParamLike) -> Channel:
    """``(1-p) rho + p X rho X``."""
    pp = _param("bit-flip probability p", p)
    return _pauli_from_valid({"I": 1.0 - pp, "X": pp}, "bit_flip")


def phase_flip(p: ParamLike) -> Channel:
    """``(1-p) rho + p Z rho Z``."""
    pp = _param("phase-flip probability p", p)
    return _pauli_from_valid({"I": 1.0 - pp, "Z": pp}, "phase_flip")


def bit_phase_flip(p: ParamLike) -> Channel:
    """``(1-p) rho + p Y rho Y``."""
    pp = _param("bit-phase-flip probability p", p)
    return _pauli_from_valid({"I": 1.0 - pp, "Y": pp}, "bit_phase_flip")


def depolarizing(p: ParamLike, num_qubits: int = 1) -> Channel:
    """``(1-p) rho + p/(4**k-1) sum_{P != I} P rho P`` on ``k = num_qubits`` qubits."""
    pp = _param("depolarising probability p", p)
    labels = ["".join(s) for s in itertools.product("IXYZ", repeat=num_qubits)][1:]
    share = pp / (4**num_qubits - 1)
    ch = pauli_channel({lab: share for lab in labels}, "depolarizing")
    ch.twirl = pp * 4**num_qubits / (4**num_qubits - 1)
    return ch


def amplitude_damping(gamma: ParamLike) -> Channel:
    """Energy relaxation ``|1> -> |0>`` with probability ``gamma``."""
    return generalized_amplitude_damping(gamma, 0.0, name="amplitude_damping")


def _mat2(shape: tuple[int, ...], entries: Mapping[tuple[int, int], np.ndarray]) -> np.ndarray:
    """A (possibly batched) 2x2 complex matrix with the given entries, zeros elsewhere."""
    m = np.zeros(shape + (2, 2), dtype=np.complex128)
    for (i, j), v in entries.items():
        m[..., i, j] = v
    return m


def generalized_amplitude_damping(gamma: ParamLike, excited_population: ParamLike = 0.0, name: str = "gad") -> Channel:
    """Relaxation with probability ``gamma`` towards the thermal state ``diag(1-e, e)``, ``e = excited_population``."""
    g = _param("damping gamma", gamma)
    e = _param("excited-state population", excited_population)
    shape = np.broadcast(g, e).shape
    a, b, sg, sc = np.sqrt(1 - e), np.sqrt(e), np.sqrt(g), np.sqrt(1 - g)
    kraus = [_mat2(shape, {(0, 0): a, (1, 1): a * sc}), _mat2(shape, {(0, 1): a * sg})]
    if np.any(e > 0):
        kraus += [_mat2(shape, {(0, 0): b * sc, (1, 1): b}), _mat2(shape, {(1, 0): b * sg})]
    return Channel(kraus, name, validate=False)


def phase_damping(lam: ParamLike) -> Channel:
    """Pure dephasing: coherences scaled by ``sqrt(1 - lam)``."""
    ll = _param("phase-damping lambda", lam)
    k0 = _mat2(ll.shape, {(0, 0): 1.0, (1, 1): np.sqrt(1 - ll)})
    k1 = _mat2(ll.shape, {(1, 1): np.sqrt(ll)})
    return Channel([k0, k1], "phase_damping", validate=False)


def thermal_relaxation(t1: ParamLike, t2: ParamLike, dt: ParamLike, excited_population: ParamLike = 0.0) -> Channel:
    """Relaxation (T1) and dephasing (T2) over a duration ``dt``; requires ``0 < t2 <= 2 t1``."""
    t1a, t2a, dta = (_time(name, v, pos) for name, v, pos in (("t1", t1, True), ("t2", t2, True), ("dt", dt, False)))
    if np.any(t2a > 2 * t1a + 1e-12):
        raise ValueError("thermal relaxation needs t2 <= 2 t1 (physically allowed coherence times)")
    gamma = 1.0 - np.exp(-dta / t1a)
    lam = np.clip(1.0 - np.exp(-2.0 * dta / t2a + dta / t1a), 0.0, 1.0)
    ch = phase_damping(lam) @ generalized_amplitude_damping(gamma, excited_population)
    ch.name = "thermal_relaxation"
    return ch


def _time(name: str, value: ParamLike, positive: bool) -> np.ndarray:
    """A thermal-relaxation time as a float array: finite, and ``> 0`` (``positive``) or ``>= 0``."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"thermal relaxation {name} must be finite, got {value!r}")
    if np.any(arr <= 0) if positive else np.any(arr < 0):
        raise ValueError(f"thermal relaxation needs {name} {'> 0' if positive else '>= 0'}, got {value!r}")
    return arr


def kraus_channel(kraus: Sequence[np.ndarray], name: str = "kraus", atol: float = CPTP_ATOL) -> Channel:
    """A user channel from Kraus operators, validated: ``sum K^dag K = I`` within ``atol`` or ``ValueError``."""
    return Channel(kraus, name, atol=atol)


def unitary_channel(u: np.ndarray, name: str = "unitary") -> Channel:
    """The channel ``rho -> U rho U^dag``."""
    return Channel([np.asarray(u)], name)


def identity_channel(num_qubits: int = 1) -> Channel:
    """The identity channel."""
    return pauli_channel({"I" * num_qubits: 1.0}, "identity")


def _apply_twirl(t: np.ndarray, lam: np.ndarray, rows: tuple[int, ...], cols: tuple[int, ...]) -> np.ndarray:
    """``(1 - lam) rho + lam Tr_S(rho) ⊗ I_S / 2**k``: the k-qubit depolarising channel without 4**k terms."""
    ndim = t.ndim
    letters = list(_LETTERS[:ndim])
    traced = list(letters)
    for r, c in zip(rows, cols):
        traced[c] = traced[r]
    skip = set(rows) | set(cols)
    reduced_sub = "".join(letters[i] for i in range(ndim) if i not in skip)
    reduced = np.einsum("".join(traced) + "->" + reduced_sub, t)
    k = len(rows)
    eye = (np.eye(2**k) / 2**k).reshape((2,) * (2 * k))
    eye_sub = "".join(letters[r] for r in rows) + "".join(letters[c] for c in cols)
    expanded = np.einsum(f"{reduced_sub},{eye_sub}->{''.join(letters)}", reduced, eye)
    lam_b = _bcast(lam, ndim)
    return (1.0 - lam_b) * t + lam_b * expanded
