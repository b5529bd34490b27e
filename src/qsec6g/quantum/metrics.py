"""Observables of batched states: fidelity, entropy, trace distance, purity, entanglement measures, Pauli expectations.

Conventions:

* Fidelity is Uhlmann's in the squared form ``F(ρ, σ) = (tr sqrt(sqrt(ρ) σ sqrt(ρ)))**2`` (as Qiskit's
  ``state_fidelity``), in [0, 1]; with one pure state it is ``<ψ|ρ|ψ>`` (fast path, no matrix square roots).
* Entropies are von Neumann entropies in **bits** by default (``base=2``); ``base=np.e`` gives nats.
* Trace distance ``D(ρ, σ) = ½ ||ρ - σ||_1``.
* Arguments are batches (2-D statevectors or 3-D density matrices) and broadcast over the batch axis: a batch of
  one against a batch of B gives B values. Every function returns a float array of shape ``(B,)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from qsec6g.quantum.states import is_density, n_qubits, partial_trace, to_density

_EIG_CLIP = 1e-15
#: from this dimension on, entropy and distance to a pure state share one tridiagonal reduction per state
TRIDIAGONAL_MIN_DIM = 32


def _herm_eigvals(m: np.ndarray) -> np.ndarray:
    """Eigenvalues of Hermitian matrices; a real symmetric solver when every imaginary part is exactly zero.

    Real amplitude encodings, H/CNOT/CZ entanglers and bit-flip / phase-flip / amplitude-damping / depolarising
    noise keep density matrices real, and the real solver is several times faster than the complex one.
    """
    if np.iscomplexobj(m) and not m.imag.any():
        return np.linalg.eigvalsh(m.real)
    return np.linalg.eigvalsh(m)


def fidelity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Uhlmann fidelity (squared form) between two state batches, shape ``(B,)``."""
    da, db = is_density(a), is_density(b)
    if not da and not db:
        return np.abs(np.einsum("bi,bi->b", np.conj(a), b)) ** 2
    if not da or not db:
        psi, rho = (a, b) if not da else (b, a)
        return np.real(np.einsum("bi,bi->b", np.conj(psi), np.einsum("bij,bj->bi", rho, psi)))
    w, v = np.linalg.eigh(a)
    sq = (v * np.sqrt(_drop_rounding_noise(w))[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))
    m = sq @ b @ sq
    lam = _drop_rounding_noise(_herm_eigvals(0.5 * (m + np.conj(np.swapaxes(m, -1, -2)))))
    return np.clip(np.sum(np.sqrt(lam), axis=-1) ** 2, 0.0, 1.0)


def _drop_rounding_noise(eigs: np.ndarray) -> np.ndarray:
    """Eigenvalues (of matrices with spectra in [0, 1], e.g. states) with those below ``d * eps`` set to zero.

    Zero eigenvalues of a rank-deficient state come out of the solver as ``±1e-17``-sized noise; taking square
    roots would turn them into ``1e-9``-sized errors (e.g. in the fidelity of a pure state given as a density
    matrix, or the concurrence of a pure two-qubit state). Below ``d * eps`` an eigenvalue cannot be told apart
    from rounding, so it counts as zero.
    """
    return np.where(eigs > eigs.shape[-1] * np.finfo(np.float64).eps, eigs, 0.0)


def entropy_of_spectrum(eigs: np.ndarray, base: float = 2.0) -> np.ndarray:
    """``-sum λ log λ`` over the last axis, ignoring eigenvalues below 1e-15 (in units of ``log(base)``)."""
    safe = np.where(eigs > _EIG_CLIP, eigs, 1.0)  # log(1) = 0 drops the ignored eigenvalues
    return (safe * np.log(safe)).sum(axis=-1) * (-1.0 / math.log(base))


def von_neumann_entropy(state: np.ndarray, base: float = 2.0) -> np.ndarray:
    """Von Neumann entropy ``S(ρ) = -tr ρ log ρ`` (bits by default); zero for statevectors."""
    if not is_density(state):
        return np.zeros(state.shape[0])
    return entropy_of_spectrum(_herm_eigvals(state), base)


