import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from qsec6g.twin import env as twin_env
from qsec6g.twin.adversary import SCENARIOS, AttackType, DenialOfService, FalseDataInjection, FirmwareTrojan
from qsec6g.twin.defence import Action
from qsec6g.twin.simulator import TwinConfig, TwinSimulator, follow_rotation

EXACT = TwinConfig(steps=8, shots=None)


def test_registered_env_passes_the_gymnasium_checker():
    env = gym.make(twin_env.ENV_ID, config=TwinConfig(steps=6, shots=500))
    check_env(env.unwrapped, skip_render_check=True)
    check_env(twin_env.CQDTEnv("S4", "dos", EXACT), skip_render_check=True)


def test_same_seed_same_episode():
    runs = []
    for _ in range(2):
        env = twin_env.CQDTEnv("S9", None, TwinConfig(steps=5, shots=1000))
        env.reset(seed=11)
        traj = [env.step(a)[0] for a in (0, 1, 2, 3, 0)]
        runs.append(np.array(traj))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_reward_formula_on_exact_observables():
    cfg = TwinConfig(steps=4, shots=None, weights=(1.0, 0.3, 0.7))
    sim = TwinSimulator(SCENARIOS["S2"], None, 3, cfg)
    sim.reset(0)
    r = sim.step(np.array([0, 1, 2]))
    f, s, d = r.exact.T
    np.testing.assert_allclose(r.reward, -(1.0 * (1 - f) + 0.3 * s + 0.7 * d))


def test_follow_rotation_maps_reference_and_preserves_fidelity():
    rng = np.random.default_rng(1)
    a, b = np.abs(rng.normal(size=(4, 8))), np.abs(rng.normal(size=(4, 8)))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    r = follow_rotation(a, b)
    np.testing.assert_allclose(np.einsum("bij,bj->bi", r, a), b, atol=1e-12)
    np.testing.assert_allclose(r @ np.swapaxes(r, 1, 2), np.broadcast_to(np.eye(8), (4, 8, 8)), atol=1e-12)


def test_noise_compounds_when_nothing_is_done_and_reinit_resets():
    sim = TwinSimulator(SCENARIOS["S5"], None, 2, TwinConfig(steps=6, shots=None))
    sim.reset(3, attacked=np.array([True, True]))
    fids = [sim.step(np.array([0, 0])).exact[:, 0] for _ in range(5)]
    assert np.all(np.diff(np.array(fids), axis=0) < 0)  # F keeps falling under repeated damping
    r = sim.step(np.array([0, Action.REINIT]))
    assert r.exact[1, 0] > r.exact[0, 0]
    pure = (sim.psi[1:, :, None] * sim.psi[1:, None, :]).astype(complex)
    expected = sim.attack_channel.apply_each(pure)  # re-init, then exactly one step of (ambient + AD) noise
    np.testing.assert_allclose(r.exact[1, 0], np.real(sim.psi[1] @ expected[0] @ sim.psi[1]), atol=1e-12)


def test_attacks_act_on_the_right_stage():
    sim = TwinSimulator(SCENARIOS["S2"], FalseDataInjection(), 4, EXACT)
    sim.reset(0, attacked=np.array([True, True, False, False]))
    for _ in range(7):
        r = sim.step(np.zeros(4, int))
    np.testing.assert_allclose(r.obs[:2], [[0.97, 0.05, 0.03]] * 2, atol=1e-6)
    assert r.exact[0, 0] < 0.9 and not np.allclose(r.obs[2:], [0.97, 0.05, 0.03])
    sim = TwinSimulator(SCENARIOS["S2"], FirmwareTrojan(rate=1.0), 2, EXACT)
    sim.reset(0, attacked=np.array([True, False]))
    executed = [sim.step(np.full(2, Action.REINIT)).executed for _ in range(7)]
    assert executed[-1][0] == Action.NOOP and executed[-1][1] == Action.REINIT
    sim = TwinSimulator(SCENARIOS["S2"], DenialOfService(rate=1.0), 2, EXACT)
    sim.reset(0, attacked=np.array([True, False]))
    outs = [sim.step(np.full(2, Action.REINIT)) for _ in range(7)]
    assert outs[-1].dropped[0] and not outs[-1].dropped[1]
    np.testing.assert_array_equal(outs[-1].obs[0], outs[-2].obs[0])  # stale observation
    assert list(sim.labels()) == [AttackType.DOS, AttackType.NONE]


