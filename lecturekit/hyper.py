"""Hypernetworks: weights that are the output of another network, w = H(u).

1. A hypernetwork H(u) that outputs the weights w of a main network G(x, w); one hypernetwork
   learns a whole family of functions (sine waves, u = (frequency, phase)).
   :class:`MainNet`, :class:`HyperNet`, :class:`HyperModel`, :func:`sine_family`,
   :func:`train_hypernetwork`, :func:`hyper_view`.

2. Ha, Dai & Le (2016), "HyperNetworks" (arXiv:1609.09106), section 3.1: a static hypernetwork
   that makes every convolution kernel from a small layer embedding z^j, and its parameter count.
   :class:`StaticHyperNetwork`, :func:`static_hypernetwork_parameters`,
   :func:`ordinary_kernel_parameters`.

The sine family is generated here, seeded by an argument; every module takes a ``seed``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .train import one_thread, seeded

__all__ = ["FREQUENCY_RANGE", "PHASE_RANGE", "X_RANGE", "sine", "SineBatch", "sine_family", "MainNet", "HyperNet",
           "HyperModel", "train_hypernetwork", "HyperView", "hyper_view", "weights_along_x", "PAPER_MNIST", "PAPER_RESNET",
           "static_hypernetwork_parameters", "ordinary_kernel_parameters", "StaticHyperNetwork",
           "ordinary_conv_stack"]


# ---------------------------------------------------------------------------------------------
# 1. Hypernetworks: H(u) makes the weights w of the main network G(x, w)
# ---------------------------------------------------------------------------------------------

#: the family the hypernetwork learns: y = sin(frequency * x + phase) on x in X_RANGE
FREQUENCY_RANGE = (0.5, 2.0)

PHASE_RANGE = (0.0, 2 * math.pi)

X_RANGE = (-math.pi, math.pi)

def sine(x, frequency, phase):
    """The family's member u = (frequency, phase): sin(frequency * x + phase) (numpy or torch)."""
    lib = torch if isinstance(x, torch.Tensor) else np
    return lib.sin(frequency * x + phase)

@dataclass(frozen=True)
class SineBatch:
    """A batch of tasks from the sine family, as float32 tensors."""

    u: torch.Tensor  # (B, 2): (frequency, phase) of each task
    x: torch.Tensor  # (B, N): sample points in X_RANGE
    y: torch.Tensor  # (B, N): sin(frequency * x + phase)

def sine_family(n_tasks: int, n_points: int, *, generator: torch.Generator) -> SineBatch:
    """``n_tasks`` random members of the family, each sampled at ``n_points`` random x.

    frequency uniform in FREQUENCY_RANGE, phase uniform in PHASE_RANGE, x uniform in X_RANGE.
    """
    r = torch.rand(n_tasks, 2, generator=generator)
    lo = torch.tensor([FREQUENCY_RANGE[0], PHASE_RANGE[0]])
    hi = torch.tensor([FREQUENCY_RANGE[1], PHASE_RANGE[1]])
    u = lo + (hi - lo) * r  # (B, 2)
    x = X_RANGE[0] + (X_RANGE[1] - X_RANGE[0]) * torch.rand(n_tasks, n_points, generator=generator)
    return SineBatch(u=u, x=x, y=sine(x, u[:, :1], u[:, 1:]))