def trace_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``½ ||ρ - σ||_1`` between two state batches (fast path when one of them is a pure statevector)."""
    da, db = is_density(a), is_density(b)
    if da != db and a.shape[-1] >= TRIDIAGONAL_MIN_DIM:
        rho, psi = (a, b) if da else (b, a)
        return entropy_and_distance_to_pure(rho, psi)[1]
    diff = to_density(a) - to_density(b)
    return 0.5 * np.sum(np.abs(_herm_eigvals(diff)), axis=-1)


def entropy_and_distance_to_pure(rho: np.ndarray, psi: np.ndarray, base: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Von Neumann entropy of ρ and trace distance ``D(ρ, |ψ><ψ|)``, from one eigenvalue problem per state.

    ``ρ - |ψ><ψ|`` has exactly one negative eigenvalue ``μ*`` (interlacing: a rank-one PSD update moves every
    eigenvalue of ρ >= 0 down by at most one slot) and trace zero, so ``D = -μ*``. ``μ*`` solves the secular
    equation ``ψ^† (ρ - μ)^{-1} ψ = 1`` below the spectrum of ρ. For large states we reduce ρ = Q T Q^† to real
    tridiagonal form once (LAPACK ``?sytrd``/``?hetrd``): T's eigenvalues give S, and Newton's method on the
    secular equation in T's basis (``u = Q^† ψ``, one O(d) tridiagonal solve per step) gives μ*. Newton starts
    at ``F - 1 >= μ*`` (Rayleigh quotient) and decreases monotonically to the root (the secular function is
    convex and increasing there). Small states use batched eigenvalue solvers instead.
    """
    rho = to_density(rho)
    if rho.shape[-1] < TRIDIAGONAL_MIN_DIM:  # batched solvers; real ones when nothing is complex
        if not (rho.imag.any() or psi.imag.any()):
            rho, psi = rho.real, psi.real
        diff = rho - psi[:, :, None] * np.conj(psi[:, None, :])
        b = diff.shape[0]
        if rho.shape[0] != b:
            rho = np.broadcast_to(rho, diff.shape)
        both = np.linalg.eigvalsh(np.concatenate((rho, diff)))  # one solver call for ρ and ρ - |ψ><ψ|
        return entropy_of_spectrum(both[:b], base), 0.5 * np.abs(both[b:]).sum(axis=-1)
    b = max(rho.shape[0], psi.shape[0])
    rho = np.broadcast_to(rho, (b,) + rho.shape[1:])
    psi = np.broadcast_to(psi, (b,) + psi.shape[1:])
    out = np.array([_tridiagonal_s_and_d(rho[i], psi[i]) for i in range(b)])
    return out[:, 0] / np.log(base), out[:, 1]


def _tridiagonal_s_and_d(m: np.ndarray, psi: np.ndarray) -> tuple[float, float]:
    """(entropy in nats, trace distance to |ψ>) of one density matrix; see :func:`entropy_and_distance_to_pure`."""
    from scipy.linalg import lapack

    real = not np.any(m.imag) and not np.any(psi.imag)
    if real:
        c, diag, off, tau, info = lapack.dsytrd(np.ascontiguousarray(m.real), lower=1)
        vec = np.ascontiguousarray(psi.real)
    else:
        c, diag, off, tau, info = lapack.zhetrd(m, lower=1)
        vec = np.ascontiguousarray(psi)
    if info != 0:
        raise np.linalg.LinAlgError(f"tridiagonal reduction failed (info={info})")
    lam, info = lapack.dsterf(diag.copy(), off.copy())
    if info != 0:
        raise np.linalg.LinAlgError(f"tridiagonal eigenvalues did not converge (info={info})")
    ent = float(entropy_of_spectrum(lam, np.e))
    u = vec.copy()  # u = Q^† ψ, Q = diag(1, Q') with Q' in QR storage below the subdiagonal
    if len(u) > 1:
        sub = np.asfortranarray(c[1:, :-1])
        rhs = np.asfortranarray(u[1:, None])
        if real:
            res = lapack.dormqr("L", "T", sub, tau, rhs, lwork=max(1, 64 * len(u)))
        else:
            res = lapack.zunmqr("L", "C", sub, tau, rhs, lwork=max(1, 64 * len(u)))
        if res[-1] != 0:
            raise np.linalg.LinAlgError("applying the tridiagonal basis change failed")
        u[1:] = res[0][:, 0]
    rhs_cols = u[:, None] if real else np.stack([u.real, u.imag], axis=1)
    fid = float(np.real(np.vdot(u, _tridiag_matvec(diag, off, u))))
    if fid >= 1.0 - 1e-14:
        return ent, 0.0
    mu = fid - 1.0
    for _ in range(100):
        _, _, x, info = lapack.dptsv(diag - mu, off.copy(), np.asfortranarray(rhs_cols))
        if info != 0:  # not positive definite: μ reached the spectrum (only for numerically pure ρ)
            break
        g = float(np.sum(rhs_cols * x))
        gp = float(np.sum(x * x))
        step = (g - 1.0) / gp
        mu -= step
        if abs(step) <= 4e-16 * max(1.0, abs(mu)):
            break
    return ent, float(min(1.0, max(0.0, -mu)))


