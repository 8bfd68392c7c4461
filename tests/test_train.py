"""train: the loop learns, is seeded, clips, records, stops, and leaves the caller's random state alone."""


import pytest
import torch
from torch import nn

from lecturekit import train


def _problem():
    """A linear regression y = x . w_true, fresh data at every step."""
    w_true = torch.tensor([2.0, -1.0, 0.5])

    def data(gen):
        x = torch.randn(32, 3, generator=gen)
        return x, x @ w_true

    def loss_fn(model, batch):
        x, y = batch
        return nn.functional.mse_loss(model(x).squeeze(-1), y)

    return data, loss_fn


def _model(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(3, 1)


def test_the_loss_goes_down_and_the_history_has_one_entry_per_step():
    data, loss_fn = _problem()
    h = train.train(_model(), loss_fn, data, steps=200, lr=0.05, progress=False)
    assert len(h) == len(h.loss) == len(h.grad_norm) == len(h.seconds) == 200
    assert h.step == list(range(1, 201))
    assert h.final(20) < 1e-3 < h.loss[0]
    assert h.first_below(0.01) is not None and h.seconds_to(0.01) <= h.seconds[-1]
    assert all(b >= a for a, b in zip(h.seconds, h.seconds[1:]))


def test_same_seed_same_history_and_the_global_random_state_is_restored():
    data, loss_fn = _problem()
    state = torch.random.get_rng_state()
    a = train.train(_model(), loss_fn, data, steps=30, lr=0.05, seed=4, progress=False)
    assert torch.equal(torch.random.get_rng_state(), state)
    b = train.train(_model(), loss_fn, data, steps=30, lr=0.05, seed=4, progress=False)
    c = train.train(_model(), loss_fn, data, steps=30, lr=0.05, seed=5, progress=False)
    assert a.loss == b.loss
    assert a.loss != c.loss


def test_clipping_bounds_each_update_and_records_the_norm_before_clipping():
    data, loss_fn = _problem()
    model = _model()
    with torch.no_grad():
        model.weight.fill_(10.0)  # a large loss: gradients far above the clip
    before = torch.cat([p.detach().flatten() for p in model.parameters()])
    h = train.train(model, loss_fn, data, steps=1, optimizer=torch.optim.SGD(model.parameters(), lr=1.0),
                    clip=0.1, progress=False)
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert h.grad_norm[0] > 1.0                                  # the norm before clipping
    assert (after - before).norm().item() == pytest.approx(0.1, rel=1e-5)  # SGD, lr 1: step = clipped gradient


def test_an_iterable_of_batches_is_cycled_and_metrics_are_recorded():
    _, loss_fn = _problem()
    batches = [(torch.ones(4, 3), torch.zeros(4)), (torch.zeros(4, 3), torch.ones(4))]

    def with_metric(model, batch):
        loss = loss_fn(model, batch)
        return loss, {"twice": 2 * loss.item()}

    h = train.train(_model(), with_metric, batches, steps=5, progress=False)
    assert len(h) == 5
    assert h.metrics["twice"] == pytest.approx([2 * v for v in h.loss])


def test_callback_every_few_steps_and_stop_when():
    data, loss_fn = _problem()
    seen = []
    h = train.train(_model(), loss_fn, data, steps=1000, lr=0.05, progress=False, every=10,
                    callback=lambda hist: seen.append(len(hist)), stop_when=lambda hist: hist.final(10) < 0.01)
    assert len(h) < 1000 and h.final(10) < 0.01
    assert seen[-1] == len(h)                       # called once more at the stop
    assert seen[:-1] == list(range(10, len(h), 10))[: len(seen) - 1]


def test_a_diverging_loss_stops_with_a_clear_error():
    data, loss_fn = _problem()
    model = _model()
    with pytest.raises(FloatingPointError, match="at step"):
        train.train(model, loss_fn, data, steps=500, optimizer=torch.optim.SGD(model.parameters(), lr=10.0),
                    progress=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": 0}, "steps"), ({"steps": 5, "clip": 0.0}, "clip"), ({"steps": 5, "every": 0}, "every"),
    ({"steps": 5, "decay": "linear"}, "decay"),
])
def test_bad_arguments_are_value_errors(kwargs, message):
    data, loss_fn = _problem()
    with pytest.raises(ValueError, match=message):
        train.train(_model(), loss_fn, data, progress=False, **kwargs)


def test_bad_data_is_a_value_error():
    _, loss_fn = _problem()
    with pytest.raises(ValueError, match="empty"):
        train.train(_model(), loss_fn, [], steps=2, progress=False)
    with pytest.raises(ValueError, match="iterable"):
        train.train(_model(), loss_fn, 42, steps=2, progress=False)


def test_smoothed_is_a_running_mean():
    h = train.History(step=[1, 2, 3, 4], loss=[4.0, 2.0, 0.0, 2.0])
    assert h.smoothed(2).tolist() == [4.0, 3.0, 1.0, 1.0]
    assert h.final(2) == 1.0
    assert h.first_below(1.5, window=2) == 3


def test_cosine_decay_follows_the_cosine_down_to_zero():
    """SGD with decay="cosine": step k moves the weights by lr_k * grad, lr_k = lr (1 + cos(pi k / n)) / 2."""
    import math

    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(0.0)
    # the loss -w has gradient -1 whatever w is: each step adds exactly the learning rate of that step
    seen = []
    h = train.train(model, lambda m, _b: -m.weight.sum(), lambda g: None, steps=4,
                    optimizer=torch.optim.SGD(model.parameters(), lr=1.0), decay="cosine", progress=False,
                    callback=lambda _h: seen.append(float(model.weight.detach())), every=1)
    expected = [sum((1 + math.cos(math.pi * k / 4)) / 2 for k in range(j + 1)) for j in range(4)]
    assert seen == pytest.approx(expected, abs=1e-6)
    assert len(h) == 4
