"""Module classes for the PyTorch flavor's tests: importable, as a model's class must be to be loaded."""

from __future__ import annotations

import torch


class MLP(torch.nn.Module):
    def __init__(self, inputs: int = 4, hidden: int = 16, outputs: int = 2) -> None:
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(inputs, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, outputs)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class Normalised(torch.nn.Module):
    """With a buffer the weights file does not hold (``persistent=False``), set up by ``__init__``."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(3, 1)
        self.register_buffer("scale", torch.full((3,), 2.0), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x * self.scale)