class MainNet(nn.Module):
    """The main network G(x, w): one input, ``hidden`` tanh units, one output. No weights of its own.

        G(x, w) = w_2 . tanh(w_1 x + b_1) + b_2,    w = (w_1, b_1, w_2, b_2) flattened

    Shapes: w_1, b_1, w_2 (H,), b_2 (); the flat w has ``n_weights = 3 H + 1`` entries, in that order.
    ``forward(x, w)``: x (B, N) points, w (B, n_weights), one weight vector per row -> y (B, N).
    """

    def __init__(self, hidden: int = 16):
        super().__init__()
        self.hidden = hidden
        self.n_weights = 3 * hidden + 1

    def split(self, w: torch.Tensor) -> dict[str, torch.Tensor]:
        """Flat weights (B, n_weights) -> named views: w_1, b_1, w_2 (B, H) and b_2 (B,)."""
        if w.shape[-1] != self.n_weights:
            raise ValueError(f"G needs {self.n_weights} weights per row; got {w.shape[-1]}")
        H = self.hidden
        return {"w_1": w[..., :H], "b_1": w[..., H:2 * H], "w_2": w[..., 2 * H:3 * H], "b_2": w[..., 3 * H]}

    def units(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """The hidden units' contributions w_2[h] tanh(w_1[h] x + b_1[h]): x (B, N) -> (B, N, H)."""
        p = self.split(w)
        h = torch.tanh(x[:, :, None] * p["w_1"][:, None, :] + p["b_1"][:, None, :])  # (B, N, H)
        return h * p["w_2"][:, None, :]

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return self.units(x, w).sum(-1) + self.split(w)["b_2"][:, None]  # (B, N)

class HyperNet(nn.Module):
    """The hypernetwork H(u): u = (frequency, phase) -> the main network's weights w.

        w = H(u) = V_3 tanh(V_2 tanh(V_1 f(u) + c_1) + c_2) + c_3,   f(u) = (frequency, cos phase, sin phase)

    The phase enters as (cos, sin) because phase 0 and 2 pi are the same function. Shapes:
    u (B, 2) -> w (B, n_weights). At initialisation c_3 holds one ordinary random initialisation
    of G and V_3 is small, so H starts by making (nearly) the same sensible G for every u.
    """

    def __init__(self, n_weights: int, hidden: int = 64, *, sees_input: bool = False):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(4 if sees_input else 3, hidden), nn.Tanh(), nn.Linear(hidden, hidden),
                                    nn.Tanh(), nn.Linear(hidden, n_weights))

    def reset_output(self, start: torch.Tensor, *, scale: float = 0.1) -> None:
        """Make H(u) start near ``start`` (n_weights,) for every u: c_3 = start, V_3 scaled by ``scale``."""
        last = self.layers[-1]
        with torch.no_grad():
            last.weight.mul_(scale)
            last.bias.copy_(start)

    def forward(self, u: torch.Tensor, x: torch.Tensor | None = None) -> torch.Tensor:
        """u (B, 2) -> w (B, n_weights); with the main network's inputs x (B, N) as well (w = H(x, u), a
        hypernetwork that sees the input): one weight vector per point, (B, N, n_weights)."""
        f = torch.stack([u[:, 0], torch.cos(u[:, 1]), torch.sin(u[:, 1])], dim=-1)  # (B, 2) -> (B, 3)
        if x is None:
            if self.layers[0].in_features != 3:
                raise ValueError("this hypernetwork sees the input too: call it as H(u, x)")
            return self.layers(f)  # (B, n_weights)
        if self.layers[0].in_features != 4:
            raise ValueError("this hypernetwork sees only u: call it as H(u)")
        f = torch.cat([f[:, None, :].expand(-1, x.shape[1], -1), x[:, :, None]], dim=-1)  # (B, N, 4)
        return self.layers(f)  # (B, N, n_weights)

