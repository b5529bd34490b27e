"""Defence policies for the CQDT twin: REINFORCE (softmax-linear, numpy), Stable-Baselines3 A2C / PPO / DQN, and
random / rule-based baselines. Every policy maps observations ``(B, 3)`` = [F, S, D] to actions ``(B,)``."""

from qsec6g.twin.agents.heuristic import NoopPolicy, Policy, RandomPolicy, RulePolicy
from qsec6g.twin.agents.reinforce import ReinforceConfig, SoftmaxLinearPolicy, train_reinforce

__all__ = ["NoopPolicy", "Policy", "RandomPolicy", "ReinforceConfig", "RulePolicy", "SoftmaxLinearPolicy",
           "train_reinforce"]