def test_shot_estimates_track_exact_values():
    sim = TwinSimulator(SCENARIOS["S7"], None, 16, TwinConfig(steps=4, shots=20_000))
    sim.reset(5)
    for _ in range(4):
        r = sim.step(np.zeros(16, int))
    assert np.abs(r.measured[:, 0] - r.exact[:, 0]).max() < 0.05
    assert np.abs(r.measured[:, 2] - r.exact[:, 2]).mean() < 0.08


def test_vector_env_batches_and_autoresets():
    v = twin_env.CQDTVectorEnv(5, "S3", config=TwinConfig(steps=3, shots=None))
    obs, info = v.reset(seed=2)
    assert obs.shape == (5, 3) and info["label"].shape == (5,)
    for _ in range(3):
        obs, _rew, _term, trunc, info = v.step(np.zeros(5, int))
    assert trunc.all() and "final_obs" in info and v.sim.t == 0


def test_bad_inputs():
    with pytest.raises(ValueError, match="unknown scenario"):
        twin_env.CQDTEnv("S42")
    with pytest.raises(ValueError, match="unknown attack"):
        twin_env.CQDTEnv("S1", "teleport")
    env = twin_env.CQDTEnv("S1", None, EXACT)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="not in"):
        env.step(7)


def test_dense_shadow_maps_match_the_kernel_shadow():
    from qsec6g.quantum.measurement import PauliShadow
    from qsec6g.quantum.states import random_density
    from qsec6g.twin.simulator import shadow_maps

    for n in (1, 2, 3):
        rho = random_density(n, batch=3, rng=n)
        shadow = PauliShadow(n)
        p_map, a_map = shadow_maps(n)
        probs = np.real(rho.reshape(3, -1) @ p_map.T).reshape(3, 3**n, 2**n)
        np.testing.assert_allclose(probs, shadow.setting_probabilities(rho), atol=1e-12)
        counts = shadow.sample(rho, 500, 0)
        freq = counts.reshape(3, -1) / 500
        np.testing.assert_allclose((freq @ a_map.T).reshape(3, 2**n, 2**n), shadow.mean_snapshot(counts), atol=1e-12)
    # the simulator's shadow is unbiased: with many shots the mean snapshot approaches the state
    sim = TwinSimulator(SCENARIOS["S7"], None, 4, TwinConfig(steps=2, shots=400_000))
    sim.reset(0)
    assert np.abs(sim._shadow_mean(sim.rho) - sim.rho).max() < 0.02


def test_indicator_driven_channels_follow_the_telemetry():
    from qsec6g.quantum import channels as ch
    from qsec6g.twin.adversary import p_phase_flip_from_jitter

    cfg = TwinConfig(steps=40, shots=None, indicator_channels=True)
    sim = TwinSimulator(SCENARIOS["S2"], None, 2, cfg)  # sync drift -> phase flip from the phase jitter
    sim.reset(1, attacked=np.array([True, False]))
    for _ in range(39):
        sim.step(np.zeros(2, int))
    rho, psi_before, t = sim.rho, sim.psi, sim.t + 1
    p = p_phase_flip_from_jitter(sim.telemetry.indicators[:, t, 1])
    assert p[0] > 0.1 and p[1] < 1e-3  # drifted episode vs normal one
    sim.step(np.zeros(2, int))
    rot = follow_rotation(psi_before, sim.psi)
    followed = rot @ rho @ np.swapaxes(rot, 1, 2)
    expected = ch.phase_flip(p).apply_each(sim.ambient.apply_each(followed))
    np.testing.assert_allclose(sim.rho, expected, atol=1e-12)
