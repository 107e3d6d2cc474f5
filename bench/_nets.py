"""The PyTorch modules bench/models.py logs: importable, as both tools need the class to load them."""

from __future__ import annotations

import itertools

import torch


class MLP(torch.nn.Module):
    """``depth`` hidden layers of ``width`` units; at width 8,192 and depth 4 the weights are about 1 GB."""

    def __init__(self, inputs: int = 20, width: int = 64, depth: int = 2, outputs: int = 2) -> None:
        super().__init__()
        sizes = [inputs, *([width] * depth)]
        layers: list[torch.nn.Module] = []
        for before, after in itertools.pairwise(sizes):
            layers += [torch.nn.Linear(before, after), torch.nn.ReLU()]
        self.layers = torch.nn.Sequential(*layers, torch.nn.Linear(sizes[-1], outputs))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