def _tridiag_matvec(diag: np.ndarray, off: np.ndarray, v: np.ndarray) -> np.ndarray:
    out = diag * v
    out[:-1] += off * v[1:]
    out[1:] += off * v[:-1]
    return out


def purity(state: np.ndarray) -> np.ndarray:
    """``tr ρ²`` (1 for pure states, ``2**-n`` for the maximally mixed state)."""
    if not is_density(state):
        return np.ones(state.shape[0])
    return np.real(np.einsum("bij,bji->b", state, state))


def entanglement_entropy(state: np.ndarray, subsystem: Sequence[int], base: float = 2.0) -> np.ndarray:
    """Entropy of the reduced state of ``subsystem`` (the entanglement entropy when the global state is pure)."""
    return von_neumann_entropy(partial_trace(state, subsystem), base)


def _two_qubit(state: np.ndarray, qubits: Sequence[int] | None) -> np.ndarray:
    if qubits is None:
        if n_qubits(state) != 2:
            raise ValueError("give the two qubits of the reduction for a state on more than two qubits")
        return to_density(state)
    if len(qubits) != 2:
        raise ValueError(f"need exactly two qubits, got {list(qubits)}")
    return partial_trace(state, qubits)


def concurrence(state: np.ndarray, qubits: Sequence[int] | None = None) -> np.ndarray:
    """Wootters concurrence of a two-qubit (reduced) state, in [0, 1]."""
    rho = _two_qubit(state, qubits)
    yy = np.array([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=np.complex128)
    rt = yy @ np.conj(rho) @ yy
    ev = np.linalg.eigvals(rho @ rt)  # real and in [0, 1] up to rounding
    lam = np.sort(np.sqrt(_drop_rounding_noise(np.real(ev))), axis=-1)[..., ::-1]
    return np.clip(lam[..., 0] - lam[..., 1] - lam[..., 2] - lam[..., 3], 0.0, None)


def negativity(state: np.ndarray, qubits: Sequence[int] | None = None, transpose: int = 1) -> np.ndarray:
    """Negativity ``(||ρ^{T_B}||_1 - 1)/2`` of a two-qubit (reduced) state, transposing qubit ``transpose`` (0/1)."""
    rho = _two_qubit(state, qubits)
    b = rho.shape[0]
    t = rho.reshape(b, 2, 2, 2, 2)  # [row q0, row q1, col q0, col q1]
    t = t.transpose(0, 1, 4, 3, 2) if transpose == 1 else t.transpose(0, 3, 2, 1, 4)
    pt = t.reshape(b, 4, 4)
    return (np.sum(np.abs(_herm_eigvals(pt)), axis=-1) - 1.0) / 2.0


def _pauli_masks(label: str) -> tuple[int, int, int]:
    """(x mask, z mask, number of Y) of a Pauli string; the first letter is qubit 0 (most significant bit)."""
    n = len(label)
    x = z = ny = 0
    for i, ch in enumerate(label.upper()):
        bit = 1 << (n - 1 - i)
        if ch == "X":
            x |= bit
        elif ch == "Z":
            z |= bit
        elif ch == "Y":
            x |= bit
            z |= bit
            ny += 1
        elif ch != "I":
            raise ValueError(f"invalid Pauli letter {ch!r} in {label!r}")
    return x, z, ny


def pauli_expectation(state: np.ndarray, label: str) -> np.ndarray:
    """``<P>`` for a Pauli string such as ``"XZI"`` (first letter on qubit 0), without building ``P``."""
    n = n_qubits(state)
    if len(label) != n:
        raise ValueError(f"Pauli string {label!r} has {len(label)} letters for {n} qubits")
    x, z, ny = _pauli_masks(label)
    j = np.arange(2**n)
    parity = np.array([bin(v).count("1") & 1 for v in (j & z)]) if z else np.zeros(2**n, dtype=int)
    phase = (1j**ny) * (1.0 - 2.0 * parity)  # P|j> = phase(j) |j xor x>
    if is_density(state):  # tr(P ρ) = sum_j phase(j) ρ[j, j^x]
        vals = state[:, j, j ^ x]
        return np.real(np.sum(phase * vals, axis=-1))
    # <ψ|P|ψ> = sum_j conj(ψ[j^x]) phase(j) ψ[j]
    return np.real(np.sum(np.conj(state[:, j ^ x]) * phase * state, axis=-1))
