"""Keep torch to one thread per test worker: pytest-xdist already runs two workers on two cores."""

import torch

torch.set_num_threads(1)
