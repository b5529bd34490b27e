"""Eavesdropping attacks, described by what they do to the pulses they touch.

Spec strings (CLI ``--attack``): ``none``; ``intercept-resend:F`` (Eve measures a fraction F of pulses in a random
basis and resends what she saw); ``intercept-resend-fixed:F`` (same, always in the Z basis); ``pns`` or ``pns:F``
(photon-number splitting on a fraction F, default 1); ``noise:F`` (Eve fully depolarises a fraction F of pulses,
adding about F/2 to the QBER).

Each attack gives, for an attacked pulse, the probability that Bob's detector gets a photon (per intensity class)
and whether that photon carries Eve's resent state or a depolarised one; the protocol simulator does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp

from qsec6g.errors import UserInputError
from qsec6g.qkd.sources import poisson_pmf

_N_MAX = 30  # photon numbers summed over for PNS; Poisson tail beyond is < 1e-20 for mu <= 2


@dataclass(frozen=True)
class Attack:
    """No attack (base class). ``fraction`` is the share of pulses Eve touches."""

    fraction: float = 0.0
    resends: bool = False  # attacked pulses carry Eve's re-prepared photon
    fixed_basis: bool = False  # Eve always measures in the Z basis
    depolarises: bool = False  # attacked pulses reach Bob fully depolarised

    @property
    def name(self) -> str:
        return "none"

    def attacked_click_prob(self, mu: float | None, eta: float, eta_det: float, mu_signal: float | None) -> float:
        """Probability that Bob gets a photon from an attacked pulse of mean photon number ``mu``.

        ``mu`` None means a single-photon pulse; ``eta`` is channel x detector transmittance, ``eta_det`` the
        detector's own efficiency; ``mu_signal`` is the signal intensity Eve tunes her attack to.
        """
        return honest_click_prob(mu, eta)

    def spec(self) -> str:
        return self.name if self.fraction == 0 else f"{self.name}:{self.fraction:g}"


def honest_click_prob(mu: float | None, eta: float) -> float:
    """Bob's signal-click probability without Eve: eta for one photon, 1 - exp(-eta mu) for a coherent pulse."""
    return eta if mu is None else 1.0 - exp(-eta * mu)


@dataclass(frozen=True)
class InterceptResend(Attack):
    """Measure in a random (or fixed Z) basis and resend one photon in the observed state through the channel."""

    resends: bool = True

    @property
    def name(self) -> str:
        return "intercept-resend-fixed" if self.fixed_basis else "intercept-resend"

    def attacked_click_prob(self, mu: float | None, eta: float, eta_det: float, mu_signal: float | None) -> float:
        got_photon = 1.0 if mu is None else 1.0 - exp(-mu)
        return got_photon * eta


@dataclass(frozen=True)
class PhotonNumberSplitting(Attack):
    """Keep one photon of every multi-photon pulse, forward the rest over a lossless line, block single photons.

    Eve blocks single-photon pulses with the probability that keeps the *signal* gain equal to the honest one
    (if multi-photon pulses alone exceed it, she blocks all single photons and thins multi-photon ones). Bob's
    QBER is unchanged; decoy gains are not, which is what decoy-state estimation detects.
    """

    @property
    def name(self) -> str:
        return "pns"

    def _forward_probs(self, eta: float, eta_det: float, mu_signal: float) -> tuple[float, float]:
        single = poisson_pmf(1, mu_signal) * eta_det
        multi = _multi_photon_click(mu_signal, eta_det)
        target = honest_click_prob(mu_signal, eta)
        if multi <= target:
            return (target - multi) / single, 1.0
        return 0.0, target / multi

    def attacked_click_prob(self, mu: float | None, eta: float, eta_det: float, mu_signal: float | None) -> float:
        if mu is None or mu_signal is None:
            return 0.0  # single photons cannot be split: Eve blocks them all
        pass_single, pass_multi = self._forward_probs(eta, eta_det, mu_signal)
        return poisson_pmf(1, mu) * eta_det * pass_single + _multi_photon_click(mu, eta_det) * pass_multi


def _multi_photon_click(mu: float, eta_det: float) -> float:
    """Sum over n >= 2 of P(n) * P(Bob clicks on the n-1 forwarded photons)."""
    return sum(poisson_pmf(n, mu) * (1.0 - (1.0 - eta_det) ** (n - 1)) for n in range(2, _N_MAX))


@dataclass(frozen=True)
class NoiseInjection(Attack):
    """Adversarial noise: Eve replaces a fraction of pulses' polarisation by a uniformly random one."""

    depolarises: bool = True

    @property
    def name(self) -> str:
        return "noise"


def parse_attack(spec: str) -> Attack:
    """Parse an attack spec string (see module docstring); a malformed one is a :class:`UserInputError`."""
    name, _, frac_text = spec.strip().lower().partition(":")
    if name in ("", "none"):
        if frac_text:
            raise UserInputError(f"attack 'none' takes no fraction (got '{spec}')")
        return Attack()
    kinds = {
        "intercept-resend": lambda f: InterceptResend(fraction=f),
        "intercept-resend-fixed": lambda f: InterceptResend(fraction=f, fixed_basis=True),
        "pns": lambda f: PhotonNumberSplitting(fraction=f),
        "noise": lambda f: NoiseInjection(fraction=f),
    }
    if name not in kinds:
        raise UserInputError(f"unknown attack '{name}'; choose none, {', '.join(kinds)} (e.g. intercept-resend:0.5)")
    if not frac_text:
        if name != "pns":
            raise UserInputError(f"attack '{name}' needs a fraction, e.g. {name}:0.5")
        frac_text = "1"
    try:
        fraction = float(frac_text)
    except ValueError:
        raise UserInputError(f"attack fraction must be a number in [0, 1] (got '{frac_text}')") from None
    if not 0.0 <= fraction <= 1.0:
        raise UserInputError(f"attack fraction must be in [0, 1] (got {fraction:g})")
    return kinds[name](fraction)
