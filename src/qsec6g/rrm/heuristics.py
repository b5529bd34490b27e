"""Classical heuristics for the scheduling QUBO: simulated annealing (dwave-samplers), a genetic algorithm
(pygad), and the greedy and round-robin schedulers used in practice.

Every function returns a :class:`Solution` and draws its randomness from the seed or Generator it is given.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qsec6g.rrm.qubo import Qubo, ScheduleProblem
from qsec6g.seeding import SeedLike, make_rng


@dataclass(frozen=True)
class Solution:
    """A solver's answer: bitstring ``x``, its QUBO energy, wall time (s), and solver-specific extras (e.g. the
    energies of all samples of a sampling solver, used for the probability of hitting the optimum)."""

    solver: str
    x: np.ndarray
    energy: float
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


def _seed_int(seed: SeedLike) -> int:
    return int(make_rng(seed).integers(0, 2**31 - 1))


def simulated_annealing(qubo: Qubo, seed: SeedLike = None, num_reads: int = 100, num_sweeps: int = 1000) -> Solution:
    """``dwave.samplers.SimulatedAnnealingSampler`` with its default geometric β schedule."""
    from dwave.samplers import SimulatedAnnealingSampler

    n = qubo.n
    q = {(i, i): float(qubo.Q[i, i]) for i in range(n)}
    q.update({(i, j): 2.0 * float(qubo.Q[i, j]) for i in range(n) for j in range(i + 1, n) if qubo.Q[i, j] != 0.0})
    start = time.perf_counter()
    result = SimulatedAnnealingSampler().sample_qubo(q, num_reads=num_reads, num_sweeps=num_sweeps,
                                                     seed=_seed_int(seed))
    seconds = time.perf_counter() - start
    samples = result.record.sample[:, np.argsort(result.variables)]  # columns in variable order 0..n-1
    energies = qubo.energy(samples)
    best = int(np.argmin(energies))
    return Solution("SA", samples[best].astype(np.int8), float(energies[best]), seconds,
                    {"sample_energies": energies})


def genetic_algorithm(qubo: Qubo, seed: SeedLike = None, population: int = 50, generations: int = 200) -> Solution:
    """``pygad.GA`` over bitstrings: tournament selection, single-point crossover, random mutation, elitism.

    Fitness is ``-E(x)``, evaluated for the whole population at once.
    """
    import pygad

    def fitness(_ga: Any, solutions: np.ndarray, _idx: Any) -> np.ndarray:
        return -qubo.energy(np.asarray(solutions))

    start = time.perf_counter()
    ga = pygad.GA(
        num_generations=generations, num_parents_mating=population // 2, sol_per_pop=population,
        num_genes=qubo.n, gene_space=[0, 1], gene_type=int, fitness_func=fitness, fitness_batch_size=population,
        parent_selection_type="tournament", crossover_type="single_point", mutation_type="random",
        mutation_probability=1.0 / qubo.n, keep_elitism=2, random_seed=_seed_int(seed), suppress_warnings=True,
    )
    ga.run()
    x, _, _ = ga.best_solution(ga.last_generation_fitness)
    seconds = time.perf_counter() - start
    x = np.asarray(x, dtype=np.int8)
    return Solution("GA", x, float(qubo.energy(x)), seconds)


def greedy(problem: ScheduleProblem) -> Solution:
    """Add, one at a time, the conflict-free candidate that lowers the QUBO energy most, until ``K`` are on."""
    start = time.perf_counter()
    qubo = problem.qubo
    x = np.zeros(problem.n, dtype=np.int8)
    blocked = np.zeros(problem.n, dtype=bool)
    for _ in range(problem.limit):
        gain = np.diag(qubo.Q) + 2.0 * (qubo.Q @ x)  # energy change of switching each candidate on
        gain[blocked | (x == 1)] = np.inf
        i = int(np.argmin(gain))
        x[i] = 1
        blocked |= problem.conflicts[i]
    return Solution("greedy", x, float(qubo.energy(x)), time.perf_counter() - start)


def round_robin(problem: ScheduleProblem, slot: int) -> Solution:
    """Serve ``K`` users in cyclic order starting at ``slot · K``, each on its best still-free beam."""
    start = time.perf_counter()
    users = np.unique(problem.users)
    order = np.roll(users, -(slot * problem.limit) % users.size)
    x = np.zeros(problem.n, dtype=np.int8)
    used_beams: set[int] = set()
    for u in order:
        options = [i for i in np.flatnonzero(problem.users == u) if int(problem.beams[i]) not in used_beams]
        if not options:
            continue
        i = max(options, key=lambda c: problem.rates[c])
        x[i] = 1
        used_beams.add(int(problem.beams[i]))
        if x.sum() == problem.limit:
            break
    return Solution("round-robin", x, float(problem.qubo.energy(x)), time.perf_counter() - start)
