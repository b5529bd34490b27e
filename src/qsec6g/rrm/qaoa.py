"""Statevector QAOA for diagonal cost Hamiltonians, with adjoint (reverse-mode) gradients.

State and convention
    ``|ψ(γ, β)⟩ = Π_{l=1..p} e^{-iβ_l B} e^{-iγ_l C} |+⟩^{⊗n}`` with ``B = Σ_i X_i`` and ``C`` diagonal (the QUBO
    energies of :func:`qsec6g.rrm.exact.energy_diagonal`). Qubit 0 is the most significant bit of a basis index.
    Parameters are packed ``θ = (γ_1..γ_p, β_1..β_p)``, the same angles as Qiskit's ``qaoa_ansatz`` (which orders them
    ``(β..., γ...)``; its mixer gates are ``RX(2β)``).

Speed
    ``e^{-iγC}`` is an elementwise phase. The mixer ``e^{-iβB} = ⊗_i RX(2β)`` is applied a block of ``k`` qubits at
    a time: the state is reshaped to ``(2^a, 2^k, 2^rest)`` and multiplied by ``RX(2β)^{⊗k}`` (a ``2^k × 2^k``
    matrix built from the kernel's ``rx`` gate), so a 16-qubit mixer is four matmuls. The gradient comes from one forward and one backward
    sweep (adjoint differentiation): ``∂E/∂γ_l = 2 Im⟨λ_l|C|φ_l⟩`` and ``∂E/∂β_l = 2 Im⟨λ_l|B|ψ_l⟩`` with ``λ``
    the back-propagated ``C|ψ⟩``; no parameter shifts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from qsec6g.errors import UserInputError
from qsec6g.quantum.gates import rx
from qsec6g.seeding import SeedLike, make_rng


def _blocks(n: int, size: int) -> list[tuple[int, int]]:
    """``(first qubit, block length)`` pairs that tile ``n`` qubits."""
    return [(q, min(size, n - q)) for q in range(0, n, size)]


def _rx_block(beta: float, k: int) -> np.ndarray:
    """``RX(2β)^{⊗k} = e^{-iβ Σ X}`` on ``k`` qubits."""
    one = rx(2.0 * beta)
    out = one
    for _ in range(k - 1):
        out = np.kron(out, one)
    return out


def _apply_block(m: np.ndarray, src: np.ndarray, dst: np.ndarray, n: int, q0: int, k: int) -> None:
    """``dst = m · src`` with ``m`` (``2^k × 2^k``) acting on qubits ``q0..q0+k-1``. The first and last blocks are
    single 2-D GEMMs (numpy's stacked matmul is many times slower for a batch of one or a trailing axis of one)."""
    if q0 == 0:
        np.matmul(m, src.reshape(1 << k, -1), out=dst.reshape(1 << k, -1))
    elif q0 + k == n:
        np.matmul(src.reshape(-1, 1 << k), m.T, out=dst.reshape(-1, 1 << k))
    else:
        shape = (1 << q0, 1 << k, -1)
        np.matmul(m, src.reshape(shape), out=dst.reshape(shape))


@lru_cache(maxsize=16)
def _generator_block(k: int) -> np.ndarray:
    """``Σ_{i<k} X_i`` on ``k`` qubits as a dense ``2^k × 2^k`` (complex, to stay on the complex GEMM path)."""
    idx = np.arange(1 << k)
    out = np.zeros((1 << k, 1 << k), dtype=complex)
    for i in range(k):
        out[idx, idx ^ (1 << i)] += 1.0
    return out


class QaoaSimulator:
    """QAOA energies and adjoint gradients for one cost diagonal (float array of length ``2**n``).

    Every step writes into preallocated buffers (``out=``): fresh 2ⁿ-element arrays would cost a page-faulting
    allocation each, which dominates on a loaded machine. The simulator is therefore not thread-safe.
    """

    def __init__(self, diagonal: np.ndarray, block_qubits: int = 4) -> None:
        diag = np.asarray(diagonal, dtype=float)
        n = int(round(np.log2(diag.size))) if diag.size else 0
        if diag.ndim != 1 or diag.size < 2 or (1 << n) != diag.size:
            raise UserInputError(f"cost diagonal must have length 2**n with n >= 1, got {diag.size}")
        self.n = n
        self.diag = diag
        self.blocks = _blocks(n, block_qubits)
        self._angle = np.empty(diag.size)
        self._scratch = [np.empty(diag.size, dtype=complex) for _ in range(3)]
        self._layers: dict[str, list[np.ndarray]] = {"phase": [], "phi": [], "psi": []}

    def _split(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        params = np.asarray(params, dtype=float).ravel()
        if params.size == 0 or params.size % 2:
            raise UserInputError(f"QAOA parameters must be (γ_1..γ_p, β_1..β_p), got {params.size} values")
        p = params.size // 2
        return params[:p], params[p:]

    def _layer_buffers(self, p: int) -> dict[str, list[np.ndarray]]:
        for bufs in self._layers.values():
            while len(bufs) < p:
                bufs.append(np.empty(self.diag.size, dtype=complex))
        return self._layers

    def _mixer(self, src: np.ndarray, beta: float, out: np.ndarray) -> np.ndarray:
        """``out = e^{-iβB} src`` (``out`` must not be ``src``)."""
        a, b, _ = self._scratch
        last = len(self.blocks) - 1
        cur = src
        for i, (q0, k) in enumerate(self.blocks):
            dst = out if i == last else (a if cur is not a else b)
            _apply_block(_rx_block(beta, k), cur, dst, self.n, q0, k)
            cur = dst
        return out

    def _generator_overlap(self, bra: np.ndarray, ket: np.ndarray) -> complex:
        """``⟨bra|B|ket⟩`` with ``B = Σ_i X_i``, one block GEMM per block of qubits."""
        tmp = self._scratch[2]
        total = 0j
        for q0, k in self.blocks:
            _apply_block(_generator_block(k), ket, tmp, self.n, q0, k)
            total += np.vdot(bra, tmp)
        return total

    def _phase(self, gamma: float, out: np.ndarray) -> np.ndarray:
        """``out = e^{-iγC}`` (cos/sin is about twice as fast as a complex exp)."""
        np.multiply(self.diag, gamma, out=self._angle)
        np.cos(self._angle, out=out.real)
        np.sin(self._angle, out=out.imag)
        np.negative(out.imag, out=out.imag)
        return out

    def _forward(self, gammas: np.ndarray, betas: np.ndarray) -> dict[str, list[np.ndarray]]:
        """Run the circuit, keeping ``e^{-iγ_l C}``, ``φ_l`` (after the phase) and ``ψ_l`` (after the mixer)."""
        bufs = self._layer_buffers(gammas.size)
        psi = np.full(self.diag.size, 1.0 / np.sqrt(self.diag.size), dtype=complex)
        for l, (g, b) in enumerate(zip(gammas, betas)):
            np.multiply(psi, self._phase(g, bufs["phase"][l]), out=bufs["phi"][l])
            psi = self._mixer(bufs["phi"][l], b, bufs["psi"][l])
        return bufs

    def state(self, params: np.ndarray) -> np.ndarray:
        """The QAOA state ``|ψ(θ)⟩`` (a new complex128 array of length ``2**n``)."""
        gammas, betas = self._split(params)
        return self._forward(gammas, betas)["psi"][gammas.size - 1].copy()

    def energy(self, params: np.ndarray) -> float:
        """``⟨ψ(θ)|C|ψ(θ)⟩``."""
        gammas, betas = self._split(params)
        psi = self._forward(gammas, betas)["psi"][gammas.size - 1]
        return float(np.dot(psi.real**2 + psi.imag**2, self.diag))

    def energy_and_gradient(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        """Energy and its exact gradient with respect to ``θ = (γ, β)`` by adjoint differentiation.

        The forward sweep keeps each layer's state after the cost phase (``φ_l``) and after the mixer (``ψ_l``);
        the backward sweep carries only ``λ``, so a layer costs one phase, two mixers and one ``⟨λ|B|ψ⟩``.
        """
        gammas, betas = self._split(params)
        p = gammas.size
        bufs = self._forward(gammas, betas)
        lam, spare = np.multiply(self.diag, bufs["psi"][p - 1]), np.empty(self.diag.size, dtype=complex)
        energy = float(np.real(np.vdot(bufs["psi"][p - 1], lam)))
        grad = np.empty(2 * p)
        for l in range(p - 1, -1, -1):
            grad[p + l] = 2.0 * np.imag(self._generator_overlap(lam, bufs["psi"][l]))
            lam, spare = self._mixer(lam, -betas[l], spare), lam
            np.multiply(self.diag, bufs["phi"][l], out=spare)
            grad[l] = 2.0 * np.imag(np.vdot(lam, spare))
            np.multiply(lam, np.conj(bufs["phase"][l], out=spare), out=lam)
        return energy, grad


def interpolate(params: np.ndarray) -> np.ndarray:
    """INTERP initialisation (Zhou et al., PRX 10, 021067, 2020): depth-``p`` optimum → depth-``p+1`` start.

    ``x^{(p+1)}_i = (i-1)/p · x^{(p)}_{i-1} + (p-i+1)/p · x^{(p)}_i`` for ``i = 1..p+1`` (``x_0 = x_{p+1} = 0``),
    applied to ``γ`` and ``β`` separately.
    """
    params = np.asarray(params, dtype=float)
    p = params.size // 2

    def up(v: np.ndarray) -> np.ndarray:
        padded = np.concatenate([[0.0], v, [0.0]])
        i = np.arange(1, p + 2)
        return (i - 1) / p * padded[i - 1] + (p - i + 1) / p * padded[i]

    return np.concatenate([up(params[:p]), up(params[p:])])


@dataclass(frozen=True)
class QaoaLevel:
    """Outcome at one depth ``p``: optimised parameters (for the normalised cost), expected energy (original
    units), probability of measuring an optimum, the best sampled bitstring and time spent (s, cumulative over
    depths 1..p because INTERP builds on them)."""

    p: int
    params: np.ndarray
    expected_energy: float
    p_optimum: float
    best_index: int
    best_energy: float
    optimiser_calls: int
    seconds: float


def _grid_start(sim: QaoaSimulator, points: int = 12) -> np.ndarray:
    """Best ``(γ, β)`` for ``p = 1`` on a grid over ``γ ∈ (0, π)``, ``β ∈ (0, π/2)`` (normalised cost)."""
    best, arg = np.inf, np.array([0.1, 0.1])
    for g in np.linspace(0, np.pi, points + 2)[1:-1]:
        for b in np.linspace(0, np.pi / 2, points + 2)[1:-1]:
            e = sim.energy(np.array([g, b]))
            if e < best:
                best, arg = e, np.array([g, b])
    return arg


def solve_qaoa(
    diagonal: np.ndarray,
    p_max: int,
    seed: SeedLike = None,
    shots: int = 1024,
    maxiter: int = 200,
    transfer: dict[int, np.ndarray] | None = None,
    atol: float = 1e-9,
) -> list[QaoaLevel]:
    """Optimise QAOA for ``p = 1..p_max`` with L-BFGS-B and analytic gradients; sample each final state.

    The cost is normalised to zero mean and unit standard deviation before optimisation, so that parameter
    scales carry over between instances. ``p = 1`` starts from a grid search, ``p > 1`` from INTERP of the
    ``p - 1`` optimum; if ``transfer[p]`` (parameters from another instance) is given and starts lower, it is used.
    ``shots`` samples from ``|ψ|²`` (seeded) give the best sampled bitstring.
    """
    if not 1 <= p_max <= 12:
        raise UserInputError(f"QAOA depth p must be between 1 and 12, got {p_max}")
    with single_threaded_blas():
        return _solve(np.asarray(diagonal, dtype=float), p_max, make_rng(seed), shots, maxiter, transfer, atol)


def single_threaded_blas() -> threadpool_limits:
    """Limit BLAS to one thread: QAOA's GEMMs are small, and extra BLAS threads only contend for the cores (the
    CLI already does this; library callers get the same behaviour)."""
    return threadpool_limits(limits=1, user_api="blas")


def _solve(diag: np.ndarray, p_max: int, rng: np.random.Generator, shots: int, maxiter: int,
           transfer: dict[int, np.ndarray] | None, atol: float) -> list[QaoaLevel]:
    e_min = float(diag.min())
    optimal = diag <= e_min + atol
    scale = float(diag.std()) or 1.0
    sim = QaoaSimulator((diag - diag.mean()) / scale)
    levels: list[QaoaLevel] = []
    start = time.perf_counter()
    params = _grid_start(sim)
    for p in range(1, p_max + 1):
        if p > 1:
            params = interpolate(params)
        if transfer and p in transfer and sim.energy(transfer[p]) < sim.energy(params):
            params = np.asarray(transfer[p], dtype=float)
        res = minimize(sim.energy_and_gradient, params, jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
        params = res.x
        probs = np.abs(sim.state(params)) ** 2
        probs /= probs.sum()
        samples = rng.choice(diag.size, size=shots, p=probs)
        best = int(samples[np.argmin(diag[samples])])
        levels.append(QaoaLevel(
            p=p, params=params.copy(), expected_energy=float(probs @ diag), p_optimum=float(probs[optimal].sum()),
            best_index=best, best_energy=float(diag[best]), optimiser_calls=int(res.nfev),
            seconds=time.perf_counter() - start,
        ))
    return levels