class HyperModel(nn.Module):
    """H and G together: y = G(x, H(u)), or with ``sees_input`` y = G(x, H(x, u)). Only H has trainable parameters.

    ``generated_weights(u)`` returns the named weights H makes for each u, which is what the
    dashboard draws. ``forward(x, u)``: x (B, N), u (B, 2) -> y (B, N).
    """

    def __init__(self, *, main_hidden: int = 16, hyper_hidden: int = 32, sees_input: bool = False, seed: int = 0):
        super().__init__()
        self.main = MainNet(main_hidden)
        self.sees_input = sees_input
        with seeded(seed):  # nn.Linear draws from the global generator: seed a fork of it
            self.hyper = HyperNet(self.main.n_weights, hyper_hidden, sees_input=sees_input)
        g = torch.Generator().manual_seed(seed)
        H = main_hidden
        start = torch.cat([torch.randn(H, generator=g),                   # w_1: input weights, slopes ~ 1
                           torch.randn(H, generator=g),                   # b_1: kinks spread over x
                           torch.randn(H, generator=g) / math.sqrt(H),    # w_2: output scaled by 1/sqrt(H)
                           torch.zeros(1)])                               # b_2
        self.hyper.reset_output(start)

    def forward(self, x: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        if self.sees_input:   # w = H(x, u): G's weights change from point to point, G applied pointwise
            w = self.hyper(u, x)                                             # (B, N, n_weights)
            return self.main(x.reshape(-1, 1), w.reshape(-1, w.shape[-1])).reshape(x.shape)
        return self.main(x, self.hyper(u))

    def generated_weights(self, u: torch.Tensor) -> dict[str, torch.Tensor]:
        """The weights H(u) as named tensors: w_1, b_1, w_2 (B, H) and b_2 (B,)."""
        return self.main.split(self.hyper(u))

def train_hypernetwork(model: HyperModel, *, steps: int = 800, tasks: int = 32, points: int = 64,
                       lr: float = 5e-3, seed: int = 0) -> np.ndarray:
    """Train H so that G(x, H(u)) fits sin(frequency x + phase) over the family; returns the losses.

    Each step draws ``tasks`` fresh members of the family with ``points`` samples each, and takes
    one Adam step on the mean squared error; the learning rate decays to 0 along a cosine. Seeded
    by ``seed``. Runs on one thread (see :func:`lecturekit.train.one_thread`).
    """
    generator = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    losses = np.empty(steps)
    with one_thread():
        for step in range(steps):
            batch = sine_family(tasks, points, generator=generator)
            loss = ((model(batch.x, batch.u) - batch.y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            losses[step] = loss.item()
    return losses

@dataclass(frozen=True)
class HyperView:
    """What the dashboard draws for one u: the target, G's output, and the weights H made."""

    frequency: float
    phase: float
    x: np.ndarray                  # (N,) a grid over X_RANGE
    target: np.ndarray             # (N,) sin(frequency x + phase)
    output: np.ndarray             # (N,) G(x, H(u))
    units: np.ndarray              # (N, H) each hidden unit's contribution to the output
    weights: dict[str, np.ndarray]  # w_1, b_1, w_2 (H,) and b_2 ()
    mse: float                     # mean squared error on the grid
    in_training_range: bool        # was the frequency inside the range H was trained on? (phase is periodic)

def hyper_view(model: HyperModel, frequency: float, phase: float, *, n_points: int = 200) -> HyperView:
    """One forward pass of H and G for u = (frequency, phase), on a grid of ``n_points`` x."""
    x = torch.linspace(X_RANGE[0], X_RANGE[1], n_points)[None, :]  # (1, N)
    u = torch.tensor([[frequency, phase]], dtype=torch.float32)  # (1, 2)
    with torch.no_grad():
        w = model.hyper(u)  # (1, n_weights)
        units = model.main.units(x, w)  # (1, N, H)
        output = model.main(x, w)  # (1, N)
    target = sine(x, frequency, phase)
    lo_f, hi_f = FREQUENCY_RANGE
    return HyperView(
        frequency=float(frequency), phase=float(phase),
        x=x[0].numpy(), target=target[0].numpy(), output=output[0].numpy(), units=units[0].numpy(),
        weights={name: value[0].numpy() for name, value in model.main.split(w).items()},
        mse=float(((output - target) ** 2).mean()),
        in_training_range=bool(lo_f <= frequency <= hi_f),
    )


def weights_along_x(model: HyperModel, frequency: float, phase: float, *, n_points: int = 200):
    """G's output and the weights H makes, on a grid of ``n_points`` x, for u = (frequency, phase).

    Returns ``(x, output, target, weights)``: x, output, target (N,); weights maps w_1, b_1, w_2 to (N, H) and
    b_2 to (N,): the same row at every x for H(u), one row per x for a hypernetwork that sees the input.
    """
    x = torch.linspace(X_RANGE[0], X_RANGE[1], n_points)[None, :]  # (1, N)
    u = torch.tensor([[frequency, phase]], dtype=torch.float32)
    with torch.no_grad():
        w = model.hyper(u, x)[0] if model.sees_input else model.hyper(u).expand(n_points, -1)  # (N, n_weights)
        output = model(x, u)[0]
    weights = {name: value.numpy() for name, value in model.main.split(w).items()}
    return x[0].numpy(), output.numpy(), sine(x, frequency, phase)[0].numpy(), weights


# ---------------------------------------------------------------------------------------------
# 2. Ha, Dai & Le (2016): a static hypernetwork for convolution kernels
# ---------------------------------------------------------------------------------------------

#: the paper's MNIST setting: the 7x7 kernel of a 16 -> 16 channel layer, made from z^j of size 4
PAPER_MNIST = dict(n_z=4, d=4, n_in=16, n_out=16, f_size=7, n_layers=1)

#: the paper's residual-network setting: every 3x3 kernel is built of 16 x 16 blocks,
#: each block made from its own embedding z^j of size N_z = 64 (d = N_z); n_layers counts blocks
PAPER_RESNET = dict(n_z=64, d=64, n_in=16, n_out=16, f_size=3)

def static_hypernetwork_parameters(*, n_z: int, d: int, n_in: int, n_out: int, f_size: int, n_layers: int) -> int:
    """The learnable parameters of Ha, Dai & Le's static hypernetwork (arXiv:1609.09106, section 3.1).

        N_z D  +  d (N_z + 1) N_in  +  f_size N_out f_size (d + 1)

    the D layer embeddings z^j (N_z each); the first layer's N_in matrices W_i (d, N_z) and biases
    B_i (d); the shared output layer W_out (f_size N_out f_size, d) and B_out. The paper writes
    N_i for N_in.
    """
    return n_z * n_layers + d * (n_z + 1) * n_in + f_size * n_out * f_size * (d + 1)

def ordinary_kernel_parameters(*, n_in: int, n_out: int, f_size: int, n_layers: int) -> int:
    """The kernels of D ordinary convolution layers, stored directly: D N_in f_size N_out f_size."""
    return n_layers * n_in * f_size * n_out * f_size

class StaticHyperNetwork(nn.Module):
    """Ha, Dai & Le's static hypernetwork: D kernels K^j (N_out, N_in, f, f) from embeddings z^j.

        a_i^j = W_i z^j + B_i                   i = 1..N_in        (N_z -> d, one W_i per input channel)
        K_i^j = <W_out, a_i^j> + B_out           (d -> f_size N_out f_size, shared by all i and all j)
        K^j   = (K_1^j  K_2^j  ...  K_(N_in)^j)

    The learnable parameters are the z^j, the W_i and B_i (stacked into one ``nn.Linear`` of
    N_z -> N_in d) and W_out, B_out. ``forward()`` returns every layer's kernel in torch's
    ``conv2d`` layout (D, N_out, N_in, f, f); ``kernel(j)`` one of them.
    """

    def __init__(self, *, n_z: int, d: int, n_in: int, n_out: int, f_size: int, n_layers: int, seed: int = 0):
        super().__init__()
        self.n_z, self.d, self.n_in, self.n_out, self.f_size, self.n_layers = n_z, d, n_in, n_out, f_size, n_layers
        with seeded(seed):  # seeded without touching the caller's generator
            self.z = nn.Parameter(0.1 * torch.randn(n_layers, n_z))      # (D, N_z): the layer embeddings z^j
            self.first = nn.Linear(n_z, n_in * d)                          # W_i, B_i for i = 1..N_in
            self.out = nn.Linear(d, f_size * n_out * f_size)               # W_out, B_out

    def forward(self) -> torch.Tensor:
        D, f = self.n_layers, self.f_size
        a = self.first(self.z).view(D, self.n_in, self.d)              # (D, N_z) -> (D, N_in, d): a_i^j
        K = self.out(a).view(D, self.n_in, self.n_out, f, f)           # (D, N_in, N_out, f, f): K_i^j
        return K.transpose(1, 2)                                       # (D, N_out, N_in, f, f)

    def kernel(self, j: int) -> torch.Tensor:
        """Layer j's kernel (N_out, N_in, f, f)."""
        return self.forward()[j]

def ordinary_conv_stack(*, n_in: int, n_out: int, f_size: int, n_layers: int, seed: int = 0) -> nn.ModuleList:
    """D ordinary ``nn.Conv2d`` layers whose kernels are the parameters (no biases, as in the count)."""
    with seeded(seed):
        return nn.ModuleList(nn.Conv2d(n_in, n_out, f_size, bias=False) for _ in range(n_layers))
